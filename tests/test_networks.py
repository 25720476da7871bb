"""Networks and links over a real store: members, shared pickup points, a processing hub,
a closed shop, link imports with their report, and exports that round-trip."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from network_world import LINKS_CSV, PLACES, build_world

from regional_map.cli import main
from regional_map.db.connection import connect
from regional_map.networks.exports import export_network, network_collection
from regional_map.networks.link_import import import_links
from regional_map.networks.records import (
    computed_counts,
    get_network,
    links_of_place,
    network_places,
    services_of,
)
from regional_map.places.engine import find_places
from regional_map.places.filters import PlaceFilter
from regional_map.places.rows import get_place
from regional_map.provision import init_store


@pytest.fixture
def world(empty_conn, tmp_path):
    build_world(empty_conn, tmp_path)
    return empty_conn


def test_network_counts_members_shops_pickup_points_from_links_not_stated_figures(world):
    counts = computed_counts(world, "coop")
    # farm-a and farm-c; the closed shop is a member in history but not counted.
    assert counts["members"] == 2
    assert counts["pickup_points"] == 1
    assert counts["customers"] == 1
    assert counts["processors"] == 1
    assert counts["places"] == 5  # farm-a, farm-c, pickup, kitchen, hub
    assert counts["shops"] == 0
    network = get_network(world, "coop")
    assert network["stated_figures"] == [{"what": "members", "value": 40, "source": "test"}]
    roles = {p["id"]: p["roles"] for p in network_places(world, "coop")}
    assert roles["farm-a"] == ["member_of"]
    assert roles["kitchen"] == ["supplies:in"]


def test_pickup_point_used_by_two_networks_belongs_to_both(world):
    assert computed_counts(world, "platform")["pickup_points"] == 1
    assert computed_counts(world, "coop")["pickup_points"] == 1
    links = links_of_place(world, "pickup")
    pickup_of = sorted(link["other"]["id"] for link in links if link["type"] == "pickup_point_of")
    assert pickup_of == ["coop", "platform"]
    schedule = next(link["schedule"] for link in links if link["other"]["id"] == "platform")
    assert schedule == "Tu,Fr 17:00-19:00"
    # The same place turns up when the map is filtered by either network.
    for network in ("coop", "platform"):
        page = find_places(world, PlaceFilter(network=network, limit=100))
        assert "pickup" in {p["id"] for p in page.items}


def test_place_links_read_in_both_directions(world):
    links = links_of_place(world, "pickup", "en")
    supplied_by = [link for link in links if link["type"] == "supplies"]
    assert supplied_by[0]["direction"] == "in"
    assert supplied_by[0]["label"] == "supplied by"
    assert supplied_by[0]["name"] == "Farm A"
    out = links_of_place(world, "farm-a", "nl")
    assert {(link["label"], link["name"]) for link in out} == {
        ("is lid van", "Coop"), ("levert aan", "Pickup Point Station")}


def test_processing_hub_has_services_and_processes_for_its_network(world):
    services = services_of(world, "hub", "fr")
    assert [s["code"] for s in services] == ["jar_washing", "juice_press"]
    assert services[0]["label"] == "Lavage de bocaux"
    assert services[1]["note"] == "apples and pears"
    link = links_of_place(world, "hub")[0]
    assert (link["type"], link["other"]["id"], link["direction"]) == (
        "processes_for", "coop", "out")


def test_closed_shop_stays_in_history_but_off_the_default_map(world):
    default = find_places(world, PlaceFilter(network="coop", limit=100))
    assert "closed-shop" not in {p["id"] for p in default.items}
    assert get_place(world, "closed-shop")["status"] == "closed"
    history = {p["id"]: p["status"] for p in network_places(world, "coop")}
    assert history["closed-shop"] == "closed"
    active = network_places(world, "coop", statuses=("active",))
    assert "closed-shop" not in {p["id"] for p in active}


def test_import_links_reports_unknown_references_with_line_numbers(empty_conn, tmp_path):
    build_world(empty_conn, tmp_path)
    path = tmp_path / "more.csv"
    path.write_text(
        "from,type,to,schedule,note\n"
        "farm-d,member_of,coop,,\n"
        "no-such-farm,member_of,coop,,\n"
        "farm-d,likes,coop,,\n"
        "farm-d,supplies,network:nowhere,,\n"
        "farm-d,supplies,kitchen,We 09:00-10:00,\n",
        encoding="utf-8")
    report = import_links(empty_conn, path)
    assert (report.read, report.created) == (5, 2)
    assert [(p.line, p.reason) for p in report.rejected] == [
        (3, "no place or network with id 'no-such-farm'"),
        (4, "unknown link type 'likes'; known: member_of, supplies, sells_products_of, "
            "pickup_point_of, processes_for, exchanges_with"),
        (5, "no network with id 'nowhere'"),
    ]
    assert computed_counts(empty_conn, "coop")["members"] == 3


def test_import_links_dry_run_and_reimport_change_nothing(empty_conn, tmp_path):
    build_world(empty_conn, tmp_path)
    before = empty_conn.execute("SELECT COUNT(*) FROM links").fetchone()[0]
    path = tmp_path / "new.csv"
    path.write_text("from,type,to\nfarm-d,member_of,platform\n", encoding="utf-8")
    report = import_links(empty_conn, path, dry_run=True)
    assert report.created == 1 and report.dry_run
    assert empty_conn.execute("SELECT COUNT(*) FROM links").fetchone()[0] == before
    again = import_links(empty_conn, tmp_path / "links.csv")
    assert (again.created, again.updated) == (0, 9)
    assert empty_conn.execute("SELECT COUNT(*) FROM links").fetchone()[0] == before


def test_member_list_import_with_roles(empty_conn, tmp_path):
    build_world(empty_conn, tmp_path)
    path = tmp_path / "members.csv"
    path.write_text("place;role\nfarm-d;member\nkitchen;customer\nfarm-b;pickup_point\n"
                    "ghost;member\nfarm-c;boss\n", encoding="utf-8")
    report = import_links(empty_conn, path, network="platform")
    assert report.mode == "members"
    assert report.created == 3
    assert [p.line for p in report.rejected] == [5, 6]
    counts = computed_counts(empty_conn, "platform")
    assert (counts["members"], counts["customers"], counts["pickup_points"]) == (2, 1, 2)
    row = empty_conn.execute("SELECT from_kind, from_id FROM links WHERE type = 'supplies' "
                             "AND to_id = 'kitchen' AND from_id = 'platform'").fetchone()
    assert tuple(row) == ("network", "platform")


def test_import_links_command_reports_and_exits_1_on_rejected_rows(empty_db_path, tmp_path):
    conn = connect(empty_db_path)
    build_world(conn, tmp_path)
    conn.close()
    path = tmp_path / "bad.csv"
    path.write_text("from,type,to\nfarm-d,member_of,coop\nnobody,member_of,coop\n",
                    encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["--db", str(empty_db_path), "import-links", str(path),
                                  "--dry-run"])
    assert result.exit_code == 1
    assert "line 3: rejected: no place or network with id 'nobody'" in result.output
    assert "1 links created" in result.output and "Dry run" in result.output
    members = tmp_path / "members.csv"
    members.write_text("place\nfarm-d\n", encoding="utf-8")
    result = runner.invoke(main, ["--db", str(empty_db_path), "import-links", str(members),
                                  "--network", "platform", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["created"] == 1


def test_network_geojson_has_points_and_lines_and_round_trips(world, tmp_path):
    data = export_network(world, "coop", "geojson")
    body = json.loads(data)
    kinds = {}
    for feature in body["features"]:
        kinds.setdefault(feature["geometry"]["type"], []).append(feature)
    assert len(kinds["LineString"]) == 7  # the whole history: the closed shop's link too
    lines = {(f["properties"]["from_id"], f["properties"]["type"], f["properties"]["to_id"])
             for f in kinds["LineString"]}
    assert ("coop", "supplies", "kitchen") in lines
    assert ("farm-a", "supplies", "pickup") in lines
    coords = {f["properties"]["id"]: f["geometry"]["coordinates"] for f in kinds["Point"]}
    assert coords["farm-a"] == [3.73, 51.06]  # RFC 7946: longitude first
    assert coords["coop"] == [3.74, 51.06]  # the network's anchor
    # Round trip 1: GDAL reads the same points and lines back.
    import geopandas as gpd

    path = tmp_path / "coop.geojson"
    path.write_bytes(data)
    frame = gpd.read_file(path)
    assert sorted(frame.geometry.geom_type.value_counts().items()) == [
        ("LineString", 7), ("Point", len(kinds["Point"]))]
    assert set(frame.loc[frame.geometry.geom_type == "LineString", "type"]) == {
        "member_of", "pickup_point_of", "supplies", "processes_for"}
    # Round trip 2: the links CSV re-imports into another store with the same places.
    other = connect(tmp_path / "other.db")
    init_store(other)
    (tmp_path / "w2").mkdir()
    build_world(other, tmp_path / "w2")
    other.execute("DELETE FROM links")
    links_file = tmp_path / "coop-links.csv"
    links_file.write_bytes(export_network(world, "coop", "links-csv"))
    report = import_links(other, links_file)
    assert not report.rejected
    again = json.loads(export_network(other, "coop", "geojson"))

    def triples(collection):
        return sorted((f["properties"]["from_id"], f["properties"]["type"],
                       f["properties"]["to_id"], f["properties"]["schedule"])
                      for f in collection["features"] if f["geometry"]["type"] == "LineString")

    assert triples(again) == triples(body)
    assert sorted(f["id"] for f in again["features"] if f["geometry"]["type"] == "Point") == \
        sorted(f["id"] for f in body["features"] if f["geometry"]["type"] == "Point")
    other.close()


def test_network_collection_without_closed_places_drops_their_links(world):
    body = network_collection(world, "coop", statuses=("active", "temporarily_closed"))
    ids = {f["properties"].get("id") for f in body["features"]}
    assert "closed-shop" not in ids
    assert not [f for f in body["features"] if f["geometry"]["type"] == "LineString"
                and "closed-shop" in (f["properties"]["from_id"], f["properties"]["to_id"])]


def test_network_geopackage_has_places_and_links_layers(world, tmp_path):
    import pyogrio

    path = tmp_path / "coop.gpkg"
    path.write_bytes(export_network(world, "coop", "gpkg"))
    layers = dict(pyogrio.list_layers(path))
    assert layers == {"places": "Point", "links": "LineString", "networks": "Point",
                      "sources": None}
    places = pyogrio.read_dataframe(path, layer="places")
    assert "closed-shop" in set(places["id"]) and "Test data" in set(places["attribution"])
    links = pyogrio.read_dataframe(path, layer="links")
    assert len(links) == 7 and "supplies" in set(links["type"])


def test_world_csv_matches_places(world):
    text = export_network(world, "coop", "csv").decode("utf-8")
    names = {name for _, name, *_ in PLACES}
    assert sum(1 for line in text.splitlines()[1:] if any(n in line for n in names)) == 6
    assert LINKS_CSV.count("\n") == 10
