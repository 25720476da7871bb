"""Changes of places as feed entries: added, updated, closed, left the source.

Read from the change log (``trust.audit``), where every edit, close, merge, owner update,
revert and import writes one entry per place, so imports show up like any other change. A place
that has no entry at all (written by a loader that does not log, such as the seed initiatives
of ``load-demo``) shows as "added" at its ``created_at``. The selection (municipality,
network, kind, bbox) applies to the place as it is now. Who changed a place is shown by role
only (an import names its source); account names stay private.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

from regional_map.networks.records import network_place_ids

# Change-log actions that change what a visitor sees of a place. ``confirm`` only dates a
# check and ``report_handled`` is moderation housekeeping: neither is news.
FEED_ACTIONS = ("create", "update", "edit", "close", "merge", "owner_update", "approve",
                "revert", "left_source")
# An importer that drops places missing from a re-imported source logs them with this action.
LEFT_SOURCE_ACTIONS = ("left_source",)
CHANGE_TYPES = ("added", "updated", "closed", "left_source")
MAX_ENTRIES = 200
HIDDEN_FIELDS = {"extra", "geocode_source", "mx", "my", "source_id", "source_ref", "licence"}


@dataclass
class FeedFilter:
    """Which changes a feed holds; empty fields do not filter."""

    municipality: str | None = None
    network: str | None = None
    kinds: tuple[str, ...] = ()
    bbox: tuple[float, float, float, float] | None = None
    limit: int = 50


@dataclass
class FeedEntry:
    change_id: int
    at: str
    change_type: str
    place: dict
    who: str
    fields: dict[str, tuple[object, object]] = field(default_factory=dict)  # name: (old, new)


def change_type(action: str, before: dict | None, after: dict | None) -> str:
    """added, updated, closed or left_source, from one change-log entry."""
    if action in LEFT_SOURCE_ACTIONS:
        return "left_source"
    if action == "create" or (action == "approve" and not before):
        return "added"
    if action in ("close", "merge") or (after or {}).get("status") == "closed":
        return "closed"
    return "updated"


def public_actor(actor: str) -> str:
    """``import:osm`` → ``import of osm``; people by role (moderator, owner) only."""
    role, _, name = actor.partition(":")
    if role == "import":
        return f"import of {name}"
    return {"user": "moderator", "owner": "owner"}.get(role, role or "unknown")


def newest_change(conn: sqlite3.Connection) -> int:
    """The newest change id: part of every feed's ETag (a feed changes with the log)."""
    return conn.execute("SELECT COALESCE(MAX(id), 0) FROM changes").fetchone()[0]


def _place_clauses(conn: sqlite3.Connection, f: FeedFilter) -> tuple[list[str], list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    if f.municipality:
        clauses.append("p.municipality_code = ?")
        params.append(f.municipality)
    if f.kinds:
        clauses.append(f"p.kind IN ({', '.join('?' * len(f.kinds))})")
        params.extend(f.kinds)
    if f.bbox:
        clauses.append("p.lon BETWEEN ? AND ? AND p.lat BETWEEN ? AND ?")
        params.extend([f.bbox[0], f.bbox[2], f.bbox[1], f.bbox[3]])
    if f.network:
        members = sorted(network_place_ids(conn, f.network))
        clauses.append(f"p.id IN ({', '.join('?' * len(members))})" if members else "0")
        params.extend(members)
    return clauses, params


_PLACE = "p.id AS place_id, p.name, p.kind, p.status, p.lat, p.lon, p.city, p.municipality_code"


def _place(row: sqlite3.Row) -> dict:
    place = {k: row[k] for k in ("name", "kind", "status", "lat", "lon", "city",
                                 "municipality_code")}
    place["id"] = row["place_id"]
    return place


def _unlogged(conn: sqlite3.Connection, f: FeedFilter, clauses: list[str],
              params: list[object]) -> list[FeedEntry]:
    """Places without any change entry, as "added" at their creation."""
    where = " AND ".join([*clauses, "NOT EXISTS (SELECT 1 FROM changes c WHERE "
                          "c.entity = 'place' AND c.entity_id = p.id)"])
    rows = conn.execute(
        f"SELECT p.created_at, {_PLACE} FROM places p WHERE {where} "  # noqa: S608
        "ORDER BY p.created_at DESC, p.num DESC LIMIT ?",
        [*params, min(f.limit, MAX_ENTRIES)]).fetchall()
    return [FeedEntry(0, row["created_at"], "added", _place(row), "source") for row in rows]


def recent_changes(conn: sqlite3.Connection, f: FeedFilter) -> list[FeedEntry]:
    """The newest changes of places matching ``f``, newest first."""
    place_clauses, place_params = _place_clauses(conn, f)
    clauses = ["c.entity = 'place'",
               f"c.action IN ({', '.join('?' * len(FEED_ACTIONS))})", *place_clauses]
    params: list[object] = [*FEED_ACTIONS, *place_params]
    rows = conn.execute(
        f"""SELECT c.id, c.at, c.actor, c.action, c.before, c.after, {_PLACE}
            FROM changes c JOIN places p ON p.id = c.entity_id
            WHERE {' AND '.join(clauses)}
            ORDER BY c.id DESC LIMIT ?""",  # noqa: S608 - fixed clauses, ? parameters
        [*params, min(f.limit, MAX_ENTRIES)]).fetchall()
    entries = []
    for row in rows:
        before = json.loads(row["before"]) if row["before"] else None
        after = json.loads(row["after"]) if row["after"] else None
        fields = {}
        if before is not None and after is not None:
            fields = {name: (before.get(name), value) for name, value in after.items()
                      if name not in HIDDEN_FIELDS}
        entries.append(FeedEntry(row["id"], row["at"], change_type(row["action"], before, after),
                                 _place(row), public_actor(row["actor"]), fields))
    entries.extend(_unlogged(conn, f, place_clauses, place_params))
    entries.sort(key=lambda e: (e.at, e.change_id), reverse=True)
    return entries[:min(f.limit, MAX_ENTRIES)]
