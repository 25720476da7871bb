"""``regional-map network-area``, run as a user runs it (the console module in a subprocess),
on a copy of the demo store."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def run(args, db, *, check=True):
    result = subprocess.run([sys.executable, "-m", "regional_map", *args], capture_output=True,
                            text=True, env={**os.environ, "REGIONAL_MAP_DB": str(db)},
                            cwd=PROJECT, timeout=120)
    if check and result.returncode != 0:
        raise AssertionError(f"exit {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


def test_network_area_by_name_polygon_radius_and_members(demo_db_path, tmp_path):
    db = tmp_path / "demo.db"
    shutil.copy(demo_db_path, db)
    # Voedselteams states no area in the seed documents: set one as its own data would.
    props = json.loads(run(["network-area", "voedselteams", "--municipality", "Gent",
                            "--municipality", "44083", "--note", "test"], db).stdout)
    assert props["method"] == "municipalities" and props["municipalities"] == ["44021", "44083"]
    polygon = tmp_path / "area.geojson"
    polygon.write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [
            [[3.6, 51.0], [3.8, 51.0], [3.8, 51.1], [3.6, 51.1], [3.6, 51.0]]]}}]}))
    assert json.loads(run(["network-area", "vanier", "--polygon", str(polygon)],
                          db).stdout)["method"] == "polygon"
    radius = json.loads(run(["network-area", "boerenhart", "--center", "51.69,5.30",
                             "--radius-km", "20"], db).stdout)
    assert radius["method"] == "radius"
    shown = json.loads(run(["network-area", "paysans-artisans", "--members", "--show"],
                           db).stdout)
    assert shown["type"] == "Feature" and shown["properties"]["method"] == "municipalities"
    members = json.loads(run(["network-area", "paysans-artisans", "--members"], db).stdout)
    assert members["method"] == "members" and members["approximate"] is True


def test_network_area_refuses_bad_input_with_a_clear_message(demo_db_path, tmp_path):
    db = tmp_path / "demo.db"
    shutil.copy(demo_db_path, db)
    unknown = run(["network-area", "nobody", "--municipality", "Gent"], db, check=False)
    assert unknown.returncode == 2 and "no network with id 'nobody'" in unknown.stderr
    town = run(["network-area", "kortom", "--municipality", "Atlantis"], db, check=False)
    assert town.returncode == 2 and "Atlantis" in town.stderr
    nothing = run(["network-area", "kortom"], db, check=False)
    assert nothing.returncode == 1 and "an area needs one of" in nothing.stderr
    radius = run(["network-area", "kortom", "--center", "50.9,4.7"], db, check=False)
    assert radius.returncode == 1 and "radius_km" in radius.stderr
    # Nothing was changed by the refused commands.
    assert json.loads(run(["network-area", "kortom", "--show"], db).stdout)[
        "properties"]["municipalities"] == ["24062"]
