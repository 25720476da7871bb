"""Text search from remembered matches: a popular word is ranked once per store change.

A product word expands to every name of its products in three languages ("eieren" → about 30
FTS terms), and a large store matches thousands of places that FTS5 must rank (bm25) and SQL
must join, count and sort. This path keeps, per worker, the ranked matches of the last searched
expressions (numpy arrays in the order ``rank, num``) and applies the other filters from the
point index, so a repeated search costs a mask and a page fetch. The matches belong to one
store generation: any write drops them. Same total, page and order as the SQL path. Ranked
matches are also saved beside the store (:mod:`regional_map.places.rankfile`): the other
workers, and the next start, read them instead of ranking again.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections import OrderedDict

import numpy as np

from regional_map.db.connection import snapshot
from regional_map.places import rankfile
from regional_map.places.filters import PlaceFilter
from regional_map.places.paths.base import AnswerPath, PlacePage
from regional_map.places.paths.masks import MaskCache, maskable, matching_mask
from regional_map.places.pointindex import PointIndex, give_back_freed_memory, point_index
from regional_map.places.rows import places_by_nums

MAX_EXPRESSIONS = 128
# Ranked rows kept per worker, all expressions together (4 bytes each, 16 MB): at a million places a
# product word matches 100,000 of them.
MAX_RANKED_ROWS = 4_000_000
# A ranking of this many matches or more returns the freed heap to the system afterwards
# (a few ms, against the hundreds the ranking cost).
TRIM_AFTER_MATCHES = 20_000
_HIT = np.dtype([("rowid", np.int64), ("rank", np.float64)])


def _rank(conn: sqlite3.Connection, index: PointIndex, expression: str) -> np.ndarray:
    """Index rows matching ``expression`` by FTS5's rank, then place number."""
    # Streamed into one array: a list of every (rowid, rank) tuple (300,000 of them for a
    # product word at a million places) would leave its ~30 MB in the worker's heap for good.
    cursor = conn.cursor()
    cursor.row_factory = None  # plain tuples, which numpy takes as its records
    hits = np.fromiter(cursor.execute("SELECT rowid, rank FROM places_fts WHERE places_fts "
                                      "MATCH ?", (expression,)), _HIT)
    rowids, ranks = hits["rowid"], hits["rank"]
    positions = np.minimum(np.searchsorted(index.nums, rowids), max(len(index.nums) - 1, 0))
    known = (index.nums[positions] == rowids) if len(index.nums) else np.zeros(0, bool)
    positions, ranks, rowids = positions[known], ranks[known], rowids[known]
    return positions[np.lexsort((rowids, ranks))].astype(np.int32)


class SearchPath(AnswerPath):
    name = "search"

    def __init__(self, masks: MaskCache | None = None) -> None:
        self._matches: OrderedDict[tuple, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.masks = masks or MaskCache()

    def can_find(self, f: PlaceFilter) -> bool:
        return (not f.near and bool(f.fts()) and f.effective_sort() == "relevance"
                and maskable(f.but(q="", fts_override=None, sort=None)))

    def ranked_rows(self, conn: sqlite3.Connection, index: PointIndex,
                    expression: str) -> np.ndarray:
        """Index rows matching ``expression``, ordered by FTS rank, then place number."""
        key = (index.key, expression)
        found = self._matches.get(key)
        if found is not None:
            return found
        ordered = rankfile.load(index, expression)  # ranked by another worker, or before
        if ordered is None:
            ordered = _rank(conn, index, expression)
            rankfile.save(index, expression, ordered)
            if len(ordered) >= TRIM_AFTER_MATCHES:
                # FTS5's doclists and bm25 of a large match set leave tens of MB of freed
                # heap that glibc keeps (a million places: 273 → 301 MB per worker).
                give_back_freed_memory()
        with self._lock:
            for old in [k for k in self._matches if k[0] != index.key]:
                del self._matches[old]
            self._matches[key] = ordered
            while len(self._matches) > MAX_EXPRESSIONS or (
                    len(self._matches) > 1
                    and sum(len(v) for v in self._matches.values()) > MAX_RANKED_ROWS):
                self._matches.popitem(last=False)
        return ordered

    def warm(self, conn: sqlite3.Connection, expressions: list[str],
             budget_s: float | None = None) -> int:
        """Rank ``expressions`` now (at start-up), so their first search is not the slow one;
        stop when ``budget_s`` seconds are spent (a large store ranks slowly). How many."""
        index = point_index(conn)
        if index is None:
            return 0
        began = time.monotonic()
        # Workers start together: each ranks every other expression first and then finds
        # the rest saved by the other (rankfile), instead of both ranking the same ones.
        parity = os.getpid() % 2
        expressions = expressions[parity::2] + expressions[1 - parity::2]
        for done, expression in enumerate(expressions):
            if budget_s is not None and time.monotonic() - began > budget_s:
                return done
            self.ranked_rows(conn, index, expression)
        return len(expressions)

    def page_nums(self, conn: sqlite3.Connection,
                  f: PlaceFilter) -> tuple[int, list[int]] | None:
        """(total, nums of the page), or None when the index or FTS5 cannot answer."""
        index = point_index(conn)
        if index is None:
            return None
        try:
            ranked = self.ranked_rows(conn, index, f.fts())
        except sqlite3.OperationalError:  # an expression FTS5 refuses: SQL reports it
            return None
        rest = f.but(q="", fts_override=None, sort=None)
        # Without a view the other filters' mask is remembered (the map's own filters).
        mask = matching_mask(index, rest) if rest.bbox else self.masks.masks(index, rest)[0]
        rows = ranked[mask[ranked]]
        return len(rows), index.nums[rows[f.offset:f.offset + f.limit]].tolist()

    def find(self, conn: sqlite3.Connection, f: PlaceFilter, *,
             count: bool = True) -> PlacePage | None:
        with snapshot(conn):  # the ranked matches and the rows of one store state
            found = self.page_nums(conn, f)
            if found is None:
                return None
            total, nums = found
            items = places_by_nums(conn, nums)
        if items is None:  # the store changed under us: let SQL answer
            return None
        return PlacePage(total if count else len(items), items, f.limit, f.offset)
