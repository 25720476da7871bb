"""Import speed and memory per format: a generated 100k-node PBF and the 100k-row CSV.

``python -m bench.import_formats [--rows 100000]`` (or ``python -m bench --import-formats``)
writes a PBF of N tagged nodes (the 1,703 real OSM elements of ``data/osm/``, jittered by
about 4 km, written with pyosmium) and the generated CSV of ``bench/generate.py``, imports
each into a fresh store with the real command (``regional-map import`` in a child process),
then imports the PBF again (a sync that changes nothing), and prints rows/s and peak RSS.
Targets (issue 15): ≥ 2,000 rows/s and < 300 MB peak for each.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

from .generate import WORK_DIR, write_csv

PROJECT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
RESULTS = Path(__file__).resolve().parent / "results"
SAMPLE = PROJECT / "data" / "osm" / "be_nl_shortchain_osm.geojson"
_NOT_TAGS = {"osm_id", "_country", "_category"}


def write_pbf(n: int, seed: int = 1, path: Path | None = None) -> Path:
    """N nodes: real elements cycled, jittered (σ ≈ 0.04°), new ids; cached by n and seed."""
    import osmium

    path = path or WORK_DIR / f"nodes_{n}_seed{seed}.osm.pbf"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    features = json.loads(SAMPLE.read_text(encoding="utf-8"))["features"]
    rng = random.Random(seed)
    tmp = path.with_name("tmp-" + path.name)
    tmp.unlink(missing_ok=True)
    writer = osmium.SimpleWriter(str(tmp))
    try:
        for number in range(1, n + 1):
            feature = features[(number - 1) % len(features)]
            lon, lat = feature["geometry"]["coordinates"]
            tags = {k: v for k, v in feature["properties"].items() if k not in _NOT_TAGS}
            writer.add_node(osmium.osm.mutable.Node(
                id=number, version=1, tags=tags,
                location=(lon + rng.gauss(0, 0.04), lat + rng.gauss(0, 0.04))))
    finally:
        writer.close()
    tmp.rename(path)
    return path


def measure(path: Path, db: Path, *, fresh: bool, extra: tuple[str, ...] = ()) -> dict:
    """Import ``path`` into ``db`` with the console script; wall time and peak RSS."""
    cli = [str(VENV_BIN / "regional-map"), "--db", str(db)]
    env = {**os.environ, "REGIONAL_MAP_GEOCODER": "none"}
    if fresh:
        for leftover in [db, *db.parent.glob(db.name + "-*")]:
            leftover.unlink(missing_ok=True)
        subprocess.run([*cli, "init-db"], check=True, stdout=subprocess.DEVNULL, cwd=PROJECT,
                       env=env)
    began = time.perf_counter()
    child = subprocess.Popen([*cli, "import", str(path), "--json", *extra],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=PROJECT,
                             env=env)
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - began
    report = json.loads(output)
    cpu = usage.ru_utime + usage.ru_stime
    return {"file": path.name, "rows": report["read"], "seconds": round(seconds, 1),
            "rows_per_s": round(report["read"] / seconds),
            # On a shared machine wall time measures the neighbours too; CPU time does not.
            "cpu_seconds": round(cpu, 1), "rows_per_cpu_s": round(report["read"] / cpu),
            "peak_rss_mb": round(usage.ru_maxrss / 1024),
            "created": report["created"], "updated": report["updated"],
            "unchanged": report["unchanged"], "rejected": len(report["rejected"]),
            "warnings": len(report["warnings"]),
            "exit_status": os.waitstatus_to_exitcode(status)}


def run(rows: int, seed: int = 1) -> list[dict]:
    """Measure the three imports; prints one line each and returns the results."""
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    pbf, csv_path = write_pbf(rows, seed), write_csv(rows, seed)
    results = []
    for label, path, db, fresh, extra in (
            ("pbf", pbf, WORK_DIR / "import_pbf.db", True, ()),
            ("pbf again (sync, no change)", pbf, WORK_DIR / "import_pbf.db", False, ()),
            ("csv", csv_path, WORK_DIR / "import_csv.db", True,
             ("--source", "bench", "--licence", "ODbL 1.0"))):
        result = {"import": label, **measure(path, db, fresh=fresh, extra=extra)}
        met = result["rows_per_s"] >= 2000 and result["peak_rss_mb"] < 300
        result["target_met"] = met
        print(f"  {label:28} {result['rows']:>7} rows  {result['seconds']:6.1f} s  "
              f"{result['rows_per_s']:>6} rows/s ({result['rows_per_cpu_s']} per CPU s)  "
              f"peak {result['peak_rss_mb']:>4} MB  "
              f"{result['created']} new, {result['updated']} updated, "
              f"{result['unchanged']} unchanged, {result['rejected']} rejected  "
              f"{'met' if met else 'NOT met'}", flush=True)
        results.append(result)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "import_formats-latest.json").write_text(json.dumps(
        {"rows": rows, "seed": seed, "load_average": os.getloadavg(), "results": results},
        indent=2))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.import_formats",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    results = run(args.rows, args.seed)
    return 0 if all(r["target_met"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
