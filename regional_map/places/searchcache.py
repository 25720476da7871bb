"""Text search from remembered matches: a popular word is ranked once per store change.

A product word expands to every name of its products in three languages ("eieren" → about 30
FTS terms), and at 100k places it matches thousands of places that FTS5 must rank (bm25) and
SQL must join, count and sort: 60-130 ms a search. This module keeps, per worker, the ranked
matches of the last searched expressions (as numpy arrays, in the order ``rank, num``) and
applies the other filters from the point index (:mod:`regional_map.pointindex`), so a repeated
search costs a mask and a page fetch. The cache belongs to one store generation: any write
drops it. Results are those of :func:`queries.find_places`: same total, same page, same order.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict

import numpy as np

from regional_map.places.pointindex import PointIndex, filter_mask, point_index

MAX_EXPRESSIONS = 128

_matches: OrderedDict[tuple, np.ndarray] = OrderedDict()
_lock = threading.Lock()


def _ranked_rows(conn: sqlite3.Connection, index: PointIndex, expression: str) -> np.ndarray:
    """Index rows matching ``expression``, ordered by FTS rank, then place number."""
    key = (index.key, expression)
    found = _matches.get(key)
    if found is not None:
        return found
    hits = conn.execute("SELECT rowid, rank FROM places_fts WHERE places_fts MATCH ?",
                        (expression,)).fetchall()
    rowids = np.fromiter((h[0] for h in hits), np.int64, len(hits))
    ranks = np.fromiter((h[1] for h in hits), np.float64, len(hits))
    positions = np.searchsorted(index.nums, rowids)
    positions = np.minimum(positions, max(len(index.nums) - 1, 0))
    known = (index.nums[positions] == rowids) if len(index.nums) else np.zeros(0, bool)
    positions, ranks, rowids = positions[known], ranks[known], rowids[known]
    ordered = positions[np.lexsort((rowids, ranks))]
    with _lock:
        for old in [k for k in _matches if k[0] != index.key]:
            del _matches[old]
        _matches[key] = ordered
        while len(_matches) > MAX_EXPRESSIONS:
            _matches.popitem(last=False)
    return ordered


def find_searched(conn: sqlite3.Connection, f, *, count: bool = True):
    """:func:`queries.find_places` for a text search ranked by relevance; None to use SQL
    (other sorts, near, filters only SQL applies, or no match at all: SQL then tries the
    spelling correction)."""
    from regional_map.places import queries

    if f.near or f.extra or f.effective_sort() != "relevance":
        return None
    expression = queries.fts_expression(f.q)
    if not expression:
        return None
    index = point_index(conn)
    if index is None:
        return None
    plain = queries.PlaceFilter(**{**f.__dict__, "q": "", "sort": None})
    mask = filter_mask(index, plain)
    if mask is None:
        return None
    try:
        ranked = _ranked_rows(conn, index, expression)
    except sqlite3.OperationalError:  # an expression FTS5 refuses: SQL reports it as before
        return None
    rows = ranked[mask[ranked]]
    if len(rows) == 0:
        return None
    nums = index.nums[rows[f.offset:f.offset + f.limit]].tolist()
    found = queries.rows_by_nums(conn, nums)
    if found is None:  # the store changed under us: let SQL answer
        return None
    items = queries.places_from_rows(conn, found)
    return queries.PlacePage(len(rows) if count else len(items), items, f.limit, f.offset)
