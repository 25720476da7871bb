"""Per-cell aggregates of the point index, so a country view's clusters cost O(cells).

Clustering a view at a low zoom grouped every matching place of the view (all of them, for a
country) on every request. For a filter without its bbox and a zoom, this module groups the
matching places by cell once (count, sums of the coordinates, bounds, lowest num, and the
extent of the places' R*Tree boxes) and keeps that per worker until the store changes. A view
then takes whole cells whose places' boxes all lie inside it, skips cells whose places all lie
outside, and groups again only the places of the cells its edge cuts. The clusters, counts and
singles are those of SQL's ``GROUP BY`` (the parity tests compare them).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from regional_map.places.paths.base import IndexMemo
from regional_map.places.pointindex import PointIndex, box32

MAX_AGGREGATES = 8  # (filter, zoom) pairs per worker; the map asks a handful


@dataclass
class Cells:
    """The matching rows grouped by cell (cells in key order, as SQL groups them)."""

    rows: np.ndarray  # matching rows in cell order
    starts: np.ndarray  # first position in ``rows`` of each cell
    ends: np.ndarray
    stats: np.ndarray  # per cell: count, sum lat, sum lon, min lon, min lat, max lon, max lat
    first: np.ndarray  # lowest num of each cell
    extent: np.ndarray  # per cell: min box minlon, max box maxlon, min box minlat, max maxlat


def _group(index: PointIndex, rows: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, ...]:
    """(stats, first, extent) of consecutive groups of ``rows`` beginning at ``starts``."""
    lat, lon, box = index.lat[rows], index.lon[rows], index.box[rows]
    counts = np.diff(np.r_[starts, len(rows)]).astype(np.float64)
    stats = np.stack([counts, np.add.reduceat(lat, starts), np.add.reduceat(lon, starts),
                      np.minimum.reduceat(lon, starts), np.minimum.reduceat(lat, starts),
                      np.maximum.reduceat(lon, starts), np.maximum.reduceat(lat, starts)])
    extent = np.stack([np.minimum.reduceat(box[:, 0], starts),
                       np.maximum.reduceat(box[:, 1], starts),
                       np.minimum.reduceat(box[:, 2], starts),
                       np.maximum.reduceat(box[:, 3], starts)])
    return stats, np.minimum.reduceat(index.nums[rows], starts), extent


def aggregate(index: PointIndex, mask: np.ndarray, shift: int) -> Cells:
    """The cells at ``shift`` of the rows in ``mask``."""
    order, keys = index.cells(shift)
    keep = mask[order]
    rows, cell_keys = order[keep], keys[keep]
    if len(rows) == 0:
        empty = np.zeros(0, np.int64)
        return Cells(rows, empty, empty, np.zeros((7, 0)), empty, np.zeros((4, 0), np.float32))
    starts = np.flatnonzero(np.r_[True, cell_keys[1:] != cell_keys[:-1]])
    stats, first, extent = _group(index, rows, starts)
    return Cells(rows, starts, np.r_[starts[1:], len(rows)], stats, first, extent)


def in_view(index: PointIndex, cells: Cells,
            box: tuple[float, float, float, float]) -> tuple[np.ndarray, np.ndarray]:
    """(stats, first) of the cells' places inside ``box`` (by the R*Tree's bounds, as SQL
    tests them), one column per non-empty cell, in cell order."""
    minlon, minlat, maxlon, maxlat = box32(box)
    e = cells.extent
    inside = (e[0] >= minlon) & (e[1] <= maxlon) & (e[2] >= minlat) & (e[3] <= maxlat)
    outside = (e[0] > maxlon) | (e[1] < minlon) | (e[2] > maxlat) | (e[3] < minlat)
    cut = np.flatnonzero(~inside & ~outside)
    whole = np.flatnonzero(inside)
    if len(cut) == 0:
        return cells.stats[:, whole], cells.first[whole]
    lengths = cells.ends[cut] - cells.starts[cut]
    offsets = np.repeat(cells.starts[cut] - np.r_[0, np.cumsum(lengths)[:-1]], lengths)
    rows = cells.rows[np.arange(int(lengths.sum())) + offsets]
    owner = np.repeat(cut, lengths)
    b = index.box[rows]
    passed = (b[:, 0] >= minlon) & (b[:, 1] <= maxlon) & (b[:, 2] >= minlat) & (b[:, 3] <= maxlat)
    rows, owner = rows[passed], owner[passed]
    if len(rows) == 0:
        return cells.stats[:, whole], cells.first[whole]
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    stats, first, _ = _group(index, rows, starts)
    ids = np.r_[whole, owner[starts]]
    order = np.argsort(ids, kind="stable")
    return (np.concatenate([cells.stats[:, whole], stats], axis=1)[:, order],
            np.r_[cells.first[whole], first][order])


class CellCache:
    """The aggregates of the last (index, filter, zoom) questions of this worker."""

    def __init__(self) -> None:
        self._found = IndexMemo(MAX_AGGREGATES)

    def get(self, index: PointIndex, question: str, shift: int, mask) -> Cells:
        """The cells of ``question`` (a filter without its bbox) at ``shift``; ``mask()``
        gives its rows when they must be grouped."""
        return self._found.get((index.key, question, shift),
                               lambda: aggregate(index, mask(), shift))
