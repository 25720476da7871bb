"""OpenStreetMap tags → Regional Map fields: the one OSM tag mapping of every OSM format.

GeoJSON (osmtogeojson, overpass turbo, the shipped sample), Overpass JSON, OSM XML and PBF
are all read into plain ``{tag: value}`` dicts (``osm_formats.py``); this module maps those
tags to the canonical field names that ``rows.py`` validates, so OSM data goes through the same
checks as a spreadsheet. Product words come from ``vending``, ``produce``, ``sells``,
``product`` and their ``:nl``/``:fr``/``:de``/``:en`` variants; German words are translated
first (``osm_words.py``) because the vocabulary knows Dutch, French and English.
"""

from __future__ import annotations

import re

from regional_map.ingest.osm_words import translate_words

OSM_LICENCE = "ODbL-1.0"
OSM_ATTRIBUTION = "© OpenStreetMap contributors (ODbL)"

# OSM payment:* keys → our payment method codes.
PAYMENT_KEYS = {
    "payment:cash": "cash", "payment:coins": "cash", "payment:notes": "cash",
    "payment:debit_cards": "debit_card", "payment:maestro": "debit_card",
    "payment:bancontact": "debit_card", "payment:v_pay": "debit_card",
    "payment:girocard": "debit_card", "payment:ec_karte": "debit_card",
    "payment:credit_cards": "credit_card", "payment:visa": "credit_card",
    "payment:mastercard": "credit_card", "payment:cards": "debit_card",
    "payment:contactless": "contactless", "payment:qr_code": "qr_code",
    "payment:payconiq": "qr_code", "payment:app": "app", "payment:sms": "app",
}
_YES = {"yes", "only", "designated"}
# Tags whose values name products; each also with a language suffix (produce:de …).
PRODUCT_KEYS = ("vending", "produce", "sells", "product", "products", "goods")
_LANG_SUFFIXES = ("", ":nl", ":fr", ":de", ":en")
# ``vending:milk=yes``, ``sells:eggs=yes``: the product is in the key.
_PRODUCT_KEY_PREFIXES = ("vending:", "sells:", "produce:", "product:")
OSM_REF = re.compile(r"^(node|way|relation|n|w|r)[/ ]?(\d+)$")
_TYPE_LETTERS = {"n": "node", "w": "way", "r": "relation"}


def osm_ref(value: str) -> tuple[str, int] | None:
    """``"node/123"`` (or ``n123``, ``way 5``) → ``("node", 123)``; None for anything else."""
    match = OSM_REF.match((value or "").strip())
    if not match:
        return None
    kind = _TYPE_LETTERS.get(match.group(1), match.group(1))
    return kind, int(match.group(2))


def looks_like_osm(columns: list[str], metadata: dict) -> bool:
    """Recognise OSM by content: OSM-style ids, an OSM copyright or ODbL licence, OSM tags.

    overpass turbo's GeoJSON has ``id: "node/123"`` and a top-level ``copyright``; the shipped
    sample has ``osm_id`` and an ODbL ``license``; Overpass JSON, XML and PBF are OSM anyway.
    """
    if metadata.get("osm_format"):
        return True
    tagged = any(c in columns for c in ("shop", "amenity", "craft", "vending", "landuse"))
    licence = " ".join(str(metadata.get(k) or "") for k in ("license", "licence", "copyright"))
    osm_ids = ("osm_id" in columns or "@id" in columns or metadata.get("osm_ids", False))
    return tagged and (osm_ids or "ODbL" in licence or "openstreetmap" in licence.lower())


