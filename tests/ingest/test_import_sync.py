"""Re-importing a source is a sync: update in place, insert new, retire gone, keep local edits.

The elements are real (the shipped OSM sample), written as Overpass JSON by the test.
"""

from __future__ import annotations

import copy

from regional_map.db.connection import transaction
from regional_map.ingest.importer import import_file
from regional_map.places import audit
from regional_map.places.engine import find_places
from regional_map.places.filters import PlaceFilter
from regional_map.places.rows import get_place
from regional_map.places.store import set_place_fields
from regional_map.settings import DEFAULT_REGION
from tests.ingest.osm_convert import real_elements, write_overpass_json

BASE = real_elements(120)


def _import(conn, tmp_path, elements, **options):
    path = write_overpass_json(tmp_path / "region.json", elements)
    return import_file(conn, path, region=DEFAULT_REGION, **options)


def _named(elements):
    return [e for e in elements if e["tags"].get("name")]


def test_running_the_same_import_twice_changes_nothing_and_says_so(empty_conn, tmp_path):
    first = _import(empty_conn, tmp_path, BASE)
    changes_before = empty_conn.execute("SELECT COUNT(*) FROM changes").fetchone()[0]
    again = _import(empty_conn, tmp_path, BASE)
    assert first.created == 120
    assert (again.created, again.updated, again.unchanged, len(again.left_source)) == \
        (0, 0, 120, 0)
    assert "0 new, 0 updated" in again.summary()
    # Only the import entry itself is logged, no place change.
    assert empty_conn.execute("SELECT COUNT(*) FROM changes").fetchone()[0] == \
        changes_before + 1


def test_a_changed_element_is_updated_in_place_and_a_new_one_inserted(empty_conn, tmp_path):
    _import(empty_conn, tmp_path, BASE)
    changed = copy.deepcopy(BASE)
    target = _named(changed)[0]
    target["tags"]["opening_hours"] = "Sa 09:00-12:00"
    new = {"type": "node", "id": 99_000_000_001, "lon": 4.40, "lat": 51.20,
           "tags": {"shop": "farm", "name": "Nieuwe Hoeve"}}
    report = _import(empty_conn, tmp_path, [*changed, new])
    assert (report.created, report.updated, report.unchanged) == (1, 1, 119)
    assert empty_conn.execute("SELECT COUNT(*) FROM places").fetchone()[0] == 121
    place = get_place(empty_conn, f"osm-node-{target['id']}")
    assert place["opening_hours"] == "Sa 09:00-12:00"


def test_an_element_gone_from_the_source_leaves_the_map_but_stays_in_history(empty_conn,
                                                                            tmp_path):
    _import(empty_conn, tmp_path, BASE)
    gone = _named(BASE)[3]
    report = _import(empty_conn, tmp_path, [e for e in BASE if e is not gone])
    place_id = f"osm-node-{gone['id']}"
    assert [g["id"] for g in report.left_source] == [place_id]
    assert "1 left the source" in report.summary()
    place = get_place(empty_conn, place_id)
    assert place is not None and place["status"] == "closed"  # kept, off the default map
    assert place_id not in {p["id"] for p in find_places(
        empty_conn, PlaceFilter(q=gone["tags"]["name"])).items}
    history = audit.history(empty_conn, "place", place_id)
    assert history[0]["after"] == {"status": "closed"}
    # It comes back, as it was, when the source has it again.
    back = _import(empty_conn, tmp_path, BASE)
    assert back.returned == 1 and get_place(empty_conn, place_id)["status"] == "active"


def test_a_field_edited_here_is_kept_and_the_conflict_reported(empty_conn, tmp_path):
    _import(empty_conn, tmp_path, BASE)
    target = _named(BASE)[1]
    place_id = f"osm-node-{target['id']}"
    with transaction(empty_conn):
        set_place_fields(empty_conn, place_id, {"name": "Naam door moderator",
                                                "phone": "+32 9 000 00 00"})
    changed = copy.deepcopy(BASE)
    tags = next(e for e in changed if e["id"] == target["id"])["tags"]
    tags["name"] = "Naam volgens OSM"      # the source changed the edited field: conflict
    tags["website"] = "https://new.example"  # a field nobody edited here: updated
    report = _import(empty_conn, tmp_path, changed)
    place = get_place(empty_conn, place_id)
    assert place["name"] == "Naam door moderator"
    assert place["phone"] == "+32 9 000 00 00"  # edited here, unchanged upstream: kept
    assert place["website"] == "https://new.example"
    assert [(c["id"], c["field"], c["kept"], c["source"]) for c in report.conflicts] == \
        [(place_id, "name", "Naam door moderator", "Naam volgens OSM")]
    # The next run keeps the local edit and reports nothing new.
    assert _import(empty_conn, tmp_path, changed).conflicts == []
    assert get_place(empty_conn, place_id)["name"] == "Naam door moderator"


def test_an_import_of_one_area_retires_only_places_inside_it(empty_conn, tmp_path):
    _import(empty_conn, tmp_path, BASE)
    bbox = (3.0, 50.0, 5.0, 51.5)
    inside = [e for e in BASE if bbox[0] <= e["lon"] <= bbox[2] and bbox[1] <= e["lat"] <= bbox[3]]
    report = _import(empty_conn, tmp_path, inside[1:], bbox=bbox)
    assert [g["id"] for g in report.left_source] == [f"osm-node-{inside[0]['id']}"]


def test_a_dry_run_counts_the_sync_exactly_and_writes_nothing(empty_conn, tmp_path):
    _import(empty_conn, tmp_path, BASE)
    report = _import(empty_conn, tmp_path, BASE[1:], dry_run=True)
    assert len(report.left_source) == 1 and report.dry_run
    assert empty_conn.execute(
        "SELECT COUNT(*) FROM places WHERE status = 'closed'").fetchone()[0] == \
        sum(1 for e in BASE if e["tags"].get("disused:shop") or e["tags"].get("disused:amenity"))
