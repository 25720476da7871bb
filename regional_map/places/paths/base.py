"""The contract every answer path keeps (in the way a geo server gives each backend one
provider interface): what it can answer, and the answer, or None to let the next path try."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass

from regional_map.places.filters import PlaceFilter

# Cells of 64 screen pixels: one cluster marker per cell keeps the map readable and bounds a
# response to a few hundred features whatever the number of places.
CLUSTER_CELL_SHIFT = 6
MAX_CLUSTER_ZOOM = 17  # from here on every place is its own marker
SINGLE_POINTS_BELOW = 150  # a view with fewer places than this shows them all
MAX_SINGLE_POINTS = 5000  # the most places a view lists one by one


def cell_shift(zoom: int) -> int:
    """Bits to drop from a zoom-24 Mercator pixel to get the cluster cell at ``zoom``."""
    return 24 - max(0, min(zoom, 24)) + CLUSTER_CELL_SHIFT


@dataclass
class PlacePage:
    """One page of places, the total matched, and whether a typo was allowed to find them."""

    total: int
    items: list[dict]
    limit: int
    offset: int
    corrected: bool = False  # found only by allowing a typo in the search words


@dataclass
class EncodedPage:
    """A page as encoded features, the total matched, and (near me) each one's distance in
    metres as SQL measures it (unrounded), for the caller to add to its text: the text of a
    place is the same from any point."""

    total: int
    features: list[str]
    distances_m: list[float] | None = None


Encode = Callable[[dict], str]


class AnswerPath:
    """One way to answer. Each question has a cheap static test (``can_*``: is this the kind
    of filter this path answers?) and the answer, which may still be None when the path finds
    at run time that it cannot (no index for an in-memory store, the store changed under it).
    """

    name = "path"

    def can_find(self, f: PlaceFilter) -> bool:
        return False

    def find(self, conn: sqlite3.Connection, f: PlaceFilter, *,
             count: bool = True) -> PlacePage | None:
        """A page of places matching ``f`` in its order, and the total matched."""
        return None

    def can_cluster(self, f: PlaceFilter) -> bool:
        return False

    def cluster(self, conn: sqlite3.Connection, f: PlaceFilter, zoom: int) -> dict | None:
        """``{"total", "clusters", "places"}`` of ``f.bbox`` at map ``zoom``."""
        return None

    def can_encode(self, f: PlaceFilter) -> bool:
        return False

    def features(self, conn: sqlite3.Connection, f: PlaceFilter, key: str,
                 encode: Encode, shallow: bool = False) -> EncodedPage | None:
        """The page of :meth:`find` as features encoded by ``encode`` (``key`` names the
        encoding)."""
        return None


class IndexMemo:
    """Values derived from one state of the point index, the last ``size`` of them; keys
    begin with the index's key, and a value of another state is forgotten on the next
    store. Readers never wait: two threads may derive the same value once each."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._found: dict[tuple, object] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple, make: Callable[[], object]):
        """The value of ``key``, made by ``make()`` when it is not remembered."""
        found = self._found.get(key)
        if found is None:
            found = make()
            with self._lock:
                for old in [k for k in self._found if k[0] != key[0]]:
                    del self._found[old]
                while len(self._found) >= self.size:
                    del self._found[next(iter(self._found))]
                self._found[key] = found
        return found

