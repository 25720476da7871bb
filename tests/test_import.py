"""Importers on real data: the shared OSM sample, a Dutch Latin-1 CSV, an XLSX, GeoJSON."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from openpyxl import Workbook

from regional_map.ingest.importer import ImportFailed, import_file
from regional_map.places.engine import find_places
from regional_map.places.filters import PlaceFilter
from regional_map.places.rows import get_place
from regional_map.resources import resource_dir
from regional_map.settings import DEFAULT_REGION
from tests.conftest import FIXTURES

DATA_DIR = resource_dir("data")
OSM_SAMPLE = DATA_DIR / "osm" / "be_nl_shortchain_osm.geojson"
LATIN1_CSV = FIXTURES / "boerderijen_nl_latin1.csv"


def _count(conn, sql="SELECT COUNT(*) FROM places", params=()):
    return conn.execute(sql, params).fetchone()[0]


def test_osm_sample_imports_every_located_feature_with_its_kind(demo_conn):
    # The session's demo database is the shipped OSM sample loaded through the importer.
    assert _count(demo_conn, "SELECT COUNT(*) FROM places WHERE source_id = 'osm'") == 1703
    kinds = dict(demo_conn.execute(
        "SELECT kind, COUNT(*) FROM places WHERE source_id = 'osm' GROUP BY kind"))
    source = json.loads(OSM_SAMPLE.read_text())
    expected = Counter(f["properties"]["_category"] for f in source["features"])
    assert kinds["farm_shop"] == expected["farm_shop"]
    # Seven features tagged vending=* without amenity=vending_machine count as machines, one
    # fast-food stall with a vending tag as horeca.
    assert kinds["vending_machine"] == expected["vending_machine"] + 6
    assert kinds["restaurant"] == 1
    assert kinds["farmers_market"] == expected["marketplace"]
    assert kinds["beekeeper"] == expected["beekeeper"]


def test_osm_places_carry_odbl_and_their_osm_id(demo_conn):
    place = get_place(demo_conn, "osm-node-10031660117")
    assert place["name"] == "Stadsboerderij Osdorp"
    assert place["source_ref"] == "node/10031660117"
    assert place["licence"] == "ODbL-1.0"
    assert place["geocode_precision"] == "source"
    assert place["website"] == "https://stadsboerderijosdorp.nl"
    source = demo_conn.execute("SELECT * FROM sources WHERE id = 'osm'").fetchone()
    assert source["licence"] == "ODbL-1.0"
    assert "OpenStreetMap" in source["attribution"]


def test_osm_vending_tags_become_products(demo_conn):
    eggs = find_places(demo_conn, PlaceFilter(kinds=("vending_machine",), products=("eggs",)))
    assert eggs.total >= 45  # vending=eggs alone is on 45 machines


def test_unnamed_osm_features_get_a_readable_derived_name(demo_conn):
    row = demo_conn.execute(
        "SELECT name, extra FROM places WHERE json_extract(extra, '$.name_derived') = 1 LIMIT 1"
    ).fetchone()
    assert row is not None and row["name"]


def test_reimporting_the_osm_sample_changes_nothing(empty_conn):
    first = import_file(empty_conn, OSM_SAMPLE, region=DEFAULT_REGION)
    again = import_file(empty_conn, OSM_SAMPLE, region=DEFAULT_REGION)
    assert first.created == 1703 and not first.rejected
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1703)
    assert _count(empty_conn) == 1703


def test_dutch_latin1_semicolon_csv_is_read_and_geocoded_by_postcode(empty_conn):
    report = import_file(empty_conn, LATIN1_CSV, source="boerderijen", licence="CC BY 4.0",
                         region=DEFAULT_REGION)
    rejected = {r.line: r.reason for r in report.rejected}
    assert rejected.keys() == {6, 7}
    assert rejected[6] == "missing name"
    assert "unknown postcode 0123" in rejected[7]
    # Hours that do not parse are a fault in an optional field: the row stays, with a warning.
    warnings = {w.line: w.reason for w in report.warnings}
    assert "invalid opening hours" in warnings[8]
    assert report.created == 6
    assert report.precision == {"postcode": 6}

    shop = find_places(empty_conn, PlaceFilter(q="Sint-Pietersveld")).items[0]
    assert shop["kind"] == "farm_shop"
    assert shop["municipality_code"] == "44021"  # Gent
    assert shop["products"] == ["eggs", "leek", "potatoes"]
    assert shop["organic"] is True
    assert shop["payment"] == ["cash", "debit_card"]
    assert shop["website"] == "https://www.voorbeeld-hoeve.be"
    assert 51.0 < shop["lat"] < 51.1 and 3.6 < shop["lon"] < 3.8

    namur = find_places(empty_conn, PlaceFilter(q="etienne")).items[0]
    assert namur["name"] == "Zuivelhoeve Étienne"  # Latin-1 é decoded, not mangled
    assert namur["municipality_code"] == "92094"


def test_dry_run_reports_exactly_but_writes_nothing(empty_conn):
    report = import_file(empty_conn, LATIN1_CSV, dry_run=True, region=DEFAULT_REGION)
    assert report.created == 6 and len(report.rejected) == 2
    assert _count(empty_conn) == 0
    assert _count(empty_conn, "SELECT COUNT(*) FROM sources WHERE id = ?",
                  ("boerderijen-nl-latin1",)) == 0


def test_strict_import_writes_nothing_when_a_row_is_rejected(empty_conn):
    report = import_file(empty_conn, LATIN1_CSV, strict=True, region=DEFAULT_REGION)
    assert len(report.rejected) == 3 and report.dry_run
    assert _count(empty_conn) == 0


def test_utf8_csv_with_bom_commas_and_english_headers(empty_conn, tmp_path):
    path = tmp_path / "shops.csv"
    path.write_bytes(
        "\ufeffName,Latitude,Longitude,Type,Opening hours,Products\n"
        "Œufs de la Ferme,\"50,4669\",\"4,8675\",farm shop,Sa 09:00-12:00,œufs\n"
        "Swapped,4.70,50.88,farm_shop,,\n"
        "Far away,40.0,-3.7,farm_shop,,\n"
        "Bad number,fifty,4.3,farm_shop,,\n".encode()
    )
    report = import_file(empty_conn, path, region=DEFAULT_REGION)
    assert {r.line: r.reason.split(" ")[0] for r in report.rejected} == {
        4: "coordinates", 5: "unparseable"}
    assert report.created == 2
    swapped = find_places(empty_conn, PlaceFilter(q="swapped")).items[0]
    assert (swapped["lat"], swapped["lon"]) == (50.88, 4.7)
    assert any("swapped" in w.reason for w in report.warnings)
    eggs = find_places(empty_conn, PlaceFilter(q="oeufs")).items[0]
    assert eggs["lat"] == 50.4669 and eggs["products"] == ["eggs"]


def test_region_is_one_setting(empty_conn, tmp_path):
    path = tmp_path / "madrid.csv"
    path.write_text("name,lat,lon,kind\nMercado,40.41,-3.70,farmers_market\n")
    assert len(import_file(empty_conn, path, region=DEFAULT_REGION).rejected) == 1
    assert import_file(empty_conn, path, region=None).created == 1


def test_xlsx_import_with_french_headers(empty_conn, tmp_path):
    path = tmp_path / "producteurs.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.append(["Nom", "Rue", "Code postal", "Commune", "Catégorie", "Produits"])
    sheet.append(["Ferme du Bois", "Rue du Bois 4", 5000, "Namur", "producteur", "fromage"])
    sheet.append(["Sans adresse", None, None, None, "producteur", None])
    book.save(path)
    report = import_file(empty_conn, path, region=DEFAULT_REGION)
    assert report.created == 1
    assert [(r.line, r.reason) for r in report.rejected] == [
        (3, "no coordinates, postcode or town to place it on the map")]
    place = find_places(empty_conn, PlaceFilter(q="ferme du bois")).items[0]
    assert place["kind"] == "producer" and place["postcode"] == "5000"
    assert place["products"] == ["cheese"]


def test_geojson_import_and_default_kind(empty_conn, tmp_path):
    path = tmp_path / "points.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": "p1", "properties": {"name": "Afhaalpunt Station"},
         "geometry": {"type": "Point", "coordinates": [4.7005, 50.8814]}},
        {"type": "Feature", "properties": {"name": "Line"},
         "geometry": {"type": "LineString", "coordinates": [[4, 50], [5, 51]]}},
    ]}))
    with pytest.raises(ImportFailed):
        import_file(empty_conn, path, default_kind="spaceship")
    report = import_file(empty_conn, path, default_kind="pickup_point", region=DEFAULT_REGION)
    assert report.created == 2 and not report.rejected
    assert get_place(empty_conn, "points-p1")["kind"] == "pickup_point"
    # A line (a way, a market street) becomes a point on it.
    line = find_places(empty_conn, PlaceFilter(q="Line")).items[0]
    assert (line["lon"], line["lat"]) == (4.5, 50.5)


def test_mapping_file_names_unusual_columns(empty_conn, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("Uitbater,PC,Wat\nBij Marie,3000,farm_shop\n")
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"name": "Uitbater", "postcode": "PC", "kind": "Wat"}))
    with pytest.raises(ImportFailed, match="no name column"):
        import_file(empty_conn, path)
    report = import_file(empty_conn, path, mapping=mapping, region=DEFAULT_REGION)
    assert report.created == 1


def test_duplicates_within_a_file_and_across_sources_are_reported(empty_conn, tmp_path):
    first = tmp_path / "a.csv"
    first.write_text("name,lat,lon,kind\nHoeve De Linde,51.0,4.0,farm_shop\n"
                     "Hoeve De Linde,51.0,4.0,farm_shop\n")
    report = import_file(empty_conn, first, region=DEFAULT_REGION)
    assert [r.reason for r in report.rejected] == ["duplicate of line 2 in the same file"]
    second = tmp_path / "b.csv"
    second.write_text("name,lat,lon,kind\nDe Linde hoeve,51.0005,4.0005,farm_shop\n")
    report = import_file(empty_conn, second, region=DEFAULT_REGION)
    assert len(report.duplicates) == 1
    assert report.duplicates[0]["duplicate_name"] == "Hoeve De Linde"
    assert report.duplicates[0]["distance_m"] < 200
