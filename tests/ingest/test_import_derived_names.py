"""Unnamed places get "Kind · Municipality" names in nl, fr and en, searchable in all three."""

from __future__ import annotations

import json

from regional_map.ingest.derived import derive_names, localised_name
from regional_map.ingest.importer import import_file
from regional_map.places.engine import find_places
from regional_map.places.filters import PlaceFilter
from regional_map.settings import DEFAULT_REGION
from tests.ingest.osm_convert import write_overpass_json

# Real places: a milk machine in Wavre, a market square in Sint-Truiden (no name tags).
ELEMENTS = [
    {"type": "node", "id": 1, "lon": 4.6075, "lat": 50.7170,
     "tags": {"amenity": "vending_machine", "vending": "milk"}},
    {"type": "way", "id": 2, "lon": 5.1860, "lat": 50.8160,
     "tags": {"amenity": "marketplace", "opening_hours": "Sa 08:00-13:00"}},
]


def _extra(conn, place_id):
    return json.loads(conn.execute("SELECT extra FROM places WHERE id = ?",
                                   (place_id,)).fetchone()[0])


def test_derived_names_say_kind_product_and_town_in_three_languages():
    names = derive_names("vending_machine", {"nl": "Melk", "fr": "Lait", "en": "Milk"},
                         {"nl": "Waver", "fr": "Wavre", "en": "Wavre"})
    assert names == {"nl": "Melkautomaat · Waver", "fr": "Distributeur de lait · Wavre",
                     "en": "Milk vending machine · Wavre"}
    assert derive_names("farmers_market", None, {"nl": "Sint-Truiden"})["en"] == \
        "Market · Sint-Truiden"


def test_unnamed_osm_places_get_a_derived_name_in_their_own_language(empty_conn, tmp_path):
    import_file(empty_conn, write_overpass_json(tmp_path / "x.json", ELEMENTS),
                region=DEFAULT_REGION)
    machine = _extra(empty_conn, "osm-node-1")
    assert machine["name_derived"] is True
    assert machine["derived_names"]["en"] == "Milk vending machine · Wavre"
    assert machine["derived_names"]["fr"] == "Distributeur de lait · Wavre"
    name = empty_conn.execute("SELECT name FROM places WHERE id = 'osm-node-1'").fetchone()[0]
    assert name == "Distributeur de lait · Wavre"  # Wavre speaks French
    market = empty_conn.execute("SELECT name FROM places WHERE id = 'osm-way-2'").fetchone()[0]
    assert market == "Markt · Sint-Truiden"


def test_derived_names_are_searchable_in_all_three_languages(empty_conn, tmp_path):
    import_file(empty_conn, write_overpass_json(tmp_path / "x.json", ELEMENTS),
                region=DEFAULT_REGION)
    for words in ("melkautomaat", "distributeur de lait", "milk vending machine"):
        ids = {p["id"] for p in find_places(empty_conn, PlaceFilter(q=words)).items}
        assert "osm-node-1" in ids, words
    for words in ("markt sint-truiden", "marché sint-truiden", "market sint-truiden"):
        ids = {p["id"] for p in find_places(empty_conn, PlaceFilter(q=words)).items}
        assert "osm-way-2" in ids, words


def test_a_spreadsheet_market_without_a_name_is_named_but_a_shop_is_rejected(empty_conn,
                                                                             tmp_path):
    path = tmp_path / "markten.csv"
    path.write_text("naam;soort;postcode;gemeente\n"
                    ";markt;3800;Sint-Truiden\n"
                    ";hoevewinkel;3800;Sint-Truiden\n", encoding="utf-8")
    report = import_file(empty_conn, path, region=DEFAULT_REGION)
    assert report.created == 1
    assert [(r.line, r.reason) for r in report.rejected] == [(3, "missing name")]
    assert empty_conn.execute("SELECT name FROM places").fetchone()[0] == "Markt · Sint-Truiden"


def test_a_visitor_sees_the_derived_name_in_their_language(empty_conn, tmp_path):
    import_file(empty_conn, write_overpass_json(tmp_path / "x.json", ELEMENTS),
                region=DEFAULT_REGION)
    row = empty_conn.execute("SELECT name, extra FROM places WHERE id = 'osm-node-1'").fetchone()
    extra = json.loads(row["extra"])
    assert localised_name(row["name"], extra, "nl") == "Melkautomaat · Waver"
    assert localised_name(row["name"], extra, "en") == "Milk vending machine · Wavre"
    assert localised_name("Hoeve De Kouter", {}, "fr") == "Hoeve De Kouter"


def test_the_map_and_the_place_page_show_a_derived_name_in_the_visitors_language(client,
                                                                                 demo_conn):
    import json as _json

    row = demo_conn.execute(
        "SELECT id, extra FROM places WHERE extra LIKE '%\"derived_names\"%' LIMIT 1").fetchone()
    names = _json.loads(row["extra"])["derived_names"]
    assert len(set(names.values())) == 3  # three languages, three names
    for lang in ("nl", "fr", "en"):
        feature = client.get(f"/api/places/{row['id']}?lang={lang}").get_json()
        assert feature["properties"]["name"] == names[lang]
        page = client.get(f"/places/{row['id']}?lang={lang}").get_data(as_text=True)
        assert names[lang].split(" · ")[0] in page
