"""The whole benchmark: import, API latency under load, first map view, peers; one table + JSON.

Every server is gunicorn on 127.0.0.1 (a free port, the same worker count), started and
stopped here; every load phase is bounded in time.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from . import scenarios
from .generate import WORK_DIR, demo_store, write_csv
from .load import load_tool, run_load
from .servers import THREADS, WORKER_CLASS, WORKERS, Server

BENCH_DIR = Path(__file__).resolve().parent
PROJECT = BENCH_DIR.parent
VENV_BIN = Path(sys.executable).parent
RESULTS = BENCH_DIR / "results"


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kb = 0
    try:
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        pass
    import sqlite3

    return {"cpu": cpu, "cores": os.cpu_count(), "load_average": os.getloadavg(),
            "memory_gb": round(mem_kb / 1024 / 1024, 1),
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "system": platform.platform(), "gunicorn_workers": WORKERS,
            "gunicorn_worker_class": WORKER_CLASS,
            "gunicorn_threads": THREADS if WORKER_CLASS == "gthread" else 1,
            "load_tool": load_tool(["/"])}


def measure_import(n: int, seed: int, fresh: bool) -> tuple[Path, dict]:
    """Import the generated CSV with the real command (``regional-map import``) in a child
    process; its wall time and peak memory."""
    csv_path = write_csv(n, seed)
    db = WORK_DIR / f"places_{n}_seed{seed}.db"
    if db.exists() and not fresh:
        return db, {}
    tmp = db.with_suffix(".tmp")
    for leftover in [tmp, *tmp.parent.glob(tmp.name + "-*")]:
        leftover.unlink(missing_ok=True)
    cli = [str(VENV_BIN / "regional-map"), "--db", str(tmp)]
    subprocess.run([*cli, "init-db"], check=True, stdout=subprocess.DEVNULL, cwd=PROJECT,
                   env={**os.environ, "REGIONAL_MAP_GEOCODER": "none"})
    began = time.perf_counter()
    child = subprocess.Popen(
        [*cli, "import", str(csv_path), "--source", "bench", "--licence", "ODbL 1.0",
         "--attribution", "Generated from © OpenStreetMap contributors"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=PROJECT,
        env={**os.environ, "REGIONAL_MAP_GEOCODER": "none"})
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - began
    import sqlite3

    conn = sqlite3.connect(tmp)
    imported = conn.execute("SELECT COUNT(*) FROM places").fetchone()[0]
    by_precision = dict(conn.execute(
        "SELECT geocode_precision, COUNT(*) FROM places GROUP BY 1").fetchall())
    conn.execute("ANALYZE")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    tmp.rename(db)
    return db, {"rows": n, "seconds": round(seconds, 1),
                "peak_rss_mb": round(usage.ru_maxrss / 1024), "imported": imported,
                "precision": by_precision, "exit_status": child.returncode}


def app_server(db: Path, name: str) -> Server:
    return Server(name, VENV_BIN / "gunicorn", "app:app", cwd=PROJECT,
                  env={"REGIONAL_MAP_DB": str(db), "REGIONAL_MAP_GEOCODER": "none"},
                  ready_path="/api/places?limit=1", log=WORK_DIR / f"{name}.log")


def bench_size(n: int, *, seed: int, duration: float, concurrency: int, fresh_import: bool,
               browser: bool) -> dict:
    db, imported = measure_import(n, seed, fresh_import)
    places = scenarios.sample_places(db, seed)
    boxes = scenarios.bbox_boxes(db, places)
    groups = {
        "clusters": scenarios.cluster_paths(places),
        "bbox_geojson": scenarios.bbox_paths(boxes),
        "near_20": scenarios.near_paths(places),
        "search": scenarios.search_paths(),
        "place": scenarios.place_paths(places),
    }
    result: dict = {"places": n, "import": imported, "load": [], "first_view": []}
    with app_server(db, f"regional-map-{n}") as server:
        for name, paths in groups.items():
            load = run_load(name, "127.0.0.1", server.port, paths, concurrency=concurrency,
                            duration=duration)
            result["load"].append({**load.as_dict(), "worker_rss_mb": server.worker_rss_mb()})
            print(f"  {n:>7} {name:14} p50 {load.median_ms:7.2f} ms  p95 {load.p95_ms:7.2f} ms"
                  f"  {load.req_per_s:8.1f} req/s  {load.mean_bytes:8d} B"
                  f"  errors {load.errors}", flush=True)
        if browser:
            from .browser import first_views

            street = places[0]
            views = {"region": "", "street": f"#16/{street['lat']:.5f}/{street['lon']:.5f}"}
            result["first_view"] = first_views(f"http://127.0.0.1:{server.port}", views)
            for view in result["first_view"]:
                print(f"  {n:>7} first view {view['view']:7} {view['ms_to_markers']} ms, "
                      f"{view['kb_transferred']} KB in {view['requests']} requests", flush=True)
        result["worker_rss_mb"] = server.worker_rss_mb()
    result["boxes"] = boxes
    return result


def table(results: dict) -> str:
    lines = ["| places | endpoint | median ms | p95 ms | req/s | bytes | worker RSS MB |",
             "|---:|---|---:|---:|---:|---:|---:|"]
    for size in results["sizes"]:
        for row in size["load"]:
            lines.append(f"| {size['places']:,} | {row['name']} | {row['median_ms']} | "
                         f"{row['p95_ms']} | {row['req_per_s']} | {row['mean_bytes']:,} | "
                         f"{row['worker_rss_mb']} |")
        for view in size["first_view"]:
            lines.append(f"| {size['places']:,} | first view ({view['view']}) | "
                         f"{view['ms_to_markers']} (to markers) | | | "
                         f"{round(view['kb_transferred'] * 1024):,} | |")
        if size["import"]:
            imp = size["import"]
            lines.append(f"| {size['places']:,} | import (CSV, CLI) | {imp['seconds'] * 1000:.0f}"
                         f" (total) | | {imp['rows'] / imp['seconds']:.0f} rows/s | | "
                         f"{imp['peak_rss_mb']} (peak) |")
    if results.get("peers"):
        lines += ["", "| server (same bbox viewports, ≤500 features) | median ms | p95 ms |"
                      " req/s | bytes | worker RSS MB | Regional Map ÷ server |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        ours = results["peers"]["regional-map"]["req_per_s"]
        for name, row in results["peers"].items():
            ratio = ours / row["req_per_s"] if row["req_per_s"] else float("inf")
            lines.append(f"| {name} | {row['median_ms']} | {row['p95_ms']} | {row['req_per_s']} "
                         f"| {row['mean_bytes']:,} | {row['worker_rss_mb']} | {ratio:.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000",
                        help="place counts to generate and measure (comma list)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=float, default=8.0,
                        help="seconds of load per endpoint (after a 1 s warm-up)")
    parser.add_argument("--concurrency", type=int, default=4,
                        help="clients at once, for every server (default 4: 2 per worker)")
    parser.add_argument("--reuse-stores", action="store_true",
                        help="skip the import (and its timing) when a generated store exists")
    parser.add_argument("--no-peers", action="store_true", help="skip pygeoapi/Datasette/floor")
    parser.add_argument("--no-browser", action="store_true", help="skip the first map view")
    parser.add_argument("--import-formats", action="store_true",
                        help="only the import benchmark per format (bench/import_formats.py)")
    args = parser.parse_args(argv)
    if args.import_formats:
        from .import_formats import main as import_formats

        return import_formats(["--rows", str(max(int(s) for s in args.sizes.split(",") if s)),
                               "--seed", str(args.seed)])
    sizes = [int(s) for s in args.sizes.split(",") if s]
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    demo_store()
    started = datetime.now(UTC)
    results: dict = {"started": started.isoformat(timespec="seconds"), "machine": machine(),
                     "settings": {"seed": args.seed, "duration_s": args.duration,
                                  "concurrency": args.concurrency},
                     "sizes": [], "peers": {}}
    for n in sizes:
        print(f"== {n:,} places", flush=True)
        results["sizes"].append(bench_size(
            n, seed=args.seed, duration=args.duration, concurrency=args.concurrency,
            fresh_import=not args.reuse_stores, browser=not args.no_browser))
    if not args.no_peers:
        from .peers import compare

        largest = results["sizes"][-1]
        db = WORK_DIR / f"places_{largest['places']}_seed{args.seed}.db"
        print(f"== peers, {largest['places']:,} places", flush=True)
        results["peers"] = compare(db, largest["boxes"], duration=args.duration,
                                   concurrency=args.concurrency)
    results["load_average_at_end"] = os.getloadavg()
    RESULTS.mkdir(exist_ok=True)
    text = table(results)
    print()
    print(text)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    for path in (RESULTS / f"bench-{stamp}.json", RESULTS / "latest.json"):
        path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwritten: {RESULTS / f'bench-{stamp}.json'}")
    return 0
