"""Writes to the store: places, products, networks, links, sources, and their indexes.

All writers keep the derived tables (R*Tree, FTS, product links, Mercator cells) in step, so
readers never see a place that the map can show but search cannot find. Callers wrap a batch in
:func:`regional_map.db.transaction`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from regional_map.geo import mercator
from regional_map.model import precision_rank
from regional_map.places.services import services_text
from regional_map.text import fold, slugify

# Columns of ``places`` that a place record may set (``num``, timestamps and ``mx``/``my`` are
# managed here). This is the one internal place shape that importers produce.
PLACE_COLUMNS = (
    "id", "name", "kind", "description", "street", "housenumber", "postcode", "city",
    "municipality_code", "country", "lat", "lon", "geocode_precision", "geocode_source",
    "opening_hours", "season_months", "organic", "payment", "website", "phone", "email",
    "status", "closed_on", "last_confirmed", "sells_to_consumers", "sells_to_business",
    "source_id", "source_ref", "licence", "extra",
)
_JSON_COLUMNS = {"payment": list, "extra": dict}

def utcnow() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def make_place_id(source_id: str | None, source_ref: str | None, name: str, lat: float,
                  lon: float) -> str:
    """A stable, URL-safe id: from the source's own id where there is one.

    ``osm`` + ``node/123`` → ``osm-node-123``. Without a source id, the name and the rounded
    point make the id, so re-importing the same row finds the same place.
    """
    if source_ref:
        return slugify(f"{source_id or 'place'} {source_ref}", 120)
    return slugify(f"{source_id or 'place'} {name} {lat:.4f} {lon:.4f}", 120)


def _column_value(column: str, value: Any) -> Any:
    if column in _JSON_COLUMNS:
        if value is None:
            value = _JSON_COLUMNS[column]()
        elif isinstance(value, str):  # the stored text itself (a revert gives it back)
            try:
                decoded = json.loads(value)
            except ValueError:
                decoded = None
            if isinstance(decoded, type(_JSON_COLUMNS[column]())):
                value = decoded
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if column == "organic" and value is not None:
        return int(bool(value))
    if column in ("sells_to_consumers", "sells_to_business") and value is not None:
        return int(bool(value))
    if value is None and column not in (
        "municipality_code", "organic", "closed_on", "last_confirmed", "source_id",
        "source_ref",
    ):
        return ""
    return value


class ProductTexts:
    """Searchable text of each product (all names and synonyms), loaded once per batch."""

    def __init__(self, conn: sqlite3.Connection):
        self._texts = {
            row["code"]: fold(
                " ".join([row["name_nl"], row["name_fr"], row["name_en"],
                          row["synonyms"].replace("|", " ")])
            )
            for row in conn.execute(
                "SELECT code, name_nl, name_fr, name_en, synonyms FROM products"
            )
        }

        # place_services arrives with schema step 4; step 2 indexes places before it exists.
        self.has_services = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'place_services'").fetchone() is not None

    def __contains__(self, code: str) -> bool:
        return code in self._texts

    def text(self, codes: Iterable[str]) -> str:
        return " ".join(self._texts.get(code, "") for code in codes)


_LOOK_UP = object()  # upsert_place looks the existing place up itself


def stored_value(column: str, value: Any) -> Any:
    """``value`` as the ``places`` column holds it (JSON text, 0/1, '' for None …)."""
    return _column_value(column, value)


def find_existing(conn: sqlite3.Connection, record: Mapping[str, Any],
                  place_id: str | None = None) -> sqlite3.Row | None:
    """The stored place a record is: same ``(source_id, source_ref)``, else the same id."""
    place_id = place_id or record.get("id") or make_place_id(
        record.get("source_id"), record.get("source_ref"), record["name"], record["lat"],
        record["lon"])
    if record.get("source_ref") is None or record.get("source_id") is None:
        return conn.execute("SELECT * FROM places WHERE id = ?", (place_id,)).fetchone()
    # One query, both unique indexes (SQLite's OR optimisation); the source's own id wins.
    rows = conn.execute(
        "SELECT * FROM places WHERE (source_id = ? AND source_ref = ?) OR id = ?",
        (record["source_id"], record["source_ref"], place_id)).fetchall()
    for row in rows:
        if row["source_id"] == record["source_id"] and row["source_ref"] == record["source_ref"]:
            return row
    return rows[0] if rows else None


def upsert_place(conn: sqlite3.Connection, record: Mapping[str, Any],
                 products: Iterable[str] = (), *, texts: ProductTexts | None = None,
                 now: str | None = None, changes: list | None = None,
                 existing: Any = _LOOK_UP) -> tuple[str, int]:
    """Insert or update one place; returns ``("created"|"updated"|"unchanged", num)``.

    ``existing`` is the stored row (or None) when the caller already looked it up with
    :func:`find_existing` (an import's sync does), saving the look-up.

    A place is the same place when it has the same ``(source_id, source_ref)``, or else the
    same ``id``. A point of better precision (e.g. a manual pin) is never replaced by a worse
    one from a later import. With ``changes`` (a list), each creation or update appends
    ``(action, place_id, before, after)`` for the change log (``audit.py``).
    """
    now = now or utcnow()
    texts = texts or ProductTexts(conn)
    values = {c: _column_value(c, record.get(c)) for c in PLACE_COLUMNS if c in record}
    if not values.get("id"):
        values["id"] = make_place_id(record.get("source_id"), record.get("source_ref"),
                                     record["name"], record["lat"], record["lon"])
    if existing is _LOOK_UP:
        existing = find_existing(conn, record, values["id"])

    codes = sorted({c for c in products if c in texts})
    if existing is None:
        values["mx"], values["my"] = mercator(values["lon"], values["lat"])
        values["created_at"] = values["updated_at"] = now
        columns = list(values)
        cursor = conn.execute(
            "INSERT INTO places ({}) VALUES ({})".format(  # noqa: S608 - fixed column names
                ", ".join(columns), ", ".join("?" for _ in columns)
            ),
            [values[c] for c in columns],
        )
        num = cursor.lastrowid
        conn.executemany(
            "INSERT INTO place_products (place_num, product_code) VALUES (?, ?)",
            [(num, code) for code in codes],
        )
        _index_place(conn, num, texts, new_codes=codes)
        if changes is not None:
            after = {c: values[c] for c in PLACE_COLUMNS if c in values}
            changes.append(("create", values["id"], None, {**after, "products": codes}))
        return "created", num

    num = existing["num"]
    values.pop("id")  # the public id never changes once published
    if precision_rank(existing["geocode_precision"]) < precision_rank(
        values.get("geocode_precision")
    ):
        for column in ("lat", "lon", "geocode_precision", "geocode_source"):
            values.pop(column, None)
    old_codes = [r[0] for r in conn.execute(
        "SELECT product_code FROM place_products WHERE place_num = ? ORDER BY product_code",
        (num,),
    )]
    changed = {c: v for c, v in values.items() if existing[c] != v}
    if not changed and old_codes == codes:
        return "unchanged", num
    _write_update(conn, existing, changed, codes, texts, now)
    if changes is not None:
        before = {c: existing[c] for c in changed if c in PLACE_COLUMNS}
        after = {c: v for c, v in changed.items() if c in PLACE_COLUMNS}
        if old_codes != codes:
            before["products"], after["products"] = old_codes, codes
        changes.append(("update", existing["id"], before, after))
    return "updated", num


def _replace_products(conn: sqlite3.Connection, num: int, codes: list[str]) -> None:
    conn.execute("DELETE FROM place_products WHERE place_num = ?", (num,))
    conn.executemany(
        "INSERT INTO place_products (place_num, product_code) VALUES (?, ?)",
        [(num, code) for code in codes],
    )


def _index_place(conn: sqlite3.Connection, num: int, texts: ProductTexts,
                 new_codes: list[str] | None = None) -> None:
    """Refresh the R*Tree and FTS rows of one place from the ``places`` table.

    ``new_codes``: the place was just inserted with these products, so it has no index rows
    to delete and its products need not be read back (an import's common case).
    """
    row = conn.execute(
        """SELECT p.num, p.name, p.description, p.lat, p.lon, p.city, p.postcode, p.extra,
                  m.name_nl AS m_nl, m.name_fr AS m_fr
           FROM places p LEFT JOIN municipalities m ON m.code = p.municipality_code
           WHERE p.num = ?""",
        (num,),
    ).fetchone()
    if new_codes is not None:
        codes = new_codes
    else:
        codes = [r[0] for r in conn.execute(
            "SELECT product_code FROM place_products WHERE place_num = ?", (num,)
        )]
        conn.execute("DELETE FROM places_rtree WHERE num = ?", (num,))
    conn.execute(
        "INSERT INTO places_rtree (num, minlon, maxlon, minlat, maxlat) VALUES (?, ?, ?, ?, ?)",
        (num, row["lon"], row["lon"], row["lat"], row["lat"]),
    )
    offered = texts.text(codes)
    if texts.has_services:
        # Services (slaughtering, jar washing…) are what a hub offers, as products are what a
        # farm offers: both go in the ``products`` column, in every language.
        services = [r[0] for r in conn.execute(
            "SELECT s.code FROM place_services s JOIN places p ON p.id = s.place_id "
            "WHERE p.num = ? ORDER BY s.position", (num,))]
        offered = f"{offered} {services_text(services)}".strip()
    if new_codes is None:
        conn.execute("DELETE FROM places_fts WHERE rowid = ?", (num,))
    town = " ".join(v for v in (row["city"], row["postcode"], row["m_nl"], row["m_fr"]) if v)
    conn.execute(
        "INSERT INTO places_fts (rowid, name, description, products, town) VALUES (?, ?, ?, ?, ?)",
        (num, fold(searchable_name(row)), fold(row["description"]), offered, fold(town)),
    )


def searchable_name(row: Mapping[str, Any]) -> str:
    """The name, plus a derived name's other languages ("Melkautomaat", "Distributeur de
    lait", "Milk vending machine"), so the place is found in all three."""
    if '"derived_names"' not in (row["extra"] or ""):
        return row["name"]  # the common case: no JSON parsing per place
    names = json.loads(row["extra"]).get("derived_names") or {}
    return " ".join(dict.fromkeys([row["name"], *names.values()]))


def reindex_place(conn: sqlite3.Connection, place_id: str) -> None:
    """Refresh the search and spatial index rows of one place (after its services change).

    The place is marked changed (``updated_at``), which also tells every worker's search
    cache and point index that the store changed.
    """
    row = conn.execute("SELECT num FROM places WHERE id = ?", (place_id,)).fetchone()
    if row is not None:
        conn.execute("UPDATE places SET updated_at = ? WHERE num = ?", (utcnow(), row[0]))
        _index_place(conn, row[0], ProductTexts(conn))


def reindex_all(conn: sqlite3.Connection) -> int:
    """Rebuild the R*Tree, FTS and Mercator columns of every place; returns the count."""
    texts = ProductTexts(conn)
    conn.execute("DELETE FROM places_rtree")
    conn.execute("DELETE FROM places_fts")
    nums = [r[0] for r in conn.execute("SELECT num FROM places")]
    for num, lon, lat in conn.execute("SELECT num, lon, lat FROM places").fetchall():
        mx, my = mercator(lon, lat)
        conn.execute("UPDATE places SET mx = ?, my = ? WHERE num = ?", (mx, my, num))
    for num in nums:
        _index_place(conn, num, texts)
    return len(nums)


def upsert_source(conn: sqlite3.Connection, source_id: str, *, name: str, licence: str = "",
                  attribution: str = "", url: str = "") -> None:
    """Create a source, or update its descriptive fields (counts are set by the importer)."""
    conn.execute(
        """INSERT INTO sources (id, name, licence, attribution, url) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET
             name = excluded.name,
             licence = CASE WHEN excluded.licence != '' THEN excluded.licence ELSE licence END,
             attribution = CASE WHEN excluded.attribution != '' THEN excluded.attribution
                                ELSE attribution END,
             url = CASE WHEN excluded.url != '' THEN excluded.url ELSE url END""",
        (source_id, name, licence, attribution, url),
    )


def record_import(conn: sqlite3.Connection, source_id: str, *, read: int, imported: int,
                  updated: int, rejected: int) -> None:
    conn.execute(
        """UPDATE sources SET imported_at = ?, rows_read = ?, rows_imported = ?,
           rows_updated = ?, rows_rejected = ? WHERE id = ?""",
        (utcnow(), read, imported, updated, rejected, source_id),
    )


def upsert_network(conn: sqlite3.Connection, record: Mapping[str, Any],
                   now: str | None = None) -> str:
    """Insert or update a network by id; returns ``created``/``updated``."""
    now = now or utcnow()
    values = dict(record)
    values["stated_figures"] = json.dumps(values.get("stated_figures") or [], ensure_ascii=False)
    exists = conn.execute("SELECT 1 FROM networks WHERE id = ?", (values["id"],)).fetchone()
    columns = ["id", "name", "type", "description", "website", "area", "stated_figures",
               "source_id", "licence"]
    row = [values.get(c) if values.get(c) is not None else "" for c in columns]
    if exists:
        conn.execute(
            """UPDATE networks SET name = ?, type = ?, description = ?, website = ?, area = ?,
               stated_figures = ?, source_id = ?, licence = ?, updated_at = ? WHERE id = ?""",
            [*row[1:], now, values["id"]],
        )
        return "updated"
    conn.execute(
        """INSERT INTO networks (id, name, type, description, website, area, stated_figures,
           source_id, licence, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [*row, now, now],
    )
    return "created"


def upsert_link(conn: sqlite3.Connection, *, from_kind: str, from_id: str, type: str,
                to_kind: str, to_id: str, schedule: str = "", note: str = "",
                source_id: str | None = None, now: str | None = None) -> None:
    """Insert a typed, directed link, or update its schedule and note."""
    conn.execute(
        """INSERT INTO links (from_kind, from_id, type, to_kind, to_id, schedule, note,
                              source_id, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (from_kind, from_id, type, to_kind, to_id) DO UPDATE SET
             schedule = excluded.schedule, note = excluded.note,
             source_id = excluded.source_id""",
        (from_kind, from_id, type, to_kind, to_id, schedule, note, source_id, now or utcnow()),
    )


def set_place_fields(conn: sqlite3.Connection, place_id: str, values: Mapping[str, Any],
                     products: Iterable[str] | None = None,
                     now: str | None = None) -> tuple[dict, dict] | None:
    """Set columns of one existing place as given (a moderator's edit, a revert).

    Unlike :func:`upsert_place` no precision rule applies: a person decided. Returns
    ``(before, after)`` of the columns (and ``products``) that changed, or None when the place
    does not exist. ``id`` and the timestamps cannot be set.
    """
    existing = conn.execute("SELECT * FROM places WHERE id = ?", (place_id,)).fetchone()
    if existing is None:
        return None
    num = existing["num"]
    new = {c: _column_value(c, v) for c, v in values.items()
           if c in PLACE_COLUMNS and c != "id"}
    changed = {c: v for c, v in new.items() if existing[c] != v}
    if "name" in changed and "extra" not in new:
        # A person named the place: its name is no longer derived (nor shown translated).
        extra = json.loads(existing["extra"] or "{}")
        if extra.pop("name_derived", None) is not None:
            extra.pop("derived_names", None)
            changed["extra"] = _column_value("extra", extra)
    before = {c: existing[c] for c in changed}
    after = dict(changed)
    old_codes = [r[0] for r in conn.execute(
        "SELECT product_code FROM place_products WHERE place_num = ? ORDER BY product_code",
        (num,),
    )]
    texts = ProductTexts(conn)
    codes = old_codes if products is None else sorted({c for c in products if c in texts})
    if codes != old_codes:
        before["products"], after["products"] = old_codes, codes
    if not after:
        return {}, {}
    _write_update(conn, existing, changed, codes, texts, now or utcnow())
    return before, after


def _write_update(conn: sqlite3.Connection, existing: sqlite3.Row, changed: dict[str, Any],
                  codes: list[str], texts: ProductTexts, now: str) -> None:
    """Write the changed columns of an existing place and refresh its derived rows.

    ``changed`` is extended in place with the Mercator cell (when the point moved) and
    ``updated_at``.
    """
    if "lat" in changed or "lon" in changed:
        changed["mx"], changed["my"] = mercator(
            changed.get("lon", existing["lon"]), changed.get("lat", existing["lat"]))
    changed["updated_at"] = now
    conn.execute(
        "UPDATE places SET {} WHERE num = ?".format(  # noqa: S608 - fixed column names
            ", ".join(f"{c} = ?" for c in changed)
        ),
        [*changed.values(), existing["num"]],
    )
    _replace_products(conn, existing["num"], codes)
    _index_place(conn, existing["num"], texts)
