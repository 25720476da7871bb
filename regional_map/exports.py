"""Exports of any filtered selection, shared by the CLI and the HTTP downloads."""

from __future__ import annotations

import json
import sqlite3

from .formats.csv import places_csv
from .formats.geojson import feature_collection, place_feature
from .queries import PlaceFilter, attributions, find_places

EXPORT_FORMATS = {
    "geojson": "application/geo+json",
    "csv": "text/csv; charset=utf-8",
}


def export_places(conn: sqlite3.Connection, place_filter: PlaceFilter, fmt: str,
                  lang: str = "en") -> tuple[bytes, int]:
    """Encode the selected places as ``fmt``; returns (bytes, number of places)."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    page = find_places(conn, place_filter, lang=lang, count=False)
    sources = {s["id"]: s for s in attributions(conn)}
    used = sorted({p["source_id"] for p in page.items if p["source_id"]})
    if fmt == "csv":
        text = places_csv(page.items, {k: v["attribution"] for k, v in sources.items()}, lang)
        return text.encode("utf-8"), len(page.items)
    body = feature_collection(
        [place_feature(p, lang) for p in page.items],
        numberReturned=len(page.items),
        attribution=[{"source": s, "licence": sources[s]["licence"],
                      "attribution": sources[s]["attribution"]} for s in used if s in sources],
        licence_note=_licence_note([sources[s] for s in used if s in sources]),
    )
    return json.dumps(body, ensure_ascii=False).encode("utf-8"), len(page.items)


def _licence_note(sources: list[dict]) -> str:
    if any("ODbL" in (s["licence"] or "") for s in sources):
        return ("Contains data from OpenStreetMap, © OpenStreetMap contributors, available "
                "under the Open Database License (ODbL 1.0). A database derived from it must be "
                "shared under the ODbL too.")
    return "See each source's licence."
