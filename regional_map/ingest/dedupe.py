"""Likely duplicates across sources: a similar name within a short distance."""

from __future__ import annotations

import sqlite3

from rapidfuzz import fuzz

from regional_map.db.functions import haversine_m
from regional_map.geo import metres_to_degrees
from regional_map.text import fold

SIMILAR_NAME = 85  # rapidfuzz token-set ratio, 0..100


def similar_names(a: str, b: str) -> bool:
    fa, fb = fold(a), fold(b)
    return bool(fa and fb) and fuzz.token_set_ratio(fa, fb) >= SIMILAR_NAME


def nearby_similar(conn: sqlite3.Connection, name: str, lat: float, lon: float,
                   radius_m: float = 200.0, exclude_num: int | None = None,
                   other_source_than: str | None = None) -> list[dict]:
    """Places within ``radius_m`` whose names are similar to ``name``."""
    dlon, dlat = metres_to_degrees(radius_m, lat)
    rows = conn.execute(
        """SELECT p.num, p.id, p.name, p.lat, p.lon, p.source_id FROM places_rtree r
           JOIN places p ON p.num = r.num
           WHERE r.minlon <= ? AND r.maxlon >= ? AND r.minlat <= ? AND r.maxlat >= ?""",
        (lon + dlon, lon - dlon, lat + dlat, lat - dlat),
    ).fetchall()
    found = []
    for row in rows:
        if row["num"] == exclude_num:
            continue
        if other_source_than is not None and row["source_id"] == other_source_than:
            continue
        distance = haversine_m(lat, lon, row["lat"], row["lon"])
        if distance <= radius_m and similar_names(name, row["name"]):
            found.append({"id": row["id"], "name": row["name"], "distance_m": round(distance)})
    return found


def likely_duplicates(conn: sqlite3.Connection, nums: list[int], source_id: str,
                      radius_m: float = 200.0) -> list[dict]:
    """For places just imported from ``source_id``, the similar places of other sources."""
    if not nums:
        return []
    others = conn.execute(
        "SELECT 1 FROM places WHERE source_id IS NOT ? LIMIT 1", (source_id,)
    ).fetchone()
    if others is None:
        return []
    result = []
    for num in nums:
        row = conn.execute("SELECT id, name, lat, lon FROM places WHERE num = ?", (num,)).fetchone()
        matches = nearby_similar(conn, row["name"], row["lat"], row["lon"], radius_m,
                                 exclude_num=num, other_source_than=source_id)
        for match in matches:
            result.append({"id": row["id"], "name": row["name"], "duplicate_of": match["id"],
                           "duplicate_name": match["name"], "distance_m": match["distance_m"]})
    return result
