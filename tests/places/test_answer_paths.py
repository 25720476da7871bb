"""Every answer path returns what the plain SQL path returns, on generated data.

The filters are generated from the declarations themselves (every declared filter, alone and
mixed, with every sort, page sizes and offsets), the store is 4,000 places generated from the
real OSM places by ``bench/generate.py`` and imported by the real importer. A path that
declares it can answer a filter must give the same total, the same places in the same order,
and, page after page, every match exactly once.
"""

from __future__ import annotations

import json
import random
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bench.generate import write_csv
from regional_map.db.connection import connect
from regional_map.ingest.importer import import_file
from regional_map.places import engine, pointindex
from regional_map.places.filters import FILTERS, SORTS, PlaceFilter
from regional_map.places.paths import rank
from regional_map.provision import init_store
from regional_map.settings import DEFAULT_REGION
from tests.conftest import generated_store

WORDS = ("hoeve", "eieren", "kaas", "honey", "boerderij ei", "fromage", "zzzz")
KINDS = ("farm_shop", "vending_machine", "farmers_market", "pickup_point", "csa_farm")
PRODUCTS = ("eggs", "potatoes", "milk", "apples", "honey")
CATEGORIES = ("dairy", "vegetables", "fruit")
BOXES = ((2.5, 49.45, 7.25, 53.6), (3.55, 50.95, 3.95, 51.15), (4.2, 50.7, 4.6, 51.0),
         (5.0, 51.5, 6.5, 52.5))
POINTS = ((51.05, 3.72), (50.85, 4.35), (52.37, 4.89), (50.47, 4.87), (50.93, 5.34))
TUESDAY_11H = datetime(2026, 11, 24, 11, 0, tzinfo=ZoneInfo("Europe/Brussels"))
SUNDAY_20H = datetime(2026, 11, 29, 20, 0, tzinfo=ZoneInfo("Europe/Brussels"))


@pytest.fixture(scope="module")
def conn(tmp_path_factory, demo_db_path):
    path, _report = generated_store(tmp_path_factory.mktemp("paths"), 4_000, 11, demo_db_path,
                                    "generated")
    conn = connect(path)
    yield conn
    conn.close()


def _generated_filters(count: int, seed: int) -> list[PlaceFilter]:
    """Filters mixing every declared filter at random (each alone first)."""
    rng = random.Random(seed)
    choices = {
        "q": lambda: {"q": rng.choice(WORDS)},
        "statuses": lambda: {"statuses": rng.choice(
            [("active",), ("active", "temporarily_closed", "closed")])},
        "kinds": lambda: {"kinds": tuple(rng.sample(KINDS, rng.randint(1, 3)))},
        "products": lambda: rng.choice([{"products": tuple(rng.sample(PRODUCTS, 2))},
                                        {"categories": (rng.choice(CATEGORIES),)}]),
        "in_season": lambda: {"in_season_month": rng.randint(1, 12)},
        "open_at": lambda: {"open_at": rng.choice((TUESDAY_11H, SUNDAY_20H))},
        "organic": lambda: {"organic": rng.choice((True, False))},
        "payment": lambda: {"payment": ("cash",)},
        "bbox": lambda: {"bbox": rng.choice(BOXES)},
        "near": lambda: {"near": rng.choice(POINTS), "radius_km": rng.choice((1, 5, 25, 100))},
        "municipalities": lambda: {"municipalities": ("44021", "24062", "0363")},
        "network": lambda: {"network": "voedselteams"},
        "sells_to_business": lambda: {"sells_to_business": rng.choice((True, False))},
        "services": lambda: {"services": ("slaughtering", "cold_storage")},
        "stale": lambda: {"hide_stale_before": rng.choice(("2024-01-01", "2026-06-01"))},
        "updated_since": lambda: {"updated_since": "2020-01-01T00:00:00Z"},
    }
    assert set(choices) == {d.name for d in FILTERS}, "a declared filter is not generated"
    found = [PlaceFilter(**choices[name]()) for name in choices]
    while len(found) < count:
        fields: dict = {}
        for name in rng.sample(list(choices), rng.randint(1, 4)):
            fields.update(choices[name]())
        sort = rng.choice([None, *SORTS])
        if sort == "distance" and "near" not in fields:
            sort = None
        found.append(PlaceFilter(**fields, sort=sort, limit=rng.choice((1, 20, 100, 500)),
                                 offset=rng.choice((0, 0, 7, 150))))
    return found


