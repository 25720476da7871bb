"""Matchmaking for buyers over a real store: ranked by distance, and every filter (product,
radius, delivers to businesses) respected."""

from __future__ import annotations

import pytest
from network_world import CENTRE, build_world

from regional_map.db.functions import haversine_m
from regional_map.errors import BadParameter
from regional_map.networks.matchmaking import find_suppliers, parse_match_request, resolve_address


@pytest.fixture
def world(empty_conn, tmp_path):
    build_world(empty_conn, tmp_path)
    return empty_conn


def _match(conn, **args):
    req = parse_match_request(conn, {"near": f"{CENTRE[0]},{CENTRE[1]}", **args})
    return find_suppliers(conn, req, "en")


def test_suppliers_are_ranked_by_distance(world):
    results = _match(world, product="prei")
    distances = [r["distance_m"] for r in results]
    assert distances == sorted(distances)
    assert [r["id"] for r in results] == ["farm-a", "coop", "farm-d", "platform", "farm-b"]
    first = results[0]
    assert first["distance_m"] == round(haversine_m(*CENTRE, 51.06, 3.73))
    assert first["matched_products"] == ["Leek"] and first["exact_match"]


def test_product_filter_keeps_only_suppliers_of_that_product(world):
    eggs = {r["id"] for r in _match(world, product="eieren")}
    assert eggs == {"farm-a", "farm-c", "coop"}  # the coop through its egg-producing members
    leek = {r["id"]: r for r in _match(world, product="poireau")}
    assert "farm-c" not in leek  # eggs only
    assert "closed-shop" not in leek  # closed places are never suggested
    # A farm that lists only "vegetables" is offered for leeks, marked as not exact.
    assert leek["farm-d"]["exact_match"] is False
    assert leek["farm-d"]["matched_products"] == ["Vegetables"]


def test_radius_filter(world):
    near = {r["id"] for r in _match(world, product="leek", radius_km="3")}
    assert near == {"farm-a", "coop", "farm-d"}
    wide = {r["id"] for r in _match(world, product="leek", radius_km="100")}
    assert "far-farm" in wide and "far-farm" not in near


def test_business_filter_keeps_direct_and_platform_suppliers(world):
    results = {r["id"]: r for r in _match(world, product="leek", business="true")}
    assert set(results) == {"farm-a", "coop", "platform", "farm-b"}  # not farm-d
    assert [c["how"] for c in results["farm-a"]["channels"]][:2] == ["direct", "platform"]
    via = [c for c in results["farm-b"]["channels"] if c["how"] == "platform"]
    assert via[0]["via"]["id"] == "platform" and via[0]["label"] == "via Platform"


def test_channels_name_pickup_points(world):
    farm_a = next(r for r in _match(world, product="eggs") if r["id"] == "farm-a")
    pickups = [c for c in farm_a["channels"] if c["how"] == "pickup"]
    assert [c["via"]["name"] for c in pickups] == ["Pickup Point Station"]


def test_address_with_street_is_placed_by_its_postcode(world):
    location = resolve_address(world, "Veldstraat 1, 9000 Gent")
    assert location.label.startswith("9000")
    assert haversine_m(location.lat, location.lon, *CENTRE) < 3000


def test_bad_requests_say_what_is_wrong(world):
    with pytest.raises(BadParameter) as exc:
        parse_match_request(world, {"product": "leek"})
    assert exc.value.name == "where"
    with pytest.raises(BadParameter) as exc:
        parse_match_request(world, {"where": "9000", "product": "unobtainium"})
    assert exc.value.name == "product"
    with pytest.raises(BadParameter) as exc:
        parse_match_request(world, {"where": "9000", "radius_km": "500"})
    assert exc.value.name == "radius_km"
