"""The SQL path: SQLite with its R*Tree and FTS5. It answers every filter and is the reference
every other path is tested against.

The ``WHERE`` is assembled from the filter declarations (:data:`filters.FILTERS`); only fixed
text goes into the SQL, every value is bound.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from regional_map.db.functions import haversine_m
from regional_map.places.filters import PlaceFilter, active_filters
from regional_map.places.paths.base import (
    MAX_CLUSTER_ZOOM,
    MAX_SINGLE_POINTS,
    SINGLE_POINTS_BELOW,
    AnswerPath,
    PlacePage,
    cell_shift,
)
from regional_map.places.rows import SELECT_COLUMNS, places_by_nums, places_from_rows


class Query:
    """``FROM places p`` with the joins and conditions of a filter, and their parameters."""

    def __init__(self, f: PlaceFilter):
        joins, clauses, join_params, params = [], [], [], []
        self.tests = []
        for declaration in active_filters(f):
            if declaration.test is not None:
                self.tests.append(declaration.test)
            if declaration.sql is None:
                continue
            part = declaration.sql(f)
            if part.join:
                joins.append(part.join)
                join_params += part.params
            else:
                clauses.append(part.clause)
                params += part.params
        where = " WHERE " + " AND ".join(clauses) if clauses else ""
        self.sql = "FROM places p" + "".join(joins) + where
        self.params: list[Any] = join_params + params
        self.searched = bool(joins)

    def keep(self, rows: list, f: PlaceFilter) -> list:
        """The rows that also pass the filters SQL cannot apply (opening hours)."""
        for test in self.tests:
            rows = [r for r in rows if test(r, f)]
        return rows


def order_by(f: PlaceFilter) -> tuple[str, list[Any]]:
    """The ``ORDER BY`` of ``f``'s sort, always ending on the stable key ``p.num``."""
    sort = f.effective_sort()
    if sort == "distance" and f.near:
        return "haversine_m(p.lat, p.lon, ?, ?), p.num", [f.near[0], f.near[1]]
    if sort == "relevance" and f.fts():
        return "f.rank, p.num", []
    if sort == "updated":
        return "p.updated_at DESC, p.num", []
    return "p.name COLLATE NOCASE, p.num", []


def with_distance(items: list[dict], f: PlaceFilter) -> list[dict]:
    """Each place's distance from ``f.near`` in whole metres (near me shows it)."""
    if f.near:
        for item in items:
            item["distance_m"] = round(haversine_m(f.near[0], f.near[1], item["lat"],
                                                   item["lon"]))
    return items


