"""What the DFC export reads from the store besides places: network memberships."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from regional_map.networks.records import network_place_ids


def networks_of_places(conn: sqlite3.Connection, place_ids: Iterable[str]) -> dict[str, list[str]]:
    """Each place's networks (linked directly, either direction), sorted by network id."""
    ids = list(place_ids)
    out: dict[str, set[str]] = {}
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    rows = conn.execute(
        f"""SELECT from_id AS place, to_id AS network FROM links
            WHERE from_kind = 'place' AND to_kind = 'network' AND from_id IN ({marks})
            UNION SELECT to_id, from_id FROM links
            WHERE to_kind = 'place' AND from_kind = 'network' AND to_id IN ({marks})""",  # noqa: S608
        [*ids, *ids])
    for row in rows:
        out.setdefault(row["place"], set()).add(row["network"])
    return {place: sorted(networks) for place, networks in out.items()}


def network_members(conn: sqlite3.Connection, network_id: str) -> list[str]:
    """The ids of the places of one network that exist in the store."""
    ids = sorted(network_place_ids(conn, network_id))
    if not ids:
        return []
    marks = ", ".join("?" * len(ids))
    return [r[0] for r in conn.execute(
        f"SELECT id FROM places WHERE id IN ({marks}) ORDER BY id", ids)]  # noqa: S608
