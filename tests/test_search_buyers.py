"""Buyers: ``sells_to_business`` from OSM (``wholesale=*``, ``shop=wholesale``), from import
columns and from a moderator's edit; and matchmaking a buyer kind to those suppliers."""

from __future__ import annotations

import json

from trust_world import add_user, form_token, make_app, sign_in, writable_demo

from regional_map.db.connection import connect
from regional_map.ingest.importer import import_file
from regional_map.networks.matchmaking import find_suppliers, parse_match_request
from regional_map.places.rows import get_place

REGION = (2.5, 49.45, 7.25, 53.6)


def _osm_file(tmp_path, features):
    path = tmp_path / "osm.geojson"
    path.write_text(json.dumps({
        "type": "FeatureCollection", "license": "ODbL-1.0",
        "features": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": lonlat},
                      "properties": {"osm_id": f"node/{i}", **tags}}
                     for i, (lonlat, tags) in enumerate(features, start=1)]}), encoding="utf-8")
    return path


def test_osm_wholesale_tags_mean_sells_to_business(empty_conn, tmp_path):
    path = _osm_file(tmp_path, [
        ([3.72, 51.05], {"name": "Groothandel Groenten", "shop": "wholesale",
                         "wholesale": "vegetables"}),
        ([3.73, 51.06], {"name": "Hoeve met groothandel", "shop": "farm", "wholesale": "yes"}),
        ([3.74, 51.07], {"name": "Gewone hoevewinkel", "shop": "farm"}),
    ])
    report = import_file(empty_conn, path, source="osm", region=REGION)
    assert report.imported == 3, report.summary()
    by_name = {r["name"]: r for r in empty_conn.execute("SELECT * FROM places")}
    assert by_name["Groothandel Groenten"]["sells_to_business"] == 1
    assert by_name["Groothandel Groenten"]["kind"] == "retail_shop"
    assert by_name["Hoeve met groothandel"]["sells_to_business"] == 1
    assert by_name["Gewone hoevewinkel"]["sells_to_business"] == 0


def test_an_import_column_in_any_language_sets_sells_to_business(empty_conn, tmp_path):
    path = tmp_path / "leveranciers.csv"
    path.write_text("naam;postcode;soort;producten;groothandel\n"
                    "Hof ter Prei;9000;producer;prei;ja\n"
                    "Thuisverkoop;9000;farm_shop;eieren;nee\n", encoding="utf-8")
    report = import_file(empty_conn, path, source="lijst", region=REGION)
    assert report.imported == 2 and not report.rejected, report.summary()
    req = parse_match_request(empty_conn, {"where": "9000", "product": "prei",
                                           "buyer": "restaurant"})
    assert [r["name"] for r in find_suppliers(empty_conn, req, "nl")] == ["Hof ter Prei"]


def test_a_moderator_marks_a_place_as_supplying_businesses(demo_db_path, tmp_path):
    path = writable_demo(demo_db_path, tmp_path)
    add_user(path, "mod", "moderator")
    client = make_app(path).test_client()
    sign_in(client, "mod")
    place_id = "seed-llabio-de-goedinge"
    url = f"/admin/places/{place_id}"
    token = form_token(client, url)
    page = client.get(url).get_data(as_text=True)
    assert 'name="sells_to_business"' in page
    response = client.post(url, data={"csrf_token": token, "sells_to_business": "1",
                                      "reason": "supplies restaurants"})
    assert response.status_code in (200, 302, 303)
    conn = connect(path)
    assert get_place(conn, place_id)["sells_to_business"] is True
    conn.close()
    bad = client.post(url, data={"csrf_token": form_token(client, url),
                                 "sells_to_business": "maybe"})
    assert bad.status_code == 400
