"""``regional-map publish``: the static edition's files, tiles, details and search index."""

from __future__ import annotations

import json

import mapbox_vector_tile
import numpy as np
import pytest
from click.testing import CliRunner
from pmtiles.reader import MmapSource, Reader, all_tiles

from regional_map.cli import main
from regional_map.db.connection import connect
from regional_map.publish.edition import (
    EditionOptions,
    PublishError,
    place_file,
    publish_edition,
)
from regional_map.publish.tiles import write_pmtiles

TILE_LIMIT = 500 * 1024


@pytest.fixture(scope="module")
def edition(demo_db_path, tmp_path_factory):
    folder = tmp_path_factory.mktemp("published") / "site"
    conn = connect(demo_db_path)
    try:
        report = publish_edition(conn, folder, EditionOptions(tile_url=""))
    finally:
        conn.close()
    return folder, report


def _tiles(path):
    with open(path, "rb") as handle:
        reader = Reader(MmapSource(handle))
        header = reader.header()
        tiles = {zxy: mapbox_vector_tile.decode(data)
                 for zxy, data in all_tiles(MmapSource(handle))}
    return header, tiles


def test_every_shown_place_gets_a_details_file_and_a_point_at_the_deepest_zoom(edition):
    folder, report = edition
    header, tiles = _tiles(folder / "places.pmtiles")
    deepest = [t for (z, _, _), t in tiles.items() if z == header["max_zoom"]]
    ids = {f["properties"]["id"] for t in deepest for f in t["places"]["features"]}
    files = {p.stem for p in (folder / "places").glob("*.json")}
    assert len(ids) == report.places == len(files) > 1500
    one = json.loads((folder / "places" / f"{sorted(files)[0]}.json").read_text())
    assert one["type"] == "Feature" and one["properties"]["licence"]


def test_low_zooms_are_clustered_and_the_counts_add_up(edition):
    folder, report = edition
    _, tiles = _tiles(folder / "places.pmtiles")
    world = tiles[(0, 0, 0)]["places"]["features"]
    assert len(world) <= 64
    assert sum(f["properties"].get("count", 1) for f in world) == report.places
    assert any(f["properties"].get("cluster") for f in world)


def test_no_tile_is_over_500_kb_even_with_100000_places_in_one_city(tmp_path):
    rng = np.random.default_rng(19)
    lons, lats = 3.70 + rng.random(100_000) * 0.05, 51.03 + rng.random(100_000) * 0.05
    props = [{"id": f"p{i}", "name": f"Place number {i}", "kind": "farm_shop",
              "city": "Gent", "file": f"p{i}"} for i in range(100_000)]
    report = write_pmtiles(tmp_path / "dense.pmtiles", lons, lats, props, max_zoom=14)
    assert report.largest_bytes < TILE_LIMIT
    assert report.clustered_tiles > 0  # the dense tiles were merged into cells


def test_the_search_index_holds_names_towns_and_products_in_three_languages(edition):
    folder, _ = edition
    index = json.loads((folder / "search.json").read_text())
    names = {row[0] for row in index["places"]}
    assert "Quiosk" in names
    eggs = next(row for row in index["products"] if row[0] == "eggs")
    assert all(word in eggs[2] for word in ("eieren", "oeufs", "eggs"))
    egg_position = index["products"].index(eggs)
    assert any(egg_position in row[6] for row in index["places"])


def test_downloads_and_the_page_carry_the_odbl_attribution(edition):
    folder, report = edition
    geojson = json.loads((folder / "downloads" / "regional-map.geojson").read_text())
    assert len(geojson["features"]) == report.places
    assert "ODbL" in geojson["licence_note"]
    assert "ODbL" in (folder / "downloads" / "regional-map.csv").read_text().splitlines()[1]
    page = (folder / "index.html").read_text()
    assert "Open Database License" in page and "<script>" not in page
    config = json.loads((folder / "edition.json").read_text())
    assert config["base_map"]["url"] == "" and any(s["id"] == "osm" for s in config["sources"])


def test_names_with_markup_are_escaped_in_the_page(tmp_path, empty_db_path):
    from regional_map.ingest.importer import import_file

    csv = tmp_path / "x.csv"
    csv.write_text("name,lat,lon,kind\n\"<script>alert(1)</script>\",51.05,3.72,farm_shop\n")
    conn = connect(empty_db_path)
    try:
        import_file(conn, csv, source="evil", licence="CC0-1.0",
                    attribution="<img src=x onerror=alert(1)>")
        publish_edition(conn, tmp_path / "site", EditionOptions(tile_url=""))
    finally:
        conn.close()
    page = (tmp_path / "site" / "index.html").read_text()
    assert "<img src=x" not in page and "&lt;img src=x" in page


def test_an_id_unsafe_in_a_url_gets_a_hashed_file_name():
    assert place_file("osm-node-1") == "osm-node-1"
    unsafe = place_file("../../etc/passwd")
    assert "/" not in unsafe and ".." not in unsafe


def test_the_command_publishes_and_reports_the_largest_tile(demo_db_path, tmp_path):
    result = CliRunner().invoke(main, ["--db", str(demo_db_path), "publish",
                                       str(tmp_path / "out"), "--tile-url", "none", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["places"] > 1500 and report["tiles"]["largest_bytes"] < TILE_LIMIT
    assert (tmp_path / "out" / "places.pmtiles").stat().st_size > 0


def test_an_edition_in_french_labels_its_page_kinds_and_products_in_french(demo_conn, tmp_path):
    publish_edition(demo_conn, tmp_path / "fr", EditionOptions(tile_url="", lang="fr"))
    page = (tmp_path / "fr" / "index.html").read_text()
    assert 'lang="fr"' in page and "Chercher par nom, commune ou produit" in page
    config = json.loads((tmp_path / "fr" / "edition.json").read_text())
    assert config["texts"]["places"] == "lieux"
    index = json.loads((tmp_path / "fr" / "search.json").read_text())
    assert next(row for row in index["products"] if row[0] == "eggs")[1] == "Œufs"


def test_publishing_again_replaces_the_whole_edition_and_a_failure_keeps_the_old_one(
        demo_conn, empty_conn, tmp_path):
    site = tmp_path / "site"
    publish_edition(demo_conn, site, EditionOptions(tile_url=""))
    (site / "places" / "stale-place.json").write_text("{}")  # gone from the store since
    publish_edition(demo_conn, site, EditionOptions(tile_url=""))
    assert not (site / "places" / "stale-place.json").exists()
    with pytest.raises(PublishError):
        publish_edition(empty_conn, site, EditionOptions(tile_url=""))  # no places
    assert (site / "places.pmtiles").stat().st_size > 0
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site")]  # none left


def test_with_a_base_map_the_page_policy_allows_only_that_tile_server(demo_conn, tmp_path):
    options = EditionOptions(tile_url="https://{s}.tiles.example.org/{z}/{x}/{y}.png",
                             tile_attribution="© Example tiles")
    publish_edition(demo_conn, tmp_path / "site", options)
    page = (tmp_path / "site" / "index.html").read_text()
    assert "img-src 'self' data: https://*.tiles.example.org;" in page
    assert "connect-src 'self' blob:;" in page  # tiles of places come from our own host
    config = json.loads((tmp_path / "site" / "edition.json").read_text())
    assert config["base_map"]["attribution"] == "© Example tiles"
