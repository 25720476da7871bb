"""Paths over the in-memory point index: the map's clusters, and near me.

A filter is answered here only when every active filter declares a mask
(:data:`filters.FILTERS`); the masks narrow the index's rows exactly as the SQL conditions
narrow the table, so the clusters, counts, pages and orders are those of the SQL path (only the
last bits of a cluster's average position may differ: the sum runs in another order).
"""

from __future__ import annotations

import sqlite3

import numpy as np

from regional_map.db.functions import EARTH_RADIUS_M, haversine_m
from regional_map.places.filters import PlaceFilter
from regional_map.places.paths.base import (
    MAX_CLUSTER_ZOOM,
    MAX_SINGLE_POINTS,
    SINGLE_POINTS_BELOW,
    AnswerPath,
    PlacePage,
    cell_shift,
)
from regional_map.places.paths.cells import CellCache, in_view
from regional_map.places.paths.masks import MaskCache, maskable, matching_mask, places_key
from regional_map.places.paths.sql import SqlPath
from regional_map.places.pointindex import PointIndex, point_index
from regional_map.places.rows import places_by_name, places_by_nums

_SLACK = 1e-6  # relative: numpy's and math's haversine agree far better than this
# Up to this zoom (a province or wider) views are clustered from per-cell aggregates: few
# cells, many places each. Closer views hold few places and group them directly.
CELL_ZOOM = 11


def cluster_rows(index: PointIndex, rows: np.ndarray, shift: int) -> tuple[list[dict], list[int]]:
    """Clusters (count, average point, bounds) of ``rows`` by cell, in cell order, and the
    nums of the cells that hold a single place. Only the view's rows are sorted by cell: a
    close view holds few places, and a wide one comes from the cell aggregates instead."""
    if len(rows) == 0:
        return [], []
    keys = ((index.mx[rows] >> shift) << 32) | (index.my[rows] >> shift)
    by_cell = np.argsort(keys, kind="stable")
    rows, cell_keys = rows[by_cell], keys[by_cell]
    starts = np.flatnonzero(np.r_[True, cell_keys[1:] != cell_keys[:-1]])
    counts = np.diff(np.r_[starts, len(rows)])
    lat, lon = index.lat[rows], index.lon[rows]
    sum_lat, sum_lon = np.add.reduceat(lat, starts), np.add.reduceat(lon, starts)
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


class ClusterPath(AnswerPath):
    """The map's clusters from the point index."""

    name = "index"

    def __init__(self, sql: SqlPath, masks: MaskCache | None = None):
        self.sql = sql
        self.cells = CellCache()
        self.masks = masks or MaskCache()

    def can_cluster(self, f: PlaceFilter) -> bool:
        return maskable(f)

    def cluster(self, conn: sqlite3.Connection, f: PlaceFilter, zoom: int) -> dict | None:
        index = point_index(conn)
        if index is None:
            return None
        if f.bbox and zoom <= CELL_ZOOM:
            answer = self._from_cells(conn, index, f, zoom)
            if answer is not None:
                return answer
        rows = self.masks.rows(index, f)
        total = len(rows)
        if total <= SINGLE_POINTS_BELOW or zoom >= MAX_CLUSTER_ZOOM:
            # Exactly the SQL path's list (by name, at most MAX_SINGLE_POINTS), from the
            # matched keys when SQL could not test them itself (opening hours).
            listing = f.but(limit=MAX_SINGLE_POINTS, offset=0, sort="name")
            if f.open_at is None:
                return {"total": total, "clusters": [],
                        "places": self.sql.find(conn, listing, count=False).items}
            return {"total": total, "clusters": [], "places": places_by_name(
                conn, index.nums[rows].tolist(), MAX_SINGLE_POINTS)}
        clusters, singles = cluster_rows(index, np.sort(rows), cell_shift(zoom))
        places = places_by_nums(conn, sorted(singles)) if singles else []
        if places is None:  # the store changed under us: let SQL answer
            return None
        return {"total": total, "clusters": clusters, "places": places}


    def _from_cells(self, conn: sqlite3.Connection, index: PointIndex, f: PlaceFilter,
                    zoom: int) -> dict | None:
        """The clusters of a wide view from the per-cell aggregates of ``f`` without its bbox;
        None when the view holds few places (they are listed one by one, as SQL lists them)."""
        base = f.but(bbox=None)
        shift = cell_shift(zoom)
        cells = self.cells.get(index, places_key(f), shift, lambda: matching_mask(index, base))
        stats, first = in_view(index, cells, f.bbox)
        counts = stats[0].astype(np.int64)
        total = int(counts.sum())
        if total <= SINGLE_POINTS_BELOW:
            return None
        several = counts > 1
        clusters = [{"count": int(n), "lat": float(sl / n), "lon": float(so / n),
                     "bbox": [float(a), float(b), float(c), float(d)]}
                    for n, sl, so, a, b, c, d in zip(*stats[:, several].tolist(), strict=True)]
        places = places_by_nums(conn, sorted(first[~several].tolist()))
        if places is None:  # the store changed under us: let SQL answer
            return None
        return {"total": total, "clusters": clusters, "places": places}


