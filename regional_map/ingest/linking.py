"""Proposed network links: where OSM (or a spreadsheet) says a place belongs to a network.

A place whose ``brand``, ``operator`` or ``network`` names a known network, or whose name is
the name of one of a network's members, gets a proposal in ``link_proposals``. Nothing is
linked until a curator accepts it (``regional-map accept-link``): brands are ambiguous.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from regional_map.places.store import upsert_link, utcnow
from regional_map.text import fold


def _network_names(conn: sqlite3.Connection) -> dict[str, str]:
    names: dict[str, str] = {}
    for row in conn.execute("SELECT id, name FROM networks"):
        for text in (row["name"], row["id"], row["id"].replace("-", " ")):
            if fold(text):
                names.setdefault(fold(text), row["id"])
    return names


def _member_names(conn: sqlite3.Connection) -> dict[str, str]:
    """Folded names of places that are members of a network → that network."""
    return {fold(r["name"]): r["network"] for r in conn.execute(
        """SELECT p.name, l.to_id AS network FROM links l JOIN places p ON p.id = l.from_id
           WHERE l.from_kind = 'place' AND l.to_kind = 'network' AND l.type = 'member_of'""")}


def propose_links(conn: sqlite3.Connection, nums: Iterable[int], source_id: str,
                  now: str | None = None) -> int:
    """Propose ``member_of`` links for the given places; returns how many are new."""
    networks = _network_names(conn)
    if not networks:
        return 0
    members = _member_names(conn)
    now = now or utcnow()
    created = 0
    wanted = set(nums)
    rows = conn.execute(
        """SELECT num, id, name, json_extract(extra, '$.brand') AS brand,
                  json_extract(extra, '$.operator') AS operator,
                  json_extract(extra, '$.network') AS network
           FROM places WHERE source_id = ?""", (source_id,)).fetchall()
    for row in rows:
        if row["num"] not in wanted:
            continue
        for reason, value, table in (("brand", row["brand"], networks),
                                     ("operator", row["operator"], networks),
                                     ("network", row["network"], networks),
                                     ("name of a member", row["name"], members)):
            network = table.get(fold(value or ""))
            if network is None or _linked(conn, row["id"], network):
                continue
            cursor = conn.execute(
                """INSERT OR IGNORE INTO link_proposals
                   (place_id, network_id, type, reason, source_id, created_at)
                   VALUES (?, ?, 'member_of', ?, ?, ?)""",
                (row["id"], network, f"{reason} {value!r}", source_id, now))
            created += cursor.rowcount
            break
    return created


def _linked(conn: sqlite3.Connection, place_id: str, network: str) -> bool:
    return conn.execute(
        """SELECT 1 FROM links WHERE from_kind = 'place' AND from_id = ? AND to_kind = 'network'
           AND to_id = ? AND type = 'member_of'""", (place_id, network)).fetchone() is not None


def list_proposals(conn: sqlite3.Connection, status: str = "proposed") -> list[dict]:
    """Proposals with the place's and network's names, oldest first."""
    return [dict(r) for r in conn.execute(
        """SELECT lp.id, lp.place_id, p.name AS place_name, lp.network_id,
                  n.name AS network_name, lp.type, lp.reason, lp.status, lp.created_at
           FROM link_proposals lp LEFT JOIN places p ON p.id = lp.place_id
           LEFT JOIN networks n ON n.id = lp.network_id
           WHERE lp.status = ? OR ? = 'all' ORDER BY lp.id""", (status, status))]


def decide_proposal(conn: sqlite3.Connection, proposal_id: int, accept: bool,
                    now: str | None = None) -> dict:
    """Accept (make the link) or reject one proposal; raises LookupError if unknown."""
    row = conn.execute("SELECT * FROM link_proposals WHERE id = ?", (proposal_id,)).fetchone()
    if row is None:
        raise LookupError(f"no link proposal {proposal_id}")
    if row["status"] != "proposed":
        raise LookupError(f"link proposal {proposal_id} is already {row['status']}")
    if accept:
        upsert_link(conn, from_kind="place", from_id=row["place_id"], type=row["type"],
                    to_kind="network", to_id=row["network_id"],
                    note=f"accepted proposal: {row['reason']}", source_id=row["source_id"],
                    now=now)
    conn.execute("UPDATE link_proposals SET status = ? WHERE id = ?",
                 ("accepted" if accept else "rejected", proposal_id))
    return dict(row)
