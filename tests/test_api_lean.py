"""Lean API answers: no null properties, ``properties=``, the compact map shape, popups on
demand, compressed bodies (the real app and the demo store; over HTTP for compression)."""

from __future__ import annotations

import gzip
import json
import urllib.request

BOX = "4.6,50.8,4.8,50.95"


def _walk_nulls(value) -> int:
    if value is None:
        return 1
    if isinstance(value, dict):
        return sum(_walk_nulls(v) for v in value.values())
    if isinstance(value, list):
        return sum(_walk_nulls(v) for v in value)
    return 0


def test_place_features_carry_no_null_properties(client):
    for url in (f"/api/places?bbox={BOX}&limit=200", f"/api/places?bbox={BOX}&format=json",
                "/api/clusters?bbox=2.5,49.4,7.3,53.6&zoom=14"):
        body = client.get(url).get_json()
        features = body.get("features") or body["items"]
        assert features
        assert sum(_walk_nulls(f) for f in features) == 0, url


def test_an_open_place_has_no_closed_on_key(client, demo_conn):
    place_id = demo_conn.execute(
        "SELECT id FROM places WHERE closed_on IS NULL LIMIT 1").fetchone()[0]
    props = client.get(f"/api/places/{place_id}").get_json()["properties"]
    assert "closed_on" not in props and props["id"] == place_id


def test_properties_picks_only_the_named_fields(client):
    body = client.get(f"/api/places?bbox={BOX}&properties=name,city&limit=50").get_json()
    assert body["numberReturned"] > 0
    for feature in body["features"]:
        assert set(feature["properties"]) <= {"name", "city"} and "name" in feature["properties"]
        assert feature["id"] and feature["geometry"]["type"] == "Point"
    items = client.get(f"/api/places?bbox={BOX}&properties=kind&format=json").get_json()["items"]
    assert all(set(item) == {"kind", "lat", "lon"} for item in items)


def test_an_unknown_property_is_a_clear_400(client):
    response = client.get("/api/places?properties=name,secret")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["details"]["parameter"] == "properties" and "secret" in error["message"]
    assert client.get("/api/places?shape=tiny").status_code == 400


def test_the_compact_shape_is_id_name_kind_and_point(client):
    full = client.get(f"/api/places?bbox={BOX}&limit=500")
    compact = client.get(f"/api/places?bbox={BOX}&limit=500&shape=compact")
    a, b = full.get_json(), compact.get_json()
    assert [f["id"] for f in a["features"]] == [f["id"] for f in b["features"]]
    assert a["numberMatched"] == b["numberMatched"]
    for feature in b["features"]:
        assert set(feature["properties"]) == {"name", "kind"}
    assert len(compact.get_data()) * 3 < len(full.get_data())


def test_compact_clusters_and_the_popup_fetched_on_click(client):
    url = "/api/clusters?bbox=4.6,50.8,4.8,50.95&zoom=16"
    full, compact = client.get(url).get_json(), client.get(url + "&shape=compact").get_json()
    assert full["numberMatched"] == compact["numberMatched"]
    singles = [f for f in compact["features"] if not f["properties"].get("cluster")]
    assert singles and all(set(f["properties"]) == {"name", "kind"} for f in singles)
    marker = {f["properties"]["id"]: f for f in full["features"]
              if not f["properties"].get("cluster")}
    popup = client.get(f"/api/places/{singles[0]['id']}?shape=marker").get_json()
    assert popup["properties"] == marker[singles[0]["id"]]["properties"]
    assert client.get("/api/places/nope?shape=marker").status_code == 404


def test_answers_are_compressed_when_asked_over_http(live_server):
    url = f"{live_server.url}/api/places?bbox={BOX}&limit=200&shape=compact"
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - 127.0.0.1
        assert response.headers["Content-Encoding"] == "gzip"
        raw = response.read()
    body = json.loads(gzip.decompress(raw))
    assert body["numberReturned"] > 0 and len(raw) < len(gzip.decompress(raw)) / 2


def test_near_me_from_cached_features_is_the_page_built_afresh(client):
    near = "near=50.88,4.7&radius_km=15&limit=30"
    for extra in ("", "&properties=name,distance_m", "&properties=name", "&shape=compact"):
        for _ in range(2):  # built, then from the cache
            cached = client.get(f"/api/places?{near}{extra}").get_json()
            fresh = client.get(f"/api/places?{near}{extra}&format=json").get_json()
            assert cached["numberMatched"] == fresh["numberMatched"] > 30
            for feature, item in zip(cached["features"], fresh["items"], strict=True):
                assert feature["id"] == item.get("id", feature["id"])  # properties= may omit it
                assert feature["geometry"]["coordinates"] == [item["lon"], item["lat"]]
                props = {k: v for k, v in item.items() if k not in ("lat", "lon")}
                if extra == "&shape=compact":
                    assert set(feature["properties"]) == {"name", "kind"}
                else:
                    assert feature["properties"] == props, extra
    distances = [f["properties"]["distance_m"] for f in client.get(
        f"/api/places?{near}").get_json()["features"]]
    assert distances == sorted(distances) and distances[0] >= 0


def test_a_property_appended_to_an_encoded_feature_is_valid_json():
    from regional_map.web.jsontext import with_property

    for feature in ({"type": "Feature", "id": "a", "properties": {"name": "x"}},
                    {"type": "Feature", "id": "b", "properties": {}}):
        for text in (json.dumps(feature, separators=(",", ":")), json.dumps(feature, indent=2)):
            assert json.loads(with_property(text, "distance_m", "12")) == \
                {**feature, "properties": {**feature["properties"], "distance_m": 12}}
