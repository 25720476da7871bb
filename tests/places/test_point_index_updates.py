"""The point index follows writes by reading only the touched places, and the result is the
index a fresh load gives (real store, real importer, generated places)."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from bench.generate import write_csv
from regional_map.db.connection import connect
from regional_map.ingest.importer import import_file
from regional_map.places import engine, pointindex
from regional_map.places.filters import PlaceFilter
from regional_map.provision import init_store
from regional_map.settings import DEFAULT_REGION

ARRAYS = ("nums", "mx", "my", "lat", "lon", "box", "confirmed",
          "name_rank", "updated_rank", "by_minlon", "minlon_sorted", "sorted_bounds")


@pytest.fixture
def store(tmp_path, demo_db_path):
    csv_path = write_csv(2_000, seed=21, path=tmp_path / "places.csv", store=demo_db_path)
    conn = connect(tmp_path / "updates.db")
    init_store(conn)
    import_file(conn, csv_path, source="generated", region=DEFAULT_REGION)
    yield conn
    conn.close()


def _same_as_a_fresh_load(conn, index):
    with conn:
        fresh = pointindex._load(conn, pointindex.store_key(conn),
                                 pointindex._last_touched(conn))
    assert index.key == fresh.key
    for name in ARRAYS:
        np.testing.assert_array_equal(getattr(index, name), getattr(fresh, name), name)
    for column, codes in (("kind", "kinds"), ("status", "statuses")):
        names = {code: name for name, code in getattr(index, codes).items()}
        fresh_names = {code: name for name, code in getattr(fresh, codes).items()}
        assert [names[k] for k in getattr(index, column).tolist()] == \
            [fresh_names[k] for k in getattr(fresh, column).tolist()], column
    assert [index.hours_texts[h] for h in index.hours.tolist()] == \
        [fresh.hours_texts[h] for h in fresh.hours.tolist()]
    assert {c: index.nums[r].tolist() for c, r in index.product_rows.items()} == \
        {c: fresh.nums[r].tolist() for c, r in fresh.product_rows.items()}


def _loads_counted(monkeypatch) -> list:
    calls: list = []
    real = pointindex._load

    def counting(*args):
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(pointindex, "_load", counting)
    return calls


def test_an_edit_patches_the_index_instead_of_reloading_it(store, monkeypatch):
    before = pointindex.point_index(store)
    calls = _loads_counted(monkeypatch)
    first, second, third = (r[0] for r in store.execute(
        "SELECT num FROM places ORDER BY num LIMIT 3 OFFSET 100"))
    with store:
        store.execute("UPDATE places SET name = 'Aaa renamed', kind = 'csa_farm', "
                      "status = 'temporarily_closed', opening_hours = 'Mo 07:00-08:00' "
                      "WHERE num = ?", (first,))
        store.execute("DELETE FROM place_products WHERE place_num = ?", (second,))
        store.execute("INSERT INTO place_products (place_num, product_code) VALUES (?, 'eggs')",
                      (second,))
        store.execute("UPDATE places SET updated_at = '2031-01-01T00:00:00Z' WHERE num = ?",
                      (second,))
        store.execute("DELETE FROM places WHERE num = ?", (third,))
    began = time.perf_counter()
    after = pointindex.point_index(store)
    elapsed = time.perf_counter() - began
    assert not calls, "the whole index was reloaded"
    assert after is not before and after.touched > before.touched
    assert third not in after.nums.tolist() and len(after.nums) == len(before.nums) - 1
    assert len(before.nums) == 2_000 or third in before.nums.tolist()  # the old one is intact
    _same_as_a_fresh_load(store, after)
    assert elapsed < 0.1, f"a write became visible after {elapsed * 1000:.0f} ms"


def test_places_added_by_an_import_are_patched_in(store, tmp_path, demo_db_path, monkeypatch):
    pointindex.point_index(store)
    calls = _loads_counted(monkeypatch)
    more = write_csv(40, seed=99, path=tmp_path / "more.csv", store=demo_db_path)
    report = import_file(store, more, source="more", region=DEFAULT_REGION)
    assert report.imported == 40
    index = pointindex.point_index(store)
    assert not calls and len(index.nums) == 2_040
    _same_as_a_fresh_load(store, index)
    f = PlaceFilter(limit=50, offset=1_990)
    assert engine.RANK.find(store, f).items == engine.SQL.find(store, f).items


def test_a_bulk_change_reloads_the_index(store, monkeypatch):
    pointindex.point_index(store)
    calls = _loads_counted(monkeypatch)
    with store:
        store.execute("UPDATE places SET status = 'closed' WHERE num % 2 = 0")
    index = pointindex.point_index(store)
    assert len(calls) == 1
    _same_as_a_fresh_load(store, index)


def test_renamed_places_take_sqls_place_in_both_orders(store, monkeypatch):
    pointindex.point_index(store)
    calls = _loads_counted(monkeypatch)
    names = ("éclair", "Eclair", "eclair", "ÉCLAIR", "Zoë", "zoe", "ZOE", "Ærø", "a", "A",
             "'t Hof", "Ōsaka", "", "hoeve", "Hoeve ", "Hoeve")
    nums = [r[0] for r in store.execute("SELECT num FROM places ORDER BY random() LIMIT 48")]
    with store:
        for i, num in enumerate(nums):
            store.execute("UPDATE places SET name = ?, updated_at = ? WHERE num = ?",
                          (names[i % len(names)], f"2030-01-{1 + i % 3:02d}T00:00:00Z", num))
    index = pointindex.point_index(store)
    assert not calls
    _same_as_a_fresh_load(store, index)


def test_readers_never_wait_for_an_update_in_progress(store, tmp_path):
    pointindex.point_index(store)
    with store:
        store.execute("UPDATE places SET name = '!!first' WHERE num = "
                      "(SELECT MAX(num) FROM places)")
    reader = connect(tmp_path / "updates.db")
    f = PlaceFilter(limit=3)
    answers: list = []
    with pointindex._CACHE_LOCK:  # as if another thread were updating the index right now
        worker = threading.Thread(
            target=lambda: answers.append((pointindex.point_index(reader),
                                           engine.find_places(reader, f))))
        worker.start()
        worker.join(timeout=10)
        assert not worker.is_alive(), "a reader waited for the update"
    index, page = answers[0]
    assert index is None  # the fast paths declined ...
    assert [p["id"] for p in page.items] == [p["id"] for p in engine.SQL.find(reader, f).items]
    assert "!!first" in [p["name"] for p in page.items]  # ... SQL answered, the new state
    assert pointindex.point_index(reader).key == pointindex.store_key(reader)  # then updated
    reader.close()
