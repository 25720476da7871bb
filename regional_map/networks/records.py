"""Networks and links: who belongs to, supplies, serves or processes for whom.

Plain functions over a connection, like :mod:`regional_map.places.engine`. A link is typed and
directed (``<from> <type> <to>``) between places and/or networks; a network's numbers
(members, shops, pickup points, customers) are *counted* from its links, and kept apart from
the figures a source *states* (``stated_figures``: "120 producers", with their source).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any

from regional_map.model import LINK_TYPES, NETWORK_TYPES, PLACE_KINDS, Term
from regional_map.networks.moments import WEEKDAYS, days_in_schedule
from regional_map.places.engine import find_places
from regional_map.places.filters import PlaceFilter
from regional_map.places.rows import PUBLIC_COLUMNS, places_from_rows
from regional_map.places.services import load_services
from regional_map.places.store import reindex_place, upsert_network, utcnow

ENDPOINT_KINDS = ("place", "network")
ALL_STATUSES = ("active", "temporarily_closed", "closed")

# How a link reads from its other end: "A supplies B" is, on B's page, "supplied by A".
INVERSE_LINK_LABELS: dict[str, Term] = {
    t.code: t
    for t in (
        Term("member_of", "heeft als lid", "a pour membre", "has member"),
        Term("supplies", "wordt beleverd door", "est fourni par", "supplied by"),
        Term("sells_products_of", "producten verkocht door", "produits vendus par",
             "products sold by"),
        Term("pickup_point_of", "heeft als afhaalpunt", "a pour point d'enlèvement",
             "has pickup point"),
        Term("processes_for", "laat verwerken door", "fait transformer par", "processed by"),
        Term("exchanges_with", "wisselt uit met", "échange avec", "exchanges with"),
    )
}

# Services a place or network offers: the vocabulary of data/services.csv.
SERVICES = load_services()

SHOP_KINDS = ("farm_shop", "cooperative_shop", "shortchain_supermarket", "retail_shop")
CUSTOMER_KINDS = ("restaurant", "institution_kitchen", "retail_shop")

_NETWORK_SELECT = """SELECT id, name, type, description, website, area, stated_figures,
    source_id, licence, lat, lon, geocode_precision, schedule, sells_to_business,
    sells_to_consumers, status, closed_on, products, services, delivery_days, description_lang,
    created_at, updated_at FROM networks"""



class UnknownReference(ValueError):
    """A link end that names no place or network."""


# ---- networks ------------------------------------------------------------------------------

def network_from_row(row: sqlite3.Row, lang: str = "en") -> dict[str, Any]:
    item = dict(row)
    item["stated_figures"] = json.loads(item["stated_figures"] or "[]")
    item["sells_to_business"] = bool(item["sells_to_business"])
    item["sells_to_consumers"] = bool(item["sells_to_consumers"])
    item["products"] = json.loads(item["products"] or "[]")
    item["services"] = json.loads(item["services"] or "[]")
    item["delivery_days"] = [d for d in (item["delivery_days"] or "").split(",") if d]
    term = NETWORK_TYPES.get(item["type"])
    item["type_label"] = term.label(lang) if term else item["type"]
    return item


def save_network(conn: sqlite3.Connection, record: Mapping[str, Any]) -> str:
    """Create or update a network, its anchor point and its moments; ``created``/``updated``."""
    if record.get("type") not in NETWORK_TYPES:
        raise ValueError(f"unknown network type {record.get('type')!r}; "
                         f"known: {', '.join(NETWORK_TYPES)}")
    for code in record.get("services") or ():
        if code not in SERVICES:
            raise ValueError(f"unknown service {code!r}; known: {', '.join(SERVICES)}")
    days = list(record.get("delivery_days") or days_in_schedule(record.get("schedule") or ""))
    if any(d not in WEEKDAYS for d in days):
        raise ValueError(f"delivery days are OSM weekday codes ({', '.join(WEEKDAYS)})")
    result = upsert_network(conn, record)
    conn.execute(
        """UPDATE networks SET lat = ?, lon = ?, geocode_precision = ?, schedule = ?,
           sells_to_business = ?, sells_to_consumers = ?, status = ?, closed_on = ?,
           products = ?, services = ?, delivery_days = ?, description_lang = ?
           WHERE id = ?""",
        (record.get("lat"), record.get("lon"), record.get("geocode_precision") or "",
         record.get("schedule") or "", int(bool(record.get("sells_to_business"))),
         int(bool(record.get("sells_to_consumers"))), record.get("status") or "active",
         record.get("closed_on"), json.dumps(list(record.get("products") or [])),
         json.dumps(list(record.get("services") or [])), ",".join(days),
         record.get("description_lang") or "", record["id"]),
    )
    return result


def get_network(conn: sqlite3.Connection, network_id: str, lang: str = "en") -> dict | None:
    row = conn.execute(f"{_NETWORK_SELECT} WHERE id = ?",  # noqa: S608 - fixed column list
                       (network_id,)).fetchone()
    return network_from_row(row, lang) if row else None


def list_networks(conn: sqlite3.Connection, lang: str = "en", *,
                  network_type: str | None = None, delivery_day: str | None = None,
                  service: str | None = None) -> list[dict]:
    """Every network (or those of one type, delivering on one weekday, offering one service),
    by name, each with its computed counts."""
    if network_type:
        rows = conn.execute(f"{_NETWORK_SELECT} WHERE type = ? ORDER BY name COLLATE NOCASE",
                            (network_type,)).fetchall()
    else:
        rows = conn.execute(f"{_NETWORK_SELECT} ORDER BY name COLLATE NOCASE").fetchall()
    items = [network_from_row(r, lang) for r in rows]
    if delivery_day:
        items = [n for n in items if delivery_day in n["delivery_days"]]
    if service:
        items = [n for n in items if service in n["services"]]
    for item in items:
        item["counts"] = computed_counts(conn, item["id"])
    return items


def network_place_ids(conn: sqlite3.Connection, network_id: str) -> set[str]:
    """Ids of the places linked to the network directly, in either direction."""
    return {r[0] for r in conn.execute(
        """SELECT from_id FROM links WHERE from_kind = 'place' AND to_kind = 'network'
             AND to_id = ?
           UNION SELECT to_id FROM links WHERE to_kind = 'place' AND from_kind = 'network'
             AND from_id = ?""",
        (network_id, network_id),
    )}


def network_places(conn: sqlite3.Connection, network_id: str, *, lang: str = "en",
                   statuses: tuple[str, ...] = ALL_STATUSES) -> list[dict]:
    """The network's places (closed ones only when asked), each with its ``roles``."""
    f = PlaceFilter(network=network_id, statuses=statuses, limit=100_000, sort="name")
    places = find_places(conn, f, lang=lang, count=False).items
    roles: dict[str, list[str]] = {}
    for link in _direct_links(conn, network_id):
        if link["from_kind"] == "place":
            roles.setdefault(link["from_id"], []).append(link["type"])
        else:
            roles.setdefault(link["to_id"], []).append(f"{link['type']}:in")
    for place in places:
        place["roles"] = sorted(set(roles.get(place["id"], [])))
    return places


