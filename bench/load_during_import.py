"""Load while importing: gunicorn on 127.0.0.1 serves the map to 50 connections for 60 s while
imports run one after another into the same store. The claim under test: zero errors (every
answer a 2xx), because an import is one transaction and readers keep the old state until it
commits. A benchmark, not a test: ``python -m bench.load_during_import`` writes its result to
``bench/results/load_during_import-<time>.json`` (``--output`` elsewhere) and exits 1 on any
error. ``tests/test_hardening_load_smoke.py`` runs a few seconds of it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.generate import write_csv
from bench.load import run_load
from bench.servers import Server

PROJECT = Path(__file__).resolve().parent.parent
RESULTS = PROJECT / "bench" / "results"
IMPORT = "from regional_map.cli import main; main()"


def build_store(work: Path) -> tuple[Path, list[str]]:
    """A fresh demo store (current schema) and a few place ids to request."""
    from regional_map.db.connection import connect
    from regional_map.provision import load_demo

    store = work / "load.db"
    for leftover in work.glob("load.db*"):
        leftover.unlink()
    conn = connect(store)
    load_demo(conn)
    ids = [r[0] for r in conn.execute("SELECT id FROM places ORDER BY num LIMIT 20")]
    conn.close()
    return store, ids


def request_paths(ids: list[str]) -> list[str]:
    paths = ["/", "/?q=eieren", "/api/places?limit=50", "/api/places?q=kaas&limit=20",
             "/api/places?near=51.05,3.72&radius_km=10",
             "/api/clusters?bbox=2.5,49.45,7.25,53.6&zoom=7",
             "/api/clusters?bbox=3.6,50.9,3.9,51.1&zoom=12", "/api/sources"]
    paths += [f"/places/{place_id}" for place_id in ids[:10]]
    paths += [f"/api/places/{place_id}" for place_id in ids[10:]]
    return paths


class ImportLoop:
    """Imports ``csv`` again and again (alternating two sources, so every other run creates
    rows and the next updates them) until stopped; counts the imports that completed."""

    def __init__(self, store: Path, csv: Path):
        self.store, self.csv = store, csv
        self.completed = 0
        self.failed = 0
        self.seconds: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        env = {**os.environ, "REGIONAL_MAP_DB": str(self.store), "REGIONAL_MAP_GEOCODER": "none"}
        run = 0
        while not self._stop.is_set():
            began = time.perf_counter()
            result = subprocess.run(
                [sys.executable, "-c", IMPORT, "import", str(self.csv), "--source",
                 f"load-{run % 2}", "--json"],
                env=env, cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                check=False)
            # Exit 1 means "some rows rejected": the import itself went through.
            if result.returncode in (0, 1):
                self.completed += 1
                self.seconds.append(round(time.perf_counter() - began, 2))
            else:
                self.failed += 1
            run += 1

    def start(self) -> ImportLoop:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=600)


def run(duration: float = 60.0, concurrency: int = 50, rows: int = 20_000,
        work: Path | None = None, output: Path | None = None) -> dict:
    work = work or PROJECT / "bench" / ".data" / "load_during_import"
    work.mkdir(parents=True, exist_ok=True)
    store, ids = build_store(work)
    csv = write_csv(rows, seed=8, path=work / f"import_{rows}.csv", store=store)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    env = {"REGIONAL_MAP_DB": str(store), "REGIONAL_MAP_GEOCODER": "none",
           "REGIONAL_MAP_SECRET_KEY": "bench-only"}
    with Server("gunicorn", gunicorn, "app:app", env=env, cwd=PROJECT,
                log=work / "gunicorn.log") as server:
        imports = ImportLoop(store, csv).start()
        time.sleep(0.5)  # the first import is under way before the clock starts
        try:
            result = run_load("during-import", "127.0.0.1", server.port, request_paths(ids),
                              concurrency=concurrency, duration=duration, warmup=0)
        finally:
            imports.stop()
    report = {
        "benchmark": "load_during_import",
        "at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "server": "gunicorn --workers 2 --threads 4 (gthread), 127.0.0.1",
        "concurrency": concurrency, "duration_s": duration, "import_rows": rows,
        "imports_completed": imports.completed, "imports_failed": imports.failed,
        "import_seconds": imports.seconds,
        "load": result.as_dict(),
    }
    if output is None:
        RESULTS.mkdir(parents=True, exist_ok=True)
        output = RESULTS / f"load_during_import-{report['at'].replace(':', '')}.json"
    output.write_text(json.dumps(report, indent=2) + "\n")
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (60)")
    parser.add_argument("--concurrency", type=int, default=50, help="connections (50)")
    parser.add_argument("--rows", type=int, default=20_000, help="rows per import (20,000)")
    parser.add_argument("--output", type=Path, help="result file (default: bench/results/)")
    args = parser.parse_args(argv)
    report = run(args.duration, args.concurrency, args.rows, output=args.output)
    load = report["load"]
    print(f"{load['requests']} requests in {load['seconds']} s ({load['req_per_s']}/s), "
          f"{load['errors']} errors, median {load['median_ms']} ms, p95 {load['p95_ms']} ms; "
          f"{report['imports_completed']} imports of {report['import_rows']} rows completed "
          f"during the run ({report['imports_failed']} failed).")
    if load["errors"] or report["imports_failed"] or not report["imports_completed"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