class SqlPath(AnswerPath):
    name = "sql"

    def can_find(self, f: PlaceFilter) -> bool:
        return True

    def can_cluster(self, f: PlaceFilter) -> bool:
        return True

    def count(self, conn: sqlite3.Connection, f: PlaceFilter) -> int:
        """How many places match ``f`` (all of its filters, opening hours included)."""
        query = Query(f)
        if query.tests:
            return len(query.keep(conn.execute(
                f"SELECT p.opening_hours, p.country {query.sql}",  # noqa: S608 - fixed text
                query.params).fetchall(), f))
        return conn.execute(f"SELECT COUNT(*) {query.sql}", query.params).fetchone()[0]  # noqa: S608

    def page_nums(self, conn: sqlite3.Connection, f: PlaceFilter) -> list[int] | None:
        """The internal keys of ``f``'s page, or None when Python must test the rows."""
        query = Query(f)
        if query.tests:
            return None
        order, order_params = order_by(f)
        return [r[0] for r in conn.execute(
            f"SELECT p.num {query.sql} ORDER BY {order} LIMIT ? OFFSET ?",  # noqa: S608
            [*query.params, *order_params, f.limit, f.offset])]

    def find(self, conn: sqlite3.Connection, f: PlaceFilter, *,
             count: bool = True) -> PlacePage:
        query = Query(f)
        order, order_params = order_by(f)
        if query.tests:  # filter every candidate in Python, then page
            rows = query.keep(conn.execute(
                f"SELECT {SELECT_COLUMNS} {query.sql} ORDER BY {order}",  # noqa: S608
                [*query.params, *order_params]).fetchall(), f)
            total, rows = len(rows), rows[f.offset:f.offset + f.limit]
        else:
            rows = conn.execute(
                f"SELECT {SELECT_COLUMNS} {query.sql} ORDER BY {order} LIMIT ? OFFSET ?",  # noqa: S608
                [*query.params, *order_params, f.limit, f.offset]).fetchall()
            total = (conn.execute(f"SELECT COUNT(*) {query.sql}",  # noqa: S608
                                  query.params).fetchone()[0] if count else len(rows))
        return PlacePage(total, with_distance(places_from_rows(conn, rows), f), f.limit,
                         f.offset)

    def bounds(self, conn: sqlite3.Connection,
               f: PlaceFilter) -> tuple[float, float, float, float] | None:
        """(minlon, minlat, maxlon, maxlat) of every place matching ``f``; None if none."""
        query = Query(f)
        row = conn.execute(
            f"SELECT MIN(p.lon), MIN(p.lat), MAX(p.lon), MAX(p.lat) {query.sql}",  # noqa: S608
            query.params).fetchone()
        return None if row[0] is None else tuple(row)

    def cluster(self, conn: sqlite3.Connection, f: PlaceFilter, zoom: int) -> dict:
        query = Query(f)
        total = self.count(conn, f)
        if total <= SINGLE_POINTS_BELOW or zoom >= MAX_CLUSTER_ZOOM:
            page = self.find(conn, f.but(limit=MAX_SINGLE_POINTS, offset=0, sort="name"),
                             count=False)
            return {"total": total, "clusters": [], "places": page.items}
        shift = cell_shift(zoom)
        if query.tests:  # opening hours: test each place in Python, then group the same way
            cells = _cells_in_python(query.keep(conn.execute(
                f"SELECT p.num, p.mx >> ? AS cx, p.my >> ? AS cy, p.lat, p.lon, "  # noqa: S608
                f"p.opening_hours, p.country {query.sql} ORDER BY p.num",
                [shift, shift, *query.params]).fetchall(), f))
        else:
            cells = conn.execute(
                f"""SELECT p.mx >> ? AS cx, p.my >> ? AS cy, COUNT(*) AS n,
                           AVG(p.lat) AS lat, AVG(p.lon) AS lon, MIN(p.num) AS num,
                           MIN(p.lon) AS minlon, MIN(p.lat) AS minlat,
                           MAX(p.lon) AS maxlon, MAX(p.lat) AS maxlat
                    {query.sql} GROUP BY cx, cy""",  # noqa: S608 - fixed text with ? params
                [shift, shift, *query.params]).fetchall()
        clusters, singles = [], []
        for cell in cells:
            if cell["n"] == 1:
                singles.append(cell["num"])
            else:
                clusters.append({
                    "count": cell["n"], "lat": cell["lat"], "lon": cell["lon"],
                    "bbox": [cell["minlon"], cell["minlat"], cell["maxlon"], cell["maxlat"]],
                })
        # In key order, as every path lists a view's single places.
        places = places_by_nums(conn, sorted(singles)) or []
        return {"total": total, "clusters": clusters, "places": places}


def _cells_in_python(rows: list) -> list[dict]:
    """What ``GROUP BY cx, cy`` gives, for rows SQL could not filter itself."""
    cells: dict[tuple[int, int], dict] = {}
    for r in rows:
        cell = cells.get((r["cx"], r["cy"]))
        if cell is None:
            cells[(r["cx"], r["cy"])] = {"n": 1, "lat": r["lat"], "lon": r["lon"],
                                         "num": r["num"], "minlon": r["lon"],
                                         "minlat": r["lat"], "maxlon": r["lon"],
                                         "maxlat": r["lat"]}
            continue
        cell["n"] += 1
        cell["lat"] += r["lat"]
        cell["lon"] += r["lon"]
        cell["num"] = min(cell["num"], r["num"])
        cell["minlon"], cell["maxlon"] = min(cell["minlon"], r["lon"]), max(cell["maxlon"],
                                                                              r["lon"])
        cell["minlat"], cell["maxlat"] = min(cell["minlat"], r["lat"]), max(cell["maxlat"],
                                                                              r["lat"])
    out = []
    for key in sorted(cells):
        cell = cells[key]
        cell["lat"], cell["lon"] = cell["lat"] / cell["n"], cell["lon"] / cell["n"]
        out.append(cell)
    return out
