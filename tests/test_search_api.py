"""``GET /api/search`` over the demo store and the real app: grouping, order (an exact
network name before places that mention it), the typo notice, the services facet, and buyer
matchmaking by a network's area of activity."""

from __future__ import annotations

import pytest
from network_world import build_world

from regional_map.db.connection import connect, transaction
from regional_map.db.migrations import LATEST_VERSION, migrate
from regional_map.networks.areas import save_area
from regional_map.networks.matchmaking import find_suppliers, parse_match_request
from regional_map.networks.moments import days_in_schedule
from regional_map.networks.records import save_network
from regional_map.places.engine import find_places
from regional_map.places.filters import PlaceFilter
from regional_map.places.store import upsert_place
from regional_map.provision import init_store
from regional_map.web.app import create_app


def _search(client, q, **params):
    response = client.get("/api/search", query_string={"q": q, **params})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _names(body, group_type):
    group = next((g for g in body["groups"] if g["type"] == group_type), None)
    return [i["name"] for i in group["items"]] if group else []


def test_a_network_named_exactly_comes_first_and_without_typo_places(client):
    body = _search(client, "Voedselteams")
    first = body["groups"][0]
    assert first["type"] == "network" and first["best_match"] == "exact"
    assert first["items"][0] == {**first["items"][0], "name": "Voedselteams",
                                 "type": "network", "url": "/networks/voedselteams"}
    assert body["corrected"] is False and body["showing_results_for"] is None


@pytest.mark.parametrize("q", ["Kortom", "Oregional", "Vanier", "Boerenhart"])
def test_platforms_are_found_and_typo_neighbours_are_not_shown(client, q):
    body = _search(client, q)
    assert body["groups"][0]["type"] == "network"
    assert body["groups"][0]["items"][0]["name"] == q
    # "Vanier" used to give 46 places one typo away ("VanHier"); an exact hit means no typos.
    assert "place" not in [g["type"] for g in body["groups"]]
    assert body["corrected"] is False


def test_groups_are_typed_and_every_item_has_a_url(client):
    body = _search(client, "Gent")
    types = [g["type"] for g in body["groups"]]
    assert types[0] == "municipality"  # the town named exactly
    assert {"network", "place"} <= set(types)
    for group in body["groups"]:
        assert group["label"] and group["total"] >= len(group["items"])
        for item in group["items"]:
            assert item["type"] == group["type"] and item["url"].startswith("/")


def test_labels_follow_the_language(client):
    assert _names(_search(client, "Namur", lang="nl"), "municipality") == ["Namen"]
    assert _names(_search(client, "Namen", lang="fr"), "municipality") == ["Namur"]
    body = _search(client, "eieren", lang="fr")
    product = next(g for g in body["groups"] if g["type"] == "product")
    assert product["label"] == "Produits" and product["items"][0]["name"] == "Œufs"


def test_typo_tolerance_only_when_nothing_matches_and_it_says_so(client):
    body = _search(client, "Voedseltems")
    assert body["corrected"] is True and body["showing_results_for"] == "voedselteams"
    assert _names(body, "network")[0] == "Voedselteams"
    assert _search(client, "abatoir")["showing_results_for"] == "abattoir"
    nothing = _search(client, "xqzzyq")
    assert nothing["groups"] == [] and nothing["numberMatched"] == 0


@pytest.mark.parametrize("q", ["slachthuis", "abattoir", "slaughterhouse", "bokalen wassen"])
def test_services_find_la_fabrique_in_three_languages(client, q):
    body = _search(client, q)
    assert "La Fabrique Circuit Court" in _names(body, "place")
    assert "La Fabrique Circuit Court" in _names(body, "network")
    services = next(g for g in body["groups"] if g["type"] == "service")
    assert services["items"][0]["places"] >= 1


def test_services_facet_of_networks(client):
    body = client.get("/api/networks?service=poultry_slaughter").get_json()
    assert [n["id"] for n in body["networks"]] == ["la-fabrique-circuit-court"]
    platforms = client.get("/api/networks?service=logistics").get_json()["networks"]
    assert {"voedselteams", "vanier", "kortom"} <= {n["id"] for n in platforms}
    bad = client.get("/api/networks?service=teleportation")
    assert bad.status_code == 400 and bad.get_json()["error"]["details"]["parameter"] == "service"


def test_bad_search_input_gets_the_one_error_shape(client):
    for query, parameter in (({"q": ""}, "q"), ({"q": "x" * 201}, "q"),
                             ({"q": "gent", "type": "planet"}, "type"),
                             ({"q": "gent", "limit": "0"}, "limit")):
        response = client.get("/api/search", query_string=query)
        assert response.status_code == 400
        assert response.get_json()["error"]["details"]["parameter"] == parameter


def test_search_is_in_the_openapi_document(client):
    spec = client.get("/api/openapi.json").get_json()
    operation = spec["paths"]["/api/search"]["get"]
    assert {p.get("name") for p in operation["parameters"]} >= {"q", "type", "limit"}
    assert "/api/areas" in spec["paths"] and "/api/networks/{network_id}/area" in spec["paths"]