def _distances(index: PointIndex, rows: np.ndarray, lat: float, lon: float) -> np.ndarray:
    """Haversine distances in metres from (lat, lon) to ``rows``, as numpy measures them
    (within ~1e-12 of SQL's function). In place: at a million places a near me question
    measures ~50,000 candidates, and each temporary array costs as much as the trigonometry."""
    lats = index.lat[rows]
    a = np.subtract(lats, lat)
    np.radians(a, out=a)
    a *= 0.5
    np.sin(a, out=a)
    a *= a
    dl = np.subtract(index.lon[rows], lon)
    np.radians(dl, out=dl)
    dl *= 0.5
    np.sin(dl, out=dl)
    dl *= dl
    np.radians(lats, out=lats)
    np.cos(lats, out=lats)
    lats *= np.cos(np.radians(lat))
    dl *= lats
    a += dl
    np.minimum(a, 1.0, out=a)
    np.sqrt(a, out=a)
    np.arcsin(a, out=a)
    a *= 2 * EARTH_RADIUS_M
    return a


class NearestPath(AnswerPath):
    """Near me: numpy measures every candidate at once; only the places whose order numpy
    cannot settle (within a hair of the radius, or of another place on the page) are
    measured again with the very function SQL uses, so the page, its order and the total
    are those of SQL."""

    name = "nearest"

    def __init__(self, masks: MaskCache | None = None):
        self.masks = masks or MaskCache()

    def can_find(self, f: PlaceFilter) -> bool:
        return bool(f.near and f.radius_km) and f.effective_sort() == "distance" and \
            maskable(f.but(near=None, radius_km=None, bbox=f.search_box()))

    def page(self, conn: sqlite3.Connection,
             f: PlaceFilter) -> tuple[int, list[int], list[float]] | None:
        """(total, nums of the page, their distances in metres as SQL measures them), or
        None without an index."""
        index = point_index(conn)
        return None if index is None else self._page(index, f)

    def find(self, conn: sqlite3.Connection, f: PlaceFilter, *,
             count: bool = True) -> PlacePage | None:
        found = self.page(conn, f)
        if found is None:
            return None
        total, nums, distances = found
        items = places_by_nums(conn, nums)
        if items is None:  # the store changed under us: let SQL answer
            return None
        for item, distance in zip(items, distances, strict=True):  # measured by the page
            item["distance_m"] = round(distance)
        return PlacePage(total if count else len(items), items, f.limit, f.offset)

    def _page(self, index: PointIndex, f: PlaceFilter) -> tuple[int, list[int], list[float]]:
        lat, lon = f.near
        radius = f.radius_km * 1000
        rows = self.masks.rows(index, f.but(near=None, radius_km=None, bbox=f.search_box()))
        approx = _distances(index, rows, lat, lon)
        inside = approx <= radius * (1 + _SLACK)
        rows, approx = rows[inside], approx[inside]
        edge = approx >= radius * (1 - _SLACK)  # near the radius, the exact function decides
        if edge.any():
            keep = np.ones(len(rows), bool)
            for i in np.flatnonzero(edge):
                r = rows[i]
                keep[i] = haversine_m(index.lat[r], index.lon[r], lat, lon) <= radius
            rows, approx = rows[keep], approx[keep]
        total = len(rows)
        want = min(f.offset + f.limit, total)
        if want == 0:
            return total, [], []
        # Every place that can be on the page: the ``want`` nearest by numpy, and any place
        # within a hair of the farthest of them (places sharing a point tie by the dozen).
        nearest = np.argpartition(approx, want - 1)[:want] if want < total else np.arange(total)
        limit = approx[nearest].max() * (1 + 2 * _SLACK) + 1e-6
        close = np.flatnonzero(approx <= limit)
        rows, approx = rows[close], approx[close]
        order = np.lexsort((index.nums[rows], approx))
        rows, approx = rows[order], approx[order]
        return total, *_settled(index, rows, approx, lat, lon, f.offset, want)


def _settled(index: PointIndex, rows: np.ndarray, approx: np.ndarray, lat: float, lon: float,
             offset: int, want: int) -> tuple[list[int], list[float]]:
    """Page ``offset:want`` of ``rows`` (sorted by numpy's distance, then num) in SQL's order.

    numpy's and math's distances differ far less than ``_SLACK``, so numpy orders two places
    exactly as SQL does unless they lie within ``_SLACK`` of each other: such runs are
    measured with SQL's function and sorted again (places on the very same point tie
    exactly, as they do in SQL, and keep their order by num)."""
    nums = index.nums[rows].tolist()
    lats, lons = index.lat[rows].tolist(), index.lon[rows].tolist()
    gaps = np.flatnonzero(approx[1:] > approx[:-1] * (1 + 2 * _SLACK) + 1e-6) + 1
    starts = [0, *gaps.tolist()]
    ends = [*starts[1:], len(nums)]
    keyed: list[tuple[float | None, int, int]] = []  # (distance or None, num, position)
    for start, end in zip(starts, ends, strict=True):
        run = range(start, end)
        if end - start > 1 and len({(lats[i], lons[i]) for i in run}) > 1:
            keyed += sorted((haversine_m(lats[i], lons[i], lat, lon), nums[i], i) for i in run)
        else:
            keyed += [(None, nums[i], i) for i in run]
    page = keyed[offset:want]
    return [num for _, num, _ in page], [
        haversine_m(lats[i], lons[i], lat, lon) if d is None else d for d, _, i in page]
