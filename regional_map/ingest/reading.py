"""The first stage of an import: each source row read, checked and normalised, in file order.

What a row becomes (skipped, rejected with its reason, or a :class:`PlaceRow` with its
warnings) depends on the row, the file's column mapping and the offline gazetteer, never on
the store being written, so this stage can run in a second process beside the writer. On a
two-core machine that takes about a fifth of a large import off the writer's core. The writer
receives the same items in the same order either way (``tests/ingest/test_import_reading.py``
compares the stores and reports).
"""

from __future__ import annotations

import multiprocessing
import os
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from regional_map.ingest.guess import flagged_products
from regional_map.ingest.osm import osm_to_fields
from regional_map.ingest.readers import ReadError
from regional_map.ingest.rows import PlaceRow, RowContext, RowError, in_region, normalise_row

BATCH = 512  # items sent to the writer at a time: one pickle per batch, not per row
Bbox = tuple[float, float, float, float]


@dataclass
class ReadRow:
    """One source row as the writer needs it: the messages are prefixed already."""

    line: int
    skipped: bool = False
    ref: str | None = None  # the source's own id of the row (kept even when it is rejected)
    warnings: list[str] = field(default_factory=list)  # before the row's own (reader's)
    rejection: str | None = None
    outside_region: bool = False
    row: PlaceRow | None = None
    row_warnings: list[str] = field(default_factory=list)


@dataclass
class ReadOptions:
    """What reading a file needs besides its rows."""

    ctx: RowContext
    columns: dict[str, str]
    product_flags: dict
    is_osm: bool
    osm_format: bool
    keep: Callable[[dict], bool] | None = None
    bbox: Bbox | None = None


def _fields(raw, options: ReadOptions) -> dict[str, str]:
    if options.is_osm:
        return osm_to_fields(raw.values)
    fields = {f: raw.values.get(col, "") for f, col in options.columns.items()}
    if options.product_flags:
        flagged = flagged_products(raw.values, options.product_flags, options.ctx.vocabulary)
        fields["products"] = ";".join(p for p in (fields.get("products"), flagged) if p)
    return fields


def read_rows(rows: Iterable, options: ReadOptions) -> Iterator[ReadRow]:
    """Each row of ``rows`` (a reader's raw rows) as a :class:`ReadRow`, in order. A row that
    is the same as an earlier one of the file (same source id, or same name and point) is
    rejected as its duplicate."""
    seen: dict[str, int] = {}
    ctx = options.ctx
    for raw in rows:
        if (options.is_osm and not options.osm_format and options.keep is not None
                and not options.keep(raw.values)):
            yield ReadRow(raw.line, skipped=True)  # the GeoJSON reader does not filter
            continue
        if options.bbox is not None and raw.point is not None and \
                not in_region(*raw.point, options.bbox):
            yield ReadRow(raw.line, skipped=True)
            continue
        prefix = f"{raw.values.get('osm_id')}: " if options.osm_format else ""
        item = ReadRow(raw.line, warnings=[prefix + w for w in raw.warnings])
        fields = _fields(raw, options)
        item.ref = fields.get("source_ref")
        if raw.problems:
            item.rejection = prefix + "; ".join(raw.problems)
            yield item
            continue
        try:
            row = normalise_row(fields, raw.point, ctx)
        except RowError as exc:
            item.outside_region = "outside the configured region" in str(exc)
            item.rejection = prefix + str(exc)
            yield item
            continue
        key = _row_key(row)
        if key in seen:
            item.rejection = f"{prefix}duplicate of line {seen[key]} in the same file"
            yield item
            continue
        seen[key] = raw.line
        item.row, item.row_warnings = row, [prefix + w for w in row.warnings]
        yield item


def _row_key(row: PlaceRow) -> str:
    record = row.record
    if record.get("source_ref"):
        return f"ref:{record['source_ref']}"
    return f"pt:{record['name'].lower()}|{record['lat']:.5f}|{record['lon']:.5f}"


class ReaderFailed(RuntimeError):
    """The second process stopped on an error that is not the file's (its traceback)."""


def can_read_aside() -> bool:
    """Whether this system can run the reading stage in a forked second process."""
    return hasattr(os, "fork") and "fork" in multiprocessing.get_all_start_methods()


def read_in_second_process(items: Iterator[ReadRow], metadata: dict) -> Iterator[ReadRow]:
    """``items`` produced in a second process (forked: it inherits the open file, the
    gazetteer and the vocabulary, and touches no database) and handed over in batches.
    Ends with ``metadata`` updated as the reader left it (OSM's count of skipped elements).
    A :class:`ReadError` of the file is raised here again, as if read in this process."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_produce, args=(items, metadata, sender), daemon=True,
                            name="regional-map-import-reader")
    child.start()
    sender.close()  # the child's end: EOF here when the child is gone
    try:
        while True:
            try:
                kind, payload = receiver.recv()
            except EOFError:
                raise ReaderFailed("the reading process ended without a word") from None
            if kind == "rows":
                yield from payload
            elif kind == "end":
                metadata.update(payload)
                return
            elif kind == "read_error":
                raise ReadError(payload)
            else:
                raise ReaderFailed(f"the reading process failed:\n{payload}")
    finally:
        receiver.close()
        if child.is_alive():  # the writer stopped early (an error, a rollback)
            child.terminate()
        child.join()


def _produce(items: Iterator[ReadRow], metadata: dict, sender) -> None:
    """The second process: send ``items`` in batches, then the end or the error (after the
    rows read before it, as the writer would have met them in process)."""
    batch: list[ReadRow] = []
    try:
        try:
            for item in items:
                batch.append(item)
                if len(batch) >= BATCH:
                    sender.send(("rows", batch))
                    batch = []
        finally:
            if batch:
                sender.send(("rows", batch))
        sender.send(("end", {k: v for k, v in metadata.items() if k == "skipped"}))
    except ReadError as exc:
        sender.send(("read_error", str(exc)))
    except BaseException:  # noqa: BLE001 - reported to the writer, which raises it
        sender.send(("failed", traceback.format_exc()))
    finally:
        sender.close()