FILTER_CASES = _generated_filters(120, seed=3)


def _ids(page) -> list[str]:
    return [p["id"] for p in page.items]


@pytest.mark.parametrize("f", FILTER_CASES, ids=lambda f: repr(f)[:90])
def test_every_path_that_can_find_answers_what_sql_answers(conn, f):
    expected = engine.SQL.find(conn, f)
    for path in engine.FIND_PATHS:
        if path is engine.SQL or not path.can_find(f):
            continue
        page = path.find(conn, f)
        if page is None:  # declined at run time: the planner asks the next path
            continue
        assert page.total == expected.total, path.name
        assert page.items == expected.items, path.name
    assert engine.find_places(conn, f).items == expected.items or expected.total == 0


@pytest.mark.parametrize("f", [f for f in FILTER_CASES if not f.near][:60],
                         ids=lambda f: repr(f)[:90])
@pytest.mark.parametrize("zoom", (6, 10, 14, 17))
def test_every_path_that_can_cluster_answers_what_sql_answers(conn, f, zoom):
    f = f.but(bbox=f.bbox or BOXES[0])
    expected = engine.SQL.cluster(conn, f, zoom)
    for path in engine.CLUSTER_PATHS:
        if path is engine.SQL or not path.can_cluster(f):
            continue
        answer = path.cluster(conn, f, zoom)
        assert answer is not None
        assert answer["total"] == expected["total"]
        assert [p["id"] for p in answer["places"]] == [p["id"] for p in expected["places"]]
        assert [(c["count"], c["bbox"]) for c in answer["clusters"]] == \
            [(c["count"], c["bbox"]) for c in expected["clusters"]]
        for a, b in zip(answer["clusters"], expected["clusters"], strict=True):
            assert a["lat"] == pytest.approx(b["lat"], abs=1e-9)
            assert a["lon"] == pytest.approx(b["lon"], abs=1e-9)
    shown = sum(c["count"] for c in expected["clusters"]) + len(expected["places"])
    assert shown == expected["total"] or expected["total"] > 5000


@pytest.mark.parametrize("f", [f for f in FILTER_CASES if engine.FEATURES.can_encode(f)
                               and not f.near and not f.fts()][:40], ids=lambda f: repr(f)[:90])
def test_cached_features_are_the_sql_page_encoded(conn, f):
    expected = engine.SQL.find(conn, f)
    for _ in range(2):  # built, then from the cache
        page = engine.page_features(conn, f, "test", json.dumps)
        assert page.total == expected.total
        assert page.features == [json.dumps(p) for p in expected.items]
        assert page.distances_m is None


_NEAR_AND_TEXT = [f for f in FILTER_CASES if (f.near or f.fts()) and engine.FEATURES.can_encode(f)]


@pytest.mark.parametrize("f", _NEAR_AND_TEXT[:40], ids=lambda f: repr(f)[:90])
def test_cached_near_and_search_features_are_the_sql_page_with_its_distances(conn, f):
    expected = engine.SQL.find(conn, f)
    for _ in range(2):  # built, then from the cache
        page = engine.page_features(conn, f, "test", json.dumps)
        if expected.total == 0 and f.fts():
            assert page is None  # the engine's typo widening answers, not the cache
            continue
        assert page.total == expected.total
        without_distance = [{k: v for k, v in p.items() if k != "distance_m"}
                            for p in expected.items]
        assert page.features == [json.dumps(p) for p in without_distance]
        if f.near:
            assert [round(d) for d in page.distances_m] == \
                [p["distance_m"] for p in expected.items]
        else:
            assert page.distances_m is None


