"""The JSON API over the real app and the demo store."""

from __future__ import annotations

import pytest

from regional_map.places.engine import cluster_places
from regional_map.places.filters import PlaceFilter
from regional_map.places.vocab import load_vocabulary
from regional_map.text import fold


def _error(response, status=400):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"}
    assert body["error"]["status"] == status and body["error"]["message"]
    return body["error"]


def test_places_are_geojson_with_longitude_first(client, demo_conn):
    shown = demo_conn.execute("SELECT COUNT(*) FROM places WHERE status != 'closed'").fetchone()[0]
    response = client.get("/api/places?limit=5")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    body = response.get_json()
    assert body["type"] == "FeatureCollection"
    assert body["numberMatched"] == shown and body["numberReturned"] == 5
    for feature in body["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert 2.5 < lon < 7.3 and 49.4 < lat < 53.6
        assert feature["id"] == feature["properties"]["id"]
    assert any(a["licence"] == "ODbL-1.0" for a in body["attribution"])


def test_bbox_filter_returns_only_places_inside(client):
    body = client.get("/api/places?bbox=4.6,50.8,4.8,50.95&limit=1000").get_json()
    assert 0 < body["numberMatched"] < 1500
    for feature in body["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert 4.6 <= lon <= 4.8 and 50.8 <= lat <= 50.95


def test_kind_and_text_filters_combine(client):
    body = client.get("/api/places?kind=vending_machine&q=eieren&limit=1000").get_json()
    assert body["numberMatched"] > 10
    assert {f["properties"]["kind"] for f in body["features"]} == {"vending_machine"}
    egg_words = load_vocabulary().products["eggs"].terms()
    for feature in body["features"]:
        props = feature["properties"]
        text = fold(props["name"] + " " + props["description"])
        assert any(p in ("eggs", "duck_eggs", "quail_eggs") for p in props["products"]) or any(
            word in text for word in egg_words), props["name"]


def test_paging_links_walk_every_result_once(client):
    seen = []
    url = "/api/places?kind=beekeeper&limit=40"
    while url:
        body = client.get(url).get_json()
        seen += [f["id"] for f in body["features"]]
        nxt = [link["href"] for link in body["links"] if link["rel"] == "next"]
        url = nxt[0].replace("http://localhost", "") if nxt else None
    assert len(seen) == len(set(seen)) == body["numberMatched"]


def test_one_place_by_id(client):
    body = client.get("/api/places/osm-node-10031660117").get_json()
    assert body["type"] == "Feature"
    assert body["properties"]["name"] == "Stadsboerderij Osdorp"
    assert body["geometry"]["coordinates"] == [4.7908693, 52.3590943]


def test_unknown_place_is_a_404_in_the_error_shape(client):
    error = _error(client.get("/api/places/no-such-place"), 404)
    assert "no-such-place" in error["message"]


@pytest.mark.parametrize("query, parameter", [
    ("bbox=1,2,3", "bbox"),
    ("bbox=nan,50,5,51", "bbox"),
    ("bbox=4,50,inf,51", "bbox"),
    ("bbox=5,50,4,51", "bbox"),
    ("near=200,4", "near"),
    ("limit=-1", "limit"),
    ("limit=1000000000", "limit"),
    ("limit=ten", "limit"),
    ("kind=spaceship", "kind"),
    ("updated_since=yesterday", "updated_since"),
    ("open_at=2026-13-45T99:00", "open_at"),
    ("product=plutonium", "product"),
    ("status=gone", "status"),
    ("radius_km=5", "radius_km"),
])
def test_bad_parameters_answer_400_naming_the_parameter(client, query, parameter):
    error = _error(client.get(f"/api/places?{query}"))
    assert error["details"] == {"parameter": parameter}


@pytest.mark.parametrize("q", ['"', 'NEAR(', '*', 'a OR', '"unclosed', "-x", "^", "'; DROP"])
def test_search_text_with_fts_syntax_never_fails(client, q):
    response = client.get("/api/places", query_string={"q": q})
    assert response.status_code == 200
    assert response.get_json()["type"] == "FeatureCollection"


def test_clusters_add_up_to_the_filtered_total(client, demo_conn):
    body = client.get("/api/clusters?bbox=2.5,49.4,7.3,53.6&zoom=7&kind=farm_shop").get_json()
    counted = sum(f["properties"].get("count", 1) for f in body["features"])
    assert counted == body["numberMatched"] == demo_conn.execute(
        "SELECT COUNT(*) FROM places WHERE kind = 'farm_shop'").fetchone()[0]
    assert any(f["properties"].get("cluster") for f in body["features"])


def test_clusters_split_as_the_map_zooms_in(demo_conn):
    box = (3.0, 50.0, 7.0, 53.5)
    coarse = cluster_places(demo_conn, PlaceFilter(bbox=box), 6)
    fine = cluster_places(demo_conn, PlaceFilter(bbox=box), 10)
    assert len(coarse["clusters"]) < len(fine["clusters"]) + len(fine["places"])
    for result in (coarse, fine):
        assert sum(c["count"] for c in result["clusters"]) + len(result["places"]) == \
            result["total"]


def test_cluster_endpoint_requires_a_view(client):
    assert _error(client.get("/api/clusters?zoom=5"))["details"] == {"parameter": "bbox"}
    assert _error(client.get("/api/clusters?bbox=4,50,5,51"))["details"] == {"parameter": "zoom"}


def test_api_reads_are_open_to_other_sites(client):
    assert client.get("/api/places?limit=1").headers["Access-Control-Allow-Origin"] == "*"


def test_sources_list_licences(client):
    body = client.get("/api/sources").get_json()
    osm = next(s for s in body["sources"] if s["id"] == "osm")
    assert osm["licence"] == "ODbL-1.0" and osm["rows_imported"] == 1703


@pytest.mark.parametrize("path", ["/api/places?limit=1", "/api/networks", "/api/municipalities",
                                  "/api/links", "/api/products", "/api/openapi.json"])
def test_every_api_blueprint_is_open_to_other_sites_for_reading(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]


def test_pages_outside_the_api_send_no_cors_header(client):
    assert "Access-Control-Allow-Origin" not in client.get("/").headers
