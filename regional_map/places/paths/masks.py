"""Which rows of the point index a filter selects, and the masks of the last filters asked.

A filter is answered from the index only when every active filter declares a mask
(:data:`filters.FILTERS`); the masks narrow the index's rows exactly as the SQL conditions
narrow the table.
"""

from __future__ import annotations

import numpy as np

from regional_map.places.filters import PlaceFilter, active_filters
from regional_map.places.paths.base import IndexMemo
from regional_map.places.pointindex import PointIndex


def places_key(f: PlaceFilter) -> str:
    """Which places ``f`` selects, whatever the view (no bbox) and page (limit, offset,
    order): the key of the masks and aggregates the paths remember."""
    return repr(f.but(bbox=None, limit=0, offset=0, sort=None))


def maskable(f: PlaceFilter) -> bool:
    """Whether every filter ``f`` uses can be applied to the point index."""
    return all(d.mask is not None for d in active_filters(f))


def matching_rows(index: PointIndex, f: PlaceFilter) -> np.ndarray:
    """The index rows that pass ``f`` (in no particular order); ``f`` must be maskable."""
    rows = index.all_rows()
    # The box first: on every row it is a binary search and slices; the others then narrow
    # the few rows of the view instead of every place.
    for declaration in sorted(active_filters(f), key=lambda d: d.name != "bbox"):
        rows = declaration.mask(index, rows, f)
    return rows


def matching_mask(index: PointIndex, f: PlaceFilter) -> np.ndarray:
    """:func:`matching_rows` as a mask over every row."""
    mask = np.zeros(len(index.nums), bool)
    mask[matching_rows(index, f)] = True
    return mask



MAX_MASKS = 8  # filters (without their bbox) per worker: the map asks a handful


class MaskCache:
    """The rows matching the last filters asked without their bbox, as masks, per store
    state: a view then costs its box test and one lookup, whatever else it filters on.

    Each mask is kept twice: by row (to test rows in any order) and in the index's longitude
    order, where a view's candidates are one contiguous slice: counting or listing a view's
    matches then reads slices only (no gathers), ~1 ns a candidate.
    """

    def __init__(self) -> None:
        self._found = IndexMemo(MAX_MASKS)

    def rows(self, index: PointIndex, f: PlaceFilter) -> np.ndarray:
        """:func:`matching_rows` of ``f`` (in no particular order)."""
        if not f.bbox:
            return matching_rows(index, f)
        return index.in_box_where(f.bbox, self.masks(index, f)[1])

    def masks(self, index: PointIndex, f: PlaceFilter) -> tuple[np.ndarray, np.ndarray]:
        """The rows matching ``f`` without its bbox: (mask by row, mask in longitude order)."""
        def make() -> tuple[np.ndarray, np.ndarray]:
            mask = matching_mask(index, f.but(bbox=None))
            return mask, mask[index.by_minlon]

        return self._found.get((index.key, places_key(f)), make)
