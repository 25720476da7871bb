"""The change log: every change to a place (who, when, what, before/after, why), and revert.

Actors are text: ``user:alice``, ``import:osm``, ``owner:<place id>``. Entries are written in
the same transaction as the change itself, so the log never disagrees with the data.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from regional_map.db.connection import transaction
from regional_map.places.store import set_place_fields, upsert_link, utcnow

REVERTIBLE = ("create", "update", "edit", "close", "merge", "confirm", "owner_update",
              "approve", "revert")


class RevertError(ValueError):
    """A change that cannot be reverted; the message says why."""


def _dump(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def record(conn: sqlite3.Connection, *, actor: str, action: str, entity: str, entity_id: str,
           before: Any = None, after: Any = None, reason: str = "",
           now: str | None = None) -> int:
    """Write one change entry; returns its id. Call inside the change's transaction."""
    cursor = conn.execute(
        """INSERT INTO changes (at, actor, action, entity, entity_id, before, after, reason)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        (now or utcnow(), actor, action, entity, entity_id, _dump(before), _dump(after),
         reason[:2000]),
    )
    return cursor.lastrowid


def record_place_changes(conn: sqlite3.Connection, actor: str,
                         entries: Iterable[tuple[str, str, Any, Any]], reason: str = "",
                         now: str | None = None) -> int:
    """Write many ``(action, place_id, before, after)`` entries (what ``upsert_place`` collects)."""
    now = now or utcnow()
    rows = [(now, actor, action, "place", place_id, _dump(before), _dump(after), reason)
            for action, place_id, before, after in entries]
    conn.executemany(
        """INSERT INTO changes (at, actor, action, entity, entity_id, before, after, reason)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        rows,
    )
    return len(rows)


def _row(row: sqlite3.Row) -> dict:
    item = dict(row)
    item["before"] = json.loads(item["before"]) if item["before"] else None
    item["after"] = json.loads(item["after"]) if item["after"] else None
    return item


def history(conn: sqlite3.Connection, entity: str, entity_id: str,
            limit: int = 200) -> list[dict]:
    """Changes of one entity, newest first."""
    return [_row(r) for r in conn.execute(
        "SELECT * FROM changes WHERE entity = ? AND entity_id = ? ORDER BY id DESC LIMIT ?",
        (entity, entity_id, limit),
    )]


def recent(conn: sqlite3.Connection, limit: int = 100, actor_prefix: str = "") -> list[dict]:
    """The latest changes of every kind, newest first (optionally of one kind of actor)."""
    return [_row(r) for r in conn.execute(
        "SELECT * FROM changes WHERE actor LIKE ? ESCAPE '\\' ORDER BY id DESC LIMIT ?",
        (actor_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%",
         limit),
    )]


def get_change(conn: sqlite3.Connection, change_id: int) -> dict | None:
    row = conn.execute("SELECT * FROM changes WHERE id = ?", (change_id,)).fetchone()
    return _row(row) if row else None


def apply_place_edit(conn: sqlite3.Connection, place_id: str, values: dict,
                     products: Iterable[str] | None, *, actor: str, action: str = "edit",
                     reason: str = "") -> int | None:
    """Change a place and log it, in one transaction. Returns the change id (None: no change).

    Raises ``LookupError`` for an unknown place.
    """
    with transaction(conn):
        result = set_place_fields(conn, place_id, values, products)
        if result is None:
            raise LookupError(f"no place with id {place_id!r}")
        before, after = result
        if not after:
            return None
        return record(conn, actor=actor, action=action, entity="place", entity_id=place_id,
                      before=before, after=after, reason=reason)


def _current_values(conn: sqlite3.Connection, place_id: str, columns: Iterable[str]) -> dict:
    row = conn.execute("SELECT * FROM places WHERE id = ?", (place_id,)).fetchone()
    if row is None:
        raise RevertError(f"place {place_id} no longer exists")
    values = {}
    for column in columns:
        if column == "products":
            values[column] = [r[0] for r in conn.execute(
                "SELECT product_code FROM place_products WHERE place_num = ? "
                "ORDER BY product_code", (row["num"],))]
        else:
            values[column] = row[column]
    return values


