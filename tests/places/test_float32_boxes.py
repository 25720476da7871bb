"""The point index keeps the R*Tree's float32 boxes; its box tests still match SQL's."""

from __future__ import annotations

import random

import numpy as np

from regional_map.db.connection import transaction
from regional_map.places import engine
from regional_map.places.filters import PlaceFilter
from regional_map.places.pointindex import box32
from regional_map.places.store import upsert_place, upsert_source


def test_float32_bounds_compare_as_the_double_bounds_do():
    rng = random.Random(5)
    for _ in range(20_000):
        b = np.float32(rng.uniform(-180, 180))
        # queries at, just above and just below the float32 value, and anywhere near it
        for q in (float(b), float(b) + 1e-9, float(b) - 1e-9, float(b) + rng.uniform(-1e-5, 1e-5)):
            low, _, high, _ = box32((q, 0.0, q, 0.0))
            assert (float(b) >= q) == bool(b >= low)
            assert (float(b) <= q) == bool(b <= high)


def test_a_view_whose_edge_passes_between_a_point_and_its_stored_box(empty_conn):
    """A view's edge at the place's exact longitude: the R*Tree stored it rounded outwards,
    so SQL leaves it out of a view starting there; the index does the same."""
    lon, lat = 4.123456789123, 51.0
    with transaction(empty_conn):
        upsert_source(empty_conn, "t", name="t")
        upsert_place(empty_conn, {"name": "Hoeve", "kind": "farm_shop", "lat": lat, "lon": lon,
                                  "geocode_precision": "source", "source_id": "t"})
    for box in ((lon, 50.0, 5.0, 52.0), (3.0, 50.0, lon, 52.0),
                (np.nextafter(lon, 0), 50.0, np.nextafter(lon, 9), 52.0)):
        f = PlaceFilter(bbox=tuple(float(v) for v in box))
        assert engine.RANK.find(empty_conn, f).total == engine.SQL.find(empty_conn, f).total
