"""Offline geocoding from the shipped gazetteer, and the opt-in online fallback."""

from __future__ import annotations

import pytest

from regional_map.geocode.gazetteer import Gazetteer, GeocodeError, split_postcode
from regional_map.geocode.services import make_geocoder
from regional_map.ingest.importer import import_file
from regional_map.places.engine import find_places
from regional_map.places.filters import PlaceFilter
from regional_map.settings import DEFAULT_REGION
from tests.test_geocode_online import FakeServer, server  # noqa: F401 - the fixture


@pytest.fixture
def gazetteer(empty_conn):
    return Gazetteer(empty_conn)


def test_belgian_postcode_gives_its_place_and_municipality(gazetteer):
    hit = gazetteer.postcode("9000", "BE")
    assert (hit.country, hit.municipality_code, hit.precision) == ("BE", "44021", "postcode")
    assert abs(hit.lat - 51.05) < 0.05 and abs(hit.lon - 3.72) < 0.05


def test_dutch_postcode_with_letters_is_dutch(gazetteer):
    hit = gazetteer.postcode("1011 AB")
    assert (hit.country, hit.municipality_code, hit.place_name) == ("NL", "GM0363", "Amsterdam")


def test_a_four_digit_postcode_in_both_countries_is_decided_by_the_town(gazetteer):
    with pytest.raises(GeocodeError, match="Belgium and the Netherlands"):
        gazetteer.postcode("1060")
    assert gazetteer.postcode("1060", city="Saint-Gilles").country == "BE"
    assert gazetteer.postcode("1060", city="Amsterdam").country == "NL"
    assert gazetteer.postcode("3000").country == "BE"  # only Belgium has 3000


def test_postcode_with_several_places_picks_the_named_one(gazetteer):
    gierle = gazetteer.postcode("2275", "BE", "Gierle")
    lille = gazetteer.postcode("2275", "BE", "Lille")
    assert gierle.place_name == "Gierle" and lille.place_name == "Lille"
    assert (gierle.lat, gierle.lon) != (lille.lat, lille.lon)


@pytest.mark.parametrize("postcode", ["0123", "12", "abcd", ""])
def test_unknown_or_unreadable_postcodes_are_misses(gazetteer, postcode):
    with pytest.raises(GeocodeError):
        gazetteer.postcode(postcode, "BE")


def test_town_alone_gives_the_municipality_centre(gazetteer):
    hit = gazetteer.town("Leuven")
    assert (hit.precision, hit.municipality_code) == ("municipality", "24062")
    assert gazetteer.town("Louvain").municipality_code == "24062"  # French name too
    with pytest.raises(GeocodeError, match="unknown town"):
        gazetteer.town("Atlantis")


def test_split_postcode_reads_common_spellings():
    assert split_postcode("B-9000") == ("9000", "BE")
    assert split_postcode("1011AB") == ("1011", "NL")
    assert split_postcode(" 3500 ") == ("3500", None)
    assert split_postcode("nine") == (None, None)


def test_import_asks_the_online_geocoder_only_for_rows_the_gazetteer_cannot_place(
    empty_conn, tmp_path, server  # noqa: F811
):
    path = tmp_path / "rows.csv"
    path.write_text("name,street,housenumber,postcode,city,country,kind\n"
                    "Known,Kerkstraat,1,9000,Gent,BE,farm_shop\n"
                    "Veldwinkel,Veldstraat,1,,Gentbrugge-Oost,BE,farm_shop\n"
                    "Nowhere,Nergensstraat,1,,Nergens,BE,farm_shop\n")
    settings = {"GEOCODER": "nominatim", "GEOCODER_URL": server.url,
                "GEOCODER_USER_AGENT": "RegionalMapTests/1", "GEOCODER_MIN_INTERVAL": 0,
                "GEOCODER_CACHE": str(tmp_path / "cache.sqlite")}
    with make_geocoder(settings) as geocoder:
        report = import_file(empty_conn, path, region=DEFAULT_REGION, online_geocoder=geocoder)
    assert report.created == 2
    assert [r.line for r in report.rejected] == [4]
    assert [s.params.get("street") for s in server.seen] == ["1 Veldstraat", "1 Nergensstraat"]
    placed = find_places(empty_conn, PlaceFilter(q="veldwinkel")).items[0]
    assert placed["geocode_source"] == "nominatim"
    assert (placed["lat"], placed["lon"]) == (51.053517, 3.723642)
    assert report.precision["postcode"] == 1