def test_near_and_search_pages_come_from_the_cached_features():
    assert engine.FEATURES.can_encode(PlaceFilter(near=POINTS[0], radius_km=25))
    assert engine.FEATURES.can_encode(PlaceFilter(q="eieren"))
    assert not engine.FEATURES.can_encode(PlaceFilter(q="eieren", payment=("cash",)))
    assert not engine.FEATURES.can_encode(PlaceFilter(near=POINTS[0], radius_km=25,
                                                      open_at=TUESDAY_11H))


@pytest.mark.parametrize("f", [
    PlaceFilter(bbox=BOXES[2]),
    PlaceFilter(q="hoeve"),
    PlaceFilter(q="eieren", kinds=("farm_shop", "vending_machine")),
    PlaceFilter(near=POINTS[1], radius_km=25),
    PlaceFilter(near=POINTS[0], radius_km=100, kinds=("farm_shop",),
                hide_stale_before="2024-01-01"),
    PlaceFilter(bbox=BOXES[0], open_at=TUESDAY_11H, sort="updated"),
], ids=repr)
def test_paging_through_any_path_gives_every_match_exactly_once(conn, f):
    everything = engine.SQL.find(conn, f.but(limit=100_000, offset=0))
    assert everything.total > 37
    for path in engine.FIND_PATHS:
        if not path.can_find(f):
            continue
        seen: list[str] = []
        offset = 0
        while True:
            page = path.find(conn, f.but(limit=37, offset=offset))
            assert page is not None and page.total == everything.total, path.name
            if not page.items:
                break
            seen += _ids(page)
            offset += 37
        assert seen == _ids(everything), path.name


def test_the_planner_uses_the_fast_paths_for_the_questions_they_declare():
    assert engine.plan(PlaceFilter(near=POINTS[0], radius_km=25))[0] == "nearest"
    assert engine.plan(PlaceFilter(q="eieren"))[0] == "search"
    assert engine.plan(PlaceFilter(q="eieren", payment=("cash",))) == ["sql"]
    assert engine.plan(PlaceFilter(bbox=BOXES[0]), "cluster")[0] == "index"
    assert engine.plan(PlaceFilter(bbox=BOXES[0], organic=True), "cluster") == ["sql"]


def test_name_and_update_ordered_pages_come_from_the_ranks():
    assert engine.plan(PlaceFilter(bbox=BOXES[2]))[0] == "rank"
    assert engine.plan(PlaceFilter(bbox=BOXES[0], sort="updated", open_at=TUESDAY_11H))[0] \
        == "rank"
    assert "rank" not in engine.plan(PlaceFilter(bbox=BOXES[0], organic=True))


@pytest.mark.parametrize("f", [f for f in FILTER_CASES if engine.RANK.can_find(f)][:30],
                         ids=lambda f: repr(f)[:90])
def test_the_rank_path_never_declines_what_it_declares(conn, f):
    page = engine.RANK.find(conn, f)
    assert page is not None
    assert [p["id"] for p in page.items] == _ids(engine.SQL.find(conn, f))


def test_the_rank_path_follows_a_rename_at_once(tmp_path, demo_db_path):
    csv_path = write_csv(300, seed=5, path=tmp_path / "small.csv", store=demo_db_path)
    small = connect(tmp_path / "small.db")
    init_store(small)
    import_file(small, csv_path, source="generated", region=DEFAULT_REGION)
    f = PlaceFilter(bbox=BOXES[0], limit=5)
    before = engine.RANK.find(small, f)
    last = engine.SQL.find(small, f.but(offset=before.total - 1, limit=1)).items[0]
    with small:
        small.execute("UPDATE places SET name = ? WHERE id = ?", ("  AAA first", last["id"]))
    after = engine.RANK.find(small, f)
    assert after.items[0]["id"] == last["id"]
    assert _ids(after) == _ids(engine.SQL.find(small, f))
    small.close()


