"""Read OpenStreetMap data in its common forms into raw rows of tags and a point.

- osmtogeojson / overpass turbo GeoJSON (``id: "node/123"``, tags as properties or under
  ``properties.tags``, a top-level ``copyright``) is read by ``readers.py``'s GeoJSON reader
  with the helpers of ``points.py``.
- Overpass API JSON (``{"elements": [...]}``): nodes, ways with ``center`` or ``geometry``
  (or node ids resolved from the same file), relations with ``center``.
- OSM XML (``.osm``) and PBF (``.osm.pbf``), streamed with pyosmium: objects are never held
  in memory, only the node locations index that turns a way into a point.

Every row's values are the element's tags plus ``osm_id`` (``node/123``), so one tag mapping
(``osm.py``) serves every format. ``keep`` (a predicate over tags) lets ``import-osm`` skip
elements that are not short-chain places; the number skipped is in ``metadata["skipped"]``.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from regional_map.ingest.points import point_on_line_or_area
from regional_map.ingest.readers import RawRow, ReadError, SourceFile

Keep = Callable[[dict[str, str]], bool] | None
# Above this size a PBF's node locations go to a file-backed index instead of memory.
_LARGE_FILE_BYTES = 200 * 1024 * 1024


def detect_osm_format(path: Path) -> str | None:
    """``overpass`` / ``osm-xml`` / ``pbf`` by name and content, None for other files."""
    name = path.name.lower()
    if name.endswith((".pbf", ".osm.pbf")):
        return "pbf"
    if name.endswith((".osm", ".osm.bz2", ".osm.gz", ".xml")):
        return "osm-xml"
    if name.endswith((".json", ".geojson")):
        with path.open("rb") as fh:
            head = fh.read(4096).decode("utf-8", errors="replace")
        if '"elements"' in head and '"FeatureCollection"' not in head:
            return "overpass"
    return None


def open_osm_source(path: Path, fmt: str, keep: Keep = None) -> SourceFile:
    """Open an OSM file of format ``fmt`` (from :func:`detect_osm_format`)."""
    metadata = {"osm_format": fmt, "skipped": 0, "license": "ODbL-1.0"}
    if fmt == "overpass":
        return SourceFile("overpass-json", [], _overpass_rows(path, keep, metadata), metadata)
    return SourceFile(fmt, [], _osmium_rows(path, keep, metadata), metadata)


def _tags_row(line: int, osm_type: str, osm_id: int, tags: dict[str, str],
              point: tuple[float, float] | None) -> RawRow:
    values = {**tags, "osm_id": f"{osm_type}/{osm_id}"}
    row = RawRow(line, values, point)
    if point is None:
        row.problems.append(f"{osm_type}/{osm_id} has no location in the file")
    return row


def _overpass_rows(path: Path, keep: Keep, metadata: dict) -> Iterator[RawRow]:
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReadError(f"not valid Overpass JSON: {exc}") from exc
    elements = document.get("elements") if isinstance(document, dict) else None
    if not isinstance(elements, list):
        raise ReadError("Overpass JSON has no elements list")
    # Ways given as node ids (``out body; >; out skel;``) need the nodes' coordinates.
    nodes = {e["id"]: (e["lon"], e["lat"]) for e in elements
             if isinstance(e, dict) and e.get("type") == "node" and "lat" in e}
    for number, element in enumerate(elements, start=1):
        if not isinstance(element, dict) or not element.get("tags"):
            continue  # untagged nodes are the geometry of ways
        tags = {str(k): str(v) for k, v in element["tags"].items()}
        if keep is not None and not keep(tags):
            metadata["skipped"] += 1
            continue
        kind = element.get("type", "node")
        point = None
        if "lat" in element and "lon" in element:
            point = (float(element["lon"]), float(element["lat"]))
        elif isinstance(element.get("center"), dict):
            point = (float(element["center"]["lon"]), float(element["center"]["lat"]))
        elif isinstance(element.get("geometry"), list):
            point = point_on_line_or_area(
                [(float(g["lon"]), float(g["lat"])) for g in element["geometry"]
                 if isinstance(g, dict) and "lat" in g])
        elif isinstance(element.get("nodes"), list):
            point = point_on_line_or_area([nodes.get(n) for n in element["nodes"]])
        yield _tags_row(number, kind, int(element.get("id", 0)), tags, point)


def _osmium_rows(path: Path, keep: Keep, metadata: dict) -> Iterator[RawRow]:
    import osmium  # heavy optional library: only OSM XML and PBF imports load it

    large = path.stat().st_size > _LARGE_FILE_BYTES
    with tempfile.TemporaryDirectory(prefix="regional-map-osm-") as tmp:
        # A country extract's node locations do not fit in memory: keep them in a file.
        storage = f"sparse_file_array,{Path(tmp) / 'nodes.idx'}" if large else "flex_mem"
        try:
            processor = (osmium.FileProcessor(str(path)).with_locations(storage)
                         .with_areas().with_filter(osmium.filter.EmptyTagFilter()))
            number = 0
            for obj in processor:
                number += 1
                row = _osmium_row(number, obj, keep, metadata)
                if row is not None:
                    yield row
        except RuntimeError as exc:  # pyosmium reports a broken file as RuntimeError
            raise ReadError(f"not a readable OSM file: {exc}") from exc


def _osmium_row(number: int, obj, keep: Keep, metadata: dict) -> RawRow | None:
    if obj.is_relation():
        return None  # multipolygons arrive as areas; other relations are not places
    if obj.is_area() and obj.from_way():
        return None  # the way itself is read as a way
    tags = {tag.k: tag.v for tag in obj.tags}
    if keep is not None and not keep(tags):
        metadata["skipped"] += 1
        return None
    if obj.is_node():
        point = (obj.location.lon, obj.location.lat) if obj.location.valid() else None
        return _tags_row(number, "node", obj.id, tags, point)
    if obj.is_way():
        coords = [(n.lon, n.lat) for n in obj.nodes if n.location.valid()]
        return _tags_row(number, "way", obj.id, tags, point_on_line_or_area(coords))
    coords = [(n.lon, n.lat) for ring in obj.outer_rings() for n in ring]
    return _tags_row(number, "relation", obj.orig_id(), tags, point_on_line_or_area(coords))
