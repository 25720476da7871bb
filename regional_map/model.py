"""The closed vocabularies of the domain: kinds of place, network types, link types.

Each entry carries its labels in nl/fr/en so that every output (map, API, exports) names
things the same way. The seeds (``../shared/seeds``) describe each of these; see DESIGN.md §1.
"""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("nl", "fr", "en")


@dataclass(frozen=True)
class Term:
    code: str
    nl: str
    fr: str
    en: str

    def label(self, lang: str = "en") -> str:
        return getattr(self, lang if lang in LANGUAGES else "en")


PLACE_KINDS: dict[str, Term] = {
    t.code: t
    for t in (
        Term("farm_shop", "Hoevewinkel", "Magasin à la ferme", "Farm shop"),
        Term("farmers_market", "Boerenmarkt", "Marché fermier", "Farmers' market"),
        Term("pickup_point", "Afhaalpunt", "Point d'enlèvement", "Pickup point"),
        Term("vending_machine", "Automaat", "Distributeur automatique", "Vending machine"),
        Term("csa_farm", "CSA-boerderij", "Ferme ASC", "CSA farm"),
        Term("producer", "Producent", "Producteur", "Producer"),
        Term("beekeeper", "Imker", "Apiculteur", "Beekeeper"),
        Term(
            "cooperative_shop", "Coöperatieve winkel", "Magasin coopératif", "Cooperative shop"
        ),
        Term(
            "shortchain_supermarket",
            "Korte-ketensupermarkt",
            "Supermarché circuit court",
            "Short-chain supermarket",
        ),
        Term("processing_hub", "Verwerkingshub", "Atelier de transformation", "Processing hub"),
        Term("restaurant", "Horeca", "Horeca", "Restaurant"),
        Term(
            "institution_kitchen",
            "Grootkeuken",
            "Cuisine de collectivité",
            "Institution kitchen",
        ),
        Term("retail_shop", "Winkel", "Magasin", "Shop"),
        Term("distribution_hub", "Distributiepunt", "Plateforme logistique", "Distribution hub"),
    )
}

# What a network (an organisation that links places) is.
NETWORK_TYPES: dict[str, Term] = {
    t.code: t
    for t in (
        Term("cooperative", "Coöperatie", "Coopérative", "Cooperative"),
        Term(
            "distribution_platform",
            "Distributieplatform",
            "Plateforme de distribution",
            "Distribution platform",
        ),
        Term(
            "producer_consumer_coop",
            "Producenten-consumentencoöperatie",
            "Coopérative producteurs-consommateurs",
            "Producer–consumer cooperative",
        ),
        Term("box_scheme", "Groente- of vleespakket", "Panier / colis", "Box scheme"),
        Term(
            "processing_hub", "Gedeelde verwerking", "Transformation partagée", "Shared processing"
        ),
        Term(
            "municipal_showcase",
            "Uithangbord van de gemeente",
            "Vitrine communale",
            "Municipal showcase",
        ),
        Term(
            "market_organisation", "Marktorganisatie", "Organisation de marché",
            "Market organisation",
        ),
        Term("other", "Ander netwerk", "Autre réseau", "Other network"),
    )
}

# Typed, directed links: "<from> <type> <to>".
LINK_TYPES: dict[str, Term] = {
    t.code: t
    for t in (
        Term("member_of", "is lid van", "est membre de", "member of"),
        Term("supplies", "levert aan", "fournit", "supplies"),
        Term(
            "sells_products_of", "verkoopt producten van", "vend les produits de",
            "sells products of",
        ),
        Term(
            "pickup_point_of", "is afhaalpunt van", "est point d'enlèvement de",
            "pickup point of",
        ),
        Term("processes_for", "verwerkt voor", "transforme pour", "processes for"),
        Term("exchanges_with", "wisselt uit met", "échange avec", "exchanges with"),
    )
}

STATUSES = ("active", "temporarily_closed", "closed")

# How a point was obtained, best first; a better precision is never overwritten by a worse one.
PRECISIONS = ("manual", "source", "address", "street", "postcode", "municipality")


def precision_rank(precision: str | None) -> int:
    """Lower is better; unknown precisions rank last."""
    try:
        return PRECISIONS.index(precision or "")
    except ValueError:
        return len(PRECISIONS)


def kind_label(code: str, lang: str = "en") -> str:
    term = PLACE_KINDS.get(code)
    return term.label(lang) if term else code


def shown_name(place: dict, lang: str) -> str:
    """The name to show a visitor in ``lang``: a derived name ("Melkautomaat · Waver") in
    their language; a name the source gave, as it is."""
    extra = place.get("extra") or {}
    if extra.get("name_derived"):
        return (extra.get("derived_names") or {}).get(lang) or place["name"]
    return place["name"]
