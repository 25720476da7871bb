"""An in-memory point index per worker process, so the map's clusters stay fast at 100k places.

Clustering a region view in SQL reads every place in it (about 180 ms at 100,000 places). This
module keeps the few columns clustering needs (point, Mercator cell, kind, status, products,
opening hours) as numpy arrays, loaded once per process and reloaded when the store changes:
triggers (see :func:`migrate`) bump ``places_generation`` on every write to ``places`` (and so
to its products), and each request compares one integer. The arrays are pre-sorted by cell
for each zoom, so a view is clustered in one linear pass.

Results are those of the SQL clustering in :func:`regional_map.queries.cluster_places`: the
same filters apply before clustering (the bbox test uses the R*Tree's own stored bounds), the
same cells, counts, bounds and single places; only the last bits of a cluster's average
position may differ (the sum runs in another order).
"""

from __future__ import annotations

import re
import sqlite3
import threading
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from regional_map.places.freshness import CONFIRMED_SQL

_GENERATION_SQL = """
CREATE TABLE places_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    token TEXT NOT NULL,
    generation INTEGER NOT NULL
);
INSERT INTO places_generation (id, token, generation) VALUES (1, lower(hex(randomblob(8))), 0);
CREATE TRIGGER places_generation_insert AFTER INSERT ON places BEGIN
    UPDATE places_generation SET generation = generation + 1; END;
CREATE TRIGGER places_generation_update AFTER UPDATE ON places BEGIN
    UPDATE places_generation SET generation = generation + 1; END;
CREATE TRIGGER places_generation_delete AFTER DELETE ON places BEGIN
    UPDATE places_generation SET generation = generation + 1; END
"""
# ``place_products`` needs no trigger of its own: ``store`` writes a place's products only
# together with an INSERT or UPDATE of the place (``updated_at``), which bumps the counter.


def migrate(conn: sqlite3.Connection) -> None:
    """Schema step: the change counter that tells workers to reload their point index."""
    for statement in _GENERATION_SQL.split(";\n"):
        if statement.strip():
            conn.execute(statement)


