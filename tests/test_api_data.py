"""The open data API beyond places: formats, products, sources, caching, compression, CORS."""

from __future__ import annotations

import csv
import gzip
import io

import brotli
import pytest

from regional_map.places.store import upsert_place, upsert_source
from regional_map.web.app import create_app

QUERY = "kind=vending_machine,farm_shop&bbox=3.0,50.5,6.0,52.0&limit=60"


def _csv_rows(response):
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_same_query_gives_the_same_rows_in_geojson_json_and_csv(client):
    geo = client.get(f"/api/places?{QUERY}").get_json()
    plain = client.get(f"/api/places?{QUERY}&format=json").get_json()
    table = client.get(f"/api/places?{QUERY}&format=csv")
    assert table.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert table.headers["Content-Disposition"].startswith("attachment; filename=")
    rows = _csv_rows(table)
    ids = [f["id"] for f in geo["features"]]
    assert len(ids) == 60
    assert ids == [p["id"] for p in plain["items"]] == [r["id"] for r in rows]
    assert plain["numberMatched"] == geo["numberMatched"]
    first = geo["features"][0]
    assert [plain["items"][0]["lon"], plain["items"][0]["lat"]] == first["geometry"]["coordinates"]
    assert float(rows[0]["lon"]) == pytest.approx(first["geometry"]["coordinates"][0])
    assert rows[0]["licence"] == "ODbL-1.0" and "OpenStreetMap" in rows[0]["attribution"]


def test_the_apis_filters_agree_with_the_html_maps_results(client):
    for query in ("q=eieren&kind=vending_machine", "bbox=4.6,50.8,4.8,50.95", "product=honey",
                  "kind=vending_machine&near=50.88,4.70&radius_km=25",
                  "organic=true&status=all", "payment=cash&sort=updated"):
        api = client.get(f"/api/places?{query}&limit=50").get_json()
        page = client.get(f"/?{query}&format=json").get_json()
        assert api["numberMatched"] == page["numberMatched"] > 0, query
        assert [f["id"] for f in api["features"]] == [f["id"] for f in page["features"]], query


def test_unknown_format_is_a_400_naming_the_parameter(client):
    for url in ("/api/places?format=xml", "/api/export?format=pdf"):
        response = client.get(url)
        assert response.status_code == 400
        assert response.get_json()["error"]["details"] == {"parameter": "format"}


@pytest.mark.parametrize("query", ["bbox=1,2,3", "bbox=nan,50,5,51", "near=200,4",
                                   "kind=spaceship", "open_at=2026-13-45T99:00",
                                   "updated_since=yesterday"])
def test_bad_filters_are_400_on_exports_and_ogc_items_too(client, query):
    for base in ("/api/export?format=csv&", "/ogc/collections/places/items?"):
        response = client.get(base + query)
        assert response.status_code == 400, base + query
        assert set(response.get_json()) == {"error"}


def test_products_have_names_in_three_languages_and_are_found_by_any(client):
    body = client.get("/api/products?q=poireau&lang=nl").get_json()
    assert [p["code"] for p in body["items"]] == ["leek"]
    leek = body["items"][0]
    assert leek["names"]["nl"].lower() == "prei" and leek["name"] == leek["names"]["nl"]
    assert leek["season_months"] and all(1 <= m <= 12 for m in leek["season_months"])
    eggs = client.get("/api/products/eggs").get_json()
    assert eggs["places"] > 10
    places_link = next(link["href"] for link in eggs["links"] if link["rel"] == "places")
    matched = client.get(places_link).get_json()["numberMatched"]
    assert matched >= eggs["places"]
    everything = client.get("/api/products").get_json()
    assert everything["numberMatched"] > 100
    dairy = client.get("/api/products?category=dairy").get_json()["items"]
    assert dairy and {p["category"] for p in dairy} == {"dairy"}


def test_unknown_product_is_404_and_unknown_category_400(client):
    assert client.get("/api/products/plutonium").status_code == 404
    response = client.get("/api/products?category=weapons")
    assert response.status_code == 400
    assert response.get_json()["error"]["details"] == {"parameter": "category"}


