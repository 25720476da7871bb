"""DFC import: an OFN-style file imports; export → import into an empty store keeps the places."""

from __future__ import annotations

import json

import pytest

from regional_map.ingest.importer import ImportFailed, import_file
from regional_map.places.rows import get_place
from tests.conftest import FIXTURES
from tests.test_cli import run

OFN_FILE = FIXTURES / "dfc" / "ofn_enterprises.jsonld"


def _places(conn):
    return {r["source_ref"]: get_place(conn, r["id"])
            for r in conn.execute("SELECT id, source_ref FROM places")}


def test_export_then_import_into_an_empty_store_gives_the_same_places(client, demo_conn,
                                                                      empty_conn, tmp_path):
    response = client.get("/api/dfc/enterprises?kind=farm_shop,vending_machine,beekeeper"
                          "&limit=300&sort=name")
    path = tmp_path / "export.jsonld"
    path.write_text(response.get_data(as_text=True), encoding="utf-8")
    exported = response.get_json()["@graph"][0]["rm:numberReturned"]
    assert exported == 300

    report = import_file(empty_conn, path, source="roundtrip")
    assert report.created == 300, [r.__dict__ for r in report.rejected[:5]]
    imported = _places(empty_conn)
    for source_ref, copy in imported.items():
        original = get_place(demo_conn, source_ref)
        assert copy["name"] == original["name"]
        assert (copy["lat"], copy["lon"]) == (original["lat"], original["lon"])
        assert copy["kind"] == original["kind"]
        assert copy["products"] == original["products"], copy["name"]
        assert copy["opening_hours"] == original["opening_hours"]
    # The demo's first 300 such places by name: a good share state products, and every one
    # of those keeps them (checked place by place above).
    assert sum(1 for p in imported.values() if p["products"]) > 30


def test_a_file_written_after_ofns_published_example_imports(empty_conn):
    report = import_file(empty_conn, OFN_FILE, source="ofn", default_kind="producer")
    assert (report.read, report.created, report.rejected) == (2, 2, [])
    assert "enterprise group" in report.warnings[0].reason
    places = _places(empty_conn)
    farm = places["10000"]
    assert farm["name"] == "Hoeve De Kromme Akker"
    assert (farm["street"], farm["housenumber"], farm["postcode"]) == ("Kerkstraat", "12", "9000")
    assert (farm["lat"], farm["lon"], farm["geocode_precision"]) == (51.0543, 3.7174, "source")
    # dfc-pt:apple by the taxonomy; an unknown DFC type by its name ("Prei"); no type at all
    # by the product's name in Dutch ("Scharreleieren").
    assert farm["products"] == ["apples", "eggs", "leek"]
    assert farm["website"] == "https://hoeve.example.test"
    dairy = places["10001"]
    assert dairy["products"] == ["milk"]
    assert dairy["geocode_precision"] == "postcode" and dairy["city"] == "Leuven"
    assert farm["country"] == dairy["country"] == "BE"  # a name, and an EU authority IRI


def test_dfc_import_has_the_report_dry_run_and_reimport_semantics(empty_conn):
    without_kind = import_file(empty_conn, OFN_FILE, source="ofn")
    assert [r.line for r in without_kind.rejected] == [1, 2]
    assert "no kind given" in without_kind.rejected[0].reason
    dry = import_file(empty_conn, OFN_FILE, source="ofn2", default_kind="producer", dry_run=True)
    assert dry.created == 2 and dry.dry_run
    assert empty_conn.execute("SELECT COUNT(*) FROM places").fetchone()[0] == 0
    import_file(empty_conn, OFN_FILE, source="ofn", default_kind="producer")
    again = import_file(empty_conn, OFN_FILE, source="ofn", default_kind="producer")
    assert (again.created, again.unchanged) == (0, 2)


def test_a_remote_context_that_is_not_shipped_is_refused_without_fetching(empty_conn, tmp_path):
    path = tmp_path / "other.jsonld"
    path.write_text(json.dumps({"@context": "https://example.invalid/ctx.jsonld",
                                "@type": "Thing", "name": "x"}), encoding="utf-8")
    with pytest.raises(ImportFailed, match="not shipped"):
        import_file(empty_conn, path)
    broken = tmp_path / "broken.jsonld"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(ImportFailed, match="not valid JSON-LD"):
        import_file(empty_conn, broken)


def test_the_import_command_reads_jsonld(empty_db_path):
    result = run(["import", str(OFN_FILE), "--source", "ofn", "--kind", "farm_shop", "--json"],
                 empty_db_path)
    report = json.loads(result.stdout)
    assert report["format"] == "dfc" and report["created"] == 2
