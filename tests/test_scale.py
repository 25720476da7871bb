"""Guard rails of speed at scale: 10,000 generated places (bench/generate.py), real store.

The point index (pointindex.py), the near-me index path (nearest.py) and the pre-encoded
features (featurecache.py) must answer exactly what the SQL query layer answers.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bench import scenarios
from bench.load import run_load
from regional_map.db.connection import connect
from regional_map.db.functions import register as register_functions
from regional_map.hours.opening import is_open
from regional_map.places.engine import cluster_places, find_places
from regional_map.places.filters import PlaceFilter
from regional_map.places.store import upsert_place
from regional_map.settings import DEFAULT_REGION
from regional_map.web.app import create_app
from tests.conftest import generated_store

REGION = DEFAULT_REGION
TUESDAY_11H = datetime(2026, 11, 24, 11, 0, tzinfo=ZoneInfo("Europe/Brussels"))
GHENT_VIEW = (3.55, 50.95, 3.95, 51.15)


@pytest.fixture(scope="module")
def scale_db_path(tmp_path_factory, demo_db_path):
    """10,000 places generated from the demo places and imported by the real importer."""
    path, report = generated_store(tmp_path_factory.mktemp("scale"), 10_000, 7, demo_db_path,
                                   "bench")
    assert report.precision["postcode"] > 1000  # a share was placed from its postcode
    return path


@pytest.fixture
def scale_conn(scale_db_path):
    conn = connect(scale_db_path)
    register_functions(conn)
    yield conn
    conn.close()


@pytest.fixture
def sql_only_conn(scale_db_path):
    """The same store in memory: no shared point index, so every answer comes from SQL."""
    source = sqlite3.connect(scale_db_path)
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    source.backup(conn)
    source.close()
    conn.row_factory = sqlite3.Row
    register_functions(conn)
    yield conn
    conn.close()


def _shown(result: dict) -> int:
    return sum(c["count"] for c in result["clusters"]) + len(result["places"])


@pytest.mark.parametrize("zoom", [5, 7, 9, 11, 13, 16])
def test_clusters_add_up_to_the_filtered_total_at_10k_places(scale_conn, zoom):
    for box in (REGION, GHENT_VIEW):
        f = PlaceFilter(bbox=box, hide_stale_before="2024-01-01")
        result = cluster_places(scale_conn, f, zoom)
        assert result["total"] == find_places(scale_conn, f).total
        assert _shown(result) == result["total"]
    region = cluster_places(scale_conn, PlaceFilter(bbox=REGION), zoom)
    assert region["total"] > 9_000  # closed places (2%) are off the default map


def test_kind_product_and_open_now_filter_before_clustering_at_10k_places(scale_conn):
    everything = cluster_places(scale_conn, PlaceFilter(bbox=REGION), 7)
    rows = scale_conn.execute(
        "SELECT num, kind, opening_hours, country FROM places "
        "WHERE status IN ('active', 'temporarily_closed')").fetchall()
    farm_shops = sum(1 for r in rows if r["kind"] == "farm_shop")
    with_eggs = scale_conn.execute(
        "SELECT COUNT(*) FROM places p WHERE status IN ('active', 'temporarily_closed') AND "
        "num IN (SELECT place_num FROM place_products WHERE product_code = 'eggs')"
    ).fetchone()[0]
    open_now = sum(1 for r in rows if r["opening_hours"]
                   and is_open(r["opening_hours"], TUESDAY_11H, r["country"] or "BE"))
    cases = [
        (PlaceFilter(bbox=REGION, kinds=("farm_shop",)), farm_shops),
        (PlaceFilter(bbox=REGION, products=("eggs",)), with_eggs),
        (PlaceFilter(bbox=REGION, open_at=TUESDAY_11H), open_now),
    ]
    for f, expected in cases:
        result = cluster_places(scale_conn, f, 7)
        assert 150 < result["total"] == expected < everything["total"]
        assert _shown(result) == expected  # clusters hold only places that pass the filter
        assert result["clusters"], "a region view of this many places is clustered"
    # Open now and a kind at street level: every single marker passes both filters.
    f = PlaceFilter(bbox=GHENT_VIEW, kinds=("farm_shop",), open_at=TUESDAY_11H)
    result = cluster_places(scale_conn, f, 17)
    assert result["places"] and not result["clusters"]
    assert all(p["kind"] == "farm_shop" and is_open(p["opening_hours"], TUESDAY_11H,
                                                    p["country"] or "BE")
               for p in result["places"])


@pytest.mark.parametrize("f,zoom", [
    (PlaceFilter(bbox=REGION), 6),
    (PlaceFilter(bbox=REGION, kinds=("vending_machine", "farmers_market")), 8),
    (PlaceFilter(bbox=REGION, categories=("dairy",), hide_stale_before="2024-01-01"), 9),
    (PlaceFilter(bbox=GHENT_VIEW, statuses=("active", "temporarily_closed", "closed")), 12),
    (PlaceFilter(bbox=GHENT_VIEW), 16),
    (PlaceFilter(bbox=REGION, q="hoeve"), 8),  # text search: answered by SQL in both
])
def test_clusters_from_the_point_index_equal_the_sql_clusters(scale_conn, sql_only_conn, f,
                                                              zoom):
    fast, sql = cluster_places(scale_conn, f, zoom), cluster_places(sql_only_conn, f, zoom)
    assert fast["total"] == sql["total"]
    assert [p["id"] for p in fast["places"]] == [p["id"] for p in sql["places"]]
    assert [(c["count"], c["bbox"]) for c in fast["clusters"]] == \
        [(c["count"], c["bbox"]) for c in sql["clusters"]]
    for a, b in zip(fast["clusters"], sql["clusters"], strict=True):
        assert a["lat"] == pytest.approx(b["lat"], abs=1e-9)
        assert a["lon"] == pytest.approx(b["lon"], abs=1e-9)


@pytest.mark.parametrize("near,radius,extra", [
    ((51.05, 3.72), 25.0, {}),
    ((50.85, 4.35), 5.0, {"kinds": ("farm_shop", "vending_machine")}),
    ((52.37, 4.89), 100.0, {"limit": 50, "offset": 30}),
    ((50.47, 4.87), 25.0, {"open_at": TUESDAY_11H, "hide_stale_before": "2024-01-01"}),
])
def test_near_me_from_the_point_index_equals_sql(scale_conn, sql_only_conn, near, radius,
                                                 extra):
    f = PlaceFilter(near=near, radius_km=radius, **{"limit": 20, **extra})
    fast, sql = find_places(scale_conn, f), find_places(sql_only_conn, f)
    assert fast.total == sql.total > 0
    assert fast.items == sql.items
    distances = [p["distance_m"] for p in fast.items]
    assert distances == sorted(distances)


def test_point_index_sees_a_new_place_at_once(scale_db_path, tmp_path):
    path = tmp_path / "copy.db"
    source = sqlite3.connect(scale_db_path)
    target = sqlite3.connect(path)
    source.backup(target)
    source.close()
    target.close()
    reader, writer = connect(path), connect(path)
    f = PlaceFilter(bbox=GHENT_VIEW, kinds=("csa_farm",))
    before = cluster_places(reader, f, 17)
    with writer:
        upsert_place(writer, {"name": "Zelfoogst Test", "kind": "csa_farm", "lat": 51.05,
                              "lon": 3.72, "geocode_precision": "manual",
                              "source_id": None})
    after = cluster_places(reader, f, 17)
    assert after["total"] == before["total"] + 1
    assert "Zelfoogst Test" in [p["name"] for p in after["places"]]
    assert "Zelfoogst Test" not in [p["name"] for p in before["places"]]
    reader.close()
    writer.close()


def test_bbox_geojson_pages_are_the_places_of_the_query_layer(scale_db_path):
    app = create_app({"DB": str(scale_db_path)})
    client = app.test_client()
    url = "/api/places?bbox=3,50.5,5,51.5&limit=500&offset=20&lang=nl"
    first = client.get(url)
    second = client.get(url)  # from the pre-encoded features
    assert first.status_code == 200 and first.mimetype == "application/geo+json"
    assert first.data == second.data
    body = json.loads(first.data)
    conn = connect(scale_db_path)
    f = PlaceFilter(bbox=(3, 50.5, 5, 51.5), limit=500, offset=20, hide_stale_before=None)
    expected = find_places(conn, f, lang="nl")
    conn.close()
    assert body["numberMatched"] == expected.total > 520
    assert body["numberReturned"] == 500
    assert [link["rel"] for link in body["links"]] == ["self", "next", "prev"]
    assert [feat["id"] for feat in body["features"]] == [p["id"] for p in expected.items]
    feature = body["features"][0]
    assert feature["properties"]["kind_label"]  # the language's label, from place_feature
    assert feature["geometry"]["coordinates"] == [expected.items[0]["lon"],
                                                  expected.items[0]["lat"]]


@pytest.mark.parametrize("tool", ["python", "wrk"])
def test_smoke_benchmark_drives_the_live_server(live_server, demo_db_path, monkeypatch, tool):
    """Both load drivers: the Python threads, and wrk (the benchmarks' own, when installed)."""
    if tool == "wrk" and not shutil.which("wrk"):
        pytest.skip("wrk is not installed (./dev test installs it)")
    monkeypatch.setenv("BENCH_LOAD_TOOL", tool)
    port = int(live_server.url.rsplit(":", 1)[1])
    places = scenarios.sample_places(demo_db_path, seed=1, count=8)
    paths = scenarios.cluster_paths(places) + scenarios.near_paths(places)
    result = run_load("smoke", "127.0.0.1", port, paths, concurrency=2, duration=0.5,
                      warmup=0)
    assert result.tool == tool
    assert result.errors == 0 and result.requests >= 4
    assert 0 < result.median_ms <= result.p95_ms
    assert result.mean_bytes > 100


def test_viewport_is_the_box_a_map_of_that_size_shows():
    minlon, minlat, maxlon, maxlat = scenarios.viewport(50.85, 4.35, 10, 1200, 800)
    # 1200 px at zoom 10 span 1200 / (256 * 1024) of 360 degrees of longitude.
    assert maxlon - minlon == pytest.approx(360 * 1200 / (256 * 1024), abs=1e-4)
    assert minlat < 50.85 < maxlat and minlon < 4.35 < maxlon


@pytest.mark.parametrize("q,extra", [
    ("eieren", {}),  # a product word: every name of the product in three languages
    ("hoeve", {"limit": 50, "offset": 20, "hide_stale_before": "2024-01-01"}),
    ("kaas", {"kinds": ("farm_shop",), "bbox": (3.0, 50.0, 6.0, 52.0)}),
    ("honey", {"open_at": TUESDAY_11H}),
    ("boerderij ei", {}),
    ("hoeve", {"sort": "name"}),  # another order: answered by SQL in both
])
def test_text_search_from_remembered_matches_equals_sql(scale_conn, sql_only_conn, q, extra):
    f = PlaceFilter(q=q, **{"limit": 20, **extra})
    first, again = find_places(scale_conn, f), find_places(scale_conn, f)
    sql = find_places(sql_only_conn, f)
    assert first.total == again.total == sql.total > 0
    assert first.items == again.items == sql.items
    assert first.corrected == sql.corrected


def test_a_misspelt_search_is_still_corrected_by_sql(scale_conn, sql_only_conn):
    f = PlaceFilter(q="boerderjj", limit=10)
    fast, sql = find_places(scale_conn, f), find_places(sql_only_conn, f)
    assert [p["id"] for p in fast.items] == [p["id"] for p in sql.items]
    assert fast.total == sql.total and fast.corrected == sql.corrected