def _direct_links(conn: sqlite3.Connection, network_id: str) -> list[sqlite3.Row]:
    return conn.execute(
        """SELECT * FROM links WHERE (to_kind = 'network' AND to_id = ?)
             OR (from_kind = 'network' AND from_id = ?) ORDER BY id""",
        (network_id, network_id),
    ).fetchall()


def network_links(conn: sqlite3.Connection, network_id: str) -> list[dict]:
    """Links that touch the network, and the links among its places (farm → pickup point)."""
    links = [dict(r) for r in _direct_links(conn, network_id)]
    ids = sorted(network_place_ids(conn, network_id))
    if ids:
        marks = ", ".join("?" * len(ids))
        links += [dict(r) for r in conn.execute(
            f"""SELECT * FROM links WHERE from_kind = 'place' AND to_kind = 'place'
                AND from_id IN ({marks}) AND to_id IN ({marks}) ORDER BY id""",  # noqa: S608
            [*ids, *ids],
        )]
    return links


def computed_counts(conn: sqlite3.Connection, network_id: str) -> dict[str, int]:
    """What the data says about a network: counted from links, never typed in.

    ``members``: places and networks that are ``member_of`` it; ``shops``: linked places of
    a shop kind; ``pickup_points``: ``pickup_point_of`` it or of kind pickup point;
    ``customers``: what it ``supplies``; ``places``: every linked place that is not closed.
    """
    links = _direct_links(conn, network_id)
    ids = network_place_ids(conn, network_id)
    kinds: dict[str, str] = {}
    if ids:
        marks = ", ".join("?" * len(ids))
        kinds = dict(conn.execute(
            f"SELECT id, kind FROM places WHERE status != 'closed' AND id IN ({marks})",  # noqa: S608
            sorted(ids),
        ).fetchall())
    open_ids = set(kinds)

    def live(kind: str, ref: str) -> bool:
        return kind == "network" or ref in open_ids

    members = {(r["from_kind"], r["from_id"]) for r in links
               if r["type"] == "member_of" and r["to_kind"] == "network"
               and live(r["from_kind"], r["from_id"])}
    pickups = {r["from_id"] for r in links if r["type"] == "pickup_point_of"
               and r["from_kind"] == "place" and r["from_id"] in open_ids}
    pickups |= {pid for pid, kind in kinds.items() if kind == "pickup_point"}
    customers = {(r["to_kind"], r["to_id"]) for r in links
                 if r["type"] == "supplies" and r["from_kind"] == "network"
                 and live(r["to_kind"], r["to_id"])}
    return {
        "places": len(open_ids),
        "members": len(members),
        "shops": sum(1 for kind in kinds.values() if kind in SHOP_KINDS),
        "pickup_points": len(pickups),
        "customers": len(customers),
        "processors": sum(1 for r in links if r["type"] == "processes_for"),
        "links": len(network_links(conn, network_id)),
    }


