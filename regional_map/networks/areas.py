"""A network's area of activity, drawn as an area and never as an invented point.

Four ways to state it (``network_areas.method``):

- ``municipalities``: the union of their shipped boundaries; a municipality without a shipped
  boundary (Wallonia) is approximated by a circle around its centre that reaches its farthest
  postcode place (+1.5 km), and the area says it is approximate;
- ``polygon``: a GeoJSON geometry given by the network or its source;
- ``radius``: a circle of ``radius_km`` around a stated centre;
- ``members``: a circle around the network's own places, reaching the farthest one
  (+ ``radius_km`` margin, default 5 km).
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from shapely import affinity
from shapely.geometry import Point, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points, unary_union

from regional_map.ingest.dedupe import haversine_m
from regional_map.municipalities.boundaries import boundary
from regional_map.networks.records import network_place_ids

METHODS = ("municipalities", "polygon", "radius", "members")
MEMBERS_MARGIN_KM = 5.0
TOWN_MARGIN_KM = 1.5
MIN_TOWN_RADIUS_KM = 3.0
_KM_PER_DEGREE = 111.32
CACHE_SIZE = 128
_CACHE: OrderedDict[tuple, tuple[BaseGeometry, dict[str, Any]]] = OrderedDict()


def save_area(conn: sqlite3.Connection, network_id: str, spec: Mapping[str, Any],
              source_id: str | None = None) -> None:
    """Set a network's area: ``{"municipalities": [codes]}``, ``{"polygon": geometry}``,
    ``{"center": [lat, lon], "radius_km": r}`` or ``{"members": true, "radius_km": margin}``,
    each with an optional ``note``. Raises ValueError for anything else."""
    method = next((m for m in ("municipalities", "polygon", "members") if spec.get(m)), None)
    if method is None and spec.get("center"):
        method = "radius"
    if method is None:
        raise ValueError(f"an area needs one of {', '.join(METHODS)}")
    codes = list(spec.get("municipalities") or [])
    for code in codes:
        if conn.execute("SELECT 1 FROM municipalities WHERE code = ?", (code,)).fetchone() is None:
            raise ValueError(f"unknown municipality code {code!r}")
    geometry = None
    if method == "polygon":
        geom = shape(spec["polygon"])
        if geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
            raise ValueError("an area polygon must be a Polygon or MultiPolygon")
        geometry = json.dumps(mapping(geom))
    center = spec.get("center") or (None, None)
    radius = spec.get("radius_km")
    if method == "radius" and not (radius and float(radius) > 0):
        raise ValueError("a radius area needs radius_km > 0")
    conn.execute(
        """INSERT OR REPLACE INTO network_areas (network_id, method, municipalities, geometry,
               center_lat, center_lon, radius_km, note, source_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (network_id, method, json.dumps(codes), geometry, center[0], center[1],
         float(radius) if radius else None, spec.get("note") or "", source_id),
    )


def circle(lat: float, lon: float, radius_km: float) -> BaseGeometry:
    """A circle of ``radius_km`` around a point, in lon/lat (an ellipse in degrees)."""
    degrees = radius_km / _KM_PER_DEGREE
    disc = Point(lon, lat).buffer(degrees, 48)
    return affinity.scale(disc, xfact=1 / max(math.cos(math.radians(lat)), 0.01), yfact=1)


def _town_circle(conn: sqlite3.Connection, code: str) -> BaseGeometry | None:
    town = conn.execute("SELECT lat, lon FROM municipalities WHERE code = ?", (code,)).fetchone()
    if town is None or town["lat"] is None:
        return None
    farthest = max((haversine_m(town["lat"], town["lon"], r["lat"], r["lon"]) for r in
                    conn.execute("SELECT lat, lon FROM postcodes WHERE municipality_code = ?",
                                 (code,))), default=0.0)
    radius = max(MIN_TOWN_RADIUS_KM, farthest / 1000 + TOWN_MARGIN_KM)
    return circle(town["lat"], town["lon"], radius)


def _area_row(conn: sqlite3.Connection, network_id: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM network_areas WHERE network_id = ?",
                        (network_id,)).fetchone()