def osm_kind(tags: dict[str, str]) -> str | None:
    """The kind of place an element is, from its tags (None: not one of ours)."""
    amenity, shop = tags.get("amenity"), tags.get("shop")
    if amenity == "vending_machine":
        return "vending_machine"
    if amenity == "marketplace":
        return "farmers_market"
    if shop == "farm":
        # A beekeeper or cheese maker with a shop: the shop is what a visitor comes for.
        return "farm_shop"
    if tags.get("craft") == "beekeeper" or shop == "honey":
        return "beekeeper"
    if shop in ("greengrocer", "deli", "cheese", "butcher", "dairy", "supermarket", "organic",
                "health_food", "bakery", "wholesale"):
        return "retail_shop"
    if amenity in ("restaurant", "fast_food", "cafe"):
        return "restaurant"
    if tags.get("place") == "farm" or tags.get("landuse") == "farmyard":
        return "producer"
    if tags.get("vending"):
        # A vending=* tag without amenity=vending_machine is still a machine (mis-tagged).
        return "vending_machine"
    return None


def _first(tags: dict[str, str], *keys: str) -> str:
    for key in keys:
        value = tags.get(key, "").strip()
        if value:
            return value
    return ""


def product_text(tags: dict[str, str]) -> str:
    """Every product word the tags give, ``;``-separated, German words translated."""
    parts = [tags[key + suffix] for key in PRODUCT_KEYS for suffix in _LANG_SUFFIXES
             if tags.get(key + suffix)]
    for key, value in tags.items():
        if key.startswith(_PRODUCT_KEY_PREFIXES) and value in _YES and ":" not in key[8:]:
            parts.append(key.split(":", 1)[1])
    return ";".join(translate_words(part) for part in parts)


def _last_confirmed(tags: dict[str, str]) -> str:
    """The newest of the survey dates: OSM mappers record when they checked on the ground."""
    dates = [tags[k] for k in ("check_date", "survey:date", "check_date:opening_hours",
                               "survey_date", "lastcheck") if tags.get(k)]
    iso = sorted((d for d in dates if re.match(r"^\d{4}-\d{2}(-\d{2})?$", d)), reverse=True)
    return iso[0] if iso else (dates[0] if dates else "")


def osm_to_fields(tags: dict[str, str]) -> dict[str, str]:
    """Canonical text fields from one element's OSM tags (validation happens later)."""
    payments = sorted({code for key, code in PAYMENT_KEYS.items() if tags.get(key) in _YES})
    organic = tags.get("organic", "")
    fields = {
        "source_ref": tags.get("osm_id") or tags.get("@id") or tags.get("id") or "",
        "name": _first(tags, "name", "name:nl", "name:fr", "name:de", "name:en",
                       "official_name", "brand"),
        "kind": osm_kind(tags) or "",
        "description": _first(tags, "description", "description:nl", "description:fr",
                              "description:de", "description:en", "note"),
        "street": _first(tags, "addr:street", "addr:place"),
        "housenumber": tags.get("addr:housenumber", ""),
        "postcode": tags.get("addr:postcode", ""),
        "city": _first(tags, "addr:city", "addr:town", "addr:village", "addr:municipality"),
        "country": tags.get("addr:country", "") or tags.get("_country", ""),
        "opening_hours": tags.get("opening_hours", ""),
        "products": product_text(tags),
        "organic": {"only": "yes", "yes": "yes", "no": "no"}.get(organic, organic),
        "payment": ";".join(payments),
        "website": _first(tags, "website", "contact:website", "url", "brand:website"),
        "phone": _first(tags, "phone", "contact:phone", "contact:mobile", "mobile"),
        "email": _first(tags, "email", "contact:email"),
        "last_confirmed": _last_confirmed(tags),
        "operator": tags.get("operator", ""),
        "brand": tags.get("brand", ""),
        "network": tags.get("network", ""),
    }
    if tags.get("shop") == "wholesale" or tags.get("wholesale") not in (None, "", "no"):
        fields["sells_to_business"] = "yes"  # wholesale=* / shop=wholesale: sells to businesses
    if any(tags.get(k) for k in ("disused:shop", "disused:amenity", "abandoned:shop",
                                 "abandoned:amenity")) or tags.get("opening_hours") == "closed":
        fields["status"] = "closed"
    return fields