def test_sources_list_every_dataset_with_licence_and_place_count(client, demo_conn):
    body = client.get("/api/sources").get_json()
    by_id = {s["id"]: s for s in body["sources"]}
    assert set(by_id) == {r[0] for r in demo_conn.execute("SELECT id FROM sources")}
    osm = by_id["osm"]
    assert osm["licence"] == "ODbL-1.0" and osm["share_alike"] is True
    assert osm["places"] == demo_conn.execute(
        "SELECT COUNT(*) FROM places WHERE source_id = 'osm'").fetchone()[0]
    assert all(s["licence"] and s["attribution"] for s in body["sources"])
    assert client.get("/api/sources/osm").get_json() == osm
    assert client.get("/api/sources/nope").status_code == 404


def test_conditional_get_answers_304_until_the_data_changes(empty_db_path):
    from regional_map.db.connection import connect

    conn = connect(empty_db_path)
    upsert_source(conn, "mine", name="Mine", licence="CC0 1.0", attribution="Me")
    record = {"name": "Hoeve A", "kind": "farm_shop", "lat": 51.0, "lon": 4.0,
              "geocode_precision": "source", "source_id": "mine", "source_ref": "1"}
    upsert_place(conn, record, now="2026-01-01T10:00:00Z")
    conn.commit()
    app = create_app({"DB": str(empty_db_path)})
    client = app.test_client()
    first = client.get("/api/places")
    etag = first.headers["ETag"]
    assert first.headers["Last-Modified"] == "Thu, 01 Jan 2026 10:00:00 GMT"
    assert "max-age=60" in first.headers["Cache-Control"]
    again = client.get("/api/places", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    dated = client.get("/api/places", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert dated.status_code == 304
    other_query = client.get("/api/places?kind=farm_shop", headers={"If-None-Match": etag})
    assert other_query.status_code == 200

    upsert_place(conn, {**record, "name": "Hoeve B"}, now="2026-02-01T10:00:00Z")
    conn.commit()
    conn.close()
    changed = client.get("/api/places", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.get_json()["features"][0]["properties"]["name"] == "Hoeve B"
    assert changed.headers["ETag"] != etag
    assert changed.headers["Last-Modified"] == "Sun, 01 Feb 2026 10:00:00 GMT"


def test_reference_resources_are_cached_longer_than_data(client):
    assert "max-age=3600" in client.get("/api/products").headers["Cache-Control"]
    assert "max-age=3600" in client.get("/api/openapi.json").headers["Cache-Control"]
    assert "max-age=60" in client.get("/api/places/osm-node-3889216257").headers.get(
        "Cache-Control", "max-age=60")


def test_large_responses_are_compressed_with_gzip_or_brotli(client):
    plain = client.get("/api/places?limit=500")
    zipped = client.get("/api/places?limit=500", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert len(zipped.data) < len(plain.data) / 3
    assert gzip.decompress(zipped.data) == plain.data
    br = client.get("/api/places?limit=500", headers={"Accept-Encoding": "br, gzip"})
    assert br.headers["Content-Encoding"] == "br"
    assert brotli.decompress(br.data) == plain.data
    assert "Accept-Encoding" in br.headers["Vary"]
    # A revalidation with the compressed variant's tag is still recognised.
    again = client.get("/api/places?limit=500", headers={"Accept-Encoding": "br",
                                                         "If-None-Match": br.headers["ETag"]})
    assert again.status_code == 304
    small = client.get("/api/places?limit=1", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in small.headers or len(small.data) >= 500


def test_reads_are_open_to_other_sites_including_preflight(client):
    response = client.get("/api/products/eggs", headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    preflight = client.options("/api/places", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "If-None-Match"})
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "If-None-Match" in preflight.headers["Access-Control-Allow-Headers"]


def test_answers_that_depend_on_the_clock_are_not_dated_by_the_data(client):
    dated = client.get("/api/places?kind=farm_shop&limit=5")
    assert dated.headers.get("Last-Modified")
    open_now = client.get("/api/places?kind=farm_shop&limit=5&open_now=true")
    assert open_now.status_code == 200 and "Last-Modified" not in open_now.headers
    assert open_now.headers["ETag"] != dated.headers["ETag"]
    fixed = client.get("/api/places?kind=farm_shop&limit=5&open_at=2026-05-02T10:00:00")
    assert fixed.headers.get("Last-Modified")  # a fixed time: only the data can change it
