"""Batch geocoding of stored places: report precision, improve coarse points online (opt-in)."""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from regional_map.db.connection import transaction
from regional_map.geo import mercator
from regional_map.geocode.services import make_geocoder
from regional_map.model import precision_rank
from regional_map.places.store import utcnow

COARSE = ("postcode", "municipality")


@dataclass
class GeocodeReport:
    before: Counter = field(default_factory=Counter)
    after: Counter = field(default_factory=Counter)
    tried: int = 0
    improved: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (place id, reason)
    online: str | None = None

    def lines(self) -> list[str]:
        out = ["Places by geocode precision:"]
        for precision in sorted(set(self.before) | set(self.after), key=precision_rank):
            out.append(f"  {precision:<14} {self.after.get(precision, 0):>7}")
        if self.online:
            out.append(f"Online ({self.online}): {self.tried} tried, {self.improved} improved, "
                       f"{len(self.failed)} failed.")
            out.extend(f"  failed: {pid}: {reason}" for pid, reason in self.failed[:50])
        else:
            out.append("No online geocoder configured (REGIONAL_MAP_GEOCODER=none); "
                       "coarse points keep their postcode or town centroid.")
        return out


def _counts(conn: sqlite3.Connection) -> Counter:
    return Counter(dict(conn.execute(
        "SELECT geocode_precision, COUNT(*) FROM places GROUP BY geocode_precision").fetchall()))


def geocode_places(conn: sqlite3.Connection, settings: dict[str, Any], *,
                   online: bool | None = None, limit: int | None = None) -> GeocodeReport:
    """Re-geocode places placed only by postcode or town with the online geocoder, if enabled.

    A manual pin or a source's own coordinates are never touched.
    """
    report = GeocodeReport(before=_counts(conn))
    geocoder = make_geocoder(settings) if online is not False else None
    if online and geocoder is None:
        raise ValueError("no online geocoder configured: set REGIONAL_MAP_GEOCODER")
    if geocoder is not None:
        report.online = settings["GEOCODER"]
        rows = conn.execute(
            "SELECT num, id, street, housenumber, postcode, city, country, geocode_precision "
            "FROM places WHERE geocode_precision IN (?, ?) AND street != '' ORDER BY num",
            COARSE,
        ).fetchall()
        if limit is not None:
            rows = rows[:limit]
        with geocoder:
            for row in rows:
                report.tried += 1
                hit = geocoder.geocode(row["street"], row["housenumber"], row["postcode"],
                                       row["city"], row["country"])
                if hit is None:
                    report.failed.append((row["id"], "no result"))
                    continue
                if precision_rank(hit.precision) >= precision_rank(row["geocode_precision"]):
                    continue
                mx, my = mercator(hit.lon, hit.lat)
                with transaction(conn):
                    conn.execute(
                        "UPDATE places SET lat = ?, lon = ?, mx = ?, my = ?, "
                        "geocode_precision = ?, geocode_source = ?, updated_at = ? WHERE num = ?",
                        (hit.lat, hit.lon, mx, my, hit.precision, hit.source, utcnow(),
                         row["num"]),
                    )
                    conn.execute(
                        "UPDATE places_rtree SET minlon = ?, maxlon = ?, minlat = ?, maxlat = ? "
                        "WHERE num = ?", (hit.lon, hit.lon, hit.lat, hit.lat, row["num"]))
                report.improved += 1
    report.after = _counts(conn)
    return report
