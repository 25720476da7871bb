"""Small geometry on WGS84 points: boxes around a point, Web-Mercator pixels.

Distances are :func:`regional_map.db.functions.haversine_m`, the very function SQL uses.
"""

from __future__ import annotations

import math

MERCATOR_ZOOM = 24  # places store their Web-Mercator pixel at this zoom (clusters group by it)
_WORLD_PX = 256 * 2**MERCATOR_ZOOM


def metres_to_degrees(metres: float, lat: float) -> tuple[float, float]:
    """Half-widths (dlon, dlat) in degrees of a box of ``metres`` around latitude ``lat``."""
    dlat = metres / 111_320.0
    dlon = metres / (111_320.0 * max(math.cos(math.radians(lat)), 0.01))
    return dlon, dlat


def box_around(lat: float, lon: float, metres: float) -> tuple[float, float, float, float]:
    """(minlon, minlat, maxlon, maxlat) of the box reaching ``metres`` from the point."""
    dlon, dlat = metres_to_degrees(metres, lat)
    return (lon - dlon, lat - dlat, lon + dlon, lat + dlat)


def intersect(a: tuple[float, float, float, float] | None,
              b: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """The overlap of two boxes (``b`` alone when ``a`` is None); may be empty (min > max)."""
    if a is None:
        return b
    return (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))


def mercator(lon: float, lat: float) -> tuple[int, int]:
    """Web-Mercator pixel coordinates at zoom 24 (what clustering groups by)."""
    lat = max(min(lat, 85.0511), -85.0511)
    x = (lon + 180.0) / 360.0
    sin = math.sin(math.radians(lat))
    y = 0.5 - math.log((1 + sin) / (1 - sin)) / (4 * math.pi)
    return int(x * _WORLD_PX), int(y * _WORLD_PX)
