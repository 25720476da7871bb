"""Links from a place to OpenStreetMap: its element and the editor, or a new note.

Plain links (the visitor's browser follows them); nothing here contacts OSM. A place comes from
OSM when its source id is an element reference (``node/123``, as OSM imports store it) or its
public id is ``osm-node-123``.
"""

from __future__ import annotations

import re

OSM = "https://www.openstreetmap.org"
OSM_TYPES = ("node", "way", "relation")
_REF = re.compile(r"^(node|way|relation)/(\d+)$")
_ID = re.compile(r"^osm-(node|way|relation)-(\d+)$")


def osm_element(place: dict) -> tuple[str, int] | None:
    """``("node", 123)`` for a place from OSM, else None."""
    match = _REF.match(place.get("source_ref") or "") or _ID.match(place.get("id") or "")
    return (match.group(1), int(match.group(2))) if match else None


def osm_links(place: dict) -> dict[str, str]:
    """``element``, ``edit`` and ``history`` for an OSM place, else ``note`` at its position."""
    element = osm_element(place)
    if element is None:
        return {"note": f"{OSM}/note/new#map=19/{place['lat']:.6f}/{place['lon']:.6f}"}
    kind, number = element
    return {"element": f"{OSM}/{kind}/{number}",
            "edit": f"{OSM}/edit?{kind}={number}",
            "history": f"{OSM}/{kind}/{number}/history"}
