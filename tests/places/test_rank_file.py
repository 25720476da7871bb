"""A search expression is ranked once per store state: other workers and the next start read
the ranked matches saved beside the store, and only while they describe it."""

from __future__ import annotations

import numpy as np

from regional_map.db.connection import transaction
from regional_map.places import engine, pointindex, rankfile
from regional_map.places.filters import PlaceFilter
from regional_map.places.fts import fts_expression
from regional_map.places.paths.search import SearchPath
from regional_map.places.store import set_place_fields
from tests.places.test_point_index_updates import store  # noqa: F401

EXPRESSION = fts_expression("eieren")


def _fts_queries(conn) -> list[str]:
    seen: list[str] = []
    conn.set_trace_callback(lambda sql: seen.append(sql) if "places_fts MATCH" in sql else None)
    return seen


def test_a_second_worker_reads_the_ranking_the_first_saved(store):  # noqa: F811
    index = pointindex.point_index(store)
    first = SearchPath().ranked_rows(store, index, EXPRESSION)
    assert len(first) > 20
    assert list(rankfile.rankings_dir(index.key[0]).glob("*.npy"))
    queries = _fts_queries(store)
    second = SearchPath().ranked_rows(store, index, EXPRESSION)  # a new worker's memory
    store.set_trace_callback(None)
    assert queries == []  # read from the file, not ranked again
    np.testing.assert_array_equal(first, second)


def test_saved_rankings_of_another_state_are_neither_used_nor_kept(store):  # noqa: F811
    index = pointindex.point_index(store)
    SearchPath().ranked_rows(store, index, EXPRESSION)
    old_files = set(rankfile.rankings_dir(index.key[0]).glob("*.npy"))
    place_id = store.execute("SELECT id FROM places ORDER BY num LIMIT 1").fetchone()[0]
    with transaction(store):
        set_place_fields(store, place_id, {"name": "Eierhoeve De Eerste"})
    changed = pointindex.point_index(store)
    assert changed.key != index.key
    queries = _fts_queries(store)
    SearchPath().ranked_rows(store, changed, EXPRESSION)
    store.set_trace_callback(None)
    assert queries  # ranked again for the new state
    files = set(rankfile.rankings_dir(index.key[0]).glob("*.npy"))
    assert files and not files & old_files


def test_a_damaged_ranking_is_ranked_again_to_the_same_answer(store):  # noqa: F811
    f = PlaceFilter(q="eieren", limit=15)
    expected = engine.SQL.find(store, f)
    index = pointindex.point_index(store)
    SearchPath().ranked_rows(store, index, EXPRESSION)
    for path in rankfile.rankings_dir(index.key[0]).glob("*.npy"):
        path.write_bytes(b"not a ranking")
    page = SearchPath().find(store, f)
    assert page.total == expected.total
    assert [p["id"] for p in page.items] == [p["id"] for p in expected.items]
    rows = np.array([len(index.nums) + 5], np.int32)  # rows of a larger index: refused
    rankfile.save(index, EXPRESSION, rows)
    assert rankfile.load(index, EXPRESSION) is None
