"""Pre-encoded GeoJSON features, so a page of places costs an index query and a join.

Building a feature (row → place dict → GeoJSON → JSON text) costs far more than finding it; a
map list or a bbox download spent most of its time there. Each worker keeps the encoded text of
the features it has served, per encoding (the caller's key: language and shape), and throws
them all away when the store changes (the ``places_generation`` counter). The page's keys and
total come from the point index when the filter allows (near me, text search, the ranks),
else from SQL; either way the features are those of the SQL path, in its order. Near me
gives each feature's distance beside it: the text of a place is the same from any point.
"""

from __future__ import annotations

import sqlite3
import threading

from regional_map.db.connection import snapshot
from regional_map.places.filters import PlaceFilter, active_filters
from regional_map.places.paths.base import AnswerPath, Encode, EncodedPage
from regional_map.places.paths.index import NearestPath
from regional_map.places.paths.rank import RankPath
from regional_map.places.paths.search import SearchPath
from regional_map.places.paths.sql import SqlPath
from regional_map.places.pointindex import store_key
from regional_map.places.rows import place_from_row, places_from_rows, rows_by_nums

# Text kept per worker, all encodings together: at a million places a worker cannot keep
# every feature (~600 bytes each), and the pages asked again are a small part of them.
MAX_BYTES = 20 * 2**20
MAX_ENCODINGS = 8  # a worker serves one store in a few languages and shapes


class FeaturePath(AnswerPath):
    name = "features"

    def __init__(self, sql: SqlPath, rank: RankPath, nearest: NearestPath,
                 search: SearchPath):
        self.sql = sql
        self.rank = rank
        self.nearest = nearest
        self.search = search
        self._cache: dict[tuple, dict[int, str]] = {}
        self._bytes: dict[tuple, int] = {}  # text held per encoding
        self._lock = threading.Lock()

    def can_encode(self, f: PlaceFilter) -> bool:
        # Near me and text search from the index only: their SQL pages need the distance
        # and the FTS rank of each row, which the page's keys alone do not give.
        if any(d.test for d in active_filters(f)):
            return False
        if f.near:
            return self.nearest.can_find(f)
        return self.search.can_find(f) if f.fts() else True

    def _page_nums(self, conn: sqlite3.Connection,
                   f: PlaceFilter) -> tuple[int, list[int], list[float] | None] | None:
        """(total, nums of the page, distances or None), from the index when it can."""
        if f.near:
            return self.nearest.page(conn, f)
        if f.fts():
            found = self.search.page_nums(conn, f)
            # Nothing found as typed: the engine widens the words by a typo, not this path.
            return None if found is None or found[0] == 0 else (*found, None)
        ranked = self.rank.page_nums(conn, f)  # from the index when it can: cheaper
        if ranked is not None:
            return (*ranked, None)
        nums = self.sql.page_nums(conn, f)
        return None if nums is None else (self.sql.count(conn, f), nums, None)

    def _features_for(self, key: tuple) -> dict[int, str]:
        found = self._cache.get(key)
        if found is None:
            with self._lock:
                found = self._cache.get(key)
                if found is None:
                    for old in [k for k in self._cache if k[0] == key[0] and k[1:3] != key[1:3]]:
                        self._drop(old)  # an older generation of the same store
                    while len(self._cache) >= MAX_ENCODINGS:
                        self._drop(next(iter(self._cache)))
                    found = self._cache[key] = {}
                    self._bytes[key] = 0
        return found

    def _drop(self, key: tuple) -> None:
        self._cache.pop(key, None)
        self._bytes.pop(key, None)

    def _room(self, key: tuple, cache: dict[int, str], adding: int) -> None:
        """Forget encoded text until ``adding`` more bytes fit in :data:`MAX_BYTES`."""
        with self._lock:
            if sum(self._bytes.values()) + adding <= MAX_BYTES:
                return
            for other in sorted(self._bytes, key=self._bytes.get, reverse=True):
                self._cache.get(other, {}).clear()
                self._bytes[other] = 0
                if sum(self._bytes.values()) + adding <= MAX_BYTES:
                    break
            cache.clear()  # this encoding's dict may already be detached from the cache
            self._bytes[key] = 0

    def features(self, conn: sqlite3.Connection, f: PlaceFilter, key: str,
                 encode: Encode, shallow: bool = False) -> EncodedPage | None:
        """The page of ``f`` encoded; ``shallow``: ``encode`` needs only the place's own
        columns (no products, no municipality name), so two queries per page are spared."""
        with snapshot(conn):  # the counter, the page and its rows agree
            store = store_key(conn)
            if store is None:
                return None
            found = self._page_nums(conn, f)
            if found is None:
                return None
            total, nums, distances = found
            cache_key = (*store, key)
            cache = self._features_for(cache_key)
            page = {n: cache.get(n) for n in nums}  # local: another thread may clear the cache
            missing = [n for n, text in page.items() if text is None]
            if missing:
                rows = rows_by_nums(conn, missing) or []
                places = [place_from_row(r) for r in rows] if shallow else \
                    places_from_rows(conn, rows)
                for row, place in zip(rows, places, strict=True):
                    page[row["num"]] = encode(place)
                added = sum(len(page[r["num"]]) for r in rows)
                self._room(cache_key, cache, added)
                for row in rows:
                    cache[row["num"]] = page[row["num"]]
                with self._lock:
                    if cache_key in self._bytes:
                        self._bytes[cache_key] += added
            return EncodedPage(total, [page[n] for n in nums], distances)
