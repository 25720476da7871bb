"""The one query layer: every page, API endpoint, embed and export selects places through here.

Functions take a connection and a :class:`PlaceFilter` and return plain dicts (the internal
place shape); formatters turn those into GeoJSON, CSV, HTML and so on.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from regional_map.ingest.dedupe import haversine_m, metres_to_degrees
from regional_map.text import fold

PUBLIC_COLUMNS = (
    "id", "name", "kind", "description", "street", "housenumber", "postcode", "city",
    "municipality_code", "country", "lat", "lon", "geocode_precision", "geocode_source",
    "opening_hours", "season_months", "organic", "payment", "website", "phone", "email",
    "status", "closed_on", "last_confirmed", "sells_to_consumers", "sells_to_business",
    "source_id", "source_ref", "licence", "extra", "created_at", "updated_at",
)
_SELECT = ", ".join(f"p.{c}" for c in PUBLIC_COLUMNS)

SORTS = ("name", "distance", "relevance", "updated")


@dataclass
class PlaceFilter:
    """Everything a user can ask of the places; empty fields do not filter."""

    q: str = ""
    kinds: tuple[str, ...] = ()
    products: tuple[str, ...] = ()  # product codes (any of them)
    categories: tuple[str, ...] = ()
    bbox: tuple[float, float, float, float] | None = None  # minlon, minlat, maxlon, maxlat
    near: tuple[float, float] | None = None  # lat, lon
    radius_km: float | None = None
    statuses: tuple[str, ...] = ("active", "temporarily_closed")
    organic: bool | None = None
    payment: tuple[str, ...] = ()
    municipalities: tuple[str, ...] = ()
    network: str | None = None
    updated_since: str | None = None
    in_season_month: int | None = None
    open_at: datetime | None = None
    sells_to_business: bool | None = None
    # Places last confirmed before this date (YYYY-MM-DD) are left out (freshness.py).
    hide_stale_before: str | None = None
    limit: int = 100
    offset: int = 0
    sort: str | None = None  # default: distance with near, relevance with q, else name
    extra: dict[str, Any] = field(default_factory=dict)

    def effective_sort(self) -> str:
        if self.sort:
            return self.sort
        if self.near:
            return "distance"
        if fts_expression(self.q):
            return "relevance"
        return "name"


MAX_EXPANSION = 300  # terms a product or category word may expand to


def fts_expression(text: str) -> str:
    """A safe FTS5 query from user text: folded words, all required.

    Folding leaves only ``[a-z0-9 ]``, so no FTS operator (``"``, ``NEAR(``, ``*``, ``-``)
    from the user survives; each word is then quoted. A word the product vocabulary knows
    ("eieren", "œufs", "eggs", "groenten") becomes the OR of every name of its products in
    every language, so the three languages find exactly the same places; other words match
    as prefixes ("boerder" finds "Boerderij").
    """
    from regional_map.places.vocab import load_vocabulary

    vocab = load_vocabulary()
    parts = []
    for word in fold(text).split()[:12]:
        codes = vocab.search_codes(word) if len(word) >= 3 else []
        terms = list(dict.fromkeys(
            [word] + [t for c in codes if c in vocab.products for t in vocab.products[c].terms()]
        ))[:MAX_EXPANSION]
        if len(terms) > 1:
            # Longer terms match as prefixes too ("fruit" finds "Fruithof"); short ones
            # ("ei") only whole, or they would match half the dictionary.
            parts.append("(" + " OR ".join(f'"{t}"*' if len(t) >= 4 else f'"{t}"'
                                           for t in terms) + ")")
        else:
            parts.append(f'"{word}"*')
    return " AND ".join(parts)


def _where(f: PlaceFilter) -> tuple[list[str], list[Any], str]:
    """SQL conditions and parameters, plus an extra FROM fragment for FTS ranking."""
    clauses: list[str] = []
    params: list[Any] = []
    joins = ""
    if f.statuses:
        clauses.append(f"p.status IN ({', '.join('?' * len(f.statuses))})")
        params.extend(f.statuses)
    if f.kinds:
        clauses.append(f"p.kind IN ({', '.join('?' * len(f.kinds))})")
        params.extend(f.kinds)
    expression = fts_expression(f.q)
    if expression:
        joins = " JOIN (SELECT rowid AS fnum, rank FROM places_fts WHERE places_fts MATCH ?) f" \
                " ON f.fnum = p.num"
        params.insert(0, f.extra.get("fts_expression") or expression)
    box = f.bbox
    if f.near and f.radius_km:
        lat, lon = f.near
        dlon, dlat = metres_to_degrees(f.radius_km * 1000, lat)
        near_box = (lon - dlon, lat - dlat, lon + dlon, lat + dlat)
        box = near_box if box is None else (
            max(box[0], near_box[0]), max(box[1], near_box[1]),
            min(box[2], near_box[2]), min(box[3], near_box[3]),
        )
        clauses.append("haversine_m(p.lat, p.lon, ?, ?) <= ?")
        params.extend([lat, lon, f.radius_km * 1000])
    if box:
        minlon, minlat, maxlon, maxlat = box
        clauses.append(
            "p.num IN (SELECT num FROM places_rtree WHERE minlon >= ? AND maxlon <= ? "
            "AND minlat >= ? AND maxlat <= ?)"
        )
        params.extend([minlon, maxlon, minlat, maxlat])
    if f.products or f.categories:
        parts = []
        if f.products:
            parts.append(f"pp.product_code IN ({', '.join('?' * len(f.products))})")
            params_products: list[Any] = list(f.products)
        else:
            params_products = []
        if f.categories:
            parts.append(
                "pp.product_code IN (SELECT code FROM products WHERE category IN "  # noqa: S608
                f"({', '.join('?' * len(f.categories))}))"
            )
            params_products.extend(f.categories)
        clauses.append(
            "p.num IN (SELECT pp.place_num FROM place_products pp WHERE "  # noqa: S608
            + " OR ".join(parts) + ")"
        )
        params.extend(params_products)
    if f.in_season_month:
        # In season: the place's own season (if it states one) includes the month, and it
        # offers at least one product in season that month (or states no products at all).
        clauses.append("(p.season_months = '' OR in_months(p.season_months, ?))")
        params.append(f.in_season_month)
        clauses.append(
            "(NOT EXISTS (SELECT 1 FROM place_products pp WHERE pp.place_num = p.num) OR "
            "EXISTS (SELECT 1 FROM place_products pp JOIN products pr ON pr.code = pp.product_code"
            " WHERE pp.place_num = p.num AND in_months(pr.season_months, ?)))"
        )
        params.append(f.in_season_month)
    if f.organic is not None:
        clauses.append("p.organic = ?")
        params.append(int(f.organic))
    if f.payment:
        clauses.append(
            "EXISTS (SELECT 1 FROM json_each(p.payment) j WHERE j.value IN ("  # noqa: S608
            + ", ".join("?" * len(f.payment)) + "))"
        )
        params.extend(f.payment)
    if f.municipalities:
        clauses.append(f"p.municipality_code IN ({', '.join('?' * len(f.municipalities))})")
        params.extend(f.municipalities)
    if f.network:
        # Places that belong to, serve or are served by the network, directly.
        clauses.append(
            "p.id IN (SELECT from_id FROM links WHERE from_kind = 'place' AND to_kind = 'network'"
            " AND to_id = ? UNION SELECT to_id FROM links WHERE to_kind = 'place' AND"
            " from_kind = 'network' AND from_id = ?)"
        )
        params.extend([f.network, f.network])
    if f.updated_since:
        clauses.append("p.updated_at >= ?")
        params.append(f.updated_since)
    if f.sells_to_business is not None:
        clauses.append("p.sells_to_business = ?")
        params.append(int(f.sells_to_business))
    if f.hide_stale_before:
        from regional_map.places.freshness import CONFIRMED_SQL

        clauses.append(f"{CONFIRMED_SQL} >= ?")
        params.append(f.hide_stale_before)
    return clauses, params, joins


def _in_months(months: str, month: int) -> bool:
    if not months:
        return False
    from regional_map.places.vocab import parse_months

    try:
        return month in parse_months(months)
    except ValueError:
        return False


def register_functions(conn: sqlite3.Connection) -> None:
    """SQL functions the queries use (deterministic, so SQLite may cache them)."""
    conn.create_function("haversine_m", 4, haversine_m, deterministic=True)
    conn.create_function("in_months", 2, _in_months, deterministic=True)


def _order(f: PlaceFilter) -> tuple[str, list[Any]]:
    sort = f.effective_sort()
    if sort == "distance" and f.near:
        return "haversine_m(p.lat, p.lon, ?, ?), p.num", [f.near[0], f.near[1]]
    if sort == "relevance" and fts_expression(f.q):
        return "f.rank, p.num", []
    if sort == "updated":
        return "p.updated_at DESC, p.num", []
    return "p.name COLLATE NOCASE, p.num", []


@dataclass
class PlacePage:
    total: int
    items: list[dict]
    limit: int
    offset: int
    corrected: bool = False  # found only by allowing a typo in the search words


def find_places(conn: sqlite3.Connection, f: PlaceFilter, *, lang: str = "en",
                count: bool = True) -> PlacePage:
    """One page of places matching ``f`` in a stable order, and the total matched.

    ``open_at`` is evaluated in Python from the opening-hours strings (it is not SQL), so with
    it the candidates are filtered before paging.
    """
    register_functions(conn)
    if f.near:
        from regional_map.places.nearest import find_nearest  # the same page from the point index

        nearest = find_nearest(conn, f, count=count)
        if nearest is not None:
            return nearest
    elif f.q:
        from regional_map.places.searchcache import (
            find_searched,  # the same page from remembered matches
        )

        searched = find_searched(conn, f, count=count)
        if searched is not None:
            return searched
    clauses, params, joins = _where(f)
    where = " WHERE " + " AND ".join(clauses) if clauses else ""
    order, order_params = _order(f)
    base = f"FROM places p{joins}{where}"  # noqa: S608 - clauses are fixed text with ? params
    if f.open_at is not None:
        from regional_map.hours.opening import is_open

        rows = conn.execute(
            f"SELECT {_SELECT} {base} ORDER BY {order}", [*params, *order_params]  # noqa: S608
        ).fetchall()
        rows = [r for r in rows if r["opening_hours"]
                and is_open(r["opening_hours"], f.open_at, r["country"] or "BE")]
        total = len(rows)
        rows = rows[f.offset:f.offset + f.limit]
    else:
        rows = conn.execute(
            f"SELECT {_SELECT} {base} ORDER BY {order} LIMIT ? OFFSET ?",  # noqa: S608
            [*params, *order_params, f.limit, f.offset],
        ).fetchall()
        total = (conn.execute(f"SELECT COUNT(*) {base}", params).fetchone()[0]  # noqa: S608
                 if count else len(rows))
    if total == 0 and joins and not f.extra.get("fts_expression"):
        retry = _corrected(conn, f)
        if retry is not None:
            page = find_places(conn, retry, lang=lang, count=count)
            page.corrected = page.total > 0
            return page
    items = places_from_rows(conn, rows)
    if f.near:
        for item in items:
            item["distance_m"] = round(haversine_m(f.near[0], f.near[1], item["lat"],
                                                   item["lon"]))
    return PlacePage(total, items, f.limit, f.offset)


def bounds_of(conn: sqlite3.Connection, f: PlaceFilter) -> tuple[float, float, float, float] | None:
    """(minlon, minlat, maxlon, maxlat) of every place matching ``f``; None if none match."""
    register_functions(conn)
    clauses, params, joins = _where(f)
    where = " WHERE " + " AND ".join(clauses) if clauses else ""
    row = conn.execute(
        f"SELECT MIN(p.lon), MIN(p.lat), MAX(p.lon), MAX(p.lat) FROM places p{joins}{where}",  # noqa: S608
        params,
    ).fetchone()
    return None if row[0] is None else tuple(row)


def _corrected(conn: sqlite3.Connection, f: PlaceFilter) -> PlaceFilter | None:
    """``f`` with its search words widened by one typo each, or None if nothing to widen."""
    from regional_map.places.fuzzy import corrected_expression

    expression = corrected_expression(conn, f.q)
    if expression is None:
        return None
    return PlaceFilter(**{**f.__dict__, "extra": {**f.extra, "fts_expression": expression}})


def places_from_rows(conn: sqlite3.Connection, rows: list[sqlite3.Row]) -> list[dict]:
    """The internal place shape of each row, with its product codes and municipality name."""
    items = [place_from_row(row) for row in rows]
    if not items:
        return items
    ids = [item["id"] for item in items]
    marks = ", ".join("?" * len(ids))
    products: dict[str, list[str]] = {}
    for place_id, code in conn.execute(
        f"SELECT p.id, pp.product_code FROM place_products pp JOIN places p "  # noqa: S608
        f"ON p.num = pp.place_num WHERE p.id IN ({marks}) ORDER BY pp.product_code",
        ids,
    ):
        products.setdefault(place_id, []).append(code)
    codes = {item["municipality_code"] for item in items if item["municipality_code"]}
    names = {}
    if codes:
        marks = ", ".join("?" * len(codes))
        names = {
            r["code"]: {"nl": r["name_nl"], "fr": r["name_fr"] or r["name_nl"]}
            for r in conn.execute(
                f"SELECT code, name_nl, name_fr FROM municipalities WHERE code IN ({marks})",  # noqa: S608
                list(codes),
            )
        }
    for item in items:
        item["products"] = products.get(item["id"], [])
        item["municipality"] = names.get(item["municipality_code"])
    return items


def rows_by_nums(conn: sqlite3.Connection, nums: list[int]) -> list[sqlite3.Row] | None:
    """The place rows of internal keys ``nums``, in that order; None if any is gone (the
    store changed since the caller picked them, so the caller should ask SQL instead)."""
    if not nums:
        return []
    marks = ", ".join("?" * len(nums))
    by_num = {r["num"]: r for r in conn.execute(
        f"SELECT p.num AS num, {_SELECT} FROM places p WHERE p.num IN ({marks})",  # noqa: S608
        nums)}
    if len(by_num) != len(set(nums)):
        return None
    return [by_num[n] for n in nums]


def place_from_row(row: sqlite3.Row) -> dict:
    item = {c: row[c] for c in PUBLIC_COLUMNS}
    item["payment"] = json.loads(item["payment"] or "[]")
    item["extra"] = json.loads(item["extra"] or "{}")
    item["organic"] = None if item["organic"] is None else bool(item["organic"])
    item["sells_to_consumers"] = bool(item["sells_to_consumers"])
    item["sells_to_business"] = bool(item["sells_to_business"])
    return item


def get_place(conn: sqlite3.Connection, place_id: str) -> dict | None:
    """One place by its public id, whatever its status (closed places stay in history)."""
    row = conn.execute(f"SELECT {_SELECT} FROM places p WHERE p.id = ?",  # noqa: S608
                       (place_id,)).fetchone()
    return places_from_rows(conn, [row])[0] if row else None


# Cells of 64 screen pixels: one cluster marker per cell keeps the map readable and bounds a
# response to a few hundred features whatever the number of places.
CLUSTER_CELL_SHIFT = 6
MAX_CLUSTER_ZOOM = 17  # from here on every place is its own marker
SINGLE_POINTS_BELOW = 150  # a view with fewer places than this shows them all


def cluster_places(conn: sqlite3.Connection, f: PlaceFilter, zoom: int) -> dict:
    """Clusters and single places in ``f.bbox`` at map ``zoom``.

    Filters apply before clustering, so the clusters' counts add up to the filtered total.
    Returns ``{"total", "clusters": [...], "places": [...]}``.
    """
    register_functions(conn)
    from regional_map.places.pointindex import (
        cluster_fast,  # the same answer from an in-memory index
    )

    fast = cluster_fast(conn, f, zoom)
    if fast is not None:
        return fast
    clauses, params, joins = _where(f)
    where = " WHERE " + " AND ".join(clauses) if clauses else ""
    base = f"FROM places p{joins}{where}"  # noqa: S608 - fixed text with ? params
    total = conn.execute(f"SELECT COUNT(*) {base}", params).fetchone()[0]  # noqa: S608
    if total == 0 and joins and not f.extra.get("fts_expression"):
        corrected = _corrected(conn, f)
        if corrected is not None:
            return cluster_places(conn, corrected, zoom)
    if f.open_at is not None or total <= SINGLE_POINTS_BELOW or zoom >= MAX_CLUSTER_ZOOM:
        page = find_places(conn, PlaceFilter(**{**f.__dict__, "limit": 5000, "offset": 0,
                                                 "sort": "name"}), count=False)
        return {"total": page.total if f.open_at is not None else total, "clusters": [],
                "places": page.items}
    shift = 24 - max(0, min(zoom, 24)) + CLUSTER_CELL_SHIFT
    cells = conn.execute(
        f"""SELECT p.mx >> ? AS cx, p.my >> ? AS cy, COUNT(*) AS n,
                   AVG(p.lat) AS lat, AVG(p.lon) AS lon, MIN(p.num) AS num,
                   MIN(p.lon) AS minlon, MIN(p.lat) AS minlat,
                   MAX(p.lon) AS maxlon, MAX(p.lat) AS maxlat
            {base} GROUP BY cx, cy""",  # noqa: S608
        [shift, shift, *params],
    ).fetchall()
    clusters = []
    single_nums = []
    for cell in cells:
        if cell["n"] == 1:
            single_nums.append(cell["num"])
        else:
            clusters.append({
                "count": cell["n"], "lat": cell["lat"], "lon": cell["lon"],
                "bbox": [cell["minlon"], cell["minlat"], cell["maxlon"], cell["maxlat"]],
            })
    places = []
    if single_nums:
        marks = ", ".join("?" * len(single_nums))
        rows = conn.execute(
            f"SELECT {_SELECT} FROM places p WHERE p.num IN ({marks})", single_nums  # noqa: S608
        ).fetchall()
        places = places_from_rows(conn, rows)
    return {"total": total, "clusters": clusters, "places": places}


def stats(conn: sqlite3.Connection) -> dict:
    """Counts for ``regional-map stats`` and the about page."""
    by_kind = dict(conn.execute(
        "SELECT kind, COUNT(*) FROM places GROUP BY kind ORDER BY COUNT(*) DESC").fetchall())
    by_status = dict(conn.execute(
        "SELECT status, COUNT(*) FROM places GROUP BY status").fetchall())
    by_precision = dict(conn.execute(
        "SELECT geocode_precision, COUNT(*) FROM places GROUP BY geocode_precision").fetchall())
    sources = [dict(r) for r in conn.execute("SELECT * FROM sources ORDER BY id")]
    return {
        "places": sum(by_kind.values()), "by_kind": by_kind, "by_status": by_status,
        "by_precision": by_precision,
        "networks": conn.execute("SELECT COUNT(*) FROM networks").fetchone()[0],
        "links": conn.execute("SELECT COUNT(*) FROM links").fetchone()[0],
        "products": conn.execute("SELECT COUNT(*) FROM products").fetchone()[0],
        "municipalities": conn.execute("SELECT COUNT(*) FROM municipalities").fetchone()[0],
        "postcodes": conn.execute("SELECT COUNT(*) FROM postcodes").fetchone()[0],
        "sources": sources,
    }


def attributions(conn: sqlite3.Connection) -> list[dict]:
    """Licence and attribution of every source that has places in the store."""
    return [dict(r) for r in conn.execute(
        """SELECT s.id, s.name, s.licence, s.attribution, s.url FROM sources s
           WHERE EXISTS (SELECT 1 FROM places p WHERE p.source_id = s.id)
              OR s.id IN ('geonames-postcodes', 'statbel-postcodes')
           ORDER BY s.id"""
    )]
