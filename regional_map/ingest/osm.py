"""OpenStreetMap tags → Regional Map fields.

The shipped sample (and any Overpass export flattened to GeoJSON) carries raw OSM tags as
properties. This maps them to the canonical field names that ``rows.py`` validates, so OSM data
goes through the same checks as a spreadsheet.
"""

from __future__ import annotations

from regional_map.model import kind_label

OSM_LICENCE = "ODbL-1.0"
OSM_ATTRIBUTION = "© OpenStreetMap contributors (ODbL)"

# OSM payment:* keys → our payment method codes.
PAYMENT_KEYS = {
    "payment:cash": "cash", "payment:coins": "cash", "payment:notes": "cash",
    "payment:debit_cards": "debit_card", "payment:maestro": "debit_card",
    "payment:bancontact": "debit_card", "payment:v_pay": "debit_card",
    "payment:credit_cards": "credit_card", "payment:visa": "credit_card",
    "payment:mastercard": "credit_card", "payment:cards": "debit_card",
    "payment:contactless": "contactless", "payment:qr_code": "qr_code",
    "payment:payconiq": "qr_code", "payment:app": "app", "payment:sms": "app",
}
_YES = {"yes", "only", "designated"}


def looks_like_osm(columns: list[str], metadata: dict) -> bool:
    """An OSM export has an ``osm_id`` property or ODbL OSM metadata, and OSM-style tags."""
    licence = str(metadata.get("license") or metadata.get("licence") or "")
    tagged = any(c in columns for c in ("shop", "amenity", "craft", "vending"))
    return tagged and ("osm_id" in columns or "ODbL" in licence)


def osm_kind(tags: dict[str, str]) -> str | None:
    if tags.get("amenity") == "vending_machine":
        return "vending_machine"
    if tags.get("amenity") == "marketplace":
        return "farmers_market"
    if tags.get("shop") == "farm":
        # A beekeeper or cheese maker with a shop: the shop is what a visitor comes for.
        return "farm_shop"
    if tags.get("craft") == "beekeeper":
        return "beekeeper"
    if tags.get("shop") in ("greengrocer", "deli", "cheese", "butcher", "dairy", "supermarket",
                            "wholesale"):
        return "retail_shop"
    if tags.get("amenity") in ("restaurant", "fast_food", "cafe"):
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


def osm_to_fields(tags: dict[str, str]) -> dict[str, str]:
    """Canonical text fields from one feature's OSM tags (validation happens later)."""
    payments = sorted({code for key, code in PAYMENT_KEYS.items() if tags.get(key) in _YES})
    organic = tags.get("organic", "")
    products = ";".join(v for v in (tags.get("vending"), tags.get("produce"),
                                    tags.get("product"), tags.get("products"),
                                    tags.get("sells")) if v)
    fields = {
        "source_ref": tags.get("osm_id") or tags.get("id") or "",
        "name": _first(tags, "name", "name:nl", "name:fr", "brand", "official_name"),
        "kind": osm_kind(tags) or "",
        "description": _first(tags, "description", "description:nl", "description:fr", "note"),
        "street": tags.get("addr:street", ""),
        "housenumber": tags.get("addr:housenumber", ""),
        "postcode": tags.get("addr:postcode", ""),
        "city": tags.get("addr:city", ""),
        "country": tags.get("addr:country", "") or tags.get("_country", ""),
        "opening_hours": tags.get("opening_hours", ""),
        "products": products,
        "organic": {"only": "yes", "yes": "yes", "no": "no"}.get(organic, ""),
        "payment": ";".join(payments),
        "website": _first(tags, "website", "contact:website", "url"),
        "phone": _first(tags, "phone", "contact:phone", "contact:mobile"),
        "email": _first(tags, "email", "contact:email"),
        "last_confirmed": _first(tags, "check_date", "survey:date"),
        "operator": tags.get("operator", ""),
    }
    if tags.get("shop") == "wholesale" or tags.get("wholesale") not in (None, "", "no"):
        fields["sells_to_business"] = "yes"  # wholesale=* / shop=wholesale: sells to businesses
    if tags.get("disused:shop") or tags.get("disused:amenity"):
        fields["status"] = "closed"
    return fields


def derived_name(kind: str, fields: dict[str, str], lang: str) -> str:
    """A readable name for an unnamed OSM feature (many vending machines and markets are).

    ``"Automaat – Geel"`` from the kind label and the operator or town, so that the list and the
    map never show a blank entry.
    """
    label = kind_label(kind, lang)
    where = fields.get("operator") or fields.get("city") or ""
    return f"{label} – {where}" if where else label
