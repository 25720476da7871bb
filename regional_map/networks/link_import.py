"""Import links, or a network's member list, from CSV (or XLSX): one transaction, and every
row that names an unknown place or network, or an unknown link type, reported by its line.

A links file has one row per link: ``from,type,to[,schedule][,note]``; an end is
``place:ID``, ``network:ID`` or a bare id (a place first, then a network). With a network
given, a file without a ``to`` column is that network's member list: ``place[,role]
[,schedule][,note]``, where ``role`` is ``member`` (default), ``pickup_point``, ``shop``,
``supplier``, ``processor``, ``customer`` or a link type.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass, field
from pathlib import Path

from regional_map.db.connection import transaction
from regional_map.ingest.readers import ReadError, open_source
from regional_map.model import LINK_TYPES
from regional_map.networks.records import UnknownReference, resolve_reference, touch_network
from regional_map.places.store import upsert_link, upsert_source
from regional_map.text import fold

_COLUMNS = {
    "from": ("from", "van", "de", "source", "from_id"),
    "to": ("to", "naar", "vers", "a", "target", "to_id"),
    "type": ("type", "soort", "link", "relation", "relatie"),
    "schedule": ("schedule", "moment", "momenten", "planning", "horaire", "levermoment"),
    "note": ("note", "opmerking", "remarque", "notes"),
    "place": ("place", "plaats", "id", "member", "lid", "membre", "lieu", "place_id"),
    "role": ("role", "rol", "type", "soort"),
}

# Member-list roles: (link type, whether the place is the link's start).
ROLES = {
    "member": ("member_of", True), "lid": ("member_of", True), "membre": ("member_of", True),
    "pickup_point": ("pickup_point_of", True), "afhaalpunt": ("pickup_point_of", True),
    "shop": ("sells_products_of", True), "winkel": ("sells_products_of", True),
    "supplier": ("supplies", True), "leverancier": ("supplies", True),
    "processor": ("processes_for", True), "customer": ("supplies", False),
    "klant": ("supplies", False), "client": ("supplies", False),
    "exchange": ("exchanges_with", True),
}
ROLES.update({code: (code, True) for code in LINK_TYPES})


class LinkImportFailed(ValueError):
    """The file cannot be read at all, or the network named does not exist."""


@dataclass
class Problem:
    line: int
    reason: str


@dataclass
class LinkReport:
    mode: str  # "links" or "members"
    read: int = 0
    created: int = 0
    updated: int = 0
    rejected: list[Problem] = field(default_factory=list)
    dry_run: bool = False

    def summary(self) -> str:
        return (f"{self.read} rows read, {self.created} links created, {self.updated} updated, "
                f"{len(self.rejected)} rejected")

    def as_dict(self) -> dict:
        return {**asdict(self), "summary": self.summary()}


class _DryRun(Exception):
    pass


def _column_map(columns: list[str], wanted: tuple[str, ...]) -> dict[str, str]:
    found: dict[str, str] = {}
    folded = {fold(c).replace(" ", "_"): c for c in columns}
    for name in wanted:
        for alias in _COLUMNS[name]:
            if alias in folded and folded[alias] not in found.values():
                found[name] = folded[alias]
                break
    return found


def import_links(conn: sqlite3.Connection, path: str | Path, *, network: str | None = None,
                 source_id: str | None = None, source_name: str | None = None,
                 dry_run: bool = False) -> LinkReport:
    """Import the file in one transaction; ``dry_run`` runs it all and rolls back."""
    try:
        source = open_source(path)
    except (ReadError, OSError) as exc:
        raise LinkImportFailed(str(exc)) from exc
    links_columns = _column_map(source.columns, ("from", "type", "to", "schedule", "note"))
    if network and "to" not in links_columns:
        mode = "members"
        columns = _column_map(source.columns, ("place", "role", "schedule", "note"))
        if "place" not in columns:
            raise LinkImportFailed("a member list needs a 'place' (or 'id') column; found: "
                                   + ", ".join(source.columns))
    else:
        mode = "links"
        columns = links_columns
        missing = [c for c in ("from", "type", "to") if c not in columns and not
                   (c == "to" and network)]
        if missing:
            raise LinkImportFailed(f"missing column(s) {', '.join(missing)}; a links file has "
                                   "from,type,to[,schedule][,note]")
    report = LinkReport(mode=mode, dry_run=dry_run)
    try:
        with transaction(conn):
            if network and conn.execute("SELECT 1 FROM networks WHERE id = ?",
                                        (network,)).fetchone() is None:
                raise LinkImportFailed(f"no network with id {network!r}")
            if source_id and conn.execute("SELECT 1 FROM sources WHERE id = ?",
                                          (source_id,)).fetchone() is None:
                upsert_source(conn, source_id, name=source_name or source_id)
            for row in source.rows:
                report.read += 1
                if row.problems:
                    report.rejected.append(Problem(row.line, "; ".join(row.problems)))
                    continue
                values = {k: (row.values.get(col) or "").strip() for k, col in columns.items()}
                try:
                    link = (_member_link(conn, values, network) if mode == "members"
                            else _link(conn, values, network))
                except (UnknownReference, ValueError) as exc:
                    report.rejected.append(Problem(row.line, str(exc)))
                    continue
                exists = conn.execute(
                    """SELECT 1 FROM links WHERE from_kind = ? AND from_id = ? AND type = ?
                       AND to_kind = ? AND to_id = ?""",
                    (link["from_kind"], link["from_id"], link["type"], link["to_kind"],
                     link["to_id"]),
                ).fetchone()
                upsert_link(conn, **link, schedule=values.get("schedule", ""),
                            note=values.get("note", ""), source_id=source_id)
                if exists:
                    report.updated += 1
                else:
                    report.created += 1
            if network:
                touch_network(conn, network)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


def _link(conn: sqlite3.Connection, values: dict[str, str], network: str | None) -> dict:
    link_type = values.get("type", "")
    if link_type not in LINK_TYPES:
        raise ValueError(f"unknown link type {link_type!r}; known: {', '.join(LINK_TYPES)}")
    from_kind, from_id = resolve_reference(conn, values.get("from", ""))
    to_text = values.get("to", "") or (f"network:{network}" if network else "")
    to_kind, to_id = resolve_reference(conn, to_text)
    if (from_kind, from_id) == (to_kind, to_id):
        raise ValueError("a link needs two different ends")
    return {"from_kind": from_kind, "from_id": from_id, "type": link_type,
            "to_kind": to_kind, "to_id": to_id}


def _member_link(conn: sqlite3.Connection, values: dict[str, str], network: str) -> dict:
    role = fold(values.get("role", "")).replace(" ", "_") or "member"
    if role not in ROLES:
        raise ValueError(f"unknown role {values.get('role')!r}; known: member, pickup_point, "
                         "shop, supplier, processor, customer or a link type")
    link_type, place_first = ROLES[role]
    kind, ref = resolve_reference(conn, values.get("place", ""))
    ends = [(kind, ref), ("network", network)]
    if not place_first:
        ends.reverse()
    if ends[0] == ends[1]:
        raise ValueError("a network cannot be its own member")
    return {"from_kind": ends[0][0], "from_id": ends[0][1], "type": link_type,
            "to_kind": ends[1][0], "to_id": ends[1][1]}
