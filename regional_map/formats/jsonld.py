"""schema.org JSON-LD for a place page, safe to embed in a ``<script>`` data block."""

from __future__ import annotations

import json

_TYPES = {
    "farm_shop": "Store",
    "cooperative_shop": "Store",
    "shortchain_supermarket": "GroceryStore",
    "retail_shop": "Store",
    "restaurant": "Restaurant",
    "vending_machine": "LocalBusiness",
}


def schema_type(kind: str) -> str:
    # schema.org has no FarmersMarket type in its core vocabulary; a market is an Event series
    # held at a Place, so it is described as a LocalBusiness with a market additionalType.
    if kind == "farmers_market":
        return "LocalBusiness"
    return _TYPES.get(kind, "LocalBusiness")


def place_jsonld(place: dict, url: str) -> str:
    """The JSON-LD text. ``<``, ``>`` and ``&`` are escaped so that a name containing
    ``</script>`` cannot end the data block early."""
    data = {
        "@context": "https://schema.org",
        "@type": schema_type(place["kind"]),
        "@id": url,
        "url": url,
        "name": place["name"],
        "geo": {"@type": "GeoCoordinates", "latitude": place["lat"], "longitude": place["lon"]},
    }
    if place["kind"] == "farmers_market":
        data["additionalType"] = "https://en.wikipedia.org/wiki/Farmers%27_market"
    if place.get("description"):
        data["description"] = place["description"]
    address = {
        "@type": "PostalAddress",
        "streetAddress": " ".join(filter(None, [place.get("street"), place.get("housenumber")])),
        "postalCode": place.get("postcode") or None,
        "addressLocality": place.get("city") or None,
        "addressCountry": place.get("country") or None,
    }
    address = {k: v for k, v in address.items() if v}
    if len(address) > 1:
        data["address"] = address
    if place.get("opening_hours"):
        data["openingHours"] = place["opening_hours"]
    for key, field in (("telephone", "phone"), ("email", "email"), ("sameAs", "website")):
        if place.get(field):
            data[key] = place[field]
    if place.get("status") == "closed":
        data["publicAccess"] = False
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