# ---- link ends -----------------------------------------------------------------------------

def resolve_reference(conn: sqlite3.Connection, ref: str) -> tuple[str, str]:
    """``place:ID``, ``network:ID`` or a bare id (a place first, then a network).

    Raises :class:`UnknownReference` when nothing has that id.
    """
    text = (ref or "").strip()
    if not text:
        raise UnknownReference("empty reference")
    kind, _, rest = text.partition(":")
    if kind in ENDPOINT_KINDS and rest:
        if _exists(conn, kind, rest.strip()):
            return kind, rest.strip()
        raise UnknownReference(f"no {kind} with id {rest.strip()!r}")
    if _exists(conn, "place", text):
        return "place", text
    if _exists(conn, "network", text):
        return "network", text
    raise UnknownReference(f"no place or network with id {text!r}")


def _exists(conn: sqlite3.Connection, kind: str, ref: str) -> bool:
    table = "places" if kind == "place" else "networks"
    return conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (ref,)).fetchone() is not None  # noqa: S608


def endpoint_names(conn: sqlite3.Connection, refs: Iterable[tuple[str, str]]
                   ) -> dict[tuple[str, str], dict]:
    """Name, kind and point of each link end, in one query per kind."""
    refs = set(refs)
    found: dict[tuple[str, str], dict] = {}
    place_ids = sorted(r for k, r in refs if k == "place")
    if place_ids:
        marks = ", ".join("?" * len(place_ids))
        for row in conn.execute(
            f"SELECT id, name, kind, lat, lon, status FROM places WHERE id IN ({marks})",  # noqa: S608
            place_ids,
        ):
            found[("place", row["id"])] = dict(row)
    network_ids = sorted(r for k, r in refs if k == "network")
    if network_ids:
        marks = ", ".join("?" * len(network_ids))
        for row in conn.execute(
            f"SELECT id, name, type AS kind, lat, lon, status FROM networks "  # noqa: S608
            f"WHERE id IN ({marks})",
            network_ids,
        ):
            found[("network", row["id"])] = dict(row)
    return found


def link_label(link_type: str, direction: str, lang: str = "en") -> str:
    terms = LINK_TYPES if direction == "out" else INVERSE_LINK_LABELS
    term = terms.get(link_type)
    return term.label(lang) if term else link_type


def links_of_place(conn: sqlite3.Connection, place_id: str, lang: str = "en") -> list[dict]:
    """The place's links in both directions, as its page lists them.

    Each: ``{"id", "type", "direction" ("out"|"in"), "label" ("supplies"/"supplied by"),
    "other": {"kind", "id", "name", "type_or_kind", "status", "url"}, "schedule", "note"}``.
    """
    rows = conn.execute(
        """SELECT * FROM links WHERE (from_kind = 'place' AND from_id = ?)
             OR (to_kind = 'place' AND to_id = ?) ORDER BY type, id""",
        (place_id, place_id),
    ).fetchall()
    return describe_links(conn, rows, ("place", place_id), lang)


def links_of_network(conn: sqlite3.Connection, network_id: str, lang: str = "en") -> list[dict]:
    """The network's own links, in both directions, described as :func:`links_of_place`."""
    return describe_links(conn, _direct_links(conn, network_id), ("network", network_id), lang)


