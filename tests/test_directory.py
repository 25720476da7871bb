"""The citizen directory without a browser: where, search, open now, languages, place pages."""

from __future__ import annotations

import json
import re
from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from regional_map.errors import BadParameter
from regional_map.places.directory import format_distance, resolve_where
from regional_map.places.engine import find_places
from regional_map.places.filters import PlaceFilter
from regional_map.web.i18n import TRANSLATIONS

BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.mark.parametrize("text, label", [
    ("9000", "9000 Gent"), ("Gent", "Gent"), ("Louvain", "Leuven"),
    ("1011 Amsterdam", "1011 Amsterdam"), ("1011AB", "1011 Amsterdam"),
])
def test_a_typed_postcode_or_town_becomes_a_point(demo_conn, text, label):
    location = resolve_where(demo_conn, text)
    assert location.label == label
    assert 49.4 < location.lat < 53.6 and 2.5 < location.lon < 7.3


def test_an_unknown_place_is_a_clear_bad_parameter(demo_conn):
    with pytest.raises(BadParameter) as info:
        resolve_where(demo_conn, "Atlantis")
    assert info.value.name == "where" and "unknown town" in info.value.message


def test_distances_read_naturally_in_each_language():
    assert format_distance(480, "en") == "480 m"
    assert format_distance(2340, "nl") == "2,3 km"
    assert format_distance(12_600, "fr") == "13 km"


def test_a_typo_in_a_name_still_finds_the_place(demo_conn):
    page = find_places(demo_conn, PlaceFilter(q="Stadsboerdrij Osdorp"))
    assert page.corrected and [p["name"] for p in page.items] == ["Stadsboerderij Osdorp"]


def test_open_at_respects_public_holidays(demo_conn):
    veldvolk = PlaceFilter(q="veldvolk")  # "Th-Fr 09:00-17:00; Sa 09:00-18:00; PH off", BE
    friday = datetime(2026, 12, 18, 10, 0, tzinfo=BRUSSELS)
    christmas = datetime(2026, 12, 25, 10, 0, tzinfo=BRUSSELS)  # a Friday, and a holiday
    assert find_places(demo_conn, PlaceFilter(q="veldvolk", open_at=friday)).total == 1
    assert find_places(demo_conn, PlaceFilter(q="veldvolk", open_at=christmas)).total == 0
    assert find_places(demo_conn, veldvolk).total == 1


def test_places_without_hours_are_never_open(demo_conn):
    at = datetime(2026, 11, 24, 12, 0, tzinfo=BRUSSELS)
    page = find_places(demo_conn, PlaceFilter(open_at=at, limit=2000))
    assert page.total > 100
    assert all(p["opening_hours"] for p in page.items)


def test_the_page_and_its_json_twin_list_the_same_places(client):
    query = "q=kaas&kind=farm_shop&where=1011+Amsterdam&radius_km=25"
    page = client.get(f"/?{query}")
    twin = client.get(f"/?{query}&format=json").get_json()
    ids = re.findall(r'class="result" data-id="([^"]+)"', page.get_data(as_text=True))
    assert ids and ids == [f["id"] for f in twin["features"]]
    api = client.get("/api/places?q=kaas&kind=farm_shop&near=52.371,4.9042&radius_km=25"
                     "&limit=50").get_json()
    assert [f["id"] for f in api["features"]] == ids  # same query layer, same order


def test_near_results_are_sorted_by_distance_and_show_it(client):
    html = client.get("/?where=1011+Amsterdam&radius_km=10").get_data(as_text=True)
    distances = re.findall(r'class="result-distance">([\d,.]+) (k?m)<', html)
    metres = [float(v.replace(",", ".")) * (1000 if unit == "km" else 1)
              for v, unit in distances]
    assert len(metres) > 3 and metres == sorted(metres)


def test_bad_filters_on_the_page_show_an_error_not_a_crash(client):
    response = client.get("/?where=Atlantis")
    assert response.status_code == 400
    assert "unknown town" in response.get_data(as_text=True)


@pytest.mark.parametrize("header, expected", [
    ("fr-BE,fr;q=0.9", "Chercher"), ("nl", "Zoeken"), ("de", "Search"),
])
def test_language_follows_accept_language(client, header, expected):
    html = client.get("/", headers={"Accept-Language": header}).get_data(as_text=True)
    assert f">{expected}</button>" in html


def test_a_chosen_language_is_kept_in_a_cookie(client):
    response = client.get("/?lang=fr")
    assert "lang=fr" in response.headers["Set-Cookie"]
    html = client.get("/", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert 'lang="fr"' in html and "Chercher" in html


def test_product_names_follow_the_language(client):
    html = client.get("/places/osm-node-10822326161?lang=nl").get_data(as_text=True)
    assert "Hoevewinkel" in html  # kind label in Dutch


def test_place_page_has_hours_week_jsonld_and_directions(client):
    html = client.get("/places/osm-node-12229246129?lang=en").get_data(as_text=True)
    assert "<h1>Veldvolk</h1>" in html
    assert html.count("<tr") == 7
    assert 'href="geo:51.1419096,4.7090222"' in html
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(block)
    assert data["name"] == "Veldvolk" and data["geo"]["latitude"] == 51.1419096
    assert "ODbL" in html


def test_unknown_place_page_is_404(client):
    assert client.get("/places/nope").status_code == 404
    assert client.get("/places/nope?format=json").get_json()["error"]["status"] == 404


def _key(value):
    return tuple(value) if isinstance(value, (list, tuple)) else value


def test_compiled_catalogues_match_their_sources():
    for lang in ("nl", "fr"):
        folder = TRANSLATIONS / lang / "LC_MESSAGES"
        with (folder / "messages.po").open("rb") as fh:
            po = {_key(m.id): _key(m.string) for m in read_po(fh) if m.id and m.string}
        mo = {_key(m.id): _key(m.string)
              for m in read_mo(BytesIO((folder / "messages.mo").read_bytes())) if m.id}
        assert po == mo, f"run ./dev i18n: {lang} messages.mo is out of date"
        assert len(po) > 60
