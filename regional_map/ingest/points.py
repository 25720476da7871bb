"""A point for any OSM element or GeoJSON geometry, and osmtogeojson's properties made flat.

Places are points on the map; a shop mapped as a building or a market as a square becomes a
point *on* it (inside an area, on a line), never a centroid that may fall outside.
"""

from __future__ import annotations

_META_KEYS = ("type", "id", "tags", "meta", "relations")


def flatten_osm_properties(props: dict) -> dict:
    """osmtogeojson's nested ``{"id", "type", "tags": {...}, "meta"}`` → flat tags + osm_id.

    overpass turbo's export is already flat (with ``@id``); both end up the same.
    """
    if isinstance(props.get("tags"), dict):
        flat = {k: v for k, v in props["tags"].items()}
        if props.get("type") and props.get("id") is not None:
            flat["osm_id"] = f"{props['type']}/{props['id']}"
        for key, value in props.items():
            if key not in _META_KEYS:
                flat.setdefault(key, value)
        return flat
    if "@id" in props and "osm_id" not in props:
        return {**props, "osm_id": props["@id"]}
    return props


def point_on_line_or_area(coords: list[tuple[float, float]]) -> tuple[float, float] | None:
    """A point on a way: inside it when it is closed (an area), else its middle."""
    from shapely.geometry import LineString, Polygon  # heavy; the web process never needs it

    coords = [c for c in coords if c is not None]
    if not coords:
        return None
    if len(coords) == 1:
        return coords[0]
    if len(coords) >= 4 and coords[0] == coords[-1]:
        polygon = Polygon(coords)
        if polygon.is_valid and not polygon.is_empty:
            point = polygon.representative_point()
            return (point.x, point.y)
    point = LineString(coords).interpolate(0.5, normalized=True)
    return (point.x, point.y)


def point_on_geometry(geometry: dict) -> tuple[float, float] | None:
    """A point on any GeoJSON geometry (a shop mapped as a building is a Polygon)."""
    from shapely.geometry import shape  # heavy; only non-Point geometries need it

    try:
        geom = shape(geometry)
    except (ValueError, TypeError, AttributeError, KeyError):
        return None
    if geom.is_empty:
        return None
    if geom.geom_type == "Point":
        point = geom
    elif geom.geom_type == "LineString":
        point = geom.interpolate(0.5, normalized=True)  # the middle of the way
    else:
        point = geom.representative_point()  # inside an area, on a multi-geometry
    return (point.x, point.y)
