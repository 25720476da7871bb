"""The seed initiatives in the demo, and the networks pages and API over the real app."""

from __future__ import annotations

import json

from regional_map.networks.records import computed_counts, get_network, services_of
from regional_map.places.engine import find_places
from regional_map.places.filters import PlaceFilter
from regional_map.places.rows import get_place


def test_seed_initiatives_are_in_the_demo_with_their_source(demo_conn):
    ids = {r[0] for r in demo_conn.execute("SELECT id FROM networks")}
    assert {"oregional", "boerenhart", "de-vroente", "la-fabrique-circuit-court", "voedselteams",
            "vanier", "kortom", "paysans-artisans", "lekker-geel", "de-goedinge"} <= ids
    source = demo_conn.execute("SELECT * FROM sources WHERE id = 'seed-llabio'").fetchone()
    assert "From the source document" in source["attribution"]
    assert get_network(demo_conn, "oregional")["source_id"] == "seed-zlto"
    # Oregional's place is not stated in its seed: no invented point.
    assert get_network(demo_conn, "oregional")["lat"] is None


def test_stated_figures_are_kept_apart_from_computed_counts(demo_conn):
    network = get_network(demo_conn, "paysans-artisans")
    stated = {f["what"]: f for f in network["stated_figures"]}
    assert stated["producers"]["value"] == 120 and stated["producers"]["source"] == "seed-llabio"
    assert stated["pickup_points"]["value"] == 16
    assert stated["shops"]["value"] == 8
    assert stated["citizen_cooperants"]["value"] == 700
    counts = computed_counts(demo_conn, "paysans-artisans")
    # Counted: only its two shops that OSM names "Paysans-Artisans" (seed links.csv), not 8.
    assert counts["pickup_points"] == 0 and counts["members"] == 2 and counts["shops"] == 2
    hub = get_network(demo_conn, "la-fabrique-circuit-court")
    assert [f["value"] for f in hub["stated_figures"] if f["what"] == "enterprises"] == [9]


def test_seed_places_at_town_precision_and_boer_koos_closed_without_a_date(demo_conn):
    koos = get_place(demo_conn, "seed-llabio-boer-koos")
    assert (koos["status"], koos["closed_on"]) == ("closed", None)
    assert koos["kind"] == "shortchain_supermarket"
    assert koos["geocode_precision"] == "municipality" and koos["city"] == "Ronse"
    on_map = find_places(demo_conn, PlaceFilter(q="Boer Koos", limit=10))
    assert "seed-llabio-boer-koos" not in {p["id"] for p in on_map.items}
    hub = get_place(demo_conn, "seed-llabio-la-fabrique-circuit-court")
    assert hub["kind"] == "processing_hub" and hub["geocode_precision"] == "municipality"
    services = [s["code"] for s in services_of(demo_conn, hub["id"])]
    assert len(services) == 9 and services[0] == "poultry_slaughter"


def test_networks_api_lists_networks_with_counts(client):
    body = client.get("/api/networks").get_json()
    by_id = {n["id"]: n for n in body["networks"]}
    assert by_id["de-goedinge"]["counts"]["members"] == 1
    assert by_id["kortom"]["type"] == "distribution_platform"
    assert by_id["kortom"]["schedule"] == "two moments a week (pickup or delivery)"
    assert client.get("/api/networks?type=nonsense").status_code == 400
    one = client.get("/api/networks/la-fabrique-circuit-court").get_json()
    assert one["places"][0]["id"] == "seed-llabio-la-fabrique-circuit-court"
    assert one["exports"]["gpkg"].endswith("format=gpkg")


def test_unknown_network_is_a_json_404(client):
    response = client.get("/api/networks/nope")
    assert response.status_code == 404
    assert response.get_json()["error"]["message"] == "no network with id 'nope'"
    assert client.get("/networks/nope").status_code == 404


def test_network_page_shows_counts_stated_figures_and_a_json_twin(client):
    response = client.get("/networks/paysans-artisans")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Paysans-Artisans" in html and 'data-what="producers"' in html
    assert "120" in html and "La Fabrique Circuit Court" in html
    assert 'src="/static/js/network-map.js"' in html and "<script>" not in html
    twin = client.get("/networks/paysans-artisans", headers={"Accept": "application/json"})
    assert twin.get_json()["counts"]["processors"] == 1


