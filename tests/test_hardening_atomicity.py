"""An import is one transaction: killed with SIGKILL half-way it leaves the store exactly as it
was (and sound), and a reader during an import sees the old state or the new one, never half."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from trust_world import make_app, writable_demo

from regional_map.db.connection import connect

IMPORT = "from regional_map.cli import main; main()"


def big_csv(path: Path, rows: int) -> Path:
    """A large, valid CSV of made-up farm shops across Flanders."""
    with open(path, "w", encoding="utf-8") as out:
        out.write("naam,soort,lat,lon,openingsuren\n")
        for i in range(rows):
            lat = 50.75 + (i % 997) * 0.0005
            lon = 3.0 + (i // 997) * 0.02 % 2.4
            out.write(f"Testhoeve {i},hoevewinkel,{lat:.6f},{lon:.6f},Sa 09:00-12:00\n")
    return path


def fingerprint(db: Path) -> tuple[str, dict]:
    """A digest of every place and index row, and the row counts of the written tables."""
    conn = connect(db, readonly=True)
    try:
        digest = hashlib.sha256()
        for row in conn.execute("SELECT * FROM places ORDER BY num"):
            digest.update(repr(tuple(row)).encode())
        counts = {table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608
                  for table in ("places", "places_rtree", "places_fts", "place_products",
                                "sources", "changes")}
        return digest.hexdigest(), counts
    finally:
        conn.close()


def start_import(db: Path, csv: Path) -> subprocess.Popen:
    env = {**os.environ, "REGIONAL_MAP_DB": str(db)}
    return subprocess.Popen([sys.executable, "-c", IMPORT, "import", str(csv), "--source",
                             "big", "--json"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, cwd=Path(__file__).parent.parent)


@pytest.fixture
def store(demo_db_path, tmp_path):
    return writable_demo(demo_db_path, tmp_path)


def test_an_import_killed_half_way_leaves_the_store_exactly_as_it_was(store, tmp_path):
    before = fingerprint(store)
    process = start_import(store, big_csv(tmp_path / "big.csv", 60_000))
    wal = Path(f"{store}-wal")
    deadline = time.monotonic() + 60
    # Wait until the import has written a good part of its transaction (the WAL grows).
    while time.monotonic() < deadline and process.poll() is None:
        if wal.exists() and wal.stat().st_size > 4_000_000:
            break
        time.sleep(0.05)
    assert process.poll() is None, "the import finished before it could be killed"
    assert wal.stat().st_size > 4_000_000
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL

    conn = connect(store)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM places WHERE name LIKE 'Testhoeve %'"
                            ).fetchone()[0] == 0
    finally:
        conn.close()
    assert fingerprint(store) == before


def test_a_reader_during_an_import_sees_the_old_or_the_new_state_only(store, tmp_path):
    client = make_app(store, HIDE_AFTER_MONTHS=0).test_client()
    old = client.get("/api/places?limit=1").get_json()["numberMatched"]
    old_rows = fingerprint(store)[1]["places"]
    rows = 8_000
    seen_api: list[int] = []
    seen_sql: list[tuple[int, int, int]] = []
    stop = threading.Event()

    def poll() -> None:
        conn = connect(store, readonly=True)
        try:
            while not stop.is_set():
                seen_api.append(client.get("/api/places?limit=1").get_json()["numberMatched"])
                with_index = conn.execute(
                    "SELECT (SELECT COUNT(*) FROM places), (SELECT COUNT(*) FROM places_fts),"
                    " (SELECT COUNT(*) FROM places_rtree)").fetchone()
                seen_sql.append(tuple(with_index))
        finally:
            conn.close()

    reader = threading.Thread(target=poll)
    reader.start()
    try:
        process = start_import(store, big_csv(tmp_path / "mid.csv", rows))
        assert process.wait(timeout=240) == 0
        time.sleep(0.3)  # a few reads of the new state too
    finally:
        stop.set()
        reader.join(timeout=30)
    assert len(seen_api) > 5
    assert set(seen_api) <= {old, old + rows}, sorted(set(seen_api))
    assert seen_api[0] == old and seen_api[-1] == old + rows
    assert {places for places, _, _ in seen_sql} <= {old_rows, old_rows + rows}
    assert all(places == fts == rtree for places, fts, rtree in seen_sql)