@dataclass
class PointIndex:
    """Columns of every place, row ``i`` being the place ``nums[i]`` (ascending)."""

    key: tuple[str, str, int]  # database file, token, generation
    nums: np.ndarray
    mx: np.ndarray
    my: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    box: np.ndarray  # the R*Tree's stored minlon, maxlon, minlat, maxlat (float32 bounds)
    kind: np.ndarray
    kinds: dict[str, int]
    status: np.ndarray
    statuses: dict[str, int]
    hours: np.ndarray  # index into hours_texts, of (opening_hours, country)
    hours_texts: list[tuple[str, str]]
    confirmed: np.ndarray  # freshness.CONFIRMED_SQL of each place (ISO date text)
    confirmed_days: np.ndarray | None  # the same as YYYYMMDD numbers, when all are dates
    product_rows: dict[str, np.ndarray]
    by_minlon: np.ndarray  # rows ordered by the R*Tree's minlon, for bbox candidates
    minlon_sorted: np.ndarray
    category_products: dict[str, tuple[str, ...]]
    _by_zoom: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    _open_by_minute: dict[int, np.ndarray] = field(default_factory=dict)

    def cells(self, shift: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows ordered by their cell at this shift, and the cell key of each ordered row."""
        found = self._by_zoom.get(shift)
        if found is None:
            key = ((self.mx >> shift) << 32) | (self.my >> shift)
            order = np.argsort(key, kind="stable").astype(np.int32)
            found = self._by_zoom[shift] = (order, key[order])
        return found


MAX_STORES = 4
_CACHE: dict[str, PointIndex] = {}
_CACHE_LOCK = threading.Lock()


def _store_key(conn: sqlite3.Connection) -> tuple[str, str, int] | None:
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
    """The index of this connection's store, (re)loaded when the store has changed."""
    key = _store_key(conn)
    if key is None:
        return None
    index = _CACHE.get(key[0])
    if index is not None and index.key == key:
        return index
    with _CACHE_LOCK:
        index = _CACHE.get(key[0])
        if index is None or index.key != key:
            index = _load(conn)
            if index is None:
                return None
            _CACHE.pop(key[0], None)
            while len(_CACHE) >= MAX_STORES:  # a worker serves one store; tests open many
                del _CACHE[next(iter(_CACHE))]
            _CACHE[key[0]] = index
    return index


def _load(conn: sqlite3.Connection) -> PointIndex | None:
    """Read the index in chunks (a list of 100k rows would stay in the worker's memory)."""
    kinds: dict[str, int] = {}
    statuses: dict[str, int] = {}
    hours_ids: dict[tuple[str, str], int] = {}
    parts: list[tuple] = []
    by_product: dict[str, list[int]] = {}
    categories: dict[str, list[str]] = {}
    began = not conn.in_transaction
    if began:
        conn.execute("BEGIN")  # one snapshot: the key and the rows agree
    try:
        key = _store_key(conn)
        if key is None:
            return None
        cursor = conn.execute(
            f"""SELECT p.num, p.mx, p.my, p.lat, p.lon, r.minlon, r.maxlon, r.minlat, r.maxlat,
                      p.kind, p.status, p.opening_hours, p.country, {CONFIRMED_SQL}
               FROM places p JOIN places_rtree r ON r.num = p.num ORDER BY p.num"""  # noqa: S608
        )
        while chunk := cursor.fetchmany(10_000):
            parts.append(_chunk_columns(chunk, kinds, statuses, hours_ids))
        for code, num in conn.execute("SELECT product_code, place_num FROM place_products"):
            by_product.setdefault(code, []).append(num)
        for code, category in conn.execute("SELECT code, category FROM products"):
            categories.setdefault(category, []).append(code)
    finally:
        if began:
            conn.execute("COMMIT")
    if parts:
        nums, mx, my, lat, lon, box, kind, status, hours, confirmed = (
            np.concatenate(column) for column in zip(*parts, strict=True))
    else:
        nums, mx, my, kind, status, hours = (np.zeros(0, t) for t in (
            np.int64, np.int64, np.int64, np.int16, np.int16, np.int32))
        lat, lon, box = np.zeros(0), np.zeros(0), np.zeros((0, 4))
        confirmed = np.zeros(0, dtype=str)
    product_rows = {code: np.searchsorted(nums, np.array(sorted(found), np.int64))
                    for code, found in by_product.items()}
    by_minlon = np.argsort(box[:, 0], kind="stable")
    return PointIndex(
        key=key, nums=nums, mx=mx, my=my, lat=lat, lon=lon,
        box=box, by_minlon=by_minlon, minlon_sorted=box[by_minlon, 0],
        kind=kind, kinds=kinds, status=status, statuses=statuses,
        hours=hours, hours_texts=list(hours_ids), product_rows=product_rows,
        confirmed=confirmed, confirmed_days=_as_days(confirmed),
        category_products={c: tuple(codes) for c, codes in categories.items()},
    )


def _chunk_columns(rows: list, kinds: dict, statuses: dict, hours_ids: dict) -> tuple:
    n = len(rows)
    return (
        np.fromiter((r[0] for r in rows), np.int64, n),
        np.fromiter((r[1] for r in rows), np.int64, n),
        np.fromiter((r[2] for r in rows), np.int64, n),
        np.fromiter((r[3] for r in rows), np.float64, n),
        np.fromiter((r[4] for r in rows), np.float64, n),
        np.array([tuple(r[5:9]) for r in rows], np.float64).reshape(n, 4),
        np.fromiter((kinds.setdefault(r[9], len(kinds)) for r in rows), np.int16, n),
        np.fromiter((statuses.setdefault(r[10], len(statuses)) for r in rows), np.int16, n),
        np.fromiter((hours_ids.setdefault((r[11], r[12] or "BE"), len(hours_ids))
                     for r in rows), np.int32, n),
        np.array([r[13] or "" for r in rows], dtype=str),
    )


def _as_days(texts: np.ndarray) -> np.ndarray | None:
    """``YYYY-MM-DD`` texts as YYYYMMDD integers (same order), or None if one is not a date."""
    if texts.size and not all(_ISO_DATE.fullmatch(t) for t in set(texts.tolist())):
        return None
    return np.array([int(t[:4] + t[5:7] + t[8:10]) for t in texts.tolist()], np.int64)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

# Filters the index answers itself; any other filter is left to SQL (see ``cluster_fast``).
_SIMPLE = ("statuses", "kinds", "products", "categories", "bbox", "open_at", "hide_stale_before")


def _codes_mask(values: np.ndarray, codes: dict[str, int], wanted: tuple[str, ...]) -> np.ndarray:
    allowed = np.zeros(max(len(codes), 1), bool)
    for name in wanted:
        if name in codes:
            allowed[codes[name]] = True
    return allowed[values]


def _open_mask(index: PointIndex, at: datetime) -> np.ndarray:
    """Open at ``at``: each distinct (hours, country) is evaluated once, not once a place."""
    from regional_map.hours.opening import is_open

    minute = int(at.timestamp()) // 60  # opening hours have a resolution of one minute
    found = index._open_by_minute.get(minute)
    if found is not None:
        return found
    open_ids = np.fromiter(
        (bool(text) and is_open(text, at, country) for text, country in index.hours_texts),
        bool, len(index.hours_texts))
    mask = open_ids[index.hours] if len(open_ids) else np.zeros(len(index.nums), bool)
    if len(index._open_by_minute) > 8:
        index._open_by_minute.clear()
    index._open_by_minute[minute] = mask
    return mask


def filter_mask(index: PointIndex, f) -> np.ndarray | None:
    """Which rows pass ``f`` (a mask over all rows), or None when ``f`` needs SQL."""
    rows = filter_rows(index, f)
    if rows is None:
        return None
    mask = np.zeros(len(index.nums), bool)
    mask[rows] = True
    return mask


def filter_rows(index: PointIndex, f) -> np.ndarray | None:
    """The row numbers that pass ``f``, or None when ``f`` uses a filter only SQL can apply.

    Cheaper than :func:`filter_mask` when the caller only walks the rows (near me): no
    mask over every place is built.
    """
    defaults = type(f)()
    for name, value in f.__dict__.items():
        if name in _SIMPLE or name in ("limit", "offset", "sort", "extra"):
            continue
        if value != getattr(defaults, name):
            return None
    if f.extra:
        return None
    if f.bbox:  # candidates first: a binary search on the longitudes, then the rest
        minlon, minlat, maxlon, maxlat = f.bbox
        lo = np.searchsorted(index.minlon_sorted, minlon, side="left")
        hi = np.searchsorted(index.minlon_sorted, maxlon, side="right")
        rows = index.by_minlon[lo:hi]  # any order: the rows only mark the mask
        box = index.box[rows]
        rows = rows[(box[:, 0] >= minlon) & (box[:, 1] <= maxlon)
                    & (box[:, 2] >= minlat) & (box[:, 3] <= maxlat)]
    else:
        rows = np.arange(len(index.nums))
    if f.statuses:
        rows = rows[_codes_mask(index.status[rows], index.statuses, f.statuses)]
    if f.kinds:
        rows = rows[_codes_mask(index.kind[rows], index.kinds, f.kinds)]
    if f.products or f.categories:
        codes = set(f.products)
        for category in f.categories:
            codes.update(index.category_products.get(category, ()))
        wanted = np.zeros(len(index.nums), bool)
        for code in codes:
            found = index.product_rows.get(code)
            if found is not None:
                wanted[found] = True
        rows = rows[wanted[rows]]
    if f.hide_stale_before:
        before = _as_days(np.array([f.hide_stale_before], dtype=str))
        if index.confirmed_days is not None and before is not None:
            rows = rows[index.confirmed_days[rows] >= before[0]]
        else:  # text comparison, as SQL does
            rows = rows[index.confirmed[rows] >= f.hide_stale_before]
    if f.open_at is not None:
        rows = rows[_open_mask(index, f.open_at)[rows]]
    return rows


def cluster_rows(index: PointIndex, mask: np.ndarray, shift: int) -> tuple[list[dict], list[int]]:
    """Clusters (count, average point, bounds) of the masked rows by cell, in cell order, and
    the nums of the cells that hold a single place."""
    order, keys = index.cells(shift)
    keep = mask[order]
    rows = order[keep]
    if len(rows) == 0:
        return [], []
    cell_keys = keys[keep]
    starts = np.flatnonzero(np.r_[True, cell_keys[1:] != cell_keys[:-1]])
    counts = np.diff(np.r_[starts, len(rows)])
    lat, lon = index.lat[rows], index.lon[rows]
    sum_lat = np.add.reduceat(lat, starts)
    sum_lon = np.add.reduceat(lon, starts)
    min_lon, max_lon = np.minimum.reduceat(lon, starts), np.maximum.reduceat(lon, starts)
    min_lat, max_lat = np.minimum.reduceat(lat, starts), np.maximum.reduceat(lat, starts)
    first = np.minimum.reduceat(index.nums[rows], starts)
    clusters: list[dict] = []
    singles: list[int] = []
    for i, n in enumerate(counts.tolist()):
        if n == 1:
            singles.append(int(first[i]))
        else:
            clusters.append({
                "count": n, "lat": float(sum_lat[i] / n), "lon": float(sum_lon[i] / n),
                "bbox": [float(min_lon[i]), float(min_lat[i]), float(max_lon[i]),
                         float(max_lat[i])],
            })
    return clusters, singles


def cluster_fast(conn: sqlite3.Connection, f, zoom: int) -> dict | None:
    """What :func:`regional_map.queries.cluster_places` returns, from the point index; None
    when this store has no index or ``f`` needs SQL (text search, near, payment …)."""
    from regional_map.places import queries

    index = point_index(conn)
    if index is None:
        return None
    mask = filter_mask(index, f)
    if mask is None:
        return None
    total = int(mask.sum())
    if total <= queries.SINGLE_POINTS_BELOW or zoom >= queries.MAX_CLUSTER_ZOOM:
        if f.open_at is None:  # exactly the SQL path's list (by name, at most 5,000)
            page = queries.find_places(conn, queries.PlaceFilter(
                **{**f.__dict__, "limit": 5000, "offset": 0, "sort": "name"}), count=False)
            return {"total": total, "clusters": [], "places": page.items}
        return {"total": total, "clusters": [],
                "places": _places_by_name(conn, index.nums[mask].tolist())}
    shift = 24 - max(0, min(zoom, 24)) + queries.CLUSTER_CELL_SHIFT
    clusters, singles = cluster_rows(index, mask, shift)
    places = []
    if singles:
        marks = ", ".join("?" * len(singles))
        rows = conn.execute(
            f"SELECT {queries._SELECT} FROM places p WHERE p.num IN ({marks})",  # noqa: S608
            singles).fetchall()
        places = queries.places_from_rows(conn, rows)
    return {"total": total, "clusters": clusters, "places": places}


def _places_by_name(conn: sqlite3.Connection, nums: list[int]) -> list[dict]:
    """The places ``nums`` in the map's list order (by name, at most 5,000)."""
    import json

    from regional_map.places import queries

    rows = conn.execute(
        f"SELECT {queries._SELECT} FROM places p WHERE p.num IN "  # noqa: S608
        "(SELECT value FROM json_each(?)) ORDER BY p.name COLLATE NOCASE, p.num LIMIT 5000",
        (json.dumps(nums),)).fetchall()
    return queries.places_from_rows(conn, rows)
