"""Coverage gaps: the parts of a municipality farther than N km from any farm shop, market or
pickup point.

"Inhabited area" is approximated by the municipality polygons themselves: the shipped data has
no population grid or built-up areas, so the whole municipal territory counts (fields and woods
included). The answer is therefore "where in the municipality is the nearest outlet more than
N km away", not "how many inhabitants are far". Distances are computed in a projected CRS
(EPSG:31370 Belgian Lambert 72 for Belgium, EPSG:28992 RD New for the Netherlands), never in
degrees; outlets across the border (and across the national border) count too.

geopandas is imported lazily, only when a coverage is asked for.
"""

from __future__ import annotations

import sqlite3

from regional_map.geo import metres_to_degrees
from regional_map.municipalities.boundaries import boundary

COVERAGE_KINDS = ("farm_shop", "farmers_market", "pickup_point")
PROJECTED_CRS = {"BE": 31370, "NL": 28992}
DEFAULT_KM = 5.0
MAX_KM = 50.0


def outlet_points(conn: sqlite3.Connection, bbox: tuple[float, float, float, float],
                  kinds: tuple[str, ...] = COVERAGE_KINDS) -> list[tuple[str, float, float]]:
    """(id, lon, lat) of the active outlets in ``bbox`` (minlon, minlat, maxlon, maxlat)."""
    minlon, minlat, maxlon, maxlat = bbox
    marks = ", ".join("?" * len(kinds))
    return [tuple(r) for r in conn.execute(
        f"""SELECT p.id, p.lon, p.lat FROM places p
            WHERE p.kind IN ({marks}) AND p.status = 'active'
              AND p.num IN (SELECT num FROM places_rtree WHERE minlon >= ? AND maxlon <= ?
                            AND minlat >= ? AND maxlat <= ?)
            ORDER BY p.id""",  # noqa: S608 - only ? placeholders are formatted in
        [*kinds, minlon, maxlon, minlat, maxlat],
    )]


def _feature(code: str, km: float, kinds: tuple[str, ...], crs: int, territory, gap,
             gap_wgs84, near: list[str]) -> dict:
    import shapely

    share = gap.area / territory.area if territory.area else 0.0
    return {
        "type": "Feature",
        "id": f"{code}-gap-{km:g}km",
        "geometry": None if gap.is_empty else shapely.geometry.mapping(gap_wgs84),
        "properties": {
            "municipality_code": code,
            "km": km,
            "kinds": list(kinds),
            "crs": f"EPSG:{crs}",
            "municipality_area_km2": round(territory.area / 1e6, 3),
            "gap_area_km2": round(gap.area / 1e6, 3),
            "gap_share": round(share, 4),
            "outlets_considered": near,
            "inhabited_area": "municipality polygon (proxy; no population data shipped)",
        },
    }


def coverage_of(conn: sqlite3.Connection, codes: list[str] | None = None,
                km: float = DEFAULT_KM, kinds: tuple[str, ...] = COVERAGE_KINDS,
                country: str | None = None) -> dict:
    """Gaps of several municipalities (``codes``; None: every one with a boundary, optionally
    of one ``country``), one feature each, computed per country in its projected CRS."""
    import geopandas as gpd
    import shapely

    sql = "SELECT code, country, geometry, minlon, minlat, maxlon, maxlat " \
          "FROM municipality_boundaries"
    params: list = []
    if codes is not None:
        sql += f" WHERE code IN ({', '.join('?' * len(codes))})"
        params = list(codes)
    elif country:
        sql += " WHERE country = ?"
        params = [country]
    rows = conn.execute(sql + " ORDER BY code", params).fetchall()
    features = []
    for land in sorted({r["country"] for r in rows}):
        group = [r for r in rows if r["country"] == land]
        crs = PROJECTED_CRS.get(land, 3035)
        areas = gpd.GeoSeries(shapely.from_geojson([r["geometry"] for r in group]),
                              crs=4326).to_crs(crs)
        box = (min(r["minlon"] for r in group), min(r["minlat"] for r in group),
               max(r["maxlon"] for r in group), max(r["maxlat"] for r in group))
        dlon, dlat = metres_to_degrees(km * 1000 * 1.05, (box[1] + box[3]) / 2)
        outlets = outlet_points(conn, (box[0] - dlon, box[1] - dlat, box[2] + dlon,
                                       box[3] + dlat), kinds)
        if outlets:
            points = gpd.GeoSeries(gpd.points_from_xy([o[1] for o in outlets],
                                                      [o[2] for o in outlets]), crs=4326
                                   ).to_crs(crs)
            served = shapely.union_all(points.buffer(km * 1000, quad_segs=16).values)
            gaps = areas.difference(served)
        else:
            points, gaps = None, areas
        gaps_wgs84 = gaps.to_crs(4326)
        near: dict[int, list[str]] = {}
        if points is not None:
            area_idx, point_idx = points.sindex.query(areas, predicate="dwithin",
                                                      distance=km * 1000)
            for a, p in zip(area_idx.tolist(), point_idx.tolist(), strict=True):
                near.setdefault(a, []).append(outlets[p][0])
        for i, row in enumerate(group):
            territory = areas.iloc[i]
            features.append(_feature(row["code"], km, kinds, crs, territory, gaps.iloc[i],
                                     gaps_wgs84.iloc[i], sorted(near.get(i, []))))
    return {"type": "FeatureCollection", "km": km, "kinds": list(kinds), "features": features}


def coverage_gaps(conn: sqlite3.Connection, code: str, km: float = DEFAULT_KM,
                  kinds: tuple[str, ...] = COVERAGE_KINDS) -> dict | None:
    """GeoJSON FeatureCollection of the gap of municipality ``code``; None without a boundary.

    One feature (a (Multi)Polygon, or ``geometry: null`` when fully covered) with the
    municipality's area, the gap's area and share, and the outlets within reach.
    """
    if boundary(conn, code) is None:
        return None
    return coverage_of(conn, [code], km, kinds)
