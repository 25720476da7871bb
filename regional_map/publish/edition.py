"""``regional-map publish DIR``: the whole map as static files any web server or CDN serves.

The folder holds the page (HTML, JS, CSS, Leaflet and the vector-tile libraries), the places
as ``places.pmtiles`` (read with HTTP range requests), one JSON file per place for its popup,
the GeoJSON and CSV downloads, the search index and the sources' attribution. Nothing in it
needs the application: copy it to nginx, object storage or a CDN that honours ``Range``.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
from jinja2 import Environment, FileSystemLoader, select_autoescape

from regional_map.formats.geojson import place_feature
from regional_map.model import kind_label
from regional_map.places.engine import find_places
from regional_map.places.exports import MAX_EXPORT, export_places, licence_note
from regional_map.places.filters import PlaceFilter
from regional_map.places.freshness import months_before
from regional_map.places.stats import attributions
from regional_map.places.vocab import load_vocabulary
from regional_map.publish.searchindex import search_index
from regional_map.publish.texts import texts
from regional_map.publish.tiles import TileReport, write_pmtiles
from regional_map.resources import resource_dir

# Browser libraries from npm (package.json), copied into static/publish/vendor/ by ./dev.
VENDOR_FILES = ("pmtiles.js", "Leaflet.VectorGrid.bundled.min.js", "VENDOR.txt")
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


class PublishError(RuntimeError):
    """The edition cannot be written; the message says what is missing."""


@dataclass
class EditionOptions:
    """Choices of one edition; the defaults come from the settings."""

    lang: str = "en"
    title: str = "Regional Map"
    tile_url: str = ""  # base-map tiles; empty: no base map (places on a plain background)
    tile_attribution: str = ""
    region: tuple[float, float, float, float] | None = None
    max_zoom: int = 14
    point_zoom: int = 9
    hide_after_months: int = 0


@dataclass
class Edition:
    """What ``publish`` wrote."""

    folder: Path
    places: int = 0
    tiles: TileReport = field(default_factory=TileReport)
    files: int = 0
    bytes: int = 0

    def summary(self) -> str:
        t = self.tiles
        return (f"{self.places} places, {t.tiles} tiles (zoom {t.min_zoom}-{t.max_zoom}, "
                f"largest {t.largest_bytes / 1024:.0f} KB), {self.files} files, "
                f"{self.bytes / 1e6:.1f} MB in {self.folder}")


def place_file(place_id: str) -> str:
    """The details file name of a place: its id when that is safe in a URL, else a hash."""
    if _SAFE_ID.match(place_id):
        return place_id
    return "h" + hashlib.sha256(place_id.encode()).hexdigest()[:24]


def vendor_dir() -> Path:
    folder = resource_dir("static") / "publish" / "vendor"
    missing = [name for name in VENDOR_FILES if not (folder / name).is_file()]
    if missing:
        raise PublishError(f"the browser libraries are missing from {folder} "
                           f"({', '.join(missing)}): run ./dev vendor (npm ci) first")
    return folder


def _selected(options: EditionOptions) -> PlaceFilter:
    hide = (months_before(date.today(), options.hide_after_months).isoformat()
            if options.hide_after_months else None)
    return PlaceFilter(limit=MAX_EXPORT, hide_stale_before=hide, sort="name")


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")),
                    encoding="utf-8")


def _copy_assets(out: Path) -> None:
    import xstatic.pkg.leaflet as leaflet  # the same Leaflet the application serves

    assets = out / "assets"
    shutil.copytree(resource_dir("static") / "publish", assets, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("vendor"))
    shutil.copytree(vendor_dir(), assets / "vendor", dirs_exist_ok=True)
    target = assets / "vendor" / "leaflet"
    target.mkdir(parents=True, exist_ok=True)
    base = Path(leaflet.BASE_DIR)
    for name in ("leaflet.js", "leaflet.css"):
        shutil.copy2(base / name, target / name)
    shutil.copytree(base / "images", target / "images", dirs_exist_ok=True)


def publish_edition(conn: sqlite3.Connection, out: Path, options: EditionOptions) -> Edition:
    """Write the static edition of every place the default map shows into ``out``.

    The edition is built in a sibling folder and then put in the place of ``out``, so a web
    server serving ``out`` meanwhile never mixes files of two editions (and a failed
    publish leaves the previous edition as it was).
    """
    vendor_dir()  # fail before writing anything
    out = Path(out)
    building = out.with_name(f".{out.name}.building")
    if building.exists():
        shutil.rmtree(building)
    building.mkdir(parents=True)
    try:
        edition = _build(conn, building, options)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    previous = out.with_name(f".{out.name}.previous")
    if previous.exists():
        shutil.rmtree(previous)
    if out.exists():
        out.rename(previous)
    building.rename(out)
    shutil.rmtree(previous, ignore_errors=True)
    edition.folder = out
    return edition


def _build(conn: sqlite3.Connection, out: Path, options: EditionOptions) -> Edition:
    places = find_places(conn, _selected(options), lang=options.lang, count=False).items
    if not places:
        raise PublishError("the store has no places to publish")
    sources = attributions(conn)
    by_source = {s["id"]: s for s in sources}
    used = [by_source[s] for s in sorted({p["source_id"] for p in places if p["source_id"]})
            if s in by_source]
    note = licence_note(used)
    files = [place_file(p["id"]) for p in places]

    vocabulary = load_vocabulary()
    details = out / "places"
    details.mkdir()
    for place, file in zip(places, files, strict=True):
        source = by_source.get(place["source_id"] or "") or {}
        feature = place_feature(place, options.lang)
        feature["properties"]["licence"] = place["licence"] or source.get("licence") or ""
        feature["properties"]["attribution"] = source.get("attribution") or ""
        feature["properties"]["product_names"] = [
            vocabulary.products[c].name(options.lang) if c in vocabulary.products else c
            for c in place.get("products") or ()]
        _write_json(details / f"{file}.json", feature)

    lons = np.array([p["lon"] for p in places], dtype=float)
    lats = np.array([p["lat"] for p in places], dtype=float)
    properties = [_tile_properties(p, f, options.lang)
                  for p, f in zip(places, files, strict=True)]
    tiles = write_pmtiles(out / "places.pmtiles", lons, lats, properties,
                          max_zoom=options.max_zoom, point_zoom=options.point_zoom,
                          metadata={"attribution": "; ".join(_credits(used)),
                                    "description": note})

    _write_json(out / "search.json",
                search_index(zip(places, files, strict=True), vocabulary, options.lang))
    downloads = out / "downloads"
    downloads.mkdir()
    for fmt in ("geojson", "csv"):
        body, _ = export_places(conn, _selected(options), fmt, options.lang)
        (downloads / f"regional-map.{fmt}").write_bytes(body)
    _write_json(out / "edition.json", _config(options, places, used, note, lons, lats))
    (out / "ATTRIBUTION.txt").write_text(_attribution_text(used, note), encoding="utf-8")
    _copy_assets(out)
    _write_page(out, options, used, note)

    edition = Edition(folder=out, places=len(places), tiles=tiles)
    for path in out.rglob("*"):
        if path.is_file():
            edition.files += 1
            edition.bytes += path.stat().st_size
    return edition


def _tile_properties(place: dict, file: str, lang: str) -> dict:
    # Only what the popup shows before its details file arrives: tiles stay small.
    return {"id": place["id"], "name": place["name"] or "", "kind": place["kind"],
            "label": kind_label(place["kind"], lang), "city": place["city"] or "",
            "file": file}


def _credits(sources: list[dict]) -> list[str]:
    return [s["attribution"] or s["name"] for s in sources]


def _config(options: EditionOptions, places: list[dict], sources: list[dict], note: str,
            lons: np.ndarray, lats: np.ndarray) -> dict:
    bounds = options.region or (float(lons.min()), float(lats.min()),
                                float(lons.max()), float(lats.max()))
    return {
        "title": options.title, "lang": options.lang, "texts": texts(options.lang),
        "places": len(places),
        "bounds": list(bounds), "tiles": "places.pmtiles", "max_zoom": options.max_zoom,
        "base_map": {"url": options.tile_url, "attribution": options.tile_attribution},
        "sources": [{"id": s["id"], "name": s["name"], "licence": s["licence"],
                     "attribution": s["attribution"], "url": s["url"]} for s in sources],
        "licence_note": note,
        "published": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "downloads": {"geojson": "downloads/regional-map.geojson",
                      "csv": "downloads/regional-map.csv"},
    }


def _attribution_text(sources: list[dict], note: str) -> str:
    lines = [f"{s['name']}: {s['licence']}. {s['attribution'] or ''}".strip() for s in sources]
    return "\n".join(["Data sources of this edition:", *lines, "", note, ""])


def _write_page(out: Path, options: EditionOptions, sources: list[dict], note: str) -> None:
    env = Environment(loader=FileSystemLoader(resource_dir("templates") / "publish"),
                      autoescape=select_autoescape(default=True))
    html = env.get_template("index.html").render(
        title=options.title, lang=options.lang, t=texts(options.lang), sources=sources,
        licence_note=note,
        tile_origin=_origin(options.tile_url))
    (out / "index.html").write_text(html, encoding="utf-8")


def _origin(tile_url: str) -> str:
    match = re.match(r"^(https?)://([^/]+)/", tile_url or "")
    if not match:
        return ""
    return f"{match.group(1)}://{match.group(2).replace('{s}', '*')}"
