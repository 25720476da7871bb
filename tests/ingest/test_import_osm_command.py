"""``import-osm``: the short-chain filter, areas, link proposals, and a progress bar only on a
terminal. Run as the console script, on a PBF written by pyosmium in the test."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

from regional_map.db.connection import connect
from regional_map.ingest.osm_filter import SHORTCHAIN_RULES, is_shortchain
from regional_map.networks.seeds import load_seeds
from regional_map.provision import init_store
from regional_map.resources import resource_dir
from tests.ingest.osm_convert import real_elements, write_pbf

PROJECT = Path(__file__).resolve().parents[2]
QUERY = resource_dir("data") / "osm" / "overpass_shortchain.overpassql"

MIXED = [
    {"type": "node", "id": 1, "lon": 3.72, "lat": 51.05,
     "tags": {"shop": "farm", "name": "Hoeve Boerenhart Gent", "brand": "Boerenhart"}},
    {"type": "node", "id": 2, "lon": 4.87, "lat": 50.47,
     "tags": {"amenity": "vending_machine", "vending": "eggs;milk",
              "operator": "Paysans-Artisans"}},
    {"type": "node", "id": 3, "lon": 3.73, "lat": 51.06,
     "tags": {"amenity": "vending_machine", "vending": "cigarettes"}},
    {"type": "node", "id": 4, "lon": 3.74, "lat": 51.04,
     "tags": {"shop": "greengrocer", "name": "Fruit Ali"}},
    {"type": "node", "id": 5, "lon": 3.71, "lat": 51.03,
     "tags": {"shop": "greengrocer", "name": "Groenten Van Hier", "organic": "yes"}},
    {"type": "way", "id": 6, "lon": 3.70, "lat": 51.05,
     "tags": {"amenity": "parking", "name": "Parking"}},
    {"type": "way", "id": 7, "lon": 5.33, "lat": 50.93, "tags": {"craft": "beekeeper"}},
]


def run(args, db, check=True):
    env = {**os.environ, "REGIONAL_MAP_DB": str(db)}
    result = subprocess.run([sys.executable, "-m", "regional_map", *args], capture_output=True,
                            text=True, env=env, cwd=PROJECT, timeout=300)
    if check and result.returncode != 0:
        raise AssertionError(f"exit {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


def _seeded_store(tmp_path) -> Path:
    db = tmp_path / "rm.db"
    conn = connect(db)
    init_store(conn)
    load_seeds(conn)
    conn.close()
    return db


def test_import_osm_keeps_only_short_chain_elements(tmp_path):
    db = _seeded_store(tmp_path)
    pbf = write_pbf(tmp_path / "gent.osm.pbf", MIXED)
    report = json.loads(run(["import-osm", str(pbf), "--json"], db).stdout)
    assert (report["created"], report["skipped"]) == (4, 3)
    conn = connect(db)
    kinds = dict(conn.execute("SELECT id, kind FROM places WHERE source_id = 'osm'"
                              ).fetchall())
    conn.close()
    assert kinds == {"osm-node-1": "farm_shop", "osm-node-2": "vending_machine",
                     "osm-node-5": "retail_shop", "osm-way-7": "beekeeper"}


def test_import_osm_of_one_area_leaves_the_rest_out(tmp_path):
    db = _seeded_store(tmp_path)
    pbf = write_pbf(tmp_path / "all.osm.pbf", MIXED)
    report = json.loads(run(["import-osm", str(pbf), "--area", "Gent", "--json"], db).stdout)
    assert report["created"] == 2  # the farm shop and the organic greengrocer in Gent
    bad = run(["import-osm", str(pbf), "--area", "Atlantis"], db, check=False)
    assert bad.returncode == 2 and "no municipality named 'Atlantis'" in bad.stderr


def test_brand_and_operator_propose_network_links_that_a_curator_accepts(tmp_path):
    db = _seeded_store(tmp_path)
    run(["import-osm", str(write_pbf(tmp_path / "x.osm.pbf", MIXED))], db)
    proposals = json.loads(run(["link-proposals", "--json"], db).stdout)
    assert {(p["place_id"], p["network_id"]) for p in proposals} == {
        ("osm-node-1", "boerenhart"), ("osm-node-2", "paysans-artisans")}
    first = next(p for p in proposals if p["network_id"] == "boerenhart")
    assert "brand 'Boerenhart'" in first["reason"]
    run(["accept-link", str(first["id"])], db)
    conn = connect(db)
    link = conn.execute("SELECT * FROM links WHERE from_id = 'osm-node-1' AND "
                        "to_id = 'boerenhart' AND type = 'member_of'").fetchone()
    logged = conn.execute("SELECT COUNT(*) FROM changes WHERE action = 'link' AND "
                          "entity_id = 'osm-node-1'").fetchone()[0]
    conn.close()
    assert link is not None and logged == 1
    assert len(json.loads(run(["link-proposals", "--json"], db).stdout)) == 1
    again = run(["accept-link", str(first["id"])], db, check=False)
    assert again.returncode == 1 and "already accepted" in again.stderr


def test_the_shipped_overpass_query_asks_for_every_tag_the_filter_keeps():
    query = QUERY.read_text(encoding="utf-8")
    for rule in SHORTCHAIN_RULES:
        for value in rule.values:
            assert f'"{rule.key}"="{value}"' in query or (
                f'"{rule.key}"~' in query and value in query), (rule.key, value)


def test_the_filter_keeps_the_real_sample_except_snack_and_drink_machines():
    elements = real_elements()
    dropped = [e["tags"] for e in elements if not is_shortchain(e["tags"])]
    assert len(dropped) < 0.15 * len(elements)
    assert all(t.get("amenity") == "vending_machine" or t.get("shop") not in ("farm",)
               for t in dropped)


def test_progress_shows_rows_per_second_on_a_terminal_and_nothing_in_a_pipe(tmp_path):
    db = _seeded_store(tmp_path)
    pbf = write_pbf(tmp_path / "real.osm.pbf", real_elements(600))
    piped = run(["import", str(pbf)], db)
    assert "rows/s" not in piped.stderr and "Importing" not in piped.stderr
    leader, follower = pty.openpty()
    # A terminal of 24 × 120 characters (a fresh pty has none, and tqdm draws nothing).
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
    env = {**os.environ, "REGIONAL_MAP_DB": str(db), "COLUMNS": "120"}
    process = subprocess.run([sys.executable, "-m", "regional_map", "import", str(pbf),
                              "--source", "again"], stdout=subprocess.DEVNULL,
                             stderr=follower, env=env, cwd=PROJECT, timeout=300)
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    os.close(leader)
    assert process.returncode in (0, 1)
    text = output.decode("utf-8", errors="replace")
    assert "Importing real.osm.pbf" in text and "rows/s" in text


def test_a_place_named_like_a_network_member_gets_a_proposal(tmp_path):
    from regional_map.ingest.importer import import_file
    from regional_map.ingest.linking import list_proposals

    db = _seeded_store(tmp_path)
    conn = connect(db)
    member = conn.execute(
        "SELECT p.name, l.to_id FROM links l JOIN places p ON p.id = l.from_id "
        "WHERE l.type = 'member_of' AND l.to_kind = 'network' ORDER BY p.id LIMIT 1").fetchone()
    path = write_pbf(tmp_path / "m.osm.pbf", [
        {"type": "node", "id": 11, "lon": 4.0, "lat": 51.0,
         "tags": {"shop": "farm", "name": member["name"]}}])
    import_file(conn, path, region=None)
    proposals = list_proposals(conn)
    conn.close()
    assert [(p["place_id"], p["network_id"]) for p in proposals] == [
        ("osm-node-11", member["to_id"])]
    assert proposals[0]["reason"].startswith("name of a member")
