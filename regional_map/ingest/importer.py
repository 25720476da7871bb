"""Import a source file into the store in one transaction, with a report of every row.

Good rows are written; every rejected row is reported with its line and reason, and every
fault in an optional field with its line (the row is kept). The whole import is a single
transaction, so a crash or ``kill -9`` leaves the store as it was, and a reader sees the old
state or the new one, never half. ``dry_run`` runs the very same code and rolls back, so its
counts (created, updated …) are exact. A re-import of a source is a sync (``sync.py``).
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from regional_map.db.connection import transaction
from regional_map.geocode.gazetteer import Gazetteer
from regional_map.ingest.columns import MappingError, load_mapping, recognise_columns
from regional_map.ingest.dedupe import likely_duplicates
from regional_map.ingest.derived import NameDeriver
from regional_map.ingest.dfc import is_dfc_file, read_dfc
from regional_map.ingest.guess import SAMPLE_ROWS, guess_columns
from regional_map.ingest.linking import propose_links
from regional_map.ingest.osm import (
    OSM_ATTRIBUTION,
    OSM_LICENCE,
    looks_like_osm,
    osm_kind,
)
from regional_map.ingest.osm_formats import detect_osm_format, open_osm_source
from regional_map.ingest.readers import ReadError, SourceFile, open_source
from regional_map.ingest.reading import (
    ReadOptions,
    can_read_aside,
    read_in_second_process,
    read_rows,
)
from regional_map.ingest.region import extent_of, save_region, store_is_empty, stored_region
from regional_map.ingest.report import ImportReport, Rejection
from regional_map.ingest.rows import (
    ANONYMOUS_KINDS,
    PlaceRow,
    RowContext,
)
from regional_map.ingest.sync import Prepared, SourceSync
from regional_map.model import PLACE_KINDS
from regional_map.municipalities.boundaries import MunicipalityAssigner, assign_municipalities
from regional_map.places import audit
from regional_map.places.bulk import existing_places, insert_new_places
from regional_map.places.store import (
    ProductTexts,
    make_place_id,
    record_import,
    upsert_place,
    upsert_source,
    utcnow,
)
from regional_map.places.vocab import load_vocabulary
from regional_map.text import slugify

IMPORT_CACHE_MB = 256  # SQLite's page cache while an import's transaction is open
# Files from this size on are read in a second process beside the writer
# (``reading.read_in_second_process``): below it the fork costs more than it saves.
READ_ASIDE_MIN_BYTES = 4 * 2**20

__all__ = ["ImportFailed", "ImportReport", "Rejection", "import_file", "open_any"]
PREVIEW_ROWS = 5
Bbox = tuple[float, float, float, float]


class ImportFailed(ValueError):
    """The import cannot start (bad file, bad mapping, bad option); nothing was written."""


class _Rollback(Exception):
    pass


def open_any(path: Path, keep: Callable[[dict], bool] | None = None) -> SourceFile:
    """Open any supported file: OSM formats and DFC JSON-LD by name and content, else
    CSV/XLSX/GeoJSON."""
    if is_dfc_file(path):
        return read_dfc(path)
    fmt = detect_osm_format(path)
    if fmt is not None:
        return open_osm_source(path, fmt, keep)
    return open_source(path)


def import_file(conn: sqlite3.Connection, path: str | Path, *, source: str | None = None,
                licence: str | None = None, attribution: str | None = None,
                default_kind: str | None = None, mapping: str | Path | None = None,
                region: Bbox | None = None, dry_run: bool = False, strict: bool = False,
                online_geocoder=None, progress: Callable[[int], None] | None = None,
                keep: Callable[[dict], bool] | None = None, bbox: Bbox | None = None,
                region_from_data: bool = False, sync: bool = True,
                on_total: Callable[[int | None], None] | None = None,
                read_aside: bool = False) -> ImportReport:
    """Import ``path`` as source ``source`` (default: ``osm`` for OSM, else the file's name).

    ``strict`` refuses the whole file when any row is rejected or has a fault in an optional
    field. ``online_geocoder`` (see ``geocode.online.make_geocoder``) is asked for rows the
    offline gazetteer cannot place. ``progress`` is called with the number of rows read so
    far, ``on_total`` once with the number expected (None when unknown). ``keep`` (a predicate
    over OSM tags) and ``bbox`` leave elements out; places of the source that the file lacks
    are retired only inside ``bbox``. With ``region_from_data`` an import into an empty store
    accepts any point and records the data's extent as the store's region.
    ``read_aside`` reads and checks the rows of a large file in a second process while this
    one writes (a command-line import; not from a process with threads, such as a web
    worker), unless an online geocoder is configured (it must be asked in order, from here).
    """
    path = Path(path)
    if default_kind and default_kind not in PLACE_KINDS:
        raise ImportFailed(f"unknown kind {default_kind!r}; known: {', '.join(PLACE_KINDS)}")
    if keep is None and not default_kind and detect_osm_format(path) is not None:
        # A whole extract holds millions of roads and houses: skip (and count) what is not
        # a kind of place, rather than reject each one.
        keep = _has_kind
    try:
        source_file = open_any(path, keep)
        explicit = load_mapping(mapping) if mapping else None
        is_osm = looks_like_osm(source_file.columns, source_file.metadata)
        if is_osm:
            columns: dict[str, str] = {}
        else:
            columns = recognise_columns(source_file.columns, explicit)
    except (ReadError, MappingError) as exc:
        raise ImportFailed(str(exc)) from exc
    source_id = slugify(source or ("osm" if is_osm else path.stem)) or "import"
    if is_osm:
        licence = licence or OSM_LICENCE
        attribution = attribution or OSM_ATTRIBUTION
    vocabulary = load_vocabulary()
    report = ImportReport(source_id, source_file.format, dry_run=dry_run, columns=columns)
    rows = source_file.rows
    if not is_osm:
        rows, default_kind = _guess(source_file, columns, explicit, default_kind, path,
                                    vocabulary, report)
    auto_region = region_from_data and store_is_empty(conn) and stored_region(conn) is None
    report.region = None if auto_region else region
    ctx = RowContext(
        gazetteer=Gazetteer(conn), vocabulary=vocabulary, region=report.region,
        source_id=source_id, licence=licence or "", default_kind=default_kind, is_osm=is_osm,
        online=online_geocoder, lenient=not strict,
    )
    if on_total:
        on_total(source_file.total)
    now = utcnow()
    cache = conn.execute("PRAGMA cache_size").fetchone()[0]
    # One transaction holds every page it changes: with SQLite's 2 MB cache, a country-sized
    # import spills the same index pages to the WAL again and again (1.4 GB of WAL for 0.4M
    # places). A bigger cache for this connection, for the import only.
    conn.execute(f"PRAGMA cache_size = {-IMPORT_CACHE_MB * 1024}")
    try:
        with transaction(conn):
            upsert_source(conn, source_id, name=source or path.name, licence=licence or "",
                          attribution=attribution or "")
            _import_rows(conn, rows, source_file, ctx, report, now=now, path=path,
                         is_osm=is_osm, keep=keep, bbox=bbox, sync=sync, progress=progress,
                         aside=read_aside and online_geocoder is None and can_read_aside()
                         and path.stat().st_size >= READ_ASIDE_MIN_BYTES)
            if strict and report.rejected:
                raise _Rollback()
            if auto_region and report.imported:
                report.region, report.region_set = extent_of(conn), True
                save_region(conn, report.region)
            if dry_run:
                raise _Rollback()
    except ReadError as exc:  # a streamed file broken half-way: nothing was written
        raise ImportFailed(str(exc)) from exc
    except _Rollback:
        if strict and report.rejected and not dry_run:
            report.dry_run = True  # nothing was written; say so in the summary
    finally:
        conn.execute(f"PRAGMA cache_size = {int(cache)}")
    return report


def _has_kind(tags: dict[str, str]) -> bool:
    return osm_kind(tags) is not None


def _guess(source_file: SourceFile, columns: dict[str, str], explicit, default_kind,
           path: Path, vocabulary, report: ImportReport):
    """Recognise the remaining columns from the first rows' values; returns the rows again."""
    sample = list(itertools.islice(source_file.rows, SAMPLE_ROWS))
    guess = guess_columns(source_file.columns, [r.values for r in sample], columns,
                          vocabulary, path.stem)
    for field_name, column in guess.columns.items():
        columns.setdefault(field_name, column)
    report.guesses, report.product_flags = guess.notes, guess.product_flags
    if not default_kind and "kind" not in columns and guess.kind:
        default_kind = report.kind_guessed = guess.kind
    if "name" not in columns and not (("city" in columns or "postcode" in columns)
                                      and ("kind" in columns
                                           or default_kind in ANONYMOUS_KINDS)):
        raise ImportFailed(
            f"no name column found among {', '.join(source_file.columns)}; "
            "use --mapping to say which column holds the name"
        )
    return itertools.chain(sample, source_file.rows), default_kind


class _Writer:
    """Writes normalised rows in batches: municipalities are resolved for a batch at once."""

    BATCH = 256

    def __init__(self, conn, ctx: RowContext, report: ImportReport, now: str, path: Path):
        self.conn, self.ctx, self.report, self.now, self.path = conn, ctx, report, now, path
        self.texts = ProductTexts(conn)
        self.municipalities = MunicipalityAssigner(conn, ctx.gazetteer)  # polygons, lazily
        self.deriver = NameDeriver(conn, ctx.vocabulary)
        self.sync = SourceSync(conn, ctx.source_id, now)
        self.pending: list[tuple[int, PlaceRow]] = []
        self.written: list[int] = []
        self.upserted: list[int] = []  # stored places written again: assigned after the rows
        self.changes: list = []  # (action, id, before, after) for the change log

    def add(self, line: int, row: PlaceRow) -> None:
        self.pending.append((line, row))
        if len(self.pending) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        records = [row.record for _, row in self.pending]
        resolved = self.municipalities.resolve(
            [r["lon"] for r in records], [r["lat"] for r in records],
            [(r.get("postcode") or "", r.get("country") or "", r.get("city") or "")
             for r in records])
        for (_line, row), (code, method) in zip(self.pending, resolved, strict=True):
            row.record["municipality_code"] = code
            row.record["municipality_method"] = method  # a new place is assigned here
            if row.record["extra"].get("name_derived"):
                self.deriver.apply(row.record, row.products, row.local_lang)
        pending, self.pending = self.pending, []
        while pending:
            pending = self._write_segment(pending)
        self.sync.flush()

    def _write_segment(self, pending: list[tuple[int, PlaceRow]]) -> list[tuple[int, PlaceRow]]:
        """Write the rows of ``pending`` up to the first that is the same place as an earlier
        one (it must find that one written); returns the rest. New places go in one bulk
        insert, stored ones through ``upsert_place``, in the order of the file."""
        ids: set[str] = set()
        targets: set[int] = set()
        segment: list[tuple[int, PlaceRow, Prepared]] = []
        outcome = self.sync.outcome
        guesses = [row.record.get("id") or make_place_id(
            row.record.get("source_id"), row.record.get("source_ref"), row.record["name"],
            row.record["lat"], row.record["lon"]) for _, row in pending]
        stored = existing_places(self.conn, [row.record for _, row in pending], guesses)
        stop = len(pending)
        for position, ((line, row), guess) in enumerate(zip(pending, guesses, strict=True)):
            if guess in ids:
                stop = position
                break
            mark = len(outcome.conflicts), outcome.returned
            prepared = self.sync.prepare(row.record, row.products, line, stored[position])
            existing = prepared.existing
            if existing is not None and existing["num"] in targets:
                # Prepared against the place as it was: forget what that prepare noted.
                del outcome.conflicts[mark[0]:]
                outcome.returned = mark[1]
                stop = position
                break
            ids.update((guess, prepared.record["id"] if existing is None else existing["id"]))
            if existing is not None:
                targets.add(existing["num"])
            segment.append((line, row, prepared))
        self._write(segment)
        return pending[stop:]

    def _write(self, segment: list[tuple[int, PlaceRow, Prepared]]) -> None:
        new = [(line, row, p) for line, row, p in segment if p.existing is None]
        nums = dict(zip((id(p) for _, _, p in new), insert_new_places(
            self.conn, [(p.record, p.products) for _, _, p in new], texts=self.texts,
            towns=self.deriver.town_names, now=self.now, changes=self.changes), strict=True))
        for line, row, prepared in segment:
            if prepared.existing is None:
                outcome, num = "created", nums[id(prepared)]
            else:
                outcome, num = upsert_place(self.conn, prepared.record, prepared.products,
                                            texts=self.texts, now=self.now,
                                            changes=self.changes, existing=prepared.existing)
                self.upserted.append(num)
            self.sync.written(num, prepared)
            self._count(line, row, outcome, num)
        if len(self.changes) >= 1000:  # bounded memory; same transaction
            audit.record_place_changes(self.conn, f"import:{self.ctx.source_id}", self.changes,
                                       reason=f"import of {self.path.name}", now=self.now)
            self.changes.clear()

    def _count(self, line: int, row: PlaceRow, outcome: str, num: int) -> None:
        report = self.report
        setattr(report, outcome, getattr(report, outcome) + 1)
        report.precision[row.record["geocode_precision"]] += 1
        if len(report.preview) < PREVIEW_ROWS:
            report.preview.append(_preview(row))
        self.written.append(num)


def _import_rows(conn, rows, source_file: SourceFile, ctx: RowContext, report: ImportReport,
                 *, now: str, path: Path, is_osm: bool, keep, bbox, sync: bool,
                 progress, aside: bool = False) -> None:
    writer = _Writer(conn, ctx, report, now, path)
    osm_format = bool(source_file.metadata.get("osm_format"))
    options = ReadOptions(ctx=ctx, columns=report.columns, product_flags=report.product_flags,
                          is_osm=is_osm, osm_format=osm_format, keep=keep, bbox=bbox)
    items = read_rows(rows, options)
    if aside:
        items = read_in_second_process(items, source_file.metadata)
    with closing(items):  # a writer that stops early stops the reading process too
        for item in items:
            report.read += 1
            if progress and report.read % 500 == 0:
                progress(report.read)
            if item.skipped:
                report.skipped += 1
                continue
            report.warnings.extend(Rejection(item.line, w) for w in item.warnings)
            writer.sync.saw_ref(item.ref)
            if item.rejection is not None:
                report.outside_region += item.outside_region
                report.rejected.append(Rejection(item.line, item.rejection))
                continue
            report.warnings.extend(Rejection(item.line, w) for w in item.row_warnings)
            writer.add(item.line, item.row)
    writer.flush()
    if progress:
        progress(report.read)
    if osm_format:
        report.skipped += source_file.metadata.get("skipped", 0)
    written, place_changes = writer.written, writer.changes
    assign_municipalities(conn, writer.upserted, assigner=writer.municipalities)
    if sync:  # in a dry run too: counted exactly, then rolled back
        writer.sync.retire_missing(bbox, place_changes)
    outcome = writer.sync.outcome
    report.left_source, report.returned = outcome.left, outcome.returned
    report.conflicts = outcome.conflicts
    report.duplicates = likely_duplicates(conn, written, ctx.source_id)
    report.link_proposals = propose_links(conn, written, ctx.source_id, now)
    record_import(conn, ctx.source_id, read=report.read, imported=report.created,
                  updated=report.updated, rejected=len(report.rejected))
    audit.record_import(conn, ctx.source_id, {
        "read": report.read, "created": report.created, "updated": report.updated,
        "unchanged": report.unchanged, "rejected": len(report.rejected),
        "left_source": len(report.left_source), "conflicts": len(report.conflicts)},
        place_changes, path.name, now=now)


def _preview(row: PlaceRow) -> dict:
    keys = ("name", "kind", "street", "housenumber", "postcode", "city", "lat", "lon",
            "geocode_precision", "opening_hours", "website", "phone")
    item = {k: row.record.get(k) for k in keys if row.record.get(k) not in (None, "")}
    item["products"] = row.products
    return item
