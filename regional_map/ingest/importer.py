"""Import a source file into the store in one transaction, with a report of every row.

Good rows are written; every rejected row is reported with its line and reason. The whole
import is a single transaction, so a crash or ``kill -9`` leaves the store as it was, and a
reader sees the old state or the new one, never half. ``dry_run`` runs the very same code and
rolls back, so its counts (created, updated …) are exact.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from regional_map.db.connection import transaction
from regional_map.geocode.gazetteer import Gazetteer
from regional_map.ingest.columns import MappingError, load_mapping, recognise_columns
from regional_map.ingest.dedupe import likely_duplicates
from regional_map.ingest.dfc import is_dfc_file, read_dfc
from regional_map.ingest.osm import OSM_ATTRIBUTION, OSM_LICENCE, looks_like_osm, osm_to_fields
from regional_map.ingest.readers import ReadError, open_source
from regional_map.ingest.rows import PlaceRow, RowContext, RowError, normalise_row
from regional_map.model import PLACE_KINDS
from regional_map.municipalities.boundaries import MunicipalityAssigner, assign_municipalities
from regional_map.places import audit
from regional_map.places.store import (
    ProductTexts,
    record_import,
    upsert_place,
    upsert_source,
    utcnow,
)
from regional_map.places.vocab import load_vocabulary
from regional_map.text import slugify


@dataclass
class Rejection:
    line: int
    reason: str


@dataclass
class ImportReport:
    source_id: str
    file_format: str
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[Rejection] = field(default_factory=list)
    duplicates: list[dict] = field(default_factory=list)
    precision: Counter = field(default_factory=Counter)
    dry_run: bool = False
    columns: dict[str, str] = field(default_factory=dict)

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary(self) -> str:
        verb = "would import" if self.dry_run else "imported"
        return (f"{self.read} read, {verb} {self.imported} ({self.created} new, "
                f"{self.updated} updated, {self.unchanged} unchanged), "
                f"{len(self.rejected)} rejected, {len(self.duplicates)} likely duplicates")

    def as_dict(self) -> dict:
        return {
            "source": self.source_id, "format": self.file_format, "dry_run": self.dry_run,
            "read": self.read, "created": self.created, "updated": self.updated,
            "unchanged": self.unchanged, "imported": self.imported,
            "rejected": [r.__dict__ for r in self.rejected],
            "warnings": [w.__dict__ for w in self.warnings],
            "duplicates": self.duplicates, "precision": dict(self.precision),
            "columns": self.columns,
        }


class ImportFailed(ValueError):
    """The import cannot start (bad file, bad mapping, bad option); nothing was written."""


class _DryRunRollback(Exception):
    pass


def import_file(conn: sqlite3.Connection, path: str | Path, *, source: str | None = None,
                licence: str | None = None, attribution: str | None = None,
                default_kind: str | None = None, mapping: str | Path | None = None,
                region: tuple[float, float, float, float] | None = None,
                dry_run: bool = False, strict: bool = False, online_geocoder=None,
                progress: Callable[[int], None] | None = None) -> ImportReport:
    """Import ``path`` as source ``source`` (default: the file's name).

    ``strict`` refuses the whole file when any row is rejected. ``online_geocoder`` (see
    ``geocode.services.make_geocoder``) is asked for rows the offline gazetteer cannot place.
    ``progress`` is called with the number of rows read so far (for a progress bar).
    """
    path = Path(path)
    if default_kind and default_kind not in PLACE_KINDS:
        raise ImportFailed(f"unknown kind {default_kind!r}; known: {', '.join(PLACE_KINDS)}")
    try:
        source_file = read_dfc(path) if is_dfc_file(path) else open_source(path)
        explicit = load_mapping(mapping) if mapping else None
    except (ReadError, MappingError) as exc:
        raise ImportFailed(str(exc)) from exc

    is_osm = source_file.format == "geojson" and looks_like_osm(source_file.columns,
                                                                source_file.metadata)
    source_id = slugify(source or ("osm" if is_osm else path.stem)) or "import"
    if is_osm:
        licence = licence or OSM_LICENCE
        attribution = attribution or OSM_ATTRIBUTION
    columns = {} if is_osm else recognise_columns(source_file.columns, explicit)
    if not is_osm and "name" not in columns:
        raise ImportFailed(
            f"no name column found among {', '.join(source_file.columns)}; "
            "use --mapping to say which column holds the name"
        )

    report = ImportReport(source_id, source_file.format, dry_run=dry_run, columns=columns)
    ctx = RowContext(
        gazetteer=Gazetteer(conn), vocabulary=load_vocabulary(), region=region,
        source_id=source_id, licence=licence or "", default_kind=default_kind, is_osm=is_osm,
        online=online_geocoder,
    )
    now = utcnow()
    try:
        with transaction(conn):
            upsert_source(conn, source_id, name=source or path.name, licence=licence or "",
                          attribution=attribution or "")
            texts = ProductTexts(conn)
            seen: dict[str, int] = {}
            written: list[int] = []
            place_changes: list = []  # (action, id, before, after) for the change log
            municipalities = MunicipalityAssigner(conn, ctx.gazetteer)  # polygons, lazily
            for raw in source_file.rows:
                report.read += 1
                if progress and report.read % 500 == 0:
                    progress(report.read)
                for warning in raw.warnings:
                    report.warnings.append(Rejection(raw.line, warning))
                if raw.problems:
                    report.rejected.append(Rejection(raw.line, "; ".join(raw.problems)))
                    continue
                fields = (osm_to_fields(raw.values) if is_osm
                          else {f: raw.values.get(col, "") for f, col in columns.items()})
                try:
                    row = normalise_row(fields, raw.point, ctx)
                except RowError as exc:
                    report.rejected.append(Rejection(raw.line, str(exc)))
                    continue
                key = _row_key(row)
                if key in seen:
                    report.rejected.append(Rejection(
                        raw.line, f"duplicate of line {seen[key]} in the same file"))
                    continue
                seen[key] = raw.line
                for warning in row.warnings:
                    report.warnings.append(Rejection(raw.line, warning))
                municipalities.assign_record(row.record)
                outcome, num = upsert_place(conn, row.record, row.products, texts=texts, now=now,
                                            changes=place_changes)
                if len(place_changes) >= 1000:  # bounded memory; same transaction
                    audit.record_place_changes(conn, f"import:{source_id}", place_changes,
                                               reason=f"import of {path.name}", now=now)
                    place_changes.clear()
                setattr(report, outcome, getattr(report, outcome) + 1)
                report.precision[row.record["geocode_precision"]] += 1
                written.append(num)
            if progress:
                progress(report.read)
            if strict and report.rejected:
                raise _DryRunRollback()
            assign_municipalities(conn, written, assigner=municipalities)
            report.duplicates = likely_duplicates(conn, written, source_id)
            record_import(conn, source_id, read=report.read,
                          imported=report.created, updated=report.updated,
                          rejected=len(report.rejected))
            audit.record_import(conn, source_id, {
                "read": report.read, "created": report.created, "updated": report.updated,
                "unchanged": report.unchanged, "rejected": len(report.rejected)},
                place_changes, path.name, now=now)
            if dry_run:
                raise _DryRunRollback()
    except _DryRunRollback:
        if strict and report.rejected and not dry_run:
            report.dry_run = True  # nothing was written; say so in the summary
    return report


def _row_key(row: PlaceRow) -> str:
    record = row.record
    if record.get("source_ref"):
        return f"ref:{record['source_ref']}"
    return f"pt:{record['name'].lower()}|{record['lat']:.5f}|{record['lon']:.5f}"
