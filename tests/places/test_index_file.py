"""A worker that starts after another reads the saved point index instead of every place,
and only while it describes the store as it is."""

from __future__ import annotations

import pytest

from regional_map.db.connection import transaction
from regional_map.places import indexfile, pointindex
from regional_map.places.store import set_place_fields
from tests.places.test_point_index_updates import _same_as_a_fresh_load, store  # noqa: F401


def _new_worker(monkeypatch) -> list:
    """Forget the indexes in memory, as a new process has none; count full loads."""
    pointindex._CACHE.clear()
    calls: list = []
    real = pointindex._load
    monkeypatch.setattr(pointindex, "_load", lambda *a: calls.append(a) or real(*a))
    return calls


def test_a_second_worker_reads_the_saved_index(store, monkeypatch):  # noqa: F811
    loads = _new_worker(monkeypatch)
    first = pointindex.point_index(store)
    assert len(loads) == 1 and indexfile.index_file(first.key[0]).exists()
    loads = _new_worker(monkeypatch)
    second = pointindex.point_index(store)
    assert loads == []  # from the file
    _same_as_a_fresh_load(store, second)
    assert second.category_products == first.category_products


@pytest.mark.parametrize("change", ["edit", "file replaced"])
def test_a_saved_index_of_another_state_is_not_used(store, monkeypatch, change):  # noqa: F811
    _new_worker(monkeypatch)
    index = pointindex.point_index(store)
    place_id = store.execute("SELECT id FROM places ORDER BY num LIMIT 1").fetchone()[0]
    if change == "edit":
        with transaction(store):
            set_place_fields(store, place_id, {"lat": 50.5, "lon": 4.5})
    else:  # another store's file under this name (a store restored by hand)
        with transaction(store):
            store.execute("UPDATE places_generation SET token = 'other'")
    loads = _new_worker(monkeypatch)
    fresh = pointindex.point_index(store)
    assert len(loads) == 1 and fresh.key != index.key
    _same_as_a_fresh_load(store, fresh)


def test_a_damaged_file_is_ignored(store, monkeypatch):  # noqa: F811
    _new_worker(monkeypatch)
    index = pointindex.point_index(store)
    indexfile.index_file(index.key[0]).write_bytes(b"not an index")
    loads = _new_worker(monkeypatch)
    assert pointindex.point_index(store) is not None and len(loads) == 1
