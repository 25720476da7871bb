"""Near me when dozens of places share a point (a postcode's centre): the index answers, and
answers what SQL answers."""

from __future__ import annotations

from regional_map.db.connection import transaction
from regional_map.places import engine
from regional_map.places.filters import PlaceFilter
from regional_map.places.store import upsert_place, upsert_source


def test_places_tied_at_one_point_are_ordered_as_sql_orders_them(empty_conn):
    with transaction(empty_conn):
        upsert_source(empty_conn, "t", name="t")
        for i in range(300):  # 240 at a postcode's centre, the rest around it
            lat, lon = (51.0, 4.0) if i % 5 < 4 else (51.0 + i * 1e-4, 4.0 + (i % 7) * 1e-4)
            upsert_place(empty_conn, {"name": f"Hoeve {i}", "kind": "farm_shop", "lat": lat,
                                      "lon": lon, "geocode_precision": "postcode",
                                      "source_id": "t", "source_ref": str(i)})
    for offset in (0, 20, 110):
        f = PlaceFilter(near=(50.999, 3.9995), radius_km=25, limit=20, offset=offset)
        page = engine.NEAREST.find(empty_conn, f)
        assert page is not None  # settled by measuring the tied places, not handed to SQL
        expected = engine.SQL.find(empty_conn, f)
        assert (page.total, page.items) == (expected.total, expected.items)
