"""Municipalities: boundaries, assignment of places, showcase pages, API and coverage gaps."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from regional_map.cli import main
from regional_map.db.connection import transaction
from regional_map.ingest.importer import import_file
from regional_map.municipalities.boundaries import MunicipalityAssigner, assign_municipalities
from regional_map.places.engine import find_places
from regional_map.places.filters import PlaceFilter
from regional_map.settings import DEFAULT_REGION
from regional_map.web.app import create_app

# A vertex shared by the boundaries of Gent (44021) and Sint-Martens-Latem (44064).
BORDER_POINT = (3.64979, 51.0124)


def _csv(tmp_path, text: str):
    path = tmp_path / "places.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _shown(client, code: str) -> list[dict]:
    """The places of a municipality as the API shows them (the same query layer)."""
    body = client.get(f"/api/places?municipality={code}&limit=1000").get_json()
    return [f["properties"] for f in body["features"]]


def _place(conn, name: str):
    return conn.execute("SELECT * FROM places WHERE name = ?", (name,)).fetchone()


@pytest.fixture(scope="module")
def showcase_app(demo_db_path):
    """The app with its clock pinned to a Tuesday in November 2026."""
    app = create_app({"DB": str(demo_db_path)})
    app.config["TESTING"] = True
    app.config["REGIONAL_MAP_NOW"] = datetime(2026, 11, 24, 10, 0,
                                              tzinfo=ZoneInfo("Europe/Brussels"))
    return app


@pytest.fixture
def showcase_client(showcase_app):
    return showcase_app.test_client()


# ---- assignment -----------------------------------------------------------------------------

def test_osm_sample_is_assigned_by_polygon_then_postcode_then_nearest_postcode(demo_conn):
    counts = dict(demo_conn.execute(
        "SELECT COALESCE(municipality_method, 'unassigned'), COUNT(*) FROM places "
        "WHERE source_id = 'osm' GROUP BY 1").fetchall())
    print("OSM sample assignment:", counts)
    assert sum(counts.values()) == 1703
    assert counts["polygon"] == 1393  # all of the Netherlands, Flanders and Brussels
    assert counts["postcode"] >= 60  # Wallonia, by the Statbel postcode table
    assert counts["nearest_postcode"] >= 200  # Wallonia without postcode
    assert counts.get("unassigned", 0) == 0
    # Every Dutch place lies in a CBS polygon; every fallback is Belgian (Wallonia).
    assert demo_conn.execute(
        "SELECT COUNT(*) FROM places WHERE country = 'NL' AND municipality_method != 'polygon'"
    ).fetchone()[0] == 0
    # Places were assigned at import: running the batch again changes nothing.
    with pytest.raises(RuntimeError), transaction(demo_conn):
        report = assign_municipalities(demo_conn)
        raise RuntimeError("roll back")
    assert report.changed == 0 and report.unassigned == 0
    assert report.by_method["polygon"] >= 1393


def test_a_point_in_flanders_gets_the_polygon_not_the_postcode_municipality(empty_conn,
                                                                             tmp_path):
    # In Gent (Sint-Pietersplein), but with the postcode of Merelbeke.
    path = _csv(tmp_path, "naam,lat,lon,postcode,soort\nHoeve Test,51.0425,3.7265,9820,"
                          "farm_shop\n")
    report = import_file(empty_conn, path, source="test", region=DEFAULT_REGION)
    assert report.created == 1
    row = _place(empty_conn, "Hoeve Test")
    assert (row["municipality_code"], row["municipality_method"]) == ("44021", "polygon")
    # The search index knows the polygon's municipality, in French too.
    assert [p["name"] for p in find_places(empty_conn, PlaceFilter(q="Gand")).items] == [
        "Hoeve Test"]
    again = import_file(empty_conn, path, source="test", region=DEFAULT_REGION)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


def test_a_point_exactly_on_a_border_gets_one_municipality(empty_conn):
    assigner = MunicipalityAssigner(empty_conn)
    lon, lat = BORDER_POINT
    assert assigner.polygon_codes([lon], [lat]) == [["44021", "44064"]]
    # No postcode: the smaller code, deterministically; the postcode decides when it names
    # one of the two.
    assert assigner.resolve([lon], [lat], [("", "BE", "")]) == [("44021", "polygon")]
    assert assigner.resolve([lon], [lat], [("9830", "BE", "")]) == [("44064", "polygon")]
    assert assigner.resolve([lon], [lat], [("9000", "BE", "")]) == [("44021", "polygon")]


def test_wallonia_falls_back_to_the_postcode_then_to_the_nearest_postcode_place(empty_conn,
                                                                               tmp_path):
    path = _csv(tmp_path, "naam,lat,lon,postcode,soort\n"
                          "Ferme A,50.4669,4.8675,5000,farm_shop\n"  # Namur, with postcode
                          "Ferme B,50.4669,4.8675,,farm_shop\n")  # the same point, without
    import_file(empty_conn, path, source="wal", region=DEFAULT_REGION)
    a, b = _place(empty_conn, "Ferme A"), _place(empty_conn, "Ferme B")
    assert (a["municipality_code"], a["municipality_method"]) == ("92094", "postcode")
    assert (b["municipality_code"], b["municipality_method"]) == ("92094", "nearest_postcode")
    # In the North Sea: no polygon, no postcode, no postcode place within reach.
    assert MunicipalityAssigner(empty_conn).resolve([2.9], [51.6], [("", "", "")]) == [
        (None, None)]


def test_assign_municipalities_command_prints_the_report(demo_db_path):
    result = CliRunner().invoke(main, ["--db", str(demo_db_path), "assign-municipalities",
                                       "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["changed"] == 0
    assert report["polygon"] >= 1393 and report["unassigned"] == 0
    assert report["total"] == sum(report[k] for k in ("polygon", "postcode", "town",
                                                      "nearest_postcode", "unassigned"))
    text = CliRunner().invoke(main, ["--db", str(demo_db_path), "assign-municipalities"])
    assert "by polygon" in text.output and "by postcode fallback" in text.output
    assert "unassigned" in text.output


# ---- showcase pages and their JSON twins -------------------------------------------------

def test_showcase_of_gent_lists_its_places_with_boundary_and_downloads(showcase_client):
    expected = {p["name"] for p in _shown(showcase_client, "44021")}
    page = showcase_client.get("/municipalities/44021")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<h1>Gent" in html and "Gand" in html
    for name in expected:
        assert name.replace("'", "&#39;") in html
    assert 'data-boundary-url="/api/municipalities/44021"' in html
    assert "/municipalities/44021/places.csv" in html
    twin = showcase_client.get("/municipalities/44021.json").get_json()
    assert twin["municipality"]["code"] == "44021"
    assert twin["municipality"]["name_fr"] == "Gand"
    assert twin["total"] == len(expected)
    assert {f["properties"]["name"] for f in twin["places"]["features"]} == expected
    assert sum(c["count"] for c in twin["counts_by_kind"]) == len(expected)
    assert showcase_client.get("/municipalities/44021?format=json").get_json() == twin
    csv_text = showcase_client.get("/municipalities/44021/places.csv").get_data(as_text=True)
    assert all(name in csv_text for name in expected)


def test_showcase_of_amsterdam_shows_this_weeks_markets(showcase_client):
    page = showcase_client.get("/municipalities/GM0363")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<h1>Amsterdam" in html
    twin = showcase_client.get("/municipalities/GM0363.json").get_json()
    markets = {m["name"]: m for m in twin["markets"]}
    # "We 10:00-18:00": held on Wednesday 25 November 2026 in the pinned week.
    organic = markets["Biologische woensdagmarkt"]
    assert organic["days"] == [{"date": "2026-11-25", "hours": "10:00–18:00", "unknown": False}]
    assert "Biologische woensdagmarkt" in html and "10:00–18:00" in html
    assert twin["total"] == len(_shown(showcase_client, "GM0363"))
    counts = {c["kind"]: c["count"] for c in twin["counts_by_kind"]}
    assert counts["farmers_market"] == len(twin["markets"])


def test_unknown_municipality_is_404_as_page_and_as_json(showcase_client):
    assert showcase_client.get("/municipalities/00000").status_code == 404
    body = showcase_client.get("/api/municipalities/00000").get_json()
    assert body["error"]["status"] == 404


def test_municipalities_index_lists_those_with_places(showcase_client):
    html = showcase_client.get("/municipalities").get_data(as_text=True)
    assert 'href="/municipalities/GM0363"' in html
    twin = showcase_client.get("/municipalities?format=json").get_json()
    assert all(m["places"] > 0 for m in twin["municipalities"])


# ---- API ---------------------------------------------------------------------------------

def test_api_municipality_is_a_feature_with_its_boundary(showcase_client):
    response = showcase_client.get("/api/municipalities/44021")
    assert response.mimetype == "application/geo+json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    feature = response.get_json()
    assert feature["type"] == "Feature" and feature["geometry"]["type"] in (
        "Polygon", "MultiPolygon")
    minlon, minlat, maxlon, maxlat = feature["bbox"]
    assert minlon < 3.72 < maxlon and minlat < 51.05 < maxlat
    assert feature["properties"]["name_nl"] == "Gent"
    # Wallonia: a municipality without a shipped boundary.
    namur = showcase_client.get("/api/municipalities/92094").get_json()
    assert namur["geometry"] is None and namur["properties"]["places"] >= 0


def test_api_municipalities_lists_codes_names_and_counts(showcase_client, demo_conn):
    body = showcase_client.get("/api/municipalities").get_json()
    by_code = {m["code"]: m for m in body["items"]}
    assert by_code["44021"]["name_fr"] == "Gand" and by_code["44021"]["has_boundary"]
    assert by_code["92094"]["has_boundary"] is False
    assert by_code["GM0363"]["places"] == demo_conn.execute(
        "SELECT COUNT(*) FROM places WHERE municipality_code = 'GM0363' "
        "AND status != 'closed'").fetchone()[0]


# ---- coverage gaps -------------------------------------------------------------------------

def test_coverage_excludes_a_disc_around_the_only_farm_shop(empty_db_path, tmp_path):
    import geopandas as gpd
    import shapely
    from pyproj import Transformer

    from regional_map.db.connection import connect

    conn = connect(empty_db_path)
    shop = (3.7265, 51.0425)  # Gent centre
    import_file(conn, _csv(tmp_path, f"naam,lat,lon,soort\nHoeve,{shop[1]},{shop[0]},"
                                     "farm_shop\n"), source="t", region=DEFAULT_REGION)
    conn.close()
    app = create_app({"DB": str(empty_db_path)})
    body = app.test_client().get("/api/municipalities/44021/coverage.geojson?km=2").get_json()
    [gap] = body["features"]
    props = gap["properties"]
    assert props["crs"] == "EPSG:31370" and props["km"] == 2
    assert len(props["outlets_considered"]) == 1
    # The gap is the municipality minus a 2 km disc (fully inside Gent): π·2² ≈ 12.57 km².
    removed = props["municipality_area_km2"] - props["gap_area_km2"]
    assert 12.4 < removed < 12.57
    gap_lambert = gpd.GeoSeries([shapely.geometry.shape(gap["geometry"])], crs=4326).to_crs(
        31370).iloc[0]
    x, y = Transformer.from_crs(4326, 31370, always_xy=True).transform(*shop)
    for metres in (0, 1000, 1900):
        assert not gap_lambert.contains(shapely.Point(x + metres, y))
    assert gap_lambert.contains(shapely.Point(x + 2300, y))
    assert gap_lambert.contains(shapely.Point(x, y - 2300))


def test_coverage_parameters_and_missing_boundary(showcase_client):
    bad = showcase_client.get("/api/municipalities/44021/coverage.geojson?km=-1")
    assert bad.status_code == 400 and bad.get_json()["error"]["details"] == {"parameter": "km"}
    none = showcase_client.get("/api/municipalities/92094/coverage.geojson")
    assert none.status_code == 404 and "boundary" in none.get_json()["error"]["message"]


def test_region_coverage_has_one_gap_per_municipality_of_the_country(showcase_client,
                                                                     demo_conn):
    body = showcase_client.get("/api/coverage.geojson?km=5&country=NL").get_json()
    codes = {f["properties"]["municipality_code"] for f in body["features"]}
    assert codes == {r[0] for r in demo_conn.execute(
        "SELECT code FROM municipality_boundaries WHERE country = 'NL'")}
    amsterdam = next(f for f in body["features"]
                     if f["properties"]["municipality_code"] == "GM0363")
    single = showcase_client.get("/api/municipalities/GM0363/coverage.geojson?km=5").get_json()
    assert amsterdam["properties"] == single["features"][0]["properties"]
    assert amsterdam["properties"]["crs"] == "EPSG:28992"
    assert 0 <= amsterdam["properties"]["gap_share"] < 0.5  # Amsterdam is well served
    assert showcase_client.get("/api/coverage.geojson?country=FR").status_code == 400


def test_showcase_credits_the_boundary_it_draws(showcase_client):
    assert "Statbel / NGI-IGN" in showcase_client.get("/municipalities/44021").get_data(
        as_text=True)
    assert "Kadaster" in showcase_client.get("/municipalities/GM0363").get_data(as_text=True)
    assert "Kadaster" in showcase_client.get("/embed?municipality=GM0363").get_data(
        as_text=True)


def test_init_db_loads_the_boundaries_and_reassigns_existing_places(empty_conn, tmp_path):
    from regional_map.provision import init_store

    import_file(empty_conn, _csv(tmp_path, "naam,lat,lon,soort\nHoeve,51.0425,3.7265,"
                                           "farm_shop\n"), source="t", region=DEFAULT_REGION)
    with transaction(empty_conn):
        empty_conn.execute("UPDATE places SET municipality_code = NULL, "
                           "municipality_method = NULL")
        empty_conn.execute("DELETE FROM municipality_boundaries")
    result = init_store(empty_conn)
    assert result["boundaries"] == empty_conn.execute(
        "SELECT COUNT(*) FROM municipality_boundaries").fetchone()[0] == 304 + 342
    row = _place(empty_conn, "Hoeve")
    assert (row["municipality_code"], row["municipality_method"]) == ("44021", "polygon")
