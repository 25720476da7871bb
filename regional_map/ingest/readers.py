"""Read source files into raw rows: ``(line, {column: text}, point or None)``.

Readers know file formats, not the domain: column meaning is ``columns.py``'s job and
validation is ``rows.py``'s. Line numbers are what a person sees when they open the file: the
physical line in a CSV, the row number in a spreadsheet, the feature's position in GeoJSON.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from regional_map.ingest.points import flatten_osm_properties, point_on_geometry

# A cell larger than this is a fault in the file (a pasted document, a broken quote), and
# Python's csv module would refuse it with an unhelpful error.
MAX_CELL_BYTES = 10_000
csv.field_size_limit(10 * 1024 * 1024)


@dataclass
class RawRow:
    line: int
    values: dict[str, str]
    point: tuple[float, float] | None = None  # (lon, lat) from a geometry
    problems: list[str] = field(default_factory=list)  # reader-level faults of this row
    warnings: list[str] = field(default_factory=list)


@dataclass
class SourceFile:
    format: str  # csv, xlsx, geojson
    columns: list[str]
    rows: Iterator[RawRow]
    metadata: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    total: int | None = None  # rows expected, when known cheaply (for a progress ETA)


class ReadError(ValueError):
    """The file as a whole cannot be read (not one of its rows)."""


def open_source(path: str | Path) -> SourceFile:
    """Open a CSV, XLSX or GeoJSON file by its extension (or content for .txt/.json)."""
    path = Path(path)
    if not path.exists():
        raise ReadError(f"no such file: {path}")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix in (".geojson", ".json"):
        return _read_geojson(path)
    if suffix in (".csv", ".tsv", ".txt"):
        return _read_csv(path)
    raise ReadError(f"unsupported file type {suffix!r}: use .csv, .xlsx or .geojson")


def _decode_lines(data: bytes) -> tuple[list[str], dict[int, str], str]:
    """Decode line by line: UTF-8 (with or without BOM), falling back to Latin-1 per line.

    A file that is wholly Latin-1 (as Excel on Windows writes it) decodes silently; a UTF-8 file
    with a few stray Latin-1 bytes keeps those rows, with a warning naming the line.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    raw_lines = data.split(b"\n")
    lines: list[str] = []
    bad: dict[int, str] = {}
    for number, raw in enumerate(raw_lines, start=1):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(raw.decode("cp1252", errors="replace"))
            bad[number] = "bytes that are not UTF-8 were read as Latin-1"
    utf8_lines = len(raw_lines) - len(bad)
    if bad and utf8_lines <= 1 + sum(1 for line in raw_lines if not line.strip()):
        # Nothing but the header (or blank lines) was valid UTF-8: the file is Latin-1.
        return lines, {}, "latin-1"
    return lines, bad, "utf-8"


