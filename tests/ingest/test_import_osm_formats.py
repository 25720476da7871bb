"""Every common OSM form imports through the one tag mapping: real elements, four formats.

The elements are the shipped real OSM sample (not designed by us), written by
``osm_convert.py`` as overpass turbo GeoJSON, Overpass API JSON, OSM XML and a PBF made with
pyosmium's writer; every fifth one as a way (a shop mapped as a building).
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from regional_map.ingest.importer import ImportFailed, import_file
from regional_map.places.engine import find_places
from regional_map.places.filters import PlaceFilter
from regional_map.places.rows import get_place
from regional_map.settings import DEFAULT_REGION
from tests.ingest.osm_convert import (
    as_ways,
    real_elements,
    write_osm_xml,
    write_overpass_json,
    write_overpass_turbo_geojson,
    write_pbf,
)

WRITERS = {
    "overpass turbo GeoJSON": ("shops.geojson", write_overpass_turbo_geojson, "geojson"),
    "Overpass API JSON": ("shops.json", write_overpass_json, "overpass-json"),
    "OSM XML": ("shops.osm", write_osm_xml, "osm-xml"),
    "PBF": ("shops.osm.pbf", write_pbf, "pbf"),
}
ELEMENTS = as_ways(real_elements(400))


@pytest.mark.parametrize("form", list(WRITERS))
def test_each_osm_form_is_recognised_by_content_and_imports_every_element(
        form, empty_conn, tmp_path):
    name, write, fmt = WRITERS[form]
    path = write(tmp_path / name, ELEMENTS)
    report = import_file(empty_conn, path, region=DEFAULT_REGION)
    assert report.file_format == fmt
    assert report.source_id == "osm"  # recognised as OSM without --source or --kind
    assert (report.read, report.created, len(report.rejected)) == (400, 400, 0), \
        report.rejected[:5]
    kinds = Counter(r[0] for r in empty_conn.execute("SELECT kind FROM places"))
    expected = Counter(e["tags"].get("amenity") or e["tags"].get("shop")
                       or e["tags"].get("craft") for e in ELEMENTS)
    assert kinds["vending_machine"] == expected["vending_machine"]
    assert kinds["farmers_market"] == expected["marketplace"]
    source = empty_conn.execute("SELECT licence FROM sources WHERE id = 'osm'").fetchone()
    assert source["licence"] == "ODbL-1.0"


@pytest.mark.parametrize("form", list(WRITERS))
def test_ways_become_a_point_on_them_and_keep_their_osm_type_and_id(form, empty_conn,
                                                                     tmp_path):
    name, write, _ = WRITERS[form]
    import_file(empty_conn, write(tmp_path / name, ELEMENTS), region=DEFAULT_REGION)
    way = ELEMENTS[5]
    assert way["type"] == "way"
    place = get_place(empty_conn, f"osm-way-{way['id']}")
    # The test squares are 0.0006° wide around the real point: the point lies inside.
    assert abs(place["lon"] - way["lon"]) < 0.0004 and abs(place["lat"] - way["lat"]) < 0.0004
    sync = empty_conn.execute(
        "SELECT osm_type, osm_id FROM place_sync s JOIN places p ON p.num = s.place_num "
        "WHERE p.id = ?", (place["id"],)).fetchone()
    assert (sync["osm_type"], sync["osm_id"]) == ("way", way["id"])


def test_osmtogeojson_nested_tags_are_read_like_flat_ones(empty_conn, tmp_path):
    elements = real_elements(50)
    features = [{"type": "Feature", "id": f"node/{e['id']}",
                 "properties": {"type": "node", "id": e["id"], "tags": e["tags"], "meta": {},
                                "relations": []},
                 "geometry": {"type": "Point", "coordinates": [e["lon"], e["lat"]]}}
                for e in elements]
    path = tmp_path / "export.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    report = import_file(empty_conn, path, region=DEFAULT_REGION)
    assert report.source_id == "osm" and report.created == 50 and not report.rejected
    assert get_place(empty_conn, f"osm-node-{elements[1]['id']}")["name"] == \
        elements[1]["tags"]["name"]


def test_tag_mapping_reads_products_contact_brand_and_survey_dates(empty_conn, tmp_path):
    tags = {"amenity": "vending_machine", "vending": "Milch;Eier", "operator": "Hof Sonnental",
            "brand": "Regiomat", "contact:phone": "+49 221 123456",
            "contact:website": "https://hof.example", "survey:date": "2025-06-01",
            "check_date": "2026-03-02", "payment:girocard": "yes", "organic": "only"}
    path = write_overpass_json(tmp_path / "one.json",
                               [{"type": "node", "id": 7, "lon": 4.4, "lat": 51.2, "tags": tags}])
    import_file(empty_conn, path, region=DEFAULT_REGION)
    place = get_place(empty_conn, "osm-node-7")
    assert place["products"] == ["eggs", "milk"] or set(place["products"]) == {"eggs", "milk"}
    assert place["phone"] == "+49 221 123456" and place["website"] == "https://hof.example"
    assert place["last_confirmed"] == "2026-03-02"  # the newer of the two survey dates
    assert place["payment"] == ["debit_card"] and place["organic"] is True
    extra = json.loads(empty_conn.execute(
        "SELECT extra FROM places WHERE id = 'osm-node-7'").fetchone()[0])
    assert (extra["brand"], extra["operator"]) == ("Regiomat", "Hof Sonnental")


def test_a_broken_pbf_fails_clearly_and_writes_nothing(empty_conn, tmp_path):
    path = tmp_path / "broken.osm.pbf"
    path.write_bytes(b"\x00\x00\x00\x0dnot a pbf at all" * 10)
    with pytest.raises(ImportFailed, match="not a readable OSM file"):
        import_file(empty_conn, path, region=DEFAULT_REGION)
    assert empty_conn.execute("SELECT COUNT(*) FROM places").fetchone()[0] == 0


def test_markets_vending_machines_and_beekeepers_are_found_as_their_kinds(empty_conn,
                                                                          tmp_path):
    path = write_pbf(tmp_path / "all.osm.pbf", as_ways(real_elements()))
    report = import_file(empty_conn, path, region=DEFAULT_REGION)
    assert report.created == 1703 and not report.rejected
    for kind, at_least in (("vending_machine", 400), ("farmers_market", 300),
                           ("beekeeper", 50)):
        page = find_places(empty_conn, PlaceFilter(kinds=(kind,)))
        assert page.total >= at_least, (kind, page.total)


def test_a_large_extract_keeps_node_locations_in_a_file_not_in_memory(empty_conn, tmp_path,
                                                                     monkeypatch):
    # Above the threshold (200 MB) the location index is file-backed; force that path here.
    from regional_map.ingest import osm_formats

    monkeypatch.setattr(osm_formats, "_LARGE_FILE_BYTES", 0)
    path = write_pbf(tmp_path / "country.osm.pbf", ELEMENTS)
    report = import_file(empty_conn, path, region=DEFAULT_REGION)
    assert (report.created, len(report.rejected)) == (400, 0)
    way = ELEMENTS[10]
    place = get_place(empty_conn, f"osm-way-{way['id']}")
    assert abs(place["lon"] - way["lon"]) < 0.0004
