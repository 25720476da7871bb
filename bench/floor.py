"""The "floor": the least work a server can do to answer a bbox with GeoJSON. Bare WSGI, one
SQLite R*Tree, features encoded once at load time and joined into the response. Run by
gunicorn like every other server (``FLOOR_DB=… gunicorn bench.floor:app``)."""

from __future__ import annotations

import os
import sqlite3
import threading
from urllib.parse import parse_qs

_local = threading.local()
_HEAD = b'{"type":"FeatureCollection","features":['


def _conn() -> sqlite3.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None:
        path = os.environ["FLOOR_DB"]
        conn = _local.conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True,
                                             check_same_thread=False)
    return conn


def app(environ, start_response):
    query = parse_qs(environ.get("QUERY_STRING", ""))
    try:
        minlon, minlat, maxlon, maxlat = (float(v) for v in query["bbox"][0].split(","))
        limit = min(int(query.get("limit", ["500"])[0]), 10_000)
    except (KeyError, ValueError):
        start_response("400 Bad Request", [("Content-Type", "text/plain")])
        return [b"bbox=minlon,minlat,maxlon,maxlat"]
    rows = _conn().execute(
        "SELECT f.json FROM features_rtree r JOIN features f ON f.num = r.num "
        "WHERE r.minlon >= ? AND r.maxlon <= ? AND r.minlat >= ? AND r.maxlat <= ? LIMIT ?",
        (minlon, maxlon, minlat, maxlat, limit)).fetchall()
    body = _HEAD + b",".join(r[0] for r in rows) + b"]}"
    start_response("200 OK", [("Content-Type", "application/geo+json"),
                              ("Content-Length", str(len(body)))])
    return [body]


def build(path: str, features: list[tuple[int, float, float, bytes]]) -> None:
    """Write (num, lon, lat, encoded feature) rows into a floor database at ``path``."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE features (num INTEGER PRIMARY KEY, json BLOB NOT NULL)")
    conn.execute("CREATE VIRTUAL TABLE features_rtree USING rtree "
                 "(num, minlon, maxlon, minlat, maxlat)")
    conn.executemany("INSERT INTO features VALUES (?, ?)", [(n, j) for n, _, _, j in features])
    conn.executemany("INSERT INTO features_rtree VALUES (?, ?, ?, ?, ?)",
                     [(n, lon, lon, lat, lat) for n, lon, lat, _ in features])
    conn.commit()
    conn.close()