def _sniff_delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (";", ",", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _read_csv(path: Path) -> SourceFile:
    lines, bad_lines, encoding = _decode_lines(path.read_bytes())
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        raise ReadError("the file is empty")
    delimiter = _sniff_delimiter(lines[0])
    text = "\n".join(line.rstrip("\r") for line in lines)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise ReadError(f"unreadable header: {exc}") from exc
    columns = [h.strip() for h in header]
    if len(set(columns)) != len(columns):
        dupes = sorted({c for c in columns if columns.count(c) > 1})
        raise ReadError(f"duplicate column names: {', '.join(dupes)}")

    def rows() -> Iterator[RawRow]:
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield RawRow(reader.line_num, {}, problems=[f"unreadable CSV row: {exc}"])
                continue
            # reader.line_num is the last physical line of the record; a record starts where
            # the previous one ended, which is what people look for in an editor.
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            row = RawRow(line, {})
            if len(cells) != len(columns):
                row.problems.append(
                    f"row has {len(cells)} fields, the header has {len(columns)}"
                )
            for name, cell in zip(columns, cells, strict=False):
                if len(cell.encode("utf-8")) > MAX_CELL_BYTES:
                    row.problems.append(
                        f"column {name!r} holds {len(cell.encode('utf-8')) // 1024} KB, "
                        f"more than {MAX_CELL_BYTES // 1000} KB"
                    )
                    cell = ""
                row.values[name] = cell.strip()
            if line in bad_lines:
                row.warnings.append(bad_lines[line])
            yield row

    source = SourceFile("csv", columns, rows(), metadata={"encoding": encoding,
                                                          "delimiter": delimiter},
                        total=max(len(lines) - 1, 0))
    return source


def _read_xlsx(path: Path) -> SourceFile:
    from openpyxl import load_workbook  # lazily: only imports of spreadsheets need it

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise ReadError(f"not a readable XLSX file: {exc}") from exc
    sheet = workbook.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    try:
        header = next(iterator)
    except StopIteration as exc:
        raise ReadError("the spreadsheet is empty") from exc
    columns = [str(h).strip() if h is not None else "" for h in header]

    def cell_text(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip()

    def rows() -> Iterator[RawRow]:
        for number, cells in enumerate(iterator, start=2):
            if not any(c is not None and str(c).strip() for c in cells):
                continue
            row = RawRow(number, {})
            for name, value in zip(columns, cells, strict=False):
                if name:
                    text = cell_text(value)
                    if len(text.encode("utf-8")) > MAX_CELL_BYTES:
                        row.problems.append(f"column {name!r} is larger than 10 KB")
                        text = ""
                    row.values[name] = text
            yield row
        workbook.close()

    return SourceFile("xlsx", [c for c in columns if c], rows())


def _read_geojson(path: Path) -> SourceFile:
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReadError(f"not valid GeoJSON: {exc}") from exc
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise ReadError("GeoJSON must be a FeatureCollection")
    features = document.get("features")
    if not isinstance(features, list):
        raise ReadError("GeoJSON FeatureCollection has no features list")
    columns: list[str] = []
    seen: set[str] = set()
    osm_ids = False
    for feature in features:
        props = feature.get("properties") if isinstance(feature, dict) else None
        keys = list(flatten_osm_properties(props) if isinstance(props, dict) else ())
        if isinstance(feature, dict) and feature.get("id") is not None:
            keys.append("id")  # the feature's own id is the source id when it has one
            osm_ids = osm_ids or _OSM_ID.match(str(feature["id"])) is not None
        for key in keys:
            if key not in seen:
                seen.add(key)
                columns.append(key)

    def rows() -> Iterator[RawRow]:
        for number, feature in enumerate(features, start=1):
            row = RawRow(number, {})
            if not isinstance(feature, dict) or feature.get("type") != "Feature":
                row.problems.append("not a GeoJSON Feature")
                yield row
                continue
            props = feature.get("properties") or {}
            props = flatten_osm_properties(props) if isinstance(props, dict) else {}
            for key, value in props.items():
                if value is None:
                    continue
                row.values[key] = (
                    value if isinstance(value, str)
                    else json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict))
                    else str(value)
                )
            if "id" in feature and "id" not in row.values and feature["id"] is not None:
                row.values["id"] = str(feature["id"])
            geometry = feature.get("geometry")
            if isinstance(geometry, dict):
                _geojson_point(row, geometry)
            yield row

    metadata = dict(document["metadata"]) if isinstance(document.get("metadata"), dict) else {}
    # overpass turbo puts its ODbL notice at the top level, not under metadata.
    for key in ("copyright", "license", "licence", "generator"):
        if isinstance(document.get(key), str):
            metadata.setdefault(key, document[key])
    metadata["osm_ids"] = osm_ids
    return SourceFile("geojson", columns, rows(), metadata=metadata, total=len(features))


_OSM_ID = re.compile(r"^(node|way|relation)/\d+$")


def _geojson_point(row: RawRow, geometry: dict) -> None:
    """The row's point: a Point's coordinates, or a point on a line or area."""
    if geometry.get("type") == "Point":
        coords = geometry.get("coordinates") or []
        try:
            row.point = (float(coords[0]), float(coords[1]))
        except (TypeError, ValueError, IndexError):
            row.problems.append("point has no valid coordinates")
        return
    row.point = point_on_geometry(geometry)
    if row.point is None:
        row.problems.append(f"geometry ({geometry.get('type')}) has no valid coordinates")
