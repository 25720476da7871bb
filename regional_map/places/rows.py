"""Place rows → the one internal place shape (a dict), with products and municipality names.

Every answer path fetches the places of its page through here, so a place looks the same
whatever path found it.
"""

from __future__ import annotations

import json
import sqlite3

PUBLIC_COLUMNS = (
    "id", "name", "kind", "description", "street", "housenumber", "postcode", "city",
    "municipality_code", "country", "lat", "lon", "geocode_precision", "geocode_source",
    "opening_hours", "season_months", "organic", "payment", "website", "phone", "email",
    "status", "closed_on", "last_confirmed", "sells_to_consumers", "sells_to_business",
    "source_id", "source_ref", "licence", "extra", "created_at", "updated_at",
)
SELECT_COLUMNS = ", ".join(f"p.{c}" for c in PUBLIC_COLUMNS)


def _marks(values) -> str:
    return ", ".join("?" * len(values))


def place_from_row(row: sqlite3.Row) -> dict:
    """The place shape of one row, without its products (see :func:`places_from_rows`)."""
    item = {c: row[c] for c in PUBLIC_COLUMNS}
    item["payment"] = json.loads(item["payment"] or "[]")
    item["extra"] = json.loads(item["extra"] or "{}")
    item["organic"] = None if item["organic"] is None else bool(item["organic"])
    item["sells_to_consumers"] = bool(item["sells_to_consumers"])
    item["sells_to_business"] = bool(item["sells_to_business"])
    return item


def places_from_rows(conn: sqlite3.Connection, rows: list[sqlite3.Row]) -> list[dict]:
    """The internal place shape of each row, with its product codes and municipality name."""
    items = [place_from_row(row) for row in rows]
    if not items:
        return items
    ids = [item["id"] for item in items]
    products: dict[str, list[str]] = {}
    for place_id, code in conn.execute(
        "SELECT p.id, pp.product_code FROM place_products pp JOIN places p "  # noqa: S608
        f"ON p.num = pp.place_num WHERE p.id IN ({_marks(ids)}) ORDER BY pp.product_code",
        ids,
    ):
        products.setdefault(place_id, []).append(code)
    codes = list({item["municipality_code"] for item in items if item["municipality_code"]})
    names = {}
    if codes:
        names = {
            r["code"]: {"nl": r["name_nl"], "fr": r["name_fr"] or r["name_nl"]}
            for r in conn.execute(
                "SELECT code, name_nl, name_fr FROM municipalities "  # noqa: S608
                f"WHERE code IN ({_marks(codes)})", codes)
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
    by_num = {r["num"]: r for r in conn.execute(
        f"SELECT p.num AS num, {SELECT_COLUMNS} FROM places p "  # noqa: S608
        f"WHERE p.num IN ({_marks(nums)})", nums)}
    if len(by_num) != len(set(nums)):
        return None
    return [by_num[n] for n in nums]


def places_by_nums(conn: sqlite3.Connection, nums: list[int]) -> list[dict] | None:
    """:func:`rows_by_nums` in the place shape; None if any place is gone."""
    rows = rows_by_nums(conn, nums)
    return None if rows is None else places_from_rows(conn, rows)


def places_by_name(conn: sqlite3.Connection, nums: list[int], limit: int) -> list[dict]:
    """The places ``nums`` in the map's list order (by name, then key), at most ``limit``."""
    rows = conn.execute(
        f"SELECT {SELECT_COLUMNS} FROM places p WHERE p.num IN "  # noqa: S608 - fixed text
        "(SELECT value FROM json_each(?)) ORDER BY p.name COLLATE NOCASE, p.num LIMIT ?",
        (json.dumps(nums), limit)).fetchall()
    return places_from_rows(conn, rows)


def get_place(conn: sqlite3.Connection, place_id: str) -> dict | None:
    """One place by its public id, whatever its status (closed places stay in history)."""
    row = conn.execute(f"SELECT {SELECT_COLUMNS} FROM places p WHERE p.id = ?",  # noqa: S608
                       (place_id,)).fetchone()
    return places_from_rows(conn, [row])[0] if row else None
