"""Rows read in a second process beside the writer land exactly as rows read in process; the
second process never outlives the import, and its failures reach the writer."""

from __future__ import annotations

import multiprocessing
import shutil
from pathlib import Path

import pytest

from regional_map.db.connection import connect
from regional_map.ingest import importer
from regional_map.ingest.importer import ImportFailed, import_file
from regional_map.ingest.readers import ReadError
from regional_map.ingest.reading import (
    ReaderFailed,
    ReadRow,
    can_read_aside,
    read_in_second_process,
)
from regional_map.provision import demo_osm_file
from tests.ingest.osm_convert import as_ways, real_elements, write_pbf
from tests.ingest.test_import_bulk import _tables

pytestmark = pytest.mark.skipif(not can_read_aside(), reason="needs fork")
DIRTY = Path(__file__).parent.parent / "fixtures" / "dirty_import.csv"


@pytest.fixture
def always_aside(monkeypatch):
    """Every file read aside, whatever its size (the real threshold is 4 MB)."""
    monkeypatch.setattr(importer, "READ_ASIDE_MIN_BYTES", 0)


def _import(path, file, **options):
    conn = connect(path)
    try:
        return import_file(conn, file, **options)
    finally:
        conn.close()


def _report(report) -> tuple:
    return (report.summary(), [(r.line, r.reason) for r in report.rejected],
            [(w.line, w.reason) for w in report.warnings], report.skipped,
            report.outside_region, report.preview)


@pytest.mark.parametrize("source", ["osm", "csv", "pbf"])
def test_rows_read_in_a_second_process_write_the_store_read_in_process_writes(
        source, always_aside, empty_db_path, tmp_path):
    """The 1,703 real OSM places, a spreadsheet of dirty rows (every rejection and warning
    with its line), and a PBF of real elements as nodes and ways."""
    file = {"osm": demo_osm_file(), "csv": DIRTY}.get(source) or \
        write_pbf(tmp_path / "real.osm.pbf", as_ways(real_elements()))
    aside, here = tmp_path / "aside.db", tmp_path / "here.db"
    shutil.copy(empty_db_path, aside)
    shutil.copy(empty_db_path, here)
    read_aside = _import(aside, file, region_from_data=True, read_aside=True)
    read_here = _import(here, file, region_from_data=True)
    assert _report(read_aside) == _report(read_here)
    assert read_aside.created > 0 and (source != "csv" or read_aside.rejected)
    aside_tables, here_tables = _tables(aside), _tables(here)
    for name, rows in here_tables.items():
        assert aside_tables[name] == rows, name
    assert not multiprocessing.active_children()


def test_a_file_below_the_threshold_is_read_in_process(empty_db_path, monkeypatch):
    """The fork costs more than it saves on a small file."""
    forked = []
    monkeypatch.setattr(importer, "read_in_second_process",
                        lambda items, metadata: forked.append(1) or items)
    _import(empty_db_path, DIRTY, region_from_data=True, read_aside=True)
    assert forked == []
    monkeypatch.setattr(importer, "READ_ASIDE_MIN_BYTES", 0)
    _import(empty_db_path, DIRTY, region_from_data=True, read_aside=True)
    assert forked == [1]


def test_a_writer_that_fails_stops_the_reader_and_writes_nothing(always_aside, empty_db_path,
                                                                 monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(importer, "insert_new_places", broken)
    with pytest.raises(OSError, match="disk full"):
        _import(empty_db_path, demo_osm_file(), region_from_data=True, read_aside=True)
    assert not multiprocessing.active_children()
    conn = connect(empty_db_path)
    assert conn.execute("SELECT COUNT(*) FROM places").fetchone()[0] == 0
    conn.close()


def test_a_broken_file_read_aside_fails_clearly_and_writes_nothing(always_aside,
                                                                   empty_db_path, tmp_path):
    path = tmp_path / "broken.osm.pbf"
    path.write_bytes(b"\x00\x00\x00\x0dnot a pbf at all" * 10)
    with pytest.raises(ImportFailed, match="not a readable OSM file"):
        _import(empty_db_path, path, read_aside=True)
    assert not multiprocessing.active_children()


def _items(count: int, then: BaseException | None = None):
    for line in range(1, count + 1):
        yield ReadRow(line, skipped=True)
    if then is not None:
        raise then


def test_the_second_process_hands_over_every_item_in_order_and_the_reader_metadata():
    metadata = {"skipped": 0}

    def counted():
        yield from _items(1500)
        metadata["skipped"] = 7  # the OSM reader counts what it left out as it goes

    received = [item.line for item in read_in_second_process(counted(), metadata)]
    assert received == list(range(1, 1501))
    assert metadata == {"skipped": 7}


def test_a_read_error_half_way_reaches_the_writer_after_the_rows_before_it():
    received = []
    with pytest.raises(ReadError, match="truncated at byte 1234"):
        for item in read_in_second_process(_items(600, ReadError("truncated at byte 1234")),
                                           {}):
            received.append(item.line)
    assert received == list(range(1, 601))
    assert not multiprocessing.active_children()


def test_any_other_failure_of_the_reader_is_raised_with_its_traceback():
    with pytest.raises(ReaderFailed, match="ZeroDivisionError"):
        list(read_in_second_process(_items(3, ZeroDivisionError("boom")), {}))
    assert not multiprocessing.active_children()
