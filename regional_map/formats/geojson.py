"""GeoJSON (RFC 7946): WGS84, longitude first.

The API's features are lean (``lean=True``): a property without a value is left out rather than
sent as ``null`` (a map view of 500 places carried more nulls than names). Files (exports) keep
every column, so GIS programs see one schema. ``only`` picks fields (``properties=``, OGC API –
Features semantics), and the compact shape gives a marker only what it draws (id, name, kind
and the point); details are fetched on click.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from regional_map.model import kind_label, shown_name

# Internal bookkeeping that the public never needs.
_HIDDEN = {"lat", "lon", "extra", "source_ref"}
# What a marker draws: everything else is fetched when the marker is clicked.
COMPACT_PROPERTIES = ("name", "kind")
SHAPES = ("full", "compact")


def place_properties(place: dict, lang: str = "en", only: Collection[str] | None = None, *,
                     lean: bool = False) -> dict[str, Any]:
    """The public properties of ``place`` (``lean``: those with a value; ``only``: just those
    names)."""
    props = {k: v for k, v in place.items()
             if k not in _HIDDEN and not (lean and v is None)}
    props["name"] = shown_name(place, lang)
    props["kind_label"] = kind_label(place["kind"], lang)
    if place.get("extra", {}).get("name_derived"):
        props["name_derived"] = True
    if only is not None:
        props = {k: v for k, v in props.items() if k in only}
    return props


def shows_property(name: str, shape: str = "full",
                   only: Collection[str] | None = None) -> bool:
    """Whether a feature of ``shape`` with the selection ``only`` carries property ``name``
    when the place has it."""
    if shape == "compact":
        return name in COMPACT_PROPERTIES
    return only is None or name in only


def place_feature(place: dict, lang: str = "en", *, shape: str = "full",
                  only: Collection[str] | None = None, lean: bool = False) -> dict[str, Any]:
    """``place`` as a Feature: every property (``lean``: with a value), the properties named
    in ``only``, or the compact marker shape."""
    if shape == "compact":
        props = {k: place[k] for k in COMPACT_PROPERTIES if place.get(k) is not None}
        if "name" in props:
            props["name"] = shown_name(place, lang)
    else:
        props = place_properties(place, lang, only, lean=lean)
    return {  # the properties last: cached features get a distance appended (jsontext)
        "type": "Feature",
        "id": place["id"],
        "geometry": {"type": "Point", "coordinates": [place["lon"], place["lat"]]},
        "properties": props,
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
