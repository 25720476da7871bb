"""Near me from the point index: the nearest places without a Python call per candidate.

With ``near`` and the default 25 km radius, SQL calls ``haversine_m`` for every candidate in
the radius box, twice (page and count); at 100k places that is thousands of calls a request.
Here numpy measures every candidate at once, and only the places that decide the answer (the
page, and any place within a hair of the radius) are measured again with the very function
SQL uses, so the page, its order and the total are those of :func:`queries.find_places`.
"""

from __future__ import annotations

import sqlite3

import numpy as np

from regional_map.ingest.dedupe import haversine_m, metres_to_degrees
from regional_map.places.pointindex import filter_rows, point_index

_EARTH_M = 6_371_008.8
_SLACK = 1e-6  # relative: numpy's and math's haversine agree far better than this
_MARGIN = 32  # extra nearest candidates measured exactly, to settle the page's order


def _distances(index, rows: np.ndarray, lat: float, lon: float) -> np.ndarray:
    p1, p2 = np.radians(lat), np.radians(index.lat[rows])
    dp, dl = p2 - p1, np.radians(index.lon[rows] - lon)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * _EARTH_M * np.arcsin(np.sqrt(np.minimum(1.0, a)))


def nearest_page(conn: sqlite3.Connection, f) -> tuple[int, list[int]] | None:
    """(total, nums of the page in order) for ``f`` with ``near`` sorted by distance, or
    None when ``f`` needs SQL (text search, payment, network …) or the index is missing."""
    from regional_map.places.queries import PlaceFilter

    if not f.near or not f.radius_km or f.effective_sort() != "distance":
        return None
    index = point_index(conn)
    if index is None:
        return None
    lat, lon = f.near
    radius = f.radius_km * 1000
    dlon, dlat = metres_to_degrees(radius, lat)
    box = (lon - dlon, lat - dlat, lon + dlon, lat + dlat)
    if f.bbox:  # the same box intersection as queries._where
        box = (max(f.bbox[0], box[0]), max(f.bbox[1], box[1]),
               min(f.bbox[2], box[2]), min(f.bbox[3], box[3]))
    plain = PlaceFilter(**{**f.__dict__, "near": None, "radius_km": None, "bbox": box,
                           "sort": None})
    rows = filter_rows(index, plain)
    if rows is None:
        return None
    rows = np.sort(rows)  # the order SQL's ties are broken in (by num) starts from row order
    approx = _distances(index, rows, lat, lon)
    inside = approx <= radius * (1 + _SLACK)
    rows, approx = rows[inside], approx[inside]
    # Near the radius, the exact function decides membership.
    edge = approx >= radius * (1 - _SLACK)
    if edge.any():
        keep = np.ones(len(rows), bool)
        for i in np.flatnonzero(edge):
            r = rows[i]
            keep[i] = haversine_m(index.lat[r], index.lon[r], lat, lon) <= radius
        rows, approx = rows[keep], approx[keep]
    total = len(rows)
    want = f.offset + f.limit
    if want < total:
        take = np.argpartition(approx, min(want + _MARGIN, total - 1))[:want + _MARGIN]
    else:
        take = np.arange(total)
    exact = sorted(
        (haversine_m(index.lat[rows[i]], index.lon[rows[i]], lat, lon),
         int(index.nums[rows[i]])) for i in take)
    if want < total and len(take) < total:
        # Every place left out is farther (by numpy) than the last one measured; the page is
        # settled only if that margin exceeds any disagreement between the two functions.
        outside = np.ones(total, bool)
        outside[take] = False
        if approx[outside].min() <= exact[min(want, len(exact)) - 1][0] * (1 + _SLACK) + 1e-6:
            return None
    return total, [num for _, num in exact[f.offset:want]]


def find_nearest(conn: sqlite3.Connection, f, *, count: bool = True):
    """:func:`queries.find_places` for a ``near`` filter, from the index; None to use SQL."""
    from regional_map.places import queries

    found = nearest_page(conn, f)
    if found is None:
        return None
    total, nums = found
    rows = queries.rows_by_nums(conn, nums)
    if rows is None:  # the store changed under us: let SQL answer
        return None
    items = queries.places_from_rows(conn, rows)
    for item in items:
        item["distance_m"] = round(haversine_m(f.near[0], f.near[1], item["lat"], item["lon"]))
    return queries.PlacePage(total if count else len(items), items, f.limit, f.offset)