def test_the_map_page_hides_typo_places_when_a_network_matches(client):
    page = client.get("/?q=Vanier").get_data(as_text=True)
    assert 'data-type="network" data-id="vanier"' in page
    assert "VanHier" not in page and 'data-places="none"' in page


# ---- matchmaking by a network's area ----------------------------------------------------

@pytest.fixture
def area_world(empty_conn, tmp_path):
    build_world(empty_conn, tmp_path)
    with transaction(empty_conn):
        # A platform with no point at all: only its area (the municipality of Namur) and the
        # vegetables it states, as a source would give them.
        save_network(empty_conn, {"id": "veg-namur", "name": "Veg Namur",
                                  "type": "distribution_platform", "sells_to_business": True,
                                  "products": ["vegetables"], "source_id": "test",
                                  "delivery_days": ["Tu", "Fr"]})
        save_area(empty_conn, "veg-namur", {"municipalities": ["92094"]}, "test")
        save_network(empty_conn, {"id": "veg-liege", "name": "Veg Liège",
                                  "type": "distribution_platform", "sells_to_business": True,
                                  "products": ["vegetables"], "source_id": "test"})
        save_area(empty_conn, "veg-liege", {"center": [50.63, 5.57], "radius_km": 10}, "test")
    return empty_conn


def test_a_hospital_kitchen_in_namur_finds_the_platform_whose_area_covers_it(area_world):
    req = parse_match_request(area_world, {"where": "5000 Namur", "product": "groenten",
                                           "radius_km": "30", "buyer": "institution_kitchen"})
    assert req.business is True
    results = find_suppliers(area_world, req, "en")
    by_id = {r["id"]: r for r in results}
    assert "veg-namur" in by_id and "veg-liege" not in by_id  # Liège is ~50 km away
    covering = by_id["veg-namur"]
    assert covering["area_covers"] is True and covering["distance_m"] == 0
    assert covering["lat"] is None  # no invented point
    assert any(c["how"] == "area" for c in covering["channels"])


def test_an_area_farther_than_the_radius_is_left_out(area_world):
    req = parse_match_request(area_world, {"near": "50.64,5.574", "product": "groenten",
                                           "radius_km": "5", "business": "true"})
    ids = [r["id"] for r in find_suppliers(area_world, req, "en")]
    assert ids == ["veg-liege"]


def test_areas_are_served_and_filterable_by_delivery_day(area_world, empty_db_path):
    app = create_app({"DB": str(empty_db_path), "HIDE_AFTER_MONTHS": 0})
    client = app.test_client()
    body = client.get("/api/areas").get_json()
    assert {f["properties"]["network"] for f in body["features"]} == {"veg-namur", "veg-liege"}
    tuesday = client.get("/api/areas?delivery_day=Tu").get_json()
    assert [f["properties"]["network"] for f in tuesday["features"]] == ["veg-namur"]
    assert tuesday["features"][0]["properties"]["delivery_days"] == ["Tu", "Fr"]
    assert tuesday["features"][0]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert client.get("/api/areas?delivery_day=Tuesday").status_code == 400
    assert client.get("/api/networks/coop/area").status_code == 404  # a point, no area


def test_delivery_moments_are_read_from_an_osm_schedule_and_filterable(area_world,
                                                                        empty_db_path):
    # The platform of the test world states "Tu,Fr 17:00-19:00"; free text gives no days.
    assert days_in_schedule("Tu,Fr 17:00-19:00") == ["Tu", "Fr"]
    assert days_in_schedule("Fr-Mo 08:00-10:00") == ["Mo", "Fr", "Sa", "Su"]
    assert days_in_schedule("two moments a week (pickup or delivery)") == []
    client = create_app({"DB": str(empty_db_path), "HIDE_AFTER_MONTHS": 0}).test_client()
    friday = client.get("/api/networks?delivery_day=Fr").get_json()["networks"]
    assert {n["id"] for n in friday} == {"platform", "veg-namur"}
    page = client.get("/networks?delivery_day=Tu&lang=nl").get_data(as_text=True)
    assert 'data-id="platform"' in page and 'data-id="coop"' not in page
    assert "dinsdag, vrijdag" in page
    assert client.get("/networks?delivery_day=someday").status_code == 400


def test_an_older_store_is_upgraded_and_its_hub_services_become_searchable(tmp_path):
    # A store at schema step 6 with a hub and its services, as the previous release made it.
    conn = connect(tmp_path / "old.db")
    migrate(conn, target=6)
    with transaction(conn):
        upsert_place(conn, {"id": "hub", "name": "Gedeelde hub", "kind": "processing_hub",
                            "lat": 50.5, "lon": 4.8, "geocode_precision": "source"})
        conn.execute("INSERT INTO place_services (place_id, code) VALUES ('hub', "
                     "'jar_washing')")
    assert find_places(conn, PlaceFilter(q="bokalenwasserij")).total == 0
    # The upgrade as `init-db` runs it: the schema steps, then the services in the index.
    assert init_store(conn)["migrations_applied"] == LATEST_VERSION - 6
    assert find_places(conn, PlaceFilter(q="bokalenwasserij")).items[0]["id"] == "hub"
    conn.close()
