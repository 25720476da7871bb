"""The store's region: set from the first import's extent, then used to check later imports.

``REGIONAL_MAP_REGION`` is a BE/NL box by default. A user elsewhere who never set it should
not meet it as thousands of rejected rows: the first import into an empty store accepts the
whole world and records the data's extent (with a margin) as the store's region, which later
imports check against and the map opens on. A region set explicitly in the environment wins.
"""

from __future__ import annotations

import sqlite3

from regional_map.text import fold

Region = tuple[float, float, float, float]
_KEY = "region"
# Margin around the data's extent: neighbours just over the edge still import.
MARGIN_DEGREES = 0.5


def stored_region(conn: sqlite3.Connection) -> Region | None:
    """The region recorded in the store, or None."""
    try:
        row = conn.execute("SELECT value FROM store_meta WHERE key = ?", (_KEY,)).fetchone()
    except sqlite3.OperationalError:  # a store from before schema step 8
        return None
    if row is None:
        return None
    minlon, minlat, maxlon, maxlat = (float(v) for v in row[0].split(","))
    return (minlon, minlat, maxlon, maxlat)


def save_region(conn: sqlite3.Connection, region: Region) -> None:
    """Record ``region`` as the store's region (inside the caller's transaction)."""
    conn.execute(
        "INSERT INTO store_meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (_KEY, ",".join(f"{v:.4f}" for v in region)))


def store_is_empty(conn: sqlite3.Connection) -> bool:
    return not conn.execute("SELECT EXISTS (SELECT 1 FROM places)").fetchone()[0]


def extent_of(conn: sqlite3.Connection) -> Region | None:
    """The bounding box of every place, with :data:`MARGIN_DEGREES` around it."""
    box = conn.execute("SELECT min(lon), min(lat), max(lon), max(lat) FROM places").fetchone()
    if box[0] is None:
        return None
    return (max(box[0] - MARGIN_DEGREES, -180.0), max(box[1] - MARGIN_DEGREES, -90.0),
            min(box[2] + MARGIN_DEGREES, 180.0), min(box[3] + MARGIN_DEGREES, 90.0))


def effective_region(conn: sqlite3.Connection, configured: Region | None,
                     explicit: bool) -> Region | None:
    """The region to use: the configured one when set explicitly, else the store's."""
    if explicit:
        return configured
    return stored_region(conn) or configured


def format_region(region: Region | None) -> str:
    return "none" if region is None else ",".join(f"{v:g}" for v in region)


def area_bbox(conn: sqlite3.Connection, name: str) -> Region | None:
    """The bounding box of a municipality named ``name`` (nl or fr name, or its code)."""
    wanted = fold(name)
    for row in conn.execute(
            "SELECT code, name_nl, name_fr, minlon, minlat, maxlon, maxlat "
            "FROM municipality_boundaries"):
        if wanted in (fold(row["name_nl"] or ""), fold(row["name_fr"] or ""), row["code"]):
            return (row["minlon"], row["minlat"], row["maxlon"], row["maxlat"])
    # Wallonia ships no boundaries: the municipality's postcode places, with a margin.
    codes = [r["code"] for r in conn.execute("SELECT code, name_nl, name_fr FROM municipalities")
             if wanted in (fold(r["name_nl"] or ""), fold(r["name_fr"] or ""), r["code"])]
    if not codes:
        return None
    box = conn.execute(
        "SELECT min(lon), min(lat), max(lon), max(lat) FROM postcodes "
        "WHERE municipality_code = ?", (codes[0],)).fetchone()
    if box[0] is None:
        return None
    return (box[0] - 0.05, box[1] - 0.05, box[2] + 0.05, box[3] + 0.05)
