"""The command line, run as a user runs it: the console script in a subprocess."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from regional_map.cli import COMMANDS
from tests.conftest import FIXTURES

PROJECT = Path(__file__).resolve().parent.parent


def run(args, db, *, check=True, env_extra=None, cwd=None):
    env = {**os.environ, "REGIONAL_MAP_DB": str(db), **(env_extra or {})}
    result = subprocess.run(
        [sys.executable, "-m", "regional_map", *args], capture_output=True, text=True,
        env=env, cwd=cwd or PROJECT, timeout=120,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"exit {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


@pytest.mark.parametrize("command", [c.name for c in COMMANDS])
def test_every_command_has_help(command, tmp_path):
    result = run([command, "--help"], tmp_path / "x.db")
    assert "Usage:" in result.stdout and len(result.stdout.splitlines()) > 3


def test_init_db_is_idempotent(tmp_path):
    db = tmp_path / "rm.db"
    from regional_map.db.migrations import LATEST_VERSION

    first = run(["init-db"], db)
    assert f"{LATEST_VERSION} migrations applied" in first.stdout
    second = run(["init-db"], db)
    assert "0 migrations applied" in second.stdout


def test_import_reports_rejected_rows_and_exits_1(tmp_path):
    db = tmp_path / "rm.db"
    run(["init-db"], db)
    result = run(["import", str(FIXTURES / "boerderijen_nl_latin1.csv"), "--source", "boeren",
                  "--licence", "CC BY 4.0"], db, check=False)
    assert result.returncode == 1
    assert "line 6: rejected: missing name" in result.stderr
    assert "line 7: rejected: unknown postcode 0123" in result.stderr
    assert "line 8: warning: invalid opening hours" in result.stderr  # kept, with a warning
    assert "6 new" in result.stdout and "2 rejected" in result.stdout
    stats = json.loads(run(["stats", "--json"], db).stdout)
    assert stats["places"] == 6 and stats["by_precision"] == {"postcode": 6}


def test_import_dry_run_as_json(tmp_path):
    db = tmp_path / "rm.db"
    result = run(["import", str(FIXTURES / "boerderijen_nl_latin1.csv"), "--dry-run", "--json"],
                 db, check=False)
    report = json.loads(result.stdout)
    assert report["dry_run"] and report["created"] == 6
    assert [r["line"] for r in report["rejected"]] == [6, 7]
    assert json.loads(run(["stats", "--json"], db).stdout)["places"] == 0


def test_import_of_a_missing_or_unreadable_file_fails_clearly(tmp_path):
    db = tmp_path / "rm.db"
    bad = tmp_path / "bad.geojson"
    bad.write_text("{not json")
    result = run(["import", str(bad)], db, check=False)
    assert result.returncode == 1 and "not valid GeoJSON" in result.stderr
    result = run(["import", str(tmp_path / "nope.csv")], db, check=False)
    assert result.returncode == 2


def test_export_geojson_and_csv_of_a_selection(tmp_path, demo_db_path):
    out = tmp_path / "markets.geojson"
    run(["export", "--kind", "farmers_market", "--bbox", "4,50.5,5.5,51.5", "-o", str(out)],
        demo_db_path)
    body = json.loads(out.read_text())
    assert body["features"] and all(f["properties"]["kind"] == "farmers_market"
                                    for f in body["features"])
    assert "ODbL" in body["licence_note"]
    # --stale include: every beekeeper, also those unconfirmed for 24 months (off by default)
    text = run(["export", "--format", "csv", "--kind", "beekeeper", "--stale", "include"],
               demo_db_path).stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 104 and {r["licence"] for r in rows} == {"ODbL-1.0"}


def test_bad_region_setting_is_a_clear_error(tmp_path):
    result = run(["stats"], tmp_path / "x.db", check=False,
                 env_extra={"REGIONAL_MAP_REGION": "1,2,3"})
    assert result.returncode == 2 and "REGIONAL_MAP_REGION" in result.stderr


def test_flask_cli_has_the_same_commands(tmp_path):
    env = {**os.environ, "REGIONAL_MAP_DB": str(tmp_path / "f.db")}
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "init-db"],
                            capture_output=True, text=True, env=env, cwd=PROJECT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "schema version" in result.stdout


def test_settings_are_all_documented_in_the_readme():
    from regional_map.settings import SETTINGS

    readme = (PROJECT / "README.md").read_text()
    missing = [s.env for s in SETTINGS if s.env not in readme]
    assert missing == []
