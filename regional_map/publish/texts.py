"""The static edition's interface texts in Dutch, French and English.

The edition is one language (``publish --lang``); its page is rendered with these texts and
its script reads them from ``edition.json``, so the page needs no translation machinery.
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "search_label": "Search by name, town or product",
        "search_placeholder": "eggs, Gent, farm shop…",
        "sources": "Sources and licences",
        "map_label": "Map of the places",
        "place": "place", "places": "places",
        "cluster": "{count} places here: zoom in to see them.",
        "loading": "Loading details…", "unavailable": "Details are not available.",
        "hours": "Hours", "products": "Products", "source": "Source", "no_name": "(no name)",
    },
    "nl": {
        "search_label": "Zoek op naam, gemeente of product",
        "search_placeholder": "eieren, Gent, hoevewinkel…",
        "sources": "Bronnen en licenties",
        "map_label": "Kaart van de plaatsen",
        "place": "plaats", "places": "plaatsen",
        "cluster": "{count} plaatsen hier: zoom in om ze te zien.",
        "loading": "Details laden…", "unavailable": "De details zijn niet beschikbaar.",
        "hours": "Openingsuren", "products": "Producten", "source": "Bron",
        "no_name": "(zonder naam)",
    },
    "fr": {
        "search_label": "Chercher par nom, commune ou produit",
        "search_placeholder": "œufs, Namur, magasin à la ferme…",
        "sources": "Sources et licences",
        "map_label": "Carte des lieux",
        "place": "lieu", "places": "lieux",
        "cluster": "{count} lieux ici : zoomez pour les voir.",
        "loading": "Chargement des détails…", "unavailable": "Les détails ne sont pas disponibles.",
        "hours": "Heures d'ouverture", "products": "Produits", "source": "Source",
        "no_name": "(sans nom)",
    },
}


def texts(lang: str) -> dict[str, str]:
    """The texts of ``lang``, English for a language the edition does not have."""
    return TEXTS.get(lang, TEXTS["en"])