@pytest.mark.parametrize("f", [f for f in FILTER_CASES if engine.FEATURES.can_encode(f)][:20],
                         ids=lambda f: repr(f)[:90])
def test_shallow_cached_features_are_the_sql_page_too(conn, f):
    expected = engine.SQL.find(conn, f)
    page = engine.page_features(conn, f, "shallow-test",
                                lambda p: f'{p["id"]}|{p["name"]}', shallow=True)
    assert page.total == expected.total
    assert page.features == [f'{p["id"]}|{p["name"]}' for p in expected.items]


@pytest.mark.parametrize("f", [PlaceFilter(bbox=b) for b in BOXES] + [
    PlaceFilter(bbox=BOXES[3], kinds=("farm_shop", "vending_machine")),
    PlaceFilter(bbox=(3.0, 50.2, 5.5, 51.9), products=("eggs", "milk"), open_at=TUESDAY_11H),
], ids=repr)
@pytest.mark.parametrize("zoom", (5, 7, 9, 11))
def test_wide_views_cluster_from_cell_aggregates_as_sql_groups(conn, f, zoom):
    expected = engine.SQL.cluster(conn, f, zoom)
    index = pointindex.point_index(conn)
    answer = engine.CLUSTERS._from_cells(conn, index, f, zoom)
    if expected["total"] <= 150:
        assert answer is None
        return
    assert answer["total"] == expected["total"]
    assert [p["id"] for p in answer["places"]] == [p["id"] for p in expected["places"]]
    assert [(c["count"], c["bbox"]) for c in answer["clusters"]] == \
        [(c["count"], c["bbox"]) for c in expected["clusters"]]
    for a, b in zip(answer["clusters"], expected["clusters"], strict=True):
        assert a["lat"] == pytest.approx(b["lat"], abs=1e-9)


def test_one_aggregate_serves_every_view_of_a_zoom(conn):
    cache = engine.CLUSTERS.cells
    cache._found._found.clear()
    for box in BOXES:
        engine.CLUSTERS.cluster(conn, PlaceFilter(bbox=box), 8)
    assert len(cache._found._found) == 1


def test_views_of_one_filter_share_its_remembered_mask(conn):
    engine.RANK.masks._found._found.clear()
    for box in BOXES:
        f = PlaceFilter(bbox=box, kinds=("farm_shop",), limit=20)
        assert engine.RANK.find(conn, f).items == engine.SQL.find(conn, f).items
    assert len(engine.RANK.masks._found._found) == 1


WIDE_CASES = [f.but(bbox=f.bbox or BOXES[0]) for f in FILTER_CASES
              if engine.RANK.can_find(f.but(bbox=f.bbox or BOXES[0]))]


@pytest.mark.parametrize("f", WIDE_CASES[:40], ids=lambda f: repr(f)[:90])
def test_wide_views_walk_the_rank_order_and_count_on_slices_as_sql_does(conn, f,
                                                                          monkeypatch):
    """With every view treated as wide (a province at 1M places is, here at 4,000), the page
    walked in rank order and the total counted on slices are SQL's, page after page."""
    monkeypatch.setattr(rank, "WIDE_CANDIDATES", 0)
    monkeypatch.setattr(rank, "WALK_COST", 1)
    expected = engine.SQL.find(conn, f)
    page = engine.RANK.find(conn, f)
    assert (page.total, page.items) == (expected.total, expected.items)
    following = engine.RANK.find(conn, f.but(offset=f.offset + f.limit))
    assert following.items == engine.SQL.find(conn, f.but(offset=f.offset + f.limit)).items


def test_the_rank_walk_answers_the_wide_views(conn, monkeypatch):
    monkeypatch.setattr(rank, "WIDE_CANDIDATES", 0)
    monkeypatch.setattr(rank, "WALK_COST", 1)
    walked = [rank._wide_page(pointindex.point_index(conn), f, engine.RANK.masks)
              for f in WIDE_CASES[:40]]
    assert sum(w is not None for w in walked) >= 10  # the rest: visiting the matches is cheaper
