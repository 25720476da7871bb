"""OGC API - Features (Part 1 Core) under /ogc, read by GDAL's OAPIF driver and OWSLib."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from regional_map.web.ogc_features import CONFORMANCE


def _total(client, query: str = "") -> int:
    return client.get(f"/api/places?limit=1{query}").get_json()["numberMatched"]


def test_landing_page_links_to_everything_a_client_needs(client):
    body = client.get("/ogc", headers={"Accept": "application/json"}).get_json()
    rels = {link["rel"]: link for link in body["links"]}
    for rel in ("self", "alternate", "service-desc", "service-doc", "conformance", "data"):
        assert rel in rels, rel
    assert rels["service-desc"]["href"].endswith("/api/openapi.json")
    assert rels["data"]["href"].endswith("/ogc/collections?f=json") or \
        rels["data"]["href"].endswith("/ogc/collections")
    conformance = client.get("/ogc/conformance?f=json").get_json()
    assert conformance["conformsTo"] == CONFORMANCE


def test_collection_describes_the_places_with_extent_and_item_links(client):
    collections = client.get("/ogc/collections?f=json").get_json()
    [places] = collections["collections"]
    assert places["id"] == "places" and places["itemType"] == "feature"
    minlon, minlat, maxlon, maxlat = places["extent"]["spatial"]["bbox"][0]
    assert 2 < minlon < maxlon < 8 and 49 < minlat < maxlat < 54
    assert any(link["rel"] == "items" and link["type"] == "application/geo+json"
               for link in places["links"])
    assert client.get("/ogc/collections/places?f=json").get_json()["id"] == "places"
    missing = client.get("/ogc/collections/farms?f=json")
    assert missing.status_code == 404 and "error" in missing.get_json()


def test_items_page_with_bbox_counts_and_next_links(client):
    body = client.get("/ogc/collections/places/items?bbox=4.6,50.8,4.8,50.95&limit=5").get_json()
    assert body["type"] == "FeatureCollection"
    assert body["numberMatched"] == _total(client, "&bbox=4.6,50.8,4.8,50.95")
    assert body["numberReturned"] == len(body["features"]) == 5
    seen = [f["id"] for f in body["features"]]
    next_link = next(link["href"] for link in body["links"] if link["rel"] == "next")
    while next_link:
        page = client.get(next_link.replace("http://localhost", "")).get_json()
        seen += [f["id"] for f in page["features"]]
        next_link = next((link["href"] for link in page["links"] if link["rel"] == "next"), None)
    assert len(seen) == len(set(seen)) == body["numberMatched"]
    for feature in page["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert 4.6 <= lon <= 4.8 and 50.8 <= lat <= 50.95


def test_one_feature_and_a_missing_one(client):
    first = client.get("/ogc/collections/places/items?limit=1&f=json").get_json()["features"][0]
    one = client.get(f"/ogc/collections/places/items/{first['id']}?f=json")
    assert one.mimetype == "application/geo+json"
    assert one.get_json()["id"] == first["id"]
    assert any(link["rel"] == "collection" for link in one.get_json()["links"])
    assert client.get("/ogc/collections/places/items/nope?f=json").status_code == 404


def test_html_views_for_people(client):
    page = client.get("/ogc/collections/places/items?limit=3",
                      headers={"Accept": "text/html"})
    assert page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert len(re.findall(r'href="/ogc/collections/places/items/[^"?]+\?f=html"', html)) == 3
    assert client.get("/ogc?f=html").mimetype == "text/html"
    assert client.get("/ogc/conformance?f=html").mimetype == "text/html"
    assert client.get("/ogc?f=xml").status_code == 400


def test_gdal_oapif_driver_reads_every_place(live_server, client):
    if shutil.which("ogrinfo") is None:
        pytest.fail("ogrinfo is not installed: apt-get install gdal-bin (./dev test does)")
    env = {"PATH": "/usr/bin:/bin", "GDAL_HTTP_TIMEOUT": "60", "NO_PROXY": "127.0.0.1",
           "CPL_DEBUG": "OFF"}
    summary = subprocess.run(
        ["ogrinfo", "-ro", "-so", f"OAPIF:{live_server.url}/ogc", "places"],
        capture_output=True, text=True, timeout=120, env=env)
    assert summary.returncode == 0, summary.stderr
    count = int(re.search(r"Feature Count: (\d+)", summary.stdout).group(1))
    assert count == _total(client)
    # Reading every feature walks the next links to the end.
    full = subprocess.run(
        ["ogrinfo", "-ro", "-q", f"OAPIF:{live_server.url}/ogc", "places",
         "-spat", "4.6", "50.8", "4.8", "50.95"],
        capture_output=True, text=True, timeout=300, env=env)
    assert full.returncode == 0, full.stderr
    assert full.stdout.count("OGRFeature(places)") == _total(client, "&bbox=4.6,50.8,4.8,50.95")


def test_owslib_lists_the_collection_and_its_items(live_server, client):
    from owslib.ogcapi.features import Features

    api = Features(f"{live_server.url}/ogc")
    assert CONFORMANCE[0] in api.conformance()["conformsTo"]
    assert [c["id"] for c in api.collections()["collections"]] == ["places"]
    items = api.collection_items("places", limit=7, bbox=[4.6, 50.8, 4.8, 50.95])
    assert items["numberReturned"] == len(items["features"]) == 7
    assert items["numberMatched"] == _total(client, "&bbox=4.6,50.8,4.8,50.95")
    one = api.collection_item("places", items["features"][0]["id"])
    assert one["properties"]["name"] == items["features"][0]["properties"]["name"]


def test_ogc_forms_of_bbox_and_limit_are_understood(client):
    flat = client.get("/ogc/collections/places/items?bbox=4.6,50.8,4.8,50.95&f=json").get_json()
    three_d = client.get("/ogc/collections/places/items?bbox=4.6,50.8,-100,4.8,50.95,100"
                         "&bbox-crs=http://www.opengis.net/def/crs/OGC/1.3/CRS84&f=json")
    assert three_d.get_json()["numberMatched"] == flat["numberMatched"] > 0
    big = client.get("/ogc/collections/places/items?limit=99999&f=json").get_json()
    assert big["numberReturned"] == min(10_000, big["numberMatched"])
    other_crs = client.get("/ogc/collections/places/items?bbox=1,2,3,4&bbox-crs=EPSG:3857")
    assert other_crs.status_code == 400
    assert other_crs.get_json()["error"]["details"] == {"parameter": "bbox-crs"}
    assert client.get("/ogc/collections/places/items?limit=0").status_code == 400
