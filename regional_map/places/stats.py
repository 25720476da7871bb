"""Counts of the store for ``regional-map stats`` and the about page; attributions."""

from __future__ import annotations

import sqlite3


def stats(conn: sqlite3.Connection) -> dict:
    """Places by kind, status and geocode precision; networks, links, reference tables."""
    by_kind = dict(conn.execute(
        "SELECT kind, COUNT(*) FROM places GROUP BY kind ORDER BY COUNT(*) DESC").fetchall())
    by_status = dict(conn.execute(
        "SELECT status, COUNT(*) FROM places GROUP BY status").fetchall())
    by_precision = dict(conn.execute(
        "SELECT geocode_precision, COUNT(*) FROM places GROUP BY geocode_precision").fetchall())
    sources = [dict(r) for r in conn.execute("SELECT * FROM sources ORDER BY id")]
    return {
        "places": sum(by_kind.values()), "by_kind": by_kind, "by_status": by_status,
        "by_precision": by_precision,
        "networks": conn.execute("SELECT COUNT(*) FROM networks").fetchone()[0],
        "links": conn.execute("SELECT COUNT(*) FROM links").fetchone()[0],
        "products": conn.execute("SELECT COUNT(*) FROM products").fetchone()[0],
        "municipalities": conn.execute("SELECT COUNT(*) FROM municipalities").fetchone()[0],
        "postcodes": conn.execute("SELECT COUNT(*) FROM postcodes").fetchone()[0],
        "sources": sources,
    }


def attributions(conn: sqlite3.Connection) -> list[dict]:
    """Licence and attribution of every source that has places in the store."""
    return [dict(r) for r in conn.execute(
        """SELECT s.id, s.name, s.licence, s.attribution, s.url FROM sources s
           WHERE EXISTS (SELECT 1 FROM places p WHERE p.source_id = s.id)
              OR s.id IN ('geonames-postcodes', 'statbel-postcodes')
           ORDER BY s.id"""
    )]
