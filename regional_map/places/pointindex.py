"""An in-memory point index per worker process: the columns the map's fast paths filter on.

Clustering or measuring a region's places in SQL reads every place in the view. This module
keeps the few columns those paths need (point, Mercator cell, kind, status, products, opening
hours, confirmation date, rank by name and by update) as numpy arrays, loaded once per process
and brought up to date when the store changes: triggers (schema step 6) bump
``places_generation`` on every write to ``places`` (and so to its products), so each request
compares one integer; triggers of step 10 log the touched place numbers, so after an edit only
those places are read again (a new index is built beside the old one, which readers keep using
until it is swapped in).

The methods narrow an array of row numbers exactly as the SQL conditions of
:mod:`regional_map.places.filters` do (the bbox test uses the R*Tree's own stored bounds);
each filter's declaration says which method stands for its SQL.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import sqlite3
import threading
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from regional_map.db.connection import snapshot
from regional_map.hours.opening import is_open
from regional_map.places import indexfile
from regional_map.places.freshness import CONFIRMED_SQL
from regional_map.places.pointranks import full_ranks, patched_ranks


@dataclass
class PointIndex:
    """Columns of every place, row ``i`` being the place ``nums[i]`` (ascending)."""

    key: tuple[str, str, int]  # database file, token, generation
    nums: np.ndarray
    mx: np.ndarray
    my: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    box: np.ndarray  # the R*Tree's stored minlon, maxlon, minlat, maxlat (its float32s)
    kind: np.ndarray
    kinds: dict[str, int]
    status: np.ndarray
    statuses: dict[str, int]
    hours: np.ndarray  # index into hours_texts, of (opening_hours, country)
    hours_texts: list[tuple[str, str]]
    confirmed: np.ndarray  # freshness.CONFIRMED_SQL of each place, as UTF-8 bytes
    product_rows: dict[str, np.ndarray]
    by_minlon: np.ndarray  # rows ordered by the R*Tree's minlon, for bbox candidates
    minlon_sorted: np.ndarray
    category_products: dict[str, tuple[str, ...]]
    # Each row's position in the SQL path's orders (``name COLLATE NOCASE, num`` and
    # ``updated_at DESC, num``), ranked once at load so a page of any view is a partial sort
    # of the matched rows' ranks instead of a sort of the matched places.
    name_rank: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    updated_rank: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    # The other three bounds in the same order (contiguous: a view's candidates are a slice).
    sorted_bounds: np.ndarray = field(default_factory=lambda: np.zeros((3, 0), np.float32))
    touched: int | None = None  # the last places_touched entry this index includes
    _by_rank: dict[str, np.ndarray] = field(default_factory=dict)
    _open_by_minute: dict[int, np.ndarray] = field(default_factory=dict)

    def all_rows(self) -> np.ndarray:
        return np.arange(len(self.nums))

    def with_codes(self, rows: np.ndarray, column: str, wanted: tuple[str, ...]) -> np.ndarray:
        """``rows`` whose ``kind`` or ``status`` (``column``) is one of ``wanted``."""
        values, codes = (self.kind, self.kinds) if column == "kind" else \
            (self.status, self.statuses)
        allowed = np.zeros(max(len(codes), 1), bool)
        for name in wanted:
            if name in codes:
                allowed[codes[name]] = True
        return rows[allowed[values[rows]]]

    def with_products(self, rows: np.ndarray, codes: set[str]) -> np.ndarray:
        """``rows`` that offer any of the product ``codes``."""
        wanted = np.zeros(len(self.nums), bool)
        for code in codes:
            found = self.product_rows.get(code)
            if found is not None:
                wanted[found] = True
        return rows[wanted[rows]]

    def in_box(self, rows: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
        """``rows`` inside ``box`` by the R*Tree's own stored bounds, as SQL tests them."""
        if len(rows) == len(self.nums) and self.sorted_bounds.shape[1] == len(rows):
            # Candidates by a binary search on longitudes; the other bounds are tested on
            # slices of arrays in the same order (no copy of the candidates' boxes).
            lo, hi, inside = self._view(box)
            return self.by_minlon[lo:hi][inside]
        minlon, minlat, maxlon, maxlat = box32(box)
        b = self.box[rows]
        return rows[(b[:, 0] >= minlon) & (b[:, 1] <= maxlon)
                    & (b[:, 2] >= minlat) & (b[:, 3] <= maxlat)]

    def _view(self, box: tuple[float, float, float, float]) -> tuple[int, int, np.ndarray]:
        """(lo, hi, inside): the view's candidates are ``by_minlon[lo:hi]``, ``inside`` says
        which of them lie in ``box`` by the R*Tree's bounds (slices only: no copies)."""
        minlon, minlat, maxlon, maxlat = box32(box)
        lo = np.searchsorted(self.minlon_sorted, minlon, side="left")
        hi = np.searchsorted(self.minlon_sorted, maxlon, side="right")
        maxlons, minlats, maxlats = self.sorted_bounds[:, lo:hi]
        return lo, hi, (maxlons <= maxlon) & (minlats >= minlat) & (maxlats <= maxlat)

    def in_box_where(self, box: tuple[float, float, float, float],
                     by_longitude: np.ndarray) -> np.ndarray:
        """Rows inside ``box`` whose entry of ``by_longitude`` (a mask in ``by_minlon``
        order) is set."""
        lo, hi, inside = self._view(box)
        return self.by_minlon[lo:hi][inside & by_longitude[lo:hi]]

    def count_in_box(self, box: tuple[float, float, float, float],
                     by_longitude: np.ndarray) -> int:
        """How many rows :meth:`in_box_where` would give."""
        lo, hi, inside = self._view(box)
        return int(np.count_nonzero(inside & by_longitude[lo:hi]))

    def box_candidates(self, box: tuple[float, float, float, float]) -> int:
        """How many places' longitudes fall in ``box``: what :meth:`in_box` examines."""
        minlon, _, maxlon, _ = box32(box)
        lo = np.searchsorted(self.minlon_sorted, minlon, side="left")
        return int(np.searchsorted(self.minlon_sorted, maxlon, side="right") - lo)

    def rank_order(self, sort: str) -> np.ndarray:
        """Every row in the SQL path's ``name`` or ``updated`` order (the ranks inverted)."""
        found = self._by_rank.get(sort)
        if found is None:
            rank = self.updated_rank if sort == "updated" else self.name_rank
            found = np.empty(len(rank), np.int32)
            found[rank] = np.arange(len(rank), dtype=np.int32)
            self._by_rank[sort] = found
        return found

    def confirmed_since(self, rows: np.ndarray, day: str) -> np.ndarray:
        """``rows`` confirmed on or after ``day`` (YYYY-MM-DD), compared as SQL compares."""
        # Bytes compare as SQLite compares text (memcmp of UTF-8)
        return rows[self.confirmed[rows] >= day.encode("utf-8")]

    def open_mask(self, at: datetime) -> np.ndarray:
        """Open at ``at``, for every row: each distinct (hours, country) is evaluated once."""
        minute = int(at.timestamp()) // 60  # opening hours have a resolution of one minute
        found = self._open_by_minute.get(minute)
        if found is not None:
            return found
        open_ids = np.fromiter(
            (bool(text) and is_open(text, at, country) for text, country in self.hours_texts),
            bool, len(self.hours_texts))
        mask = open_ids[self.hours] if len(open_ids) else np.zeros(len(self.nums), bool)
        if len(self._open_by_minute) > 8:
            self._open_by_minute.clear()
        self._open_by_minute[minute] = mask
        return mask

    def cells(self, shift: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows ordered by their cell at this shift, and the cell key of each ordered row.

        Not kept: the per-cell aggregates built from them are (``paths/cells.py``), and at a
        million places each zoom's order would hold 4 MB of every worker."""
        keys = self.cell_keys(self.all_rows(), shift)
        order = np.argsort(keys, kind="stable").astype(np.int32)
        return order, keys[order]

    def cell_keys(self, rows: np.ndarray, shift: int) -> np.ndarray:
        """The cluster cell of each of ``rows`` at ``shift`` (as SQL's GROUP BY key)."""
        return ((self.mx[rows] >> shift) << 32) | (self.my[rows] >> shift)


def _up32(x: float) -> np.float32:
    """The smallest float32 >= ``x``: for a float32 ``b``, ``b >= x`` iff ``b >= _up32(x)``."""
    f = np.float32(x)
    return f if float(f) >= x else np.nextafter(f, np.float32(np.inf))


def _down32(x: float) -> np.float32:
    """The largest float32 <= ``x``: for a float32 ``b``, ``b <= x`` iff ``b <= _down32(x)``."""
    f = np.float32(x)
    return f if float(f) <= x else np.nextafter(f, np.float32(-np.inf))


def box32(box: tuple[float, float, float, float]) -> tuple[np.float32, ...]:
    """``box`` (minlon, minlat, maxlon, maxlat) as float32 bounds that test the index's
    float32 boxes exactly as SQL tests the R*Tree's against the double ``box``."""
    minlon, minlat, maxlon, maxlat = box
    return _up32(minlon), _up32(minlat), _down32(maxlon), _down32(maxlat)


MAX_STORES = 4
_CACHE: dict[str, PointIndex] = {}
_CACHE_LOCK = threading.Lock()


def store_key(conn: sqlite3.Connection) -> tuple[str, str, int] | None:
    try:
        row = conn.execute("SELECT token, generation FROM places_generation").fetchone()
    except sqlite3.OperationalError:  # a store from before this schema step
        return None
    if row is None:
        return None
    path = next((r[2] for r in conn.execute("PRAGMA database_list") if r[1] == "main"), "")
    if not path:  # an in-memory database: nothing to share between requests
        return None
    return (path, row[0], row[1])


def point_index(conn: sqlite3.Connection) -> PointIndex | None:
    """The index of this connection's store, brought up to date when the store has changed.

    After a write only the touched places are read again (``places_touched``, schema step 10);
    a bulk change or an old store reloads everything. Readers never wait for that: while one
    thread updates the index, the others get None and their path lets SQL answer.
    """
    key = store_key(conn)
    if key is None:
        return None
    index = _CACHE.get(key[0])
    if index is not None and index.key == key:
        return index
    if not _CACHE_LOCK.acquire(blocking=index is None):
        return None  # another thread is updating it: SQL answers this one
    try:
        index = _CACHE.get(key[0])
        if index is None or index.key != key:
            index = _refresh(conn, index)
            if index is None:
                return None
            _CACHE.pop(key[0], None)
            while len(_CACHE) >= MAX_STORES:  # a worker serves one store; tests open many
                del _CACHE[next(iter(_CACHE))]
            _CACHE[key[0]] = index
    finally:
        _CACHE_LOCK.release()
    return index


def _refresh(conn: sqlite3.Connection, old: PointIndex | None) -> PointIndex | None:
    """``old`` with the places touched since it was read, or a fresh load, in one snapshot."""
    with snapshot(conn):  # the key, the log and the rows agree
        key = store_key(conn)
        if key is None:
            return None
        touched = _last_touched(conn)
        if old is not None and old.touched is not None and touched is not None \
                and old.key[:2] == key[:2]:
            nums = _touched_since(conn, old.touched, len(old.nums))
            if nums is not None:
                return _patched(conn, old, key, touched, nums)
        if old is None:  # a worker's first load: the saved index, when it is current
            saved = indexfile.load(conn, key, touched)
            if saved is not None:
                give_back_freed_memory()  # the file's read buffers
                return PointIndex(**saved)
        index = _load(conn, key, touched)
        indexfile.save(conn, index)
        give_back_freed_memory()
        return index


def give_back_freed_memory() -> None:
    """Return freed heap to the system (glibc keeps it): after a full load, the row tuples'
    ~110 MB of a worker's RSS at a million places; after a warm-up, its temporaries."""
    try:
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the memory is reused by later requests
        pass


_SELECT = f"""SELECT p.num, p.mx, p.my, p.lat, p.lon, r.minlon, r.maxlon, r.minlat, r.maxlat,
                     p.kind, p.status, p.opening_hours, p.country, {CONFIRMED_SQL}
              FROM places p JOIN places_rtree r ON r.num = p.num"""  # noqa: S608 - fixed text
_COLUMNS = ("nums", "mx", "my", "lat", "lon", "box", "kind", "status", "hours", "confirmed")
MAX_PATCH = 0.05  # touched more than this share of places: reload (one pass is cheaper)


def _last_touched(conn: sqlite3.Connection) -> int | None:
    try:
        return conn.execute("SELECT COALESCE(MAX(id), 0) FROM places_touched").fetchone()[0]
    except sqlite3.OperationalError:  # a store from before schema step 10
        return None


def _touched_since(conn: sqlite3.Connection, seen: int, size: int) -> np.ndarray | None:
    """The nums touched after log entry ``seen``; None when the log no longer reaches back
    that far (pruned) or the change is a bulk one."""
    first = conn.execute("SELECT MIN(id) FROM places_touched").fetchone()[0]
    if first is None or first > seen + 1:
        return None
    nums = np.unique(np.array([r[0] for r in conn.execute(
        "SELECT num FROM places_touched WHERE id > ?", (seen,))], np.int64))
    return None if len(nums) > max(500, size * MAX_PATCH) else nums


def _patched(conn: sqlite3.Connection, old: PointIndex, key: tuple, touched: int,
             changed: np.ndarray) -> PointIndex:
    """A new index: ``old`` without the ``changed`` places, plus their rows as they are now
    (deleted ones are simply gone). ``old`` is never modified: readers may still hold it."""
    kinds, statuses = dict(old.kinds), dict(old.statuses)
    hours_ids = {pair: i for i, pair in enumerate(old.hours_texts)}
    listed = json.dumps(changed.tolist())
    rows = conn.execute(f"{_SELECT} WHERE p.num IN (SELECT value FROM json_each(?))",  # noqa: S608
                        (listed,)).fetchall()
    fresh = _chunk_columns(rows, kinds, statuses, hours_ids)
    keep = ~np.isin(old.nums, changed)
    merged = [np.concatenate([getattr(old, name)[keep], part])
              for name, part in zip(_COLUMNS, fresh, strict=True)]
    order = np.argsort(merged[0], kind="stable")
    columns = dict(zip(_COLUMNS, (c[order] for c in merged), strict=True))
    position = np.empty(len(order), np.int64)
    position[order] = np.arange(len(order))  # where each merged row went
    kept, moved = position[:int(keep.sum())], position[int(keep.sum()):]
    ranks = {name: patched_ranks(conn, columns["nums"], kept, getattr(old, f"{name}_rank")[keep],
                                 moved, name) for name in ("name", "updated")}
    by_product: dict[str, np.ndarray] = {}
    for code, positions in old.product_rows.items():
        nums = old.nums[positions]
        by_product[code] = nums[~np.isin(nums, changed)]
    added: dict[str, list[int]] = {}
    for code, num in conn.execute(
            "SELECT product_code, place_num FROM place_products "
            "WHERE place_num IN (SELECT value FROM json_each(?))", (listed,)):
        added.setdefault(code, []).append(num)
    for code, nums in added.items():
        by_product[code] = np.concatenate([by_product.get(code, np.zeros(0, np.int64)),
                                           np.array(nums, np.int64)])
    return _build(conn, key, touched, columns, by_product, kinds, statuses, hours_ids, ranks)


def _load(conn: sqlite3.Connection, key: tuple, touched: int | None) -> PointIndex:
    """Read every place in chunks (a list of every row would stay in the worker's memory)."""
    kinds: dict[str, int] = {}
    statuses: dict[str, int] = {}
    hours_ids: dict[tuple[str, str], int] = {}
    parts: list[tuple] = []
    cursor = conn.execute(f"{_SELECT} ORDER BY p.num")  # noqa: S608 - fixed text
    while chunk := cursor.fetchmany(10_000):
        parts.append(_chunk_columns(chunk, kinds, statuses, hours_ids))
    if parts:
        columns = dict(zip(_COLUMNS, (np.concatenate(c) for c in zip(*parts, strict=True)),
                           strict=True))
    else:
        columns = dict(zip(_COLUMNS, _chunk_columns([], kinds, statuses, hours_ids),
                           strict=True))
    found: dict[str, list[int]] = {}
    for code, num in conn.execute("SELECT product_code, place_num FROM place_products"):
        found.setdefault(code, []).append(num)
    by_product = {code: np.array(nums, np.int64) for code, nums in found.items()}
    ranks = {name: full_ranks(conn, columns["nums"], name) for name in ("name", "updated")}
    return _build(conn, key, touched, columns, by_product, kinds, statuses, hours_ids, ranks)


def _build(conn: sqlite3.Connection, key: tuple, touched: int | None, columns: dict,
           by_product: dict[str, np.ndarray], kinds: dict, statuses: dict,
           hours_ids: dict, ranks: dict[str, np.ndarray]) -> PointIndex:
    """The index of ``columns`` (rows by ascending num) and the places' product nums."""
    nums, box = columns["nums"], columns["box"]
    categories: dict[str, list[str]] = {}
    for code, category in conn.execute("SELECT code, category FROM products"):
        categories.setdefault(category, []).append(code)
    product_rows = {code: np.searchsorted(nums, np.unique(found)).astype(np.int32)
                    for code, found in by_product.items() if len(found)}
    by_minlon = np.argsort(box[:, 0], kind="stable").astype(np.int32)
    return PointIndex(
        key=key, nums=nums, mx=columns["mx"], my=columns["my"], lat=columns["lat"],
        lon=columns["lon"], box=box, by_minlon=by_minlon, minlon_sorted=box[by_minlon, 0],
        sorted_bounds=np.ascontiguousarray(box[by_minlon][:, 1:].T),
        kind=columns["kind"], kinds=kinds, status=columns["status"], statuses=statuses,
        hours=columns["hours"], hours_texts=list(hours_ids), product_rows=product_rows,
        confirmed=columns["confirmed"],
        category_products={c: tuple(codes) for c, codes in categories.items()},
        name_rank=ranks["name"], updated_rank=ranks["updated"],
        touched=touched,
    )
def _chunk_columns(rows: list, kinds: dict, statuses: dict, hours_ids: dict) -> tuple:
    n = len(rows)
    return (
        np.fromiter((r[0] for r in rows), np.int64, n),
        np.fromiter((r[1] for r in rows), np.int64, n),
        np.fromiter((r[2] for r in rows), np.int64, n),
        np.fromiter((r[3] for r in rows), np.float64, n),
        np.fromiter((r[4] for r in rows), np.float64, n),
        np.array([tuple(r[5:9]) for r in rows], np.float32).reshape(n, 4),
        np.fromiter((kinds.setdefault(r[9], len(kinds)) for r in rows), np.int16, n),
        np.fromiter((statuses.setdefault(r[10], len(statuses)) for r in rows), np.int16, n),
        np.fromiter((hours_ids.setdefault((r[11], r[12] or "BE"), len(hours_ids))
                     for r in rows), np.int32, n),
        np.array([(r[13] or "").encode("utf-8") for r in rows], dtype="S"),
    )
