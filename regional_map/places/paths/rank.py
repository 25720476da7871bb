"""Pages in the SQL path's name or update order from the point index's precomputed ranks.

SQL answers ``bbox=<a province>&limit=100`` by sorting every place in the box by name, so the
cost grew with the box, not with the page. The point index ranks every place once per store
change in both orders (SQLite itself sorts them, so the collation is SQLite's); a page is then
the matched rows (vectorised masks), a partial sort of their ranks (``argpartition``: the
``offset + limit`` smallest) and a fetch of ``limit`` places by key. The total is the exact
number of matched rows, so ``numberMatched`` is never an estimate. Same total, page and order
as the SQL path, page after page.
"""

from __future__ import annotations

import sqlite3

import numpy as np

from regional_map.places.filters import PlaceFilter
from regional_map.places.paths.base import AnswerPath, PlacePage
from regional_map.places.paths.masks import MaskCache, maskable, matching_rows
from regional_map.places.pointindex import PointIndex, box32, point_index
from regional_map.places.rows import places_by_nums

RANKED_SORTS = ("name", "updated")


def ranked_page(index: PointIndex, f: PlaceFilter,
                masks: MaskCache | None = None) -> tuple[int, list[int]]:
    """(total matched, nums of ``f``'s page) in ``f``'s order; ``f`` must be rankable.

    A wide view (a province, a country) holding many matches is answered without visiting
    them all: the total is counted on contiguous slices, the page found by walking the places
    in rank order until it is full.
    """
    if f.bbox and masks is not None:
        found = _wide_page(index, f, masks)
        if found is not None:
            return found
    rows = masks.rows(index, f) if masks is not None else matching_rows(index, f)
    total = len(rows)
    ranks = (index.updated_rank if f.effective_sort() == "updated" else index.name_rank)[rows]
    want = f.offset + f.limit
    if want < total:  # only the first ``want`` ranks need sorting
        first = np.argpartition(ranks, want - 1)[:want]
        rows, ranks = rows[first], ranks[first]
    page = rows[np.argsort(ranks)][f.offset:want]  # ranks are distinct: the order is total
    return total, index.nums[page].tolist()


WIDE_CANDIDATES = 20_000  # views with fewer candidates are answered from their matches
# A row visited in rank order is a random read of the index; a candidate of the view is
# the next element of a slice. Measured at a million places, one costs ~30 of the other.
WALK_COST = 30


def _wide_page(index: PointIndex, f: PlaceFilter,
               masks: MaskCache) -> tuple[int, list[int]] | None:
    """The page of a wide view, or None when sorting its matches costs less.

    Walking the rank order visits about ``want × places / matches`` rows (a province holding
    a third of the places fills a page of 500 within ~1,500 rows); the other way sorts the
    view's matches. The cheaper one is taken; both give SQL's page.
    """
    candidates = index.box_candidates(f.bbox)
    if candidates < WIDE_CANDIDATES:
        return None
    mask, by_longitude = masks.masks(index, f)
    total = index.count_in_box(f.bbox, by_longitude)
    want = f.offset + f.limit
    if total == 0:
        return 0, []
    expected = want * len(index.nums) / total  # rows to walk, if matches spread evenly
    if WALK_COST * expected > candidates:
        return None
    order = index.rank_order(f.effective_sort())
    minlon, minlat, maxlon, maxlat = box32(f.bbox)
    found: list[np.ndarray] = []
    got, start, step = 0, 0, int(expected * 1.2) + 64
    while got < want and start < len(order):
        chunk = order[start:start + step]
        b = index.box[chunk]
        keep = mask[chunk] & (b[:, 0] >= minlon) & (b[:, 1] <= maxlon) \
            & (b[:, 2] >= minlat) & (b[:, 3] <= maxlat)
        found.append(chunk[keep])
        got += int(keep.sum())
        start, step = start + step, step * 2
    rows = np.concatenate(found)[f.offset:want]
    return total, index.nums[rows].tolist()


class RankPath(AnswerPath):
    """Name- and update-ordered pages (the map's list, bbox downloads, the OGC items)."""

    name = "rank"

    def __init__(self) -> None:
        self.masks = MaskCache()

    def can_find(self, f: PlaceFilter) -> bool:
        return not f.near and not f.fts() and f.effective_sort() in RANKED_SORTS \
            and maskable(f)

    def page_nums(self, conn: sqlite3.Connection, f: PlaceFilter) -> tuple[int, list[int]] | None:
        """(total, nums of the page), or None without an index; call inside one snapshot."""
        if not self.can_find(f):
            return None
        index = point_index(conn)
        if index is None or len(index.name_rank) != len(index.nums):
            return None
        return ranked_page(index, f, self.masks)

    def find(self, conn: sqlite3.Connection, f: PlaceFilter, *,
             count: bool = True) -> PlacePage | None:
        began = not conn.in_transaction
        if began:
            conn.execute("BEGIN")  # one snapshot: the index's generation and the rows agree
        try:
            found = self.page_nums(conn, f)
            if found is None:
                return None
            total, nums = found
            items = places_by_nums(conn, nums)
        finally:
            if began:
                conn.execute("COMMIT")
        if items is None:
            return None
        return PlacePage(total if count else len(items), items, f.limit, f.offset)
