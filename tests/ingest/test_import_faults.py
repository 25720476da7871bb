"""Faults in optional fields are warnings with line and reason; the row and its raw text stay.

A missing name (when none can be derived) or location still rejects, and ``--strict``
keeps all-or-nothing. Real OSM elements, with German free-text values put into their tags.
"""

from __future__ import annotations

import copy
import json

from regional_map.ingest.importer import import_file
from regional_map.settings import DEFAULT_REGION
from tests.ingest.osm_convert import real_elements, write_overpass_json

BASE = [e for e in real_elements(80) if e["tags"].get("name")][:10]


def _perturbed():
    elements = copy.deepcopy(BASE)
    elements[0]["tags"]["opening_hours"] = "nach Vereinbarung"
    elements[1]["tags"]["opening_hours"] = "Selbstbedienung"
    elements[2]["tags"]["organic"] = "limited"
    elements[3]["tags"]["website"] = "siehe Schild am Hof"
    return elements


def _csv(tmp_path):
    path = tmp_path / "hoeves.csv"
    path.write_text(
        "naam;postcode;soort;openingsuren;bio;producten;telefoon;website\n"
        "Hoeve Een;9000;hoevewinkel;op afspraak;beperkt;eieren;09 123 45 67;\n"
        "Hoeve Twee;9000;hoevewinkel;Sa 09:00-12:00;ja;vliegende schotels;12;geen\n"
        ";9000;hoevewinkel;;;;;\n"
        "Hoeve Vier;;hoevewinkel;;;;;\n", encoding="utf-8")
    return path


def test_optional_field_faults_keep_the_row_and_its_raw_text(empty_conn, tmp_path):
    path = write_overpass_json(tmp_path / "x.json", _perturbed())
    report = import_file(empty_conn, path, region=DEFAULT_REGION)
    assert (report.created, report.rejected) == (10, [])
    hours = empty_conn.execute("SELECT opening_hours FROM places WHERE id = ?",
                               (f"osm-node-{BASE[0]['id']}",)).fetchone()[0]
    assert hours == "nach Vereinbarung"
    extra = json.loads(empty_conn.execute("SELECT extra FROM places WHERE id = ?",
                                          (f"osm-node-{BASE[2]['id']}",)).fetchone()[0])
    assert extra["raw"]["organic"] == "limited"
    reasons = " | ".join(w.reason for w in report.warnings)
    for text in ("nach Vereinbarung", "Selbstbedienung", "'limited'", "siehe Schild am Hof"):
        assert text in reasons


def test_a_spreadsheet_keeps_rows_with_faults_and_rejects_rows_without_name_or_place(
        empty_conn, tmp_path):
    report = import_file(empty_conn, _csv(tmp_path), region=DEFAULT_REGION)
    assert report.created == 2
    assert [(r.line, r.reason) for r in report.rejected] == [
        (4, "missing name"), (5, "no coordinates, postcode or town to place it on the map")]
    warned = {(w.line, w.reason.split(" ")[0]) for w in report.warnings}
    assert {(2, "invalid"), (2, "organic:"), (3, "no"), (3, "phone"), (3, "website")} <= warned
    extra = json.loads(empty_conn.execute(
        "SELECT extra FROM places WHERE name = 'Hoeve Twee'").fetchone()[0])
    assert extra["raw"]["products"] == "vliegende schotels"


def test_strict_keeps_all_or_nothing(empty_conn, tmp_path):
    path = write_overpass_json(tmp_path / "x.json", _perturbed())
    report = import_file(empty_conn, path, region=DEFAULT_REGION, strict=True)
    assert report.dry_run and report.rejected
    assert "organic" in " ".join(r.reason for r in report.rejected)
    assert empty_conn.execute("SELECT COUNT(*) FROM places").fetchone()[0] == 0
