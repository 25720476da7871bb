"""OSM both ways: place pages link to their OSM element and editor (or a new note), and
``osm-diff`` lists places edited here after the OSM import."""

from __future__ import annotations

import csv
import io
import json
import re

from regional_map.db.connection import connect
from regional_map.exchange.osm_diff import find_differences
from regional_map.exchange.osm_links import osm_element, osm_links
from regional_map.ingest.importer import import_file
from regional_map.places.audit import apply_place_edit
from regional_map.provision import demo_osm_file, load_demo
from regional_map.web.app import create_app
from tests.test_cli import run


def _links(html: str) -> dict[str, str]:
    return dict(re.findall(r'<a class="(osm-[a-z]+)" href="([^"]+)"', html))


def test_a_place_from_osm_links_to_its_element_and_the_editor(client):
    html = client.get("/places/osm-node-10031660117").get_data(as_text=True)
    assert _links(html) == {
        "osm-element": "https://www.openstreetmap.org/node/10031660117",
        "osm-edit": "https://www.openstreetmap.org/edit?node=10031660117"}


def test_ways_and_relations_link_to_their_own_element_type(demo_conn):
    row = demo_conn.execute("SELECT id, source_ref FROM places WHERE source_ref LIKE 'way/%'"
                            " LIMIT 1").fetchone()
    assert row is not None
    number = row["source_ref"].split("/")[1]
    links = osm_links({"id": row["id"], "source_ref": row["source_ref"], "lat": 0, "lon": 0})
    assert links["element"] == f"https://www.openstreetmap.org/way/{number}"
    assert links["edit"] == f"https://www.openstreetmap.org/edit?way={number}"
    assert osm_element({"id": "osm-relation-42", "source_ref": None}) == ("relation", 42)


def test_a_place_without_an_osm_id_links_to_a_note_at_its_location(client, demo_conn):
    row = demo_conn.execute("SELECT id, lat, lon FROM places WHERE source_id LIKE 'seed-%'"
                            " LIMIT 1").fetchone()
    html = client.get(f"/places/{row['id']}").get_data(as_text=True)
    assert _links(html) == {"osm-note": "https://www.openstreetmap.org/note/new#map=19/"
                                        f"{row['lat']:.6f}/{row['lon']:.6f}"}


def _edited_store(tmp_path):
    path = tmp_path / "edited.db"
    conn = connect(path)
    load_demo(conn)
    apply_place_edit(conn, "osm-node-10031660117",
                     {"name": "Stadsboerderij Osdorp (winkel)", "phone": "020 123 4567"},
                     None, actor="user:mod", reason="called the farm")
    return path, conn


def test_osm_diff_lists_a_place_edited_locally_after_the_import(tmp_path):
    path, conn = _edited_store(tmp_path)
    conn.close()
    result = run(["osm-diff"], path)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {(r["place_id"], r["field"]) for r in rows} == {
        ("osm-node-10031660117", "name"), ("osm-node-10031660117", "phone")}
    name = next(r for r in rows if r["field"] == "name")
    assert (name["local_value"], name["osm_value"]) == ("Stadsboerderij Osdorp (winkel)",
                                                        "Stadsboerderij Osdorp")
    assert name["changed_by"] == "user:mod" and name["osm_type"] == "node"
    assert name["edit_url"] == "https://www.openstreetmap.org/edit?node=10031660117"

    challenge = json.loads(run(["osm-diff", "--format", "geojson"], path).stdout)
    [task] = challenge["features"]
    assert task["id"] == "node/10031660117" and task["geometry"]["type"] == "Point"
    assert "Stadsboerderij Osdorp (winkel)" in task["properties"]["task_instructions"]


def test_a_reimport_of_osm_keeps_the_local_edit_and_still_lists_it(tmp_path):
    path, conn = _edited_store(tmp_path)
    before = find_differences(conn)
    report = import_file(conn, demo_osm_file(), source="osm")  # a sync: the local edit wins
    assert report.created == 0
    after = find_differences(conn)
    assert [d.place["id"] for d in after] == [d.place["id"] for d in before] != []
    assert [f.field for f in after[0].differences] == [f.field for f in before[0].differences]
    conn.close()


def test_the_api_serves_the_differences_as_geojson_and_csv(tmp_path):
    path, conn = _edited_store(tmp_path)
    conn.close()
    app = create_app({"DB": str(path), "HIDE_AFTER_MONTHS": 0})
    client = app.test_client()
    response = client.get("/api/osm/differences")
    assert response.mimetype == "application/geo+json"
    [task] = response.get_json()["features"]
    assert task["properties"]["regional_map_url"].endswith("/places/osm-node-10031660117")
    text = client.get("/api/osm/differences?format=csv").get_data(as_text=True)
    assert text.splitlines()[0].startswith("place_id,name,osm_type")
    assert client.get("/api/osm/differences?format=pdf").status_code == 400