def revert(conn: sqlite3.Connection, change_id: int, *, actor: str, reason: str = "") -> int:
    """Undo one change of a place (or link), logged as a new ``revert`` change.

    A change whose fields were changed again later cannot be reverted on its own (that would
    silently undo the later change too): revert the later one first.
    """
    with transaction(conn):
        change = get_change(conn, change_id)
        if change is None:
            raise RevertError(f"no change {change_id}")
        if change["reverted_by"]:
            raise RevertError(f"change {change_id} was already reverted by "
                              f"change {change['reverted_by']}")
        if change["entity"] == "link":
            new_id = _revert_link(conn, change, actor, reason)
        elif change["entity"] == "place" and change["action"] in REVERTIBLE:
            new_id = _revert_place(conn, change, actor, reason)
        else:
            raise RevertError(f"a {change['action']} of a {change['entity']} cannot be "
                              "reverted here")
        conn.execute("UPDATE changes SET reverted_by = ? WHERE id = ?", (new_id, change_id))
        return new_id


def _revert_place(conn: sqlite3.Connection, change: dict, actor: str, reason: str) -> int:
    place_id = change["entity_id"]
    after = change["after"] or {}
    if change["action"] == "create":
        # Undoing a creation closes the place: history is kept, the map drops it.
        target = {"status": "closed", "closed_on": utcnow()[:10]}
    else:
        target = dict(change["before"] or {})
        current = _current_values(conn, place_id, after)
        changed_since = sorted(c for c in after if current.get(c) != after[c])
        if changed_since:
            raise RevertError(
                f"{', '.join(changed_since)} changed again after change {change['id']}; "
                "revert the later change first")
    products = target.pop("products", None)
    result = set_place_fields(conn, place_id, target, products)
    if result is None:
        raise RevertError(f"place {place_id} no longer exists")
    before, now_after = result
    return record(conn, actor=actor, action="revert", entity="place", entity_id=place_id,
                  before=before, after=now_after,
                  reason=reason or f"revert of change {change['id']}")


def _revert_link(conn: sqlite3.Connection, change: dict, actor: str, reason: str) -> int:
    link = change["after"] if change["action"] == "link_add" else change["before"]
    if not link:
        raise RevertError("the change does not describe a link")
    if change["action"] == "link_add":
        conn.execute(
            "DELETE FROM links WHERE from_kind = ? AND from_id = ? AND type = ? AND to_kind = ?"
            " AND to_id = ?",
            (link["from_kind"], link["from_id"], link["type"], link["to_kind"], link["to_id"]),
        )
        before, after = link, None
    elif change["action"] == "link_remove":
        upsert_link(conn, **{k: link[k] for k in ("from_kind", "from_id", "type", "to_kind",
                                                  "to_id", "schedule", "note")})
        before, after = None, link
    else:
        raise RevertError(f"a {change['action']} of a link cannot be reverted")
    return record(conn, actor=actor, action="revert", entity="link",
                  entity_id=change["entity_id"], before=before, after=after,
                  reason=reason or f"revert of change {change['id']}")


def record_import(conn: sqlite3.Connection, source_id: str, counts: dict,
                  place_changes: list[tuple[str, str, Any, Any]], file_name: str,
                  now: str | None = None) -> int:
    """An import as changes: one entry for the import (source, counts), one per place."""
    actor = f"import:{source_id}"
    record_place_changes(conn, actor, place_changes, reason=f"import of {file_name}", now=now)
    return record(conn, actor=actor, action="import", entity="source", entity_id=source_id,
                  after={"file": file_name, **counts}, reason=f"import of {file_name}", now=now)
