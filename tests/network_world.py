"""A small, known world of places, networks and links around Gent, for the network tests.

Built through the real store and the real links importer (no mocks)."""

from __future__ import annotations

from pathlib import Path

from regional_map.db.connection import transaction
from regional_map.networks.link_import import import_links
from regional_map.networks.records import save_network, save_services
from regional_map.places.store import upsert_place, upsert_source

CENTRE = (51.05, 3.72)  # Gent

PLACES = [
    # id, name, kind, lat, lon, products, sells_to_business, status
    ("farm-a", "Farm A", "producer", 51.06, 3.73, ["eggs", "leek"], True, "active"),
    ("farm-b", "Farm B", "farm_shop", 51.08, 3.75, ["leek"], False, "active"),
    ("farm-c", "Farm C", "producer", 51.10, 3.80, ["eggs"], True, "active"),
    ("farm-d", "Farm D", "farm_shop", 51.03, 3.70, ["vegetables"], False, "active"),
    ("far-farm", "Far Farm", "producer", 51.55, 3.72, ["leek"], True, "active"),
    ("pickup", "Pickup Point Station", "pickup_point", 51.055, 3.725, [], False, "active"),
    ("hub", "Shared Kitchen Hub", "processing_hub", 51.20, 3.90, [], False, "active"),
    ("closed-shop", "Closed Shop", "farm_shop", 51.051, 3.721, ["leek"], True, "closed"),
    ("kitchen", "Hospital Kitchen", "institution_kitchen", 51.04, 3.71, [], False, "active"),
]

LINKS_CSV = """from,type,to,schedule,note
farm-a,member_of,network:coop,,
farm-c,member_of,coop,,
place:closed-shop,member_of,network:coop,,
farm-b,member_of,platform,,
pickup,pickup_point_of,coop,,
pickup,pickup_point_of,platform,"Tu,Fr 17:00-19:00",
network:coop,supplies,kitchen,Mo 08:00-10:00,weekly
hub,processes_for,coop,,
farm-a,supplies,pickup,,
"""


def build_world(conn, tmp_path: Path) -> None:
    with transaction(conn):
        upsert_source(conn, "test", name="Test data", licence="CC0", attribution="Test data")
        for pid, name, kind, lat, lon, products, business, status in PLACES:
            upsert_place(conn, {
                "id": pid, "name": name, "kind": kind, "lat": lat, "lon": lon,
                "geocode_precision": "source", "country": "BE", "city": "Gent",
                "sells_to_business": business, "status": status, "source_id": "test",
                "source_ref": pid,
            }, products)
        save_network(conn, {"id": "coop", "name": "Coop", "type": "cooperative",
                            "lat": 51.06, "lon": 3.74, "geocode_precision": "municipality",
                            "sells_to_business": True, "source_id": "test",
                            "stated_figures": [{"what": "members", "value": 40,
                                                "source": "test"}]})
        save_network(conn, {"id": "platform", "name": "Platform", "type": "distribution_platform",
                            "lat": 51.07, "lon": 3.76, "geocode_precision": "municipality",
                            "sells_to_business": True, "schedule": "Tu,Fr 17:00-19:00",
                            "source_id": "test"})
        save_services(conn, "hub", [{"code": "jar_washing"}, {"code": "juice_press",
                                                              "note": "apples and pears"}])
    path = tmp_path / "links.csv"
    path.write_text(LINKS_CSV, encoding="utf-8")
    report = import_links(conn, path, source_id="test")
    assert not report.rejected, report.rejected
    assert report.created == 9
