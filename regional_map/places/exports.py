"""Exports of any filtered selection, shared by the CLI and the HTTP downloads.

Every format carries the sources' licences and attribution: GeoJSON in ``attribution`` and
``licence_note`` members, CSV in each row's ``licence`` and ``attribution`` columns,
GeoPackage in a ``sources`` table and the layer's description, the HTML map on the map.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass

from regional_map.formats.csv import places_csv
from regional_map.formats.folium_map import places_map_html
from regional_map.formats.geojson import feature_collection, place_feature
from regional_map.formats.gpkg import places_gpkg
from regional_map.places.engine import find_places
from regional_map.places.filters import ParseContext, PlaceFilter, parse
from regional_map.places.stats import attributions

EXPORT_FORMATS = {
    "geojson": "application/geo+json",
    "csv": "text/csv; charset=utf-8",
    "gpkg": "application/geopackage+sqlite3",
    "html": "text/html; charset=utf-8",
}
EXTENSIONS = {"geojson": "geojson", "csv": "csv", "gpkg": "gpkg", "html": "html"}
# The most places one export holds; far above any real selection, it bounds the memory used.
MAX_EXPORT = 100_000


@dataclass
class MapOptions:
    """What the HTML map export needs besides the places."""

    title: str = "Regional Map"
    tile_url: str | None = None
    tile_attribution: str = ""


def export_places(conn: sqlite3.Connection, place_filter: PlaceFilter, fmt: str,
                  lang: str = "en", map_options: MapOptions | None = None) -> tuple[bytes, int]:
    """Encode the selected places as ``fmt``; returns (bytes, number of places)."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    page = find_places(conn, place_filter, lang=lang, count=False)
    items = page.items
    sources = {s["id"]: s for s in attributions(conn)}
    used = [sources[s] for s in sorted({p["source_id"] for p in items if p["source_id"]})
            if s in sources]
    note = licence_note(used)
    for place in items:  # a place without its own licence has its source's
        if not place["licence"] and place["source_id"] in sources:
            place["licence"] = sources[place["source_id"]]["licence"]
    by_source = {k: v["attribution"] for k, v in sources.items()}
    if fmt == "csv":
        return places_csv(items, by_source, lang).encode("utf-8"), len(items)
    if fmt == "gpkg":

        return places_gpkg(items, by_source, used, note, lang), len(items)
    if fmt == "html":

        options = map_options or MapOptions()
        text = places_map_html(items, title=options.title,
                               attributions=[s["attribution"] or s["name"] for s in used],
                               licence_note=note, tile_url=options.tile_url,
                               tile_attribution=options.tile_attribution, lang=lang)
        return text.encode("utf-8"), len(items)
    body = feature_collection(
        [place_feature(p, lang) for p in items],
        numberReturned=len(items),
        attribution=[{"source": s["id"], "licence": s["licence"],
                      "attribution": s["attribution"]} for s in used],
        licence_note=note,
    )
    return json.dumps(body, ensure_ascii=False).encode("utf-8"), len(items)


def licence_note(sources: list[dict]) -> str:
    if any("ODbL" in (s["licence"] or "") for s in sources):
        return ("Contains data from OpenStreetMap, © OpenStreetMap contributors, available "
                "under the Open Database License (ODbL 1.0). A database derived from it must be "
                "shared under the ODbL too.")
    return "See each source's licence."


def export_filename(fmt: str, args: dict[str, str]) -> str:
    """``regional-map-<what was asked>.<ext>``, safe for a Content-Disposition header."""
    parts = [args[k] for k in ("network", "municipality", "kind", "q", "product") if args.get(k)]
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", "-".join(parts)).strip("-")[:60]
    return f"regional-map{'-' + stem if stem else ''}.{EXTENSIONS[fmt]}"


def export_selection(conn: sqlite3.Connection, args: dict[str, str], fmt: str,
                     settings: dict, lang: str = "en") -> tuple[bytes, int]:
    """Export what the filters in ``args`` (the API's names) select: the CLI's entry point.

    Raises :class:`~regional_map.errors.BadParameter` for unusable filters.
    """
    args = {k: v for k, v in args.items() if k not in ("limit", "offset", "format")}
    place_filter = parse(args, ParseContext(tz=settings["TIMEZONE"], max_limit=MAX_EXPORT,
                                            hide_after_months=settings["HIDE_AFTER_MONTHS"]),
                         default_limit=MAX_EXPORT)
    options = MapOptions(title=map_title(args), tile_url=settings["TILE_URL"],
                         tile_attribution=settings["TILE_ATTRIBUTION"])
    return export_places(conn, place_filter, fmt, lang, options)


def map_title(args: dict[str, str]) -> str:
    asked = ", ".join(f"{k}: {v}" for k, v in args.items() if k != "lang")
    return f"Regional Map – {asked}" if asked else "Regional Map"
