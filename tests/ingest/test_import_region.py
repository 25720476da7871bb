"""Any region: 20k real places moved into Germany import onto the map, which opens on them.

The 20,436 elements are the shipped real sample, jittered twelve times and shifted 5° east
and 1° south (into Germany, outside the default BE/NL region), with tags as German mappers
write them (``Milch;Eier``, ``nach Vereinbarung``, ``organic=limited``, unnamed machines),
written as an overpass turbo export and imported with the console script, as a user would.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from regional_map.db.connection import connect
from regional_map.web.app import create_app
from tests.ingest.osm_convert import (
    germanised,
    real_elements,
    shifted,
    write_overpass_turbo_geojson,
)

PROJECT = Path(__file__).resolve().parents[2]


def run(args, db, check=True):
    env = {k: v for k, v in os.environ.items() if k != "REGIONAL_MAP_REGION"}
    env["REGIONAL_MAP_DB"] = str(db)
    result = subprocess.run([sys.executable, "-m", "regional_map", *args], capture_output=True,
                            text=True, env=env, cwd=PROJECT, timeout=600)
    if check and result.returncode != 0:
        raise AssertionError(f"exit {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture(scope="module")
def german_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("germany")
    elements = germanised(shifted(real_elements(), 5.0, -1.0, copies=12))
    path = write_overpass_turbo_geojson(folder / "export.geojson", elements)
    db = folder / "de.db"
    result = run(["import", str(path)], db)
    return {"db": db, "path": path, "elements": elements, "result": result}


def test_an_overpass_turbo_export_of_20k_places_elsewhere_lands_on_the_map(german_store):
    elements, result = german_store["elements"], german_store["result"]
    assert len(elements) >= 20_000
    assert "The store's region is now" in result.stdout  # set from the data, and said so
    app = create_app({"DB": str(german_store["db"])})
    client = app.test_client()
    on_map = client.get("/api/places?limit=1&stale=include").get_json()["numberMatched"]
    assert on_map / len(elements) >= 0.97, (on_map, len(elements))
    # The default map also hides places whose OSM check_date is over 24 months old
    # (REGIONAL_MAP_HIDE_AFTER_MONTHS): 3.5 % of these real elements were last surveyed
    # before December 2024.
    fresh = client.get("/api/places?limit=1").get_json()["numberMatched"]
    assert fresh / len(elements) >= 0.95, (fresh, len(elements))
    kinds = {k: client.get(f"/api/places?limit=1&kind={k}").get_json()["numberMatched"]
             for k in ("vending_machine", "farmers_market", "beekeeper")}
    assert kinds["vending_machine"] > 4000 and kinds["farmers_market"] > 3000
    assert kinds["beekeeper"] > 500
    # German product words found the vocabulary: milk machines are milk machines.
    milk = client.get("/api/places?limit=1&kind=vending_machine&product=milk").get_json()
    assert milk["numberMatched"] > 500


def test_the_map_opens_on_the_data_extent_not_the_default_region(german_store):
    app = create_app({"DB": str(german_store["db"])})
    page = app.test_client().get("/").get_data(as_text=True)
    region = page.split('data-region="')[1].split('"')[0]
    minlon, minlat, maxlon, maxlat = (float(v) for v in region.split(","))
    assert 7.0 < minlon < 9.0 and 12.0 < maxlon < 13.5 and 47.5 < minlat < 48.5


def test_a_second_import_reports_rows_outside_the_region(german_store, tmp_path):
    outside = real_elements(30)  # the real Belgian and Dutch places, west of the new region
    path = write_overpass_turbo_geojson(tmp_path / "be.geojson", outside)
    result = run(["import", str(path), "--source", "osm-be"], german_store["db"], check=False)
    assert result.returncode == 1
    assert "30 rows lie outside the region" in result.stdout
    assert "outside the configured region" in result.stderr
    conn = connect(german_store["db"])
    try:
        assert conn.execute("SELECT COUNT(*) FROM places WHERE source_id = 'osm-be'"
                            ).fetchone()[0] == 0
    finally:
        conn.close()


def test_reimporting_the_20k_export_changes_nothing(german_store):
    result = run(["import", str(german_store["path"])], german_store["db"])
    assert "(0 new, 0 updated, " in result.stdout and "0 left the source" in result.stdout
