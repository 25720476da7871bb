"""GeoJSON (RFC 7946): WGS84, longitude first."""

from __future__ import annotations

from typing import Any

from regional_map.model import kind_label, shown_name

# Internal bookkeeping that the public never needs.
_HIDDEN = {"lat", "lon", "extra", "source_ref"}


def place_properties(place: dict, lang: str = "en") -> dict[str, Any]:
    props = {k: v for k, v in place.items() if k not in _HIDDEN}
    props["name"] = shown_name(place, lang)
    props["kind_label"] = kind_label(place["kind"], lang)
    if place.get("extra", {}).get("name_derived"):
        props["name_derived"] = True
    return props


def place_feature(place: dict, lang: str = "en") -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": place["id"],
        "geometry": {"type": "Point", "coordinates": [place["lon"], place["lat"]]},
        "properties": place_properties(place, lang),
    }


def feature_collection(features: list[dict], **members: Any) -> dict[str, Any]:
    """A FeatureCollection; ``members`` (counts, links, attribution) go at the top level."""
    return {"type": "FeatureCollection", **members, "features": features}


def cluster_feature(cluster: dict) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [cluster["lon"], cluster["lat"]]},
        "properties": {"cluster": True, "count": cluster["count"], "bbox": cluster["bbox"]},
    }