def area_geometry(conn: sqlite3.Connection, network_id: str
                  ) -> tuple[BaseGeometry, dict[str, Any]] | None:
    """The area as a shapely geometry and what it is made of; None without an area.

    Remembered per store and area row (and, for ``members``, per state of the places): the
    union of a region's municipalities costs a few hundred milliseconds.
    """
    row = _area_row(conn, network_id)
    if row is None:
        return None
    token, generation = conn.execute(
        "SELECT token, generation FROM places_generation").fetchone()
    key = (token, generation if row["method"] == "members" else None, tuple(row))
    if key in _CACHE:
        _CACHE.move_to_end(key)
        geom, info = _CACHE[key]
        return geom, dict(info)
    found = _compute(conn, network_id, row)
    if found is not None:
        _CACHE[key] = found
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
        return found[0], dict(found[1])
    return None


def _compute(conn: sqlite3.Connection, network_id: str, row: sqlite3.Row
             ) -> tuple[BaseGeometry, dict[str, Any]] | None:
    info: dict[str, Any] = {"method": row["method"], "note": row["note"], "approximate": False,
                            "municipalities": json.loads(row["municipalities"])}
    parts: list[BaseGeometry] = []
    if row["method"] == "municipalities":
        for code in info["municipalities"]:
            found = boundary(conn, code)
            if found is not None:
                parts.append(shape(found["geometry"]))
            else:
                town = _town_circle(conn, code)
                if town is not None:
                    parts.append(town)
                    info["approximate"] = True
    elif row["method"] == "polygon":
        parts.append(shape(json.loads(row["geometry"])))
    elif row["method"] == "radius":
        parts.append(circle(row["center_lat"], row["center_lon"], row["radius_km"]))
    else:
        geom = _members_circle(conn, network_id, row["radius_km"] or MEMBERS_MARGIN_KM)
        if geom is not None:
            parts.append(geom)
            info["approximate"] = True
    if not parts:
        return None
    geom = unary_union(parts)
    return geom, info


def _members_circle(conn: sqlite3.Connection, network_id: str,
                    margin_km: float) -> BaseGeometry | None:
    ids = sorted(network_place_ids(conn, network_id))
    if not ids:
        return None
    marks = ", ".join("?" * len(ids))
    points = conn.execute(f"SELECT lat, lon FROM places WHERE status != 'closed' "  # noqa: S608
                          f"AND id IN ({marks})", ids).fetchall()
    if not points:
        return None
    lat = sum(p["lat"] for p in points) / len(points)
    lon = sum(p["lon"] for p in points) / len(points)
    farthest = max(haversine_m(lat, lon, p["lat"], p["lon"]) for p in points)
    return circle(lat, lon, farthest / 1000 + margin_km)


def area_feature(conn: sqlite3.Connection, network: Mapping[str, Any]) -> dict | None:
    """The network's area as a GeoJSON Feature (``feature_type`` ``area``), or None."""
    found = area_geometry(conn, network["id"])
    if found is None:
        return None
    geom, info = found
    simple = geom.simplify(0.0005, preserve_topology=True)
    minlon, minlat, maxlon, maxlat = geom.bounds
    return {
        "type": "Feature", "id": f"area:{network['id']}",
        "geometry": mapping(simple),
        "bbox": [round(v, 6) for v in (minlon, minlat, maxlon, maxlat)],
        "properties": {
            "feature_type": "area", "network": network["id"], "name": network["name"],
            "type": network.get("type", ""), "type_label": network.get("type_label", ""),
            "method": info["method"], "municipalities": info["municipalities"],
            "approximate": info["approximate"], "note": info["note"],
            "schedule": network.get("schedule", ""),
            "delivery_days": network.get("delivery_days", []),
            "page": f"/networks/{network['id']}",
        },
    }


def distance_to_area_m(geom: BaseGeometry, lat: float, lon: float) -> float:
    """0 inside the area, else the distance in metres to its nearest edge."""
    point = Point(lon, lat)
    if geom.covers(point):
        return 0.0
    nearest = nearest_points(geom, point)[0]
    return haversine_m(lat, lon, nearest.y, nearest.x)


def areas_with_ids(conn: sqlite3.Connection) -> list[str]:
    """Ids of the networks that have an area, by name."""
    return [r[0] for r in conn.execute(
        "SELECT a.network_id FROM network_areas a JOIN networks n ON n.id = a.network_id "
        "ORDER BY n.name COLLATE NOCASE")]
