"""GeoPackage (EPSG:4326) of places, written with geopandas/pyogrio.

The ``places`` layer has the CSV's flat columns and a point geometry; a ``sources`` table
(no geometry) carries each source's licence and attribution, and the layer's description
says the same, so the licence travels with the file into QGIS or ArcGIS.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from regional_map.formats.csv import CSV_COLUMNS, flat_row

LAYER = "places"
SOURCES_LAYER = "sources"


def places_gpkg(places: list[dict], attributions: dict[str, str], sources: list[dict],
                licence_note: str, lang: str = "en") -> bytes:
    """The bytes of a GeoPackage of ``places`` (the internal place shape)."""
    import geopandas as gpd
    import pandas as pd
    from pyogrio import write_dataframe
    from shapely.geometry import Point

    rows = [flat_row(p, attributions, lang) for p in places]
    frame = pd.DataFrame(rows, columns=list(CSV_COLUMNS))
    for column in ("lat", "lon"):
        frame[column] = frame[column].astype("float64")
    geometry = [Point(p["lon"], p["lat"]) for p in places]
    gdf = gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")
    source_rows = pd.DataFrame(
        [{"id": s["id"], "name": s.get("name") or s["id"], "licence": s.get("licence") or "",
          "attribution": s.get("attribution") or "", "url": s.get("url") or ""}
         for s in sources],
        columns=["id", "name", "licence", "attribution", "url"])
    description = licence_note + " " + "; ".join(
        f"{s['id']}: {s.get('attribution') or ''} ({s.get('licence') or ''})" for s in sources)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "places.gpkg"
        write_dataframe(gdf, path, layer=LAYER, driver="GPKG",
                        layer_options={"DESCRIPTION": description.strip()[:2000],
                                       "IDENTIFIER": "Regional Map places"})
        write_dataframe(source_rows, path, layer=SOURCES_LAYER, driver="GPKG", append=True)
        return path.read_bytes()
