"""New places are written in bulk; the store is the one that writing them one by one gives."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from regional_map.db.connection import connect
from regional_map.ingest import importer
from regional_map.ingest.importer import import_file
from regional_map.places.store import upsert_place
from regional_map.provision import demo_osm_file

# Columns that differ between two runs whatever the path: the times.
_TIMES = {"created_at", "updated_at", "at", "seen_at", "imported_at"}


def _one_by_one(conn, items, *, texts, towns, now, changes=None):
    """The bulk writer's contract, met with ``upsert_place`` (the reference)."""
    nums = []
    for record, products in items:
        outcome, num = upsert_place(conn, record, products, texts=texts, now=now,
                                    changes=changes, existing=None)
        assert outcome == "created"
        conn.execute("UPDATE places SET municipality_method = ? WHERE num = ?",
                     (record.get("municipality_method"), num))
        nums.append(num)
    return nums


def _tables(path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    found = {}
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE 'places_fts_%' AND name NOT LIKE 'places_rtree_%' "
        "AND name NOT IN ('places_touched', 'places_generation')")]  # write counters
    for name in names:
        columns = [r[1] for r in conn.execute(f"PRAGMA table_info({name})")
                   if r[1] not in _TIMES] or ["rowid"]
        query = f"SELECT {', '.join(columns)} FROM {name}"  # noqa: S608 - names from the schema
        found[name] = sorted(conn.execute(query).fetchall(),
                             key=repr)
    found["fts"] = conn.execute("SELECT rowid, * FROM places_fts ORDER BY rowid").fetchall()
    conn.close()
    return found


def _import(path, file, **options):
    conn = connect(path)
    report = import_file(conn, file, **options)
    conn.close()
    return report


@pytest.mark.parametrize("source", ["osm", "csv"])
def test_bulk_writes_the_store_that_one_by_one_writes(empty_db_path, tmp_path, monkeypatch,
                                                      source):
    """The 1,703 real OSM places, and a spreadsheet with dirty rows, land identically."""
    file = demo_osm_file() if source == "osm" else \
        importer.Path(__file__).parent.parent / "fixtures" / "dirty_import.csv"
    bulk, single = tmp_path / "bulk.db", tmp_path / "single.db"
    shutil.copy(empty_db_path, bulk)
    shutil.copy(empty_db_path, single)
    fast = _import(bulk, file, region_from_data=True)
    monkeypatch.setattr(importer, "insert_new_places", _one_by_one)
    slow = _import(single, file, region_from_data=True)
    assert fast.summary() == slow.summary()
    assert fast.created > 0
    bulk_tables, single_tables = _tables(bulk), _tables(single)
    for name, rows in single_tables.items():
        assert bulk_tables[name] == rows, name


def test_rows_that_are_the_same_place_in_one_batch_update_it(empty_db_path, tmp_path):
    """Two rows whose points agree to four decimals and share a name are one place (the id);
    the second sees the first written, as when rows were written one at a time."""
    csv = tmp_path / "twice.csv"
    csv.write_text("name,kind,lat,lon,opening_hours\n"
                   "Hoeve Twee,farm_shop,51.05001,3.72001,Sa 08:00-12:00\n"
                   "Hoeve Een,farm_shop,51.06,3.73,\n"
                   "Hoeve Twee,farm_shop,51.05002,3.72002,Sa 09:00-12:00\n"
                   "Hoeve Drie,farm_shop,51.07,3.74,\n", encoding="utf-8")
    report = _import(empty_db_path, csv, region_from_data=True)
    assert (report.created, report.updated, len(report.rejected)) == (3, 1, 0)
    conn = connect(empty_db_path)
    hours = conn.execute("SELECT opening_hours FROM places WHERE name = 'Hoeve Twee'").fetchall()
    conn.close()
    assert [h[0] for h in hours] == ["Sa 09:00-12:00"]


def test_a_reimport_updates_through_the_batched_look_up(empty_db_path, tmp_path):
    """Stored places are found for a whole batch at once, by the source's id first."""
    csv = tmp_path / "farms.csv"
    rows = [f"{i},Hoeve {i},farm_shop,{51 + i / 1000:.4f},{3.7 + i / 1000:.4f}"
            for i in range(600)]
    csv.write_text("ref,name,kind,lat,lon\n" + "\n".join(rows) + "\n", encoding="utf-8")
    first = _import(empty_db_path, csv, region_from_data=True, source="farms")
    assert first.created == 600
    renamed = [r.replace("Hoeve 7,", "Hoeve Zeven,") for r in rows]
    csv.write_text("ref,name,kind,lat,lon\n" + "\n".join(renamed) + "\n", encoding="utf-8")
    second = _import(empty_db_path, csv, source="farms")
    assert (second.created, second.updated, second.unchanged) == (0, 1, 599)
