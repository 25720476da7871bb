"""A municipality's showcase: what its short chain has to offer, as plain data.

Views (``views/municipalities.py``, the embed) render these dicts as HTML or JSON; nothing here
knows Flask.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import datetime

from regional_map.hours.opening import week_table
from regional_map.model import PLACE_KINDS, kind_label
from regional_map.places.engine import find_places
from regional_map.places.filters import ParseContext, PlaceFilter, parse
from regional_map.places.vocab import load_vocabulary

BUYER_KINDS = ("restaurant", "institution_kitchen")
BUYING_LINKS = ("supplies", "sells_products_of")
SHOWCASE_LIMIT = 5000


def municipality_name(m: dict, lang: str) -> str:
    if lang == "fr" and m.get("name_fr"):
        return m["name_fr"]
    return m.get("name_nl") or m.get("name_fr") or m["code"]


def get_municipality(conn: sqlite3.Connection, code: str) -> dict | None:
    """The municipality with its boundary's bbox (``None`` where no boundary is shipped)."""
    row = conn.execute(
        """SELECT m.code, m.country, m.name_nl, m.name_fr, m.province, m.lat, m.lon,
                  b.minlon, b.minlat, b.maxlon, b.maxlat
           FROM municipalities m LEFT JOIN municipality_boundaries b ON b.code = m.code
           WHERE m.code = ?""", (code,)).fetchone()
    if row is None:
        return None
    out = {k: row[k] for k in ("code", "country", "name_nl", "name_fr", "province", "lat", "lon")}
    out["bbox"] = None if row["minlon"] is None else [
        row["minlon"], row["minlat"], row["maxlon"], row["maxlat"]]
    out["has_boundary"] = out["bbox"] is not None
    return out


def list_municipalities(conn: sqlite3.Connection, *, with_places_only: bool = False) -> list[dict]:
    """Every municipality with its number of (active or temporarily closed) places."""
    rows = conn.execute(
        """SELECT m.code, m.country, m.name_nl, m.name_fr, m.province,
                  (SELECT COUNT(*) FROM places p WHERE p.municipality_code = m.code
                     AND p.status IN ('active', 'temporarily_closed')) AS places,
                  EXISTS (SELECT 1 FROM municipality_boundaries b WHERE b.code = m.code)
                     AS has_boundary
           FROM municipalities m ORDER BY m.country, m.name_nl COLLATE NOCASE, m.code"""
    ).fetchall()
    out = [dict(r) | {"has_boundary": bool(r["has_boundary"])} for r in rows]
    return [m for m in out if m["places"]] if with_places_only else out


def assignment_methods(conn: sqlite3.Connection, code: str) -> dict[str, int]:
    return {m or "unknown": n for m, n in conn.execute(
        "SELECT municipality_method, COUNT(*) FROM places WHERE municipality_code = ? "
        "GROUP BY municipality_method", (code,))}


def counts_by_kind(places: list[dict], lang: str) -> list[dict]:
    counts = Counter(p["kind"] for p in places)
    order = list(PLACE_KINDS)
    return [{"kind": k, "label": kind_label(k, lang), "count": n}
            for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], order.index(kv[0])
                                                              if kv[0] in order else 99))]


def in_season(places: list[dict], month: int, lang: str) -> list[dict]:
    """Products sold locally that are in season in ``month``, seasonal ones first."""
    vocab = load_vocabulary()
    sellers: Counter = Counter()
    for place in places:
        for code in place["products"]:
            product = vocab.products.get(code)
            if product and month in product.season_months:
                sellers[code] += 1
    items = [{"code": c, "name": vocab.products[c].name(lang), "places": n,
              "seasonal": len(vocab.products[c].season_months) < 12}
             for c, n in sellers.items()]
    return sorted(items, key=lambda i: (not i["seasonal"], -i["places"], i["name"]))


def markets_this_week(places: list[dict], at: datetime, tz: str, lang: str) -> list[dict]:
    """Farmers' markets with the days (and hours) they are held this week."""
    out = []
    for place in places:
        if place["kind"] != "farmers_market":
            continue
        days = []
        if place["opening_hours"]:
            for day in week_table(place["opening_hours"], at.date(), place["country"] or "BE",
                                  tz, lang):
                if day.intervals or day.unknown:
                    days.append({"date": day.day.isoformat(), "hours": day.label,
                                 "unknown": day.unknown})
        out.append({"id": place["id"], "name": place["name"], "days": days,
                    "opening_hours": place["opening_hours"],
                    "hours_known": bool(place["opening_hours"])})
    return out