def test_network_links_geojson_has_lines_with_type(client):
    body = client.get("/api/networks/paysans-artisans/links").get_json()
    lines = [f for f in body["features"] if f["geometry"]["type"] == "LineString"]
    assert sorted(f["properties"]["type"] for f in lines) == [
        "member_of", "member_of", "processes_for"]
    points = {f["properties"]["feature_type"] for f in body["features"]
              if f["geometry"]["type"] == "Point"}
    assert points == {"place", "network"}
    # The network has no place of its own: its links end inside its drawn area (Namur).
    network = next(f for f in body["features"] if f["properties"]["feature_type"] == "network")
    assert network["properties"]["at"] == "area"
    assert body["area"]["properties"]["municipalities"] == ["92094"]


def test_place_links_geojson_gives_direction(client):
    body = client.get("/api/places/seed-llabio-veehouder-naast-de-goedinge/links").get_json()
    line = next(f for f in body["features"] if f["geometry"]["type"] == "LineString")
    assert line["properties"]["type"] == "exchanges_with"
    assert line["properties"]["direction"] == "in"
    assert client.get("/api/places/nope/links").status_code == 404


def test_links_api_filters_by_type_and_network(client):
    body = client.get("/api/links?type=exchanges_with").get_json()
    assert body["numberMatched"] == 1
    assert body["links"][0]["from_id"] == "seed-llabio-de-goedinge"
    bad = client.get("/api/links?type=loves")
    assert bad.status_code == 400 and bad.get_json()["error"]["details"] == {"parameter": "type"}
    network = client.get("/api/links?network=de-vroente").get_json()
    assert network["numberMatched"] == 2


def test_network_exports_download(client):
    geo = client.get("/api/networks/de-goedinge/export?format=geojson")
    assert geo.mimetype == "application/geo+json"
    assert "attachment" in geo.headers["Content-Disposition"]
    types = {f["geometry"]["type"] for f in json.loads(geo.data)["features"]}
    assert types == {"Point", "LineString"}
    csv_text = client.get("/api/networks/de-goedinge/export?format=csv").get_data(as_text=True)
    assert csv_text.splitlines()[0].startswith("id,name,kind")
    assert "De Goedinge" in csv_text
    gpkg = client.get("/api/networks/de-goedinge/export?format=gpkg")
    assert gpkg.data[:16] == b"SQLite format 3\x00"
    assert client.get("/api/networks/de-goedinge/export?format=shp").status_code == 400


def test_place_page_lists_links_both_ways(client):
    html = client.get("/places/seed-llabio-de-goedinge").get_data(as_text=True)
    assert "exchanges with" in html and "Veehouder naast De Goedinge" in html
    html = client.get("/places/seed-llabio-la-fabrique-circuit-court").get_data(as_text=True)
    assert "processes for" in html and 'href="/networks/paysans-artisans"' in html


def test_map_filters_by_network(client):
    body = client.get("/api/places?network=de-vroente").get_json()
    assert [f["id"] for f in body["features"]] == ["seed-llabio-de-vroente-winkel"]


def test_match_page_and_api(client):
    html = client.get("/match?product=groenten&where=9000+Gent&radius_km=10").get_data(
        as_text=True)
    assert "Korte-ketenwinkel van De Vroente" in html
    body = client.get("/api/match?product=groenten&where=9000 Gent&radius_km=10").get_json()
    assert body["query"]["location"].startswith("9000")
    distances = [r["distance_m"] for r in body["results"]]
    assert distances == sorted(distances) and body["numberReturned"] >= 1
    bad = client.get("/api/match?product=groenten")
    assert bad.status_code == 400 and bad.get_json()["error"]["details"]["parameter"] == "where"
    form = client.get("/match").get_data(as_text=True)
    assert 'name="product"' in form and 'name="business"' in form


def test_networks_index_page_and_twin(client):
    html = client.get("/networks").get_data(as_text=True)
    assert 'href="/networks/la-fabrique-circuit-court"' in html and "Lekker Geel" in html
    twin = client.get("/networks?format=json").get_json()
    assert twin["numberReturned"] == len(twin["networks"]) >= 10


def test_processing_hub_page_lists_its_services(client):
    html = client.get("/networks/la-fabrique-circuit-court?lang=fr").get_data(as_text=True)
    assert html.count('data-service="') == 9
    assert "Abattoir de volailles" in html and "500" in html
