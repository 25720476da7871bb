"""The SQLite store: schema migrations, upserts, search and spatial indexes."""

from __future__ import annotations

from regional_map.db import migrations as schema
from regional_map.db.connection import connect, transaction
from regional_map.places.engine import find_places
from regional_map.places.filters import PlaceFilter
from regional_map.places.rows import get_place
from regional_map.places.store import upsert_place, upsert_source
from regional_map.provision import init_store


def _place(**overrides):
    record = dict(name="Boerderij De Hoeve", kind="farm_shop", lat=51.05, lon=3.72,
                  geocode_precision="source", source_id="test", source_ref="1",
                  city="Gent", postcode="9000", opening_hours="Sa 08:00-12:00")
    record.update(overrides)
    return record


def _add(conn, products=(), **overrides):
    with transaction(conn):
        upsert_source(conn, "test", name="Test data", licence="CC0")
        return upsert_place(conn, _place(**overrides), products)


def test_init_is_idempotent_and_keeps_places(empty_db_path):
    conn = connect(empty_db_path)
    _add(conn)
    assert schema.version(conn) == schema.LATEST_VERSION
    result = init_store(conn)
    assert result["migrations_applied"] == 0
    assert conn.execute("SELECT COUNT(*) FROM places").fetchone()[0] == 1
    conn.close()


def test_a_version_1_database_is_upgraded_not_replaced(tmp_path):
    conn = connect(tmp_path / "old.db")
    schema.migrate(conn, target=1)
    assert schema.version(conn) == 1
    # A place written by the version-1 program, before search indexes existed.
    conn.execute("INSERT INTO sources (id, name) VALUES ('old', 'Old data')")
    conn.execute(
        "INSERT INTO places (id, name, kind, lat, lon, geocode_precision, source_id, "
        "created_at, updated_at) VALUES ('old-1', 'Zuivelhoeve Ter Beek', 'farm_shop', "
        "50.88, 4.70, 'source', 'old', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z')"
    )
    # The upgrade as `init-db` runs it: the schema steps, then the search index of the places
    # that predate it.
    assert init_store(conn)["migrations_applied"] == schema.LATEST_VERSION - 1
    page = find_places(conn, PlaceFilter(q="zuivelhoeve"))
    assert [p["id"] for p in page.items] == ["old-1"]
    page = find_places(conn, PlaceFilter(bbox=(4.6, 50.8, 4.8, 50.9)))
    assert page.total == 1
    conn.close()


def test_search_finds_capitalised_names_from_lower_case_and_ignores_accents(empty_conn):
    _add(empty_conn, name="Boerderij Het Fruithof", source_ref="a")
    _add(empty_conn, name="Ferme de la Vallée", source_ref="b", lat=50.5, lon=4.9)
    assert [p["name"] for p in find_places(empty_conn, PlaceFilter(q="boerderij")).items] == [
        "Boerderij Het Fruithof"]
    assert [p["name"] for p in find_places(empty_conn, PlaceFilter(q="VALLEE")).items] == [
        "Ferme de la Vallée"]
    assert find_places(empty_conn, PlaceFilter(q="fruit")).total == 1  # prefix match


def test_search_by_product_name_in_any_language(empty_conn):
    _add(empty_conn, products=["eggs"], name="Hoeve Kip", source_ref="eggs")
    _add(empty_conn, products=["leek"], name="Groentehof", source_ref="leek", lat=51.0)
    for word in ("eieren", "œufs", "eggs"):
        assert [p["name"] for p in find_places(empty_conn, PlaceFilter(q=word)).items] == [
            "Hoeve Kip"], word
    for word in ("prei", "poireau", "leek"):
        assert [p["name"] for p in find_places(empty_conn, PlaceFilter(q=word)).items] == [
            "Groentehof"], word


def test_search_by_town(empty_conn):
    _add(empty_conn, city="Gent", postcode="9000")
    assert find_places(empty_conn, PlaceFilter(q="gent")).total == 1
    assert find_places(empty_conn, PlaceFilter(q="leuven")).total == 0


def test_reimporting_the_same_source_row_updates_instead_of_duplicating(empty_conn):
    outcome, num = _add(empty_conn)
    assert outcome == "created"
    assert _add(empty_conn) == ("unchanged", num)
    outcome, again = _add(empty_conn, name="Boerderij De Nieuwe Hoeve")
    assert (outcome, again) == ("updated", num)
    assert empty_conn.execute("SELECT COUNT(*) FROM places").fetchone()[0] == 1
    assert find_places(empty_conn, PlaceFilter(q="nieuwe")).total == 1
    assert find_places(empty_conn, PlaceFilter(q="de hoeve")).total == 1


def test_a_manual_pin_is_not_overwritten_by_a_coarser_import(empty_conn):
    _, num = _add(empty_conn)
    empty_conn.execute(
        "UPDATE places SET lat = 51.1, lon = 3.8, geocode_precision = 'manual' WHERE num = ?",
        (num,))
    _add(empty_conn, lat=51.0, lon=3.7, geocode_precision="postcode", name="Renamed")
    place = get_place(empty_conn, "test-1")
    assert (place["lat"], place["lon"], place["geocode_precision"]) == (51.1, 3.8, "manual")
    assert place["name"] == "Renamed"


def test_moving_a_place_moves_it_in_the_spatial_index(empty_conn):
    _add(empty_conn)
    _add(empty_conn, lat=50.85, lon=4.35, name="Moved")
    assert find_places(empty_conn, PlaceFilter(bbox=(3.6, 51.0, 3.8, 51.1))).total == 0
    assert find_places(empty_conn, PlaceFilter(bbox=(4.3, 50.8, 4.4, 50.9))).total == 1


def test_a_failed_transaction_leaves_the_store_as_it_was(empty_conn):
    _add(empty_conn)
    try:
        with transaction(empty_conn):
            upsert_place(empty_conn, _place(source_ref="2", name="Half written"))
            raise RuntimeError("crash mid-import")
    except RuntimeError:
        pass
    assert empty_conn.execute("SELECT COUNT(*) FROM places").fetchone()[0] == 1
    assert find_places(empty_conn, PlaceFilter(q="half")).total == 0


def test_wal_mode_is_on(empty_conn):
    assert empty_conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