def _names(conn: sqlite3.Connection, refs: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    names: dict[tuple[str, str], str] = {}
    for kind, table in (("place", "places"), ("network", "networks")):
        ids = [i for k, i in refs if k == kind]
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            for rid, name in conn.execute(
                f"SELECT id, name FROM {table} WHERE id IN ({', '.join('?' * len(chunk))})",  # noqa: S608
                chunk,
            ):
                names[(kind, rid)] = name
    return names


def local_buyers(conn: sqlite3.Connection, code: str) -> list[dict]:
    """Horeca and kitchens in the municipality that buy from short-chain suppliers (links)."""
    kinds = ", ".join("?" * len(BUYER_KINDS))
    types = ", ".join("?" * len(BUYING_LINKS))
    rows = conn.execute(
        f"""SELECT p.id, p.name, p.kind, l.type, l.from_kind, l.from_id, l.to_kind, l.to_id,
                   l.schedule
            FROM places p JOIN links l ON
                 (l.to_kind = 'place' AND l.to_id = p.id AND l.type = 'supplies')
              OR (l.from_kind = 'place' AND l.from_id = p.id AND l.type = 'sells_products_of')
            WHERE p.municipality_code = ? AND p.kind IN ({kinds}) AND l.type IN ({types})
              AND p.status IN ('active', 'temporarily_closed')
            ORDER BY p.name COLLATE NOCASE, p.id""",  # noqa: S608 - placeholders only
        [code, *BUYER_KINDS, *BUYING_LINKS],
    ).fetchall()
    suppliers_of: dict[str, dict] = {}
    refs = set()
    for r in rows:
        supplier = (r["from_kind"], r["from_id"]) if r["type"] == "supplies" else (
            r["to_kind"], r["to_id"])
        refs.add(supplier)
        entry = suppliers_of.setdefault(r["id"], {"id": r["id"], "name": r["name"],
                                                  "kind": r["kind"], "suppliers": []})
        entry["suppliers"].append({"kind": supplier[0], "id": supplier[1],
                                   "schedule": r["schedule"]})
    names = _names(conn, refs)
    for entry in suppliers_of.values():
        for s in entry["suppliers"]:
            s["name"] = names.get((s["kind"], s["id"]), s["id"])
    return list(suppliers_of.values())


def local_networks(conn: sqlite3.Connection, code: str) -> list[dict]:
    """Networks linked (either way) to places in the municipality, with how many places, then
    the networks whose stated area of activity names the municipality (``by_area``)."""
    rows = conn.execute(
        """SELECT n.id, n.name, n.type, COUNT(DISTINCT p.id) AS places
           FROM networks n
           JOIN links l ON (l.to_kind = 'network' AND l.to_id = n.id AND l.from_kind = 'place')
                        OR (l.from_kind = 'network' AND l.from_id = n.id AND l.to_kind = 'place')
           JOIN places p ON p.id = CASE WHEN l.to_kind = 'network' THEN l.from_id ELSE l.to_id END
           WHERE p.municipality_code = ?
           GROUP BY n.id ORDER BY places DESC, n.name COLLATE NOCASE""", (code,)).fetchall()
    found = [{**dict(r), "by_area": False} for r in rows]
    linked = {n["id"] for n in found}
    for row in conn.execute(
        """SELECT n.id, n.name, n.type FROM network_areas a JOIN networks n ON n.id = a.network_id
           WHERE a.method = 'municipalities' AND n.status != 'closed'
             AND EXISTS (SELECT 1 FROM json_each(a.municipalities) j WHERE j.value = ?)
           ORDER BY n.name COLLATE NOCASE""", (code,)):
        if row["id"] not in linked:
            found.append({**dict(row), "places": 0, "by_area": True})
    return found


def municipality_filter(code: str, *, at: datetime | None = None,
                        tz: str = "Europe/Brussels", limit: int = SHOWCASE_LIMIT,
                        hide_after_months: int | None = None) -> PlaceFilter:
    """The places of a municipality, with the map's defaults (status, stale places hidden)."""
    f = parse({"municipality": code}, ParseContext(tz=tz, now=at, max_limit=limit,
                                                   hide_after_months=hide_after_months),
              default_limit=limit)
    f.sort = "name"
    return f


def showcase(conn: sqlite3.Connection, code: str, *, lang: str, at: datetime,
             tz: str, hide_after_months: int | None = None) -> dict | None:
    """Everything the showcase page and its JSON twin show; None for an unknown code."""
    m = get_municipality(conn, code)
    if m is None:
        return None
    page = find_places(conn, municipality_filter(code, at=at, tz=tz,
                                                 hide_after_months=hide_after_months),
                       lang=lang)
    places = page.items
    return {
        "municipality": m | {"name": municipality_name(m, lang)},
        "total": page.total,
        "places": places,
        "counts_by_kind": counts_by_kind(places, lang),
        "in_season": in_season(places, at.month, lang),
        "markets": markets_this_week(places, at, tz, lang),
        "buyers": local_buyers(conn, code),
        "networks": local_networks(conn, code),
        "assignment": assignment_methods(conn, code),
    }


def with_boundary_sources(conn: sqlite3.Connection, sources: list[dict],
                          codes: list[str]) -> list[dict]:
    """``sources`` plus the datasets of the boundaries drawn for ``codes`` (their attribution)."""
    if not codes:
        return sources
    marks = ", ".join("?" * len(codes))
    known = {s["id"] for s in sources}
    extra = [dict(r) for r in conn.execute(
        f"""SELECT s.id, s.name, s.licence, s.attribution, s.url FROM sources s
            WHERE s.id IN (SELECT source_id FROM municipality_boundaries
                           WHERE code IN ({marks}))""",  # noqa: S608 - placeholders only
        codes) if r["id"] not in known]
    return sources + extra
