"""The places as a PMTiles archive of Mapbox vector tiles (layer ``places``).

Written with the ``mapbox-vector-tile`` encoder and the ``pmtiles`` writer. Below
``point_zoom``, and in any tile holding more than ``max_points`` places, places are merged
into clusters of one grid cell each (``count`` > 1, drawn as a bigger circle): a tile then
holds at most ``CELLS_PER_SIDE``² features, which bounds its size whatever the number of
places. Elsewhere every place is its own feature with the properties its popup needs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

EXTENT = 4096  # MVT coordinates per tile side
CELLS_PER_SIDE = 8  # cluster grid: 32 px cells on a 256 px tile
MAX_LAT = 85.05112878
LAYER = "places"


@dataclass
class TileReport:
    """What was written: tiles per zoom and the largest tile (bytes)."""

    tiles: int = 0
    by_zoom: dict[int, int] = field(default_factory=dict)
    largest_bytes: int = 0
    largest_tile: tuple[int, int, int] | None = None
    clustered_tiles: int = 0
    min_zoom: int = 0
    max_zoom: int = 0


def _world(lons: np.ndarray, lats: np.ndarray, zoom: int) -> tuple[np.ndarray, np.ndarray]:
    """Web Mercator position in MVT units of the whole zoom level (tile * EXTENT + local)."""
    scale = EXTENT * (1 << zoom)
    lat = np.radians(np.clip(lats, -MAX_LAT, MAX_LAT))
    x = (lons + 180.0) / 360.0 * scale
    y = (1.0 - np.log(np.tan(lat) + 1.0 / np.cos(lat)) / math.pi) / 2.0 * scale
    top = scale - 1
    return np.clip(x, 0, top).astype(np.int64), np.clip(y, 0, top).astype(np.int64)


def _point(x: int, y: int) -> str:
    return f"POINT ({int(x)} {int(y)})"


def _tile_features(indexes: np.ndarray, local_x: np.ndarray, local_y: np.ndarray,
                   properties: Sequence[dict], cluster: bool) -> list[dict]:
    if not cluster:
        return [{"geometry": _point(x, y), "properties": properties[i]}
                for i, x, y in zip(indexes.tolist(), local_x.tolist(), local_y.tolist(),
                                   strict=True)]
    cell = EXTENT // CELLS_PER_SIDE
    cells = (local_y // cell) * CELLS_PER_SIDE + (local_x // cell)
    features = []
    for key in np.unique(cells).tolist():
        members = cells == key
        count = int(members.sum())
        if count == 1:
            i = int(indexes[members][0])
            x, y = int(local_x[members][0]), int(local_y[members][0])
            features.append({"geometry": _point(x, y), "properties": properties[i]})
            continue
        x, y = float(local_x[members].mean()), float(local_y[members].mean())
        features.append({"geometry": _point(x, y),
                         "properties": {"cluster": True, "count": count}})
    return features


def write_pmtiles(path: Path, lons: np.ndarray, lats: np.ndarray, properties: Sequence[dict],
                  *, min_zoom: int = 0, max_zoom: int = 14, point_zoom: int = 9,
                  max_points: int = 2000, metadata: dict | None = None) -> TileReport:
    """Write every non-empty tile of zooms ``min_zoom``..``max_zoom`` to ``path``.

    ``properties[i]`` are the vector-tile properties of the place at ``lons[i], lats[i]``
    (strings, numbers, booleans; no None).
    """
    # The tile libraries load only when publishing, not in every web worker.
    import mapbox_vector_tile
    from pmtiles.tile import zxy_to_tileid

    report = TileReport(min_zoom=min_zoom, max_zoom=max_zoom)
    encoded: dict[int, bytes] = {}
    for zoom in range(min_zoom, max_zoom + 1):
        wx, wy = _world(lons, lats, zoom)
        tx, ty = wx // EXTENT, wy // EXTENT
        keys = tx * (1 << zoom) + ty
        order = np.argsort(keys, kind="stable")
        unique, starts = np.unique(keys[order], return_index=True)
        ends = np.append(starts[1:], len(order))
        for key, start, end in zip(unique.tolist(), starts.tolist(), ends.tolist(),
                                   strict=True):
            members = order[start:end]
            x, y = divmod(int(key), 1 << zoom)
            cluster = zoom < point_zoom or len(members) > max_points
            features = _tile_features(members, wx[members] - x * EXTENT,
                                      wy[members] - y * EXTENT, properties, cluster)
            data = mapbox_vector_tile.encode(
                [{"name": LAYER, "features": features}],
                default_options={"y_coord_down": True, "extents": EXTENT})
            encoded[zxy_to_tileid(zoom, x, y)] = data
            report.tiles += 1
            report.by_zoom[zoom] = report.by_zoom.get(zoom, 0) + 1
            report.clustered_tiles += cluster
            if len(data) > report.largest_bytes:
                report.largest_bytes, report.largest_tile = len(data), (zoom, x, y)
    _write_archive(path, encoded, lons, lats, min_zoom, max_zoom, metadata or {})
    return report


def _write_archive(path: Path, encoded: dict[int, bytes], lons: np.ndarray, lats: np.ndarray,
                   min_zoom: int, max_zoom: int, metadata: dict) -> None:
    from pmtiles.tile import Compression, TileType
    from pmtiles.writer import Writer

    if not encoded:
        raise ValueError("no places to draw: the archive would be empty")
    bounds = (float(lons.min()), float(lats.min()), float(lons.max()), float(lats.max()))
    with open(path, "wb") as handle:
        writer = Writer(handle)
        for tile_id in sorted(encoded):  # in tile-id order: a "clustered" archive
            writer.write_tile(tile_id, encoded[tile_id])
        e7 = [round(v * 10_000_000) for v in bounds]
        writer.finalize(
            {
                # Tiles are stored uncompressed: a range request returns them as they are,
                # and the reader needs no decompression of its own.
                "tile_type": TileType.MVT, "tile_compression": Compression.NONE,
                "min_lon_e7": e7[0], "min_lat_e7": e7[1], "max_lon_e7": e7[2],
                "max_lat_e7": e7[3], "center_zoom": min(max_zoom, max(min_zoom, 7)),
                "center_lon_e7": (e7[0] + e7[2]) // 2, "center_lat_e7": (e7[1] + e7[3]) // 2,
            },
            {"vector_layers": [{"id": LAYER, "minzoom": min_zoom, "maxzoom": max_zoom,
                                "fields": {"id": "String", "name": "String",
                                           "kind": "String", "label": "String",
                                           "city": "String",
                                           "file": "String", "cluster": "Boolean",
                                           "count": "Number"}}],
             **metadata},
        )
