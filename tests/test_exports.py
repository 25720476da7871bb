"""Exports: GeoJSON, CSV, GeoPackage and the folium HTML map, by CLI and HTTP, round trips."""

from __future__ import annotations

import csv
import io
import json

import geopandas as gpd
import pyogrio

from regional_map.db.connection import connect
from regional_map.ingest.importer import import_file
from regional_map.model import kind_label
from regional_map.places.engine import find_places
from regional_map.places.exports import export_selection
from regional_map.places.filters import PlaceFilter
from regional_map.places.store import upsert_place, upsert_source
from regional_map.settings import load as load_settings
from tests.test_cli import run

SELECTION = {"kind": "beekeeper,vending_machine", "bbox": "4,50.5,5.5,51.5"}


def _key(name, lon, lat):
    return name, round(lat, 7), round(lon, 7)


def test_geojson_export_imports_back_as_the_same_places(tmp_path, demo_conn, empty_conn):
    data, count = export_selection(demo_conn, SELECTION, "geojson", load_settings())
    body = json.loads(data)
    assert count == len(body["features"]) > 100
    assert "ODbL" in body["licence_note"] and body["attribution"][0]["licence"] == "ODbL-1.0"
    path = tmp_path / "selection.geojson"
    path.write_bytes(data)
    report = import_file(empty_conn, path, source="roundtrip", licence="ODbL-1.0")
    assert report.imported == count and not report.rejected
    back = {_key(p["name"], p["lon"], p["lat"]): p
            for p in find_places(empty_conn, PlaceFilter(limit=10_000, statuses=())).items}
    assert len(back) == count
    for feature in body["features"]:
        props = feature["properties"]
        place = back[_key(props["name"], *feature["geometry"]["coordinates"])]
        for field in ("kind", "street", "housenumber", "postcode", "city", "opening_hours",
                      "website", "organic", "payment", "municipality_code"):
            assert (place[field] or None) == (props[field] or None), field
        assert sorted(place["products"]) == sorted(props["products"])


def test_geopackage_export_reads_back_with_the_same_places_and_attributes(tmp_path, demo_conn):
    geo, count = export_selection(demo_conn, SELECTION, "geojson", load_settings())
    data, gpkg_count = export_selection(demo_conn, SELECTION, "gpkg", load_settings())
    path = tmp_path / "selection.gpkg"
    path.write_bytes(data)
    frame = gpd.read_file(path, layer="places")
    assert len(frame) == gpkg_count == count
    assert frame.crs.to_epsg() == 4326
    features = json.loads(geo)["features"]
    for (_, row), feature in zip(frame.iterrows(), features, strict=True):
        props = feature["properties"]
        assert row["id"] == props["id"] and row["name"] == props["name"]
        assert row["kind"] == props["kind"] and row["licence"] == "ODbL-1.0"
        assert row["products"] == ";".join(props["products"])
        assert [row.geometry.x, row.geometry.y] == feature["geometry"]["coordinates"]
    sources = pyogrio.read_dataframe(path, layer="sources")
    assert list(sources["id"]) == ["osm"] and "OpenStreetMap" in sources["attribution"][0]
    assert "ODbL" in pyogrio.read_info(path, layer="places")["layer_metadata"]["DESCRIPTION"]


def test_csv_export_is_safe_in_spreadsheets_and_carries_the_licence(empty_db_path):
    conn = connect(empty_db_path)
    upsert_source(conn, "sheet", name="Sheet", licence="CC BY 4.0", attribution="© Sheet")
    upsert_place(conn, {"name": '=HYPERLINK("http://evil","x")', "kind": "farm_shop",
                        "description": "+cmd|' /C calc'!A0", "lat": 51.0, "lon": 4.0,
                        "geocode_precision": "source", "source_id": "sheet",
                        "source_ref": "1", "city": "Gent – Sint-Amandsberg"})
    conn.commit()
    data, count = export_selection(conn, {}, "csv", load_settings())
    conn.close()
    assert count == 1
    text = data.decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["name"] == "'=HYPERLINK(\"http://evil\",\"x\")"
    assert rows[0]["description"].startswith("'+")
    assert rows[0]["city"] == "Gent – Sint-Amandsberg"
    assert rows[0]["lat"] == "51.0"  # numbers stay numbers
    assert rows[0]["licence"] == "CC BY 4.0" and rows[0]["attribution"] == "© Sheet"