def describe_links(conn: sqlite3.Connection, rows: Iterable[Mapping], this: tuple[str, str],
                   lang: str = "en") -> list[dict]:
    rows = list(rows)
    others = []
    for row in rows:
        out = (row["from_kind"], row["from_id"]) == this
        others.append((row["to_kind"], row["to_id"]) if out else
                      (row["from_kind"], row["from_id"]))
    names = endpoint_names(conn, others)
    result = []
    for row, other in zip(rows, others, strict=True):
        direction = "out" if (row["from_kind"], row["from_id"]) == this else "in"
        info = names.get(other, {})
        result.append({
            "id": row["id"], "type": row["type"], "direction": direction,
            "label": link_label(row["type"], direction, lang),
            "other": {"kind": other[0], "id": other[1], "name": info.get("name", other[1]),
                      "type_or_kind": _kind_label(other[0], info.get("kind"), lang),
                      "status": info.get("status"), "url": endpoint_url(*other)},
            "schedule": row["schedule"], "note": row["note"],
            # Flat copies for templates: "supplies: <a href>name</a>".
            "name": info.get("name", other[1]), "href": endpoint_url(*other),
        })
    return result


def _kind_label(kind: str, code: str | None, lang: str) -> str:
    table = PLACE_KINDS if kind == "place" else NETWORK_TYPES
    term = table.get(code or "")
    return term.label(lang) if term else (code or "")


def endpoint_url(kind: str, ref: str) -> str:
    from urllib.parse import quote

    return f"/places/{quote(ref)}" if kind == "place" else f"/networks/{quote(ref)}"


def all_links(conn: sqlite3.Connection, *, link_type: str | None = None,
              network: str | None = None, limit: int = 1000, offset: int = 0
              ) -> tuple[int, list[dict]]:
    """A page of links (of one type, or of one network), and how many there are."""
    if network:
        links = network_links(conn, network)
        if link_type:
            links = [link for link in links if link["type"] == link_type]
        return len(links), links[offset:offset + limit]
    where, params = ("WHERE type = ?", [link_type]) if link_type else ("", [])
    total = conn.execute(f"SELECT COUNT(*) FROM links {where}", params).fetchone()[0]  # noqa: S608
    rows = conn.execute(f"SELECT * FROM links {where} ORDER BY id LIMIT ? OFFSET ?",  # noqa: S608
                        [*params, limit, offset]).fetchall()
    return total, [dict(r) for r in rows]


# ---- services of a processing hub ----------------------------------------------------------

def save_services(conn: sqlite3.Connection, place_id: str, services: Iterable[Mapping],
                  source_id: str | None = None) -> int:
    """Replace the services of a place (``code``, optional ``name`` and ``note``)."""
    before = _service_codes(conn, place_id)
    conn.execute("DELETE FROM place_services WHERE place_id = ?", (place_id,))
    count = 0
    for position, service in enumerate(services):
        code = service["code"]
        if code not in SERVICES:
            raise ValueError(f"unknown service {code!r}; known: {', '.join(SERVICES)}")
        conn.execute(
            """INSERT INTO place_services (place_id, code, name, note, position, source_id)
               VALUES (?, ?, ?, ?, ?, ?)""",
            (place_id, code, service.get("name") or "", service.get("note") or "", position,
             source_id),
        )
        count += 1
    if _service_codes(conn, place_id) != before:
        reindex_place(conn, place_id)  # the services' names are searchable with the place
    return count


def _service_codes(conn: sqlite3.Connection, place_id: str) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT code FROM place_services WHERE place_id = ? ORDER BY position", (place_id,))]


def services_of(conn: sqlite3.Connection, place_id: str, lang: str = "en") -> list[dict]:
    rows = conn.execute(
        "SELECT code, name, note FROM place_services WHERE place_id = ? ORDER BY position",
        (place_id,),
    ).fetchall()
    return [{"code": r["code"], "label": r["name"] or SERVICES[r["code"]].label(lang)
             if r["code"] in SERVICES else r["name"] or r["code"], "note": r["note"]}
            for r in rows]


def places_by_ids(conn: sqlite3.Connection, ids: Iterable[str]) -> list[dict]:
    ids = sorted(set(ids))
    if not ids:
        return []

    marks = ", ".join("?" * len(ids))
    columns = ", ".join(PUBLIC_COLUMNS)
    rows = conn.execute(f"SELECT {columns} FROM places WHERE id IN ({marks})",  # noqa: S608
                        ids).fetchall()
    return places_from_rows(conn, rows)


def touch_network(conn: sqlite3.Connection, network_id: str) -> None:
    conn.execute("UPDATE networks SET updated_at = ? WHERE id = ?", (utcnow(), network_id))