def test_http_download_is_the_cli_export_with_a_file_name(client, demo_db_path, tmp_path):
    response = client.get("/api/export?format=csv&kind=beekeeper")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="regional-map-beekeeper.csv"')
    # The demo app shows places however long ago they were confirmed; so must the CLI here.
    cli = run(["export", "--format", "csv", "--kind", "beekeeper"], demo_db_path,
              env_extra={"REGIONAL_MAP_HIDE_AFTER_MONTHS": "0"}).stdout
    assert response.get_data(as_text=True) == cli.replace("\n", "\r\n").replace("\r\r", "\r")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert int(response.headers["X-Result-Count"]) == len(rows) > 50
    # limit and offset are ignored: a download holds the whole selection.
    paged = client.get("/api/export?format=csv&kind=beekeeper&limit=5&offset=3")
    assert paged.data == response.data


def test_gpkg_and_html_downloads(client, tmp_path):
    gpkg = client.get("/api/export?format=gpkg&kind=beekeeper")
    assert gpkg.headers["Content-Type"] == "application/geopackage+sqlite3"
    assert gpkg.data[:16] == b"SQLite format 3\x00"
    path = tmp_path / "b.gpkg"
    path.write_bytes(gpkg.data)
    assert len(gpd.read_file(path, layer="places")) == int(gpkg.headers["X-Result-Count"])
    page = client.get("/api/export?format=html&kind=beekeeper")
    assert page.headers["Content-Disposition"].endswith('.html"')
    html = page.get_data(as_text=True)
    assert "L.circleMarker" in html and "OpenStreetMap contributors" in html
    assert "cdn." not in html and "code.jquery.com" not in html


def test_folium_map_escapes_names_and_needs_no_cdn(empty_db_path):
    conn = connect(empty_db_path)
    upsert_source(conn, "x", name="X", licence="CC0 1.0", attribution="<b>Bold</b> & co")
    upsert_place(conn, {"name": "</script><script>alert(1)</script> ${alert(2)}",
                        "kind": "farm_shop", "lat": 51.0, "lon": 4.0,
                        "geocode_precision": "source", "source_id": "x", "source_ref": "1"})
    conn.commit()
    data, _ = export_selection(conn, {}, "html", load_settings())
    conn.close()
    html = data.decode("utf-8")
    assert "<script>alert(1)" not in html and "</script><script>alert" not in html
    assert "\\u003c/script\\u003e" in html
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp;amp; co" in html or "&lt;b&gt;Bold&lt;/b&gt;" in html
    for tag in ("<script src=", '<link rel="stylesheet" href="http'):
        assert tag not in html


def test_cli_exports_every_format(tmp_path, demo_db_path):
    for fmt in ("geojson", "csv", "gpkg", "html"):
        out = tmp_path / f"honey.{fmt}"
        result = run(["export", "--format", fmt, "--product", "honey", "--lang", "nl",
                      "-o", str(out)], demo_db_path)
        assert "Wrote" in result.stderr and out.stat().st_size > 1000
    body = json.loads((tmp_path / "honey.geojson").read_text())
    assert body["features"] and all("honey" in f["properties"]["products"]
                                    for f in body["features"])
    first = body["features"][0]["properties"]
    assert first["kind_label"] == kind_label(first["kind"], "nl")
    bad = run(["export", "--bbox", "1,2,3"], demo_db_path, check=False)
    assert bad.returncode == 2 and "bbox" in bad.stderr


def test_a_whole_network_downloads_with_its_members_only(empty_db_path):
    from regional_map.places.store import upsert_link, upsert_network
    from regional_map.web.app import create_app

    conn = connect(empty_db_path)
    upsert_source(conn, "coop", name="Coop", licence="CC BY 4.0", attribution="© Coop")
    ids = []
    for n, (lat, lon) in enumerate([(51.05, 3.72), (51.06, 3.70), (50.85, 4.35)]):
        _, num = upsert_place(conn, {"name": f"Hoeve {n}", "kind": "farm_shop", "lat": lat,
                                     "lon": lon, "geocode_precision": "source",
                                     "source_id": "coop", "source_ref": str(n)})
        ids.append(conn.execute("SELECT id FROM places WHERE num = ?", (num,)).fetchone()[0])
    upsert_network(conn, {"id": "vroente", "name": "De Vroente", "type": "cooperative",
                          "source_id": "coop"})
    for place_id in ids[:2]:
        upsert_link(conn, from_kind="place", from_id=place_id, type="member_of",
                    to_kind="network", to_id="vroente")
    conn.commit()
    conn.close()
    client = create_app({"DB": str(empty_db_path)}).test_client()
    response = client.get("/api/export?format=geojson&network=vroente")
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="regional-map-vroente.geojson"')
    body = response.get_json()
    assert sorted(f["id"] for f in body["features"]) == sorted(ids[:2])
    assert body["attribution"] == [{"source": "coop", "licence": "CC BY 4.0",
                                    "attribution": "© Coop"}]
