"""The hard cases: street- to province- and country-sized viewports, the first requests after
a start, and the floor and the peers on the same viewports in the same run, with their counts
checked equal on sample viewports.

``python -m bench.hard --size 100000 --duration 10 --concurrency 8`` (the store is built once,
cached in ``bench/.data``). Prints one table and writes ``bench/results/hard-<time>.json``.
"""

from __future__ import annotations

import http.client
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from regional_map.places.indexfile import forget as forget_point_index
from regional_map.places.rankfile import forget as forget_rankings

from . import scenarios
from .generate import WORK_DIR, demo_store
from .load import load_tool, run_load
from .run import RESULTS, app_server, machine, measure_import
from .servers import WORKER_CLASS, WORKERS

# Viewports of a 1200×800 map from province (zoom 8: about 6.6° × 2.9°) to street (zoom 16).
HARD_ZOOMS = (8, 9, 10, 11, 12, 13, 14, 15, 16)
FIRST_WORDS = ("eieren", "fromage", "honey", "hoeve", "Namur")
# Each worker ranks the most searched words in a background thread after it starts
# (gunicorn.conf.py); load runs begin once that is over, as on a server that has been up.
SETTLE_S = 20.0


def hard_boxes(places) -> list[tuple[float, float, float, float]]:
    """The whole region (a country-sized view), then a view per place cycling the zooms."""
    boxes = [scenarios.REGION]
    for i, p in enumerate(places):
        boxes.append(scenarios.viewport(p["lat"], p["lon"], HARD_ZOOMS[i % len(HARD_ZOOMS)]))
    return boxes


def _box(b) -> str:
    return ",".join(f"{v:.5f}" for v in b)


def _places(*, box, **more) -> str:
    return f"/api/places?{urlencode({'bbox': _box(box), 'limit': 500, **more})}"


def _ms(values: dict) -> str:
    return ", ".join(f"{k} {v:.1f}" if isinstance(v, float) else
                     f"{k} {'/'.join(f'{x:.1f}' for x in v)}" for k, v in values.items()) + " ms"


def _get(port: int, path: str) -> tuple[float, int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    began = time.perf_counter()
    conn.request("GET", path, headers={"Accept-Encoding": "identity"})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return (time.perf_counter() - began) * 1000, response.status, body


def first_requests(db: Path, places) -> dict:
    """Start-up time (process start to first answer) and the first answers of a new server
    (province bbox, near me, first searches of words), against the same requests warm."""
    province = f"/api/places?{urlencode({'bbox': _box(hard_boxes(places)[1]), 'limit': 500})}"
    point = f"{places[0]['lat']:.5f},{places[0]['lon']:.5f}"
    near = f"/api/places?{urlencode({'near': point, 'limit': 20})}"
    searches = [f"/api/places?{urlencode({'q': w, 'limit': 20})}" for w in FIRST_WORDS]
    began = time.perf_counter()
    server = app_server(db, "regional-map-first")
    with server:
        startup = time.perf_counter() - began
        time.sleep(2.0)  # a visitor arriving two seconds after the start
        first = {"bbox_province": _get(server.port, province)[0],
                 "near_20": _get(server.port, near)[0],
                 "search": [_get(server.port, s)[0] for s in searches]}
        for _ in range(20):  # the hundredth request (both workers have answered many)
            for path in (province, near, *searches):
                _get(server.port, path)
        warm = {"bbox_province": _get(server.port, province)[0],
                "near_20": _get(server.port, near)[0],
                "search": [_get(server.port, s)[0] for s in searches]}
    return {"startup_s": round(startup, 2), "first_ms": first, "warm_ms": warm}


def first_map_views(port: int, places) -> list[dict]:
    """The first map view in Chromium (region and street zoom), when Chromium is installed."""
    import shutil

    if not shutil.which("chromium"):
        print("  first view skipped: no chromium", flush=True)
        return []
    from .browser import first_views

    street = places[0]
    views = first_views(f"http://127.0.0.1:{port}",
                        {"region": "", "street": f"#16/{street['lat']:.5f}/{street['lon']:.5f}"})
    for view in views:
        print(f"  first view {view['view']:7} {view['ms_to_markers']} ms to the first marker, "
              f"{view['kb_transferred']} KB in {view['requests']} requests", flush=True)
    return views


def count_check(port: int, floor_port: int, boxes) -> list[dict]:
    """numberMatched of Regional Map and the number of features of the floor, per box."""
    checked = []
    for b in boxes:
        query = urlencode({"bbox": _box(b), "limit": 1, "stale": "include"})
        _, _, ours = _get(port, f"/api/places?{query}")
        _, _, floor = _get(floor_port, f"/?{urlencode({'bbox': _box(b), 'limit': 10000})}")
        mine, theirs = json.loads(ours)["numberMatched"], len(json.loads(floor)["features"])
        checked.append({"box": b, "regional_map": mine, "floor": theirs,
                        "equal": mine == theirs or theirs == 10000})
    return checked


def run(size: int, *, seed: int, duration: float, concurrency: int, peers: bool) -> dict:
    db, imported = measure_import(size, seed, fresh=False)
    places = scenarios.sample_places(db, seed)
    boxes = hard_boxes(places)
    result: dict = {"places": size, "import": imported, "boxes": len(boxes), "load": {}}
    print(f"== hard cases, {size:,} places, {len(boxes)} viewports (zoom 8-16 and the region); "
          f"gunicorn {WORKERS} {WORKER_CLASS} workers, {concurrency} clients "
          f"({load_tool(['/'])})", flush=True)
    forget_point_index(db)  # the first start after an import: nothing saved yet
    forget_rankings(db)
    for case in ("first", "restart"):  # a restart finds the index the first start saved
        result[case] = first_requests(db, places)
        first = result[case]
        print(f"  {case:7} start-up {first['startup_s']} s; first answers "
              f"{_ms(first['first_ms'])}; warm {_ms(first['warm_ms'])}", flush=True)
    zooms = (6, *HARD_ZOOMS * (len(boxes) // len(HARD_ZOOMS) + 1))
    groups = {
        "bbox_hard": [_places(box=b) for b in boxes],
        "bbox_compact": [_places(box=b, shape="compact") for b in boxes],
        "clusters_hard": [f"/api/clusters?{urlencode({'bbox': _box(b), 'zoom': z})}"
                          "&shape=compact" for b, z in zip(boxes, zooms, strict=False)],
        "near_20": scenarios.near_paths(places),
        "search": scenarios.search_paths(),
    }
    # The search run counts the first search of each of its words: no rankings saved by the
    # runs above, no unmeasured warm-up. Only what the start-up warms (the product names) is
    # ranked before it, as on a server that has just started after an import.
    forget_rankings(db)
    with app_server(db, f"regional-map-hard-{size}") as server:
        time.sleep(SETTLE_S)
        for name, paths in groups.items():
            load = run_load(name, "127.0.0.1", server.port, paths, concurrency=concurrency,
                            duration=duration, warmup=0.0 if name == "search" else 1.0)
            result["load"][name] = {**load.as_dict(), "worker_rss_mb": server.worker_rss_mb()}
            print(f"  {name:14} p50 {load.median_ms:7.2f} ms  p95 {load.p95_ms:7.2f} ms"
                  f"  {load.req_per_s:8.1f} req/s  {load.mean_bytes:8d} B  errors {load.errors}",
                  flush=True)
        result["first_view"] = first_map_views(server.port, places)
    if peers:
        result["peers"] = compare_hard(db, boxes, duration=duration, concurrency=concurrency)
    return result


def compare_hard(db: Path, boxes, *, duration: float, concurrency: int) -> dict:
    """Regional Map, the floor and (when their venv exists) the peers on the same viewports,
    one after the other; counts checked against the floor first."""
    from .peers import PEERS, VENV, build_inputs, compare, paths_for
    from .servers import Server

    paths = build_inputs(db, PEERS / "data" / db.stem)
    floor = Server("floor", Path(sys.executable).parent / "gunicorn", "bench.floor:app",
                   cwd=Path(__file__).resolve().parent.parent,
                   env={"FLOOR_DB": str(paths["floor"])}, ready_path="/?bbox=4,50,4.1,50.1")
    out: dict = {}
    with floor, app_server(db, "regional-map-vs-floor") as ours:
        time.sleep(SETTLE_S)
        out["counts"] = count_check(ours.port, floor.port, boxes[:12])
        for name, server in (("regional-map", ours), ("floor", floor)):
            load = run_load(name, "127.0.0.1", server.port, paths_for(name, boxes),
                            concurrency=concurrency, duration=duration)
            out[name] = {**load.as_dict(), "worker_rss_mb": server.worker_rss_mb()}
            print(f"  {name:13} p50 {load.median_ms:8.2f} ms  p95 {load.p95_ms:8.2f} ms"
                  f"  {load.req_per_s:8.1f} req/s  {load.mean_bytes:8d} B", flush=True)
    print(f"  counts equal to the floor's on {sum(c['equal'] for c in out['counts'])}"
          f"/{len(out['counts'])} sample viewports", flush=True)
    if (VENV / "bin" / "python").exists():  # the four servers again, one after the other
        try:
            out["with_peers"] = compare(db, boxes, duration=duration, concurrency=concurrency)
        except Exception as exc:  # noqa: BLE001 - e.g. pygeoapi needs SQLite extensions
            print(f"  peers failed: {exc}", flush=True)
            out["peers_error"] = str(exc)
    else:
        print("  peers skipped: no bench/.peers/venv (python -m bench creates it)", flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.hard",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--no-peers", action="store_true")
    args = parser.parse_args(argv)
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    demo_store()
    started = datetime.now(UTC)
    result = {"started": started.isoformat(timespec="seconds"), "machine": machine(),
              "load_average_at_start": os.getloadavg(),
              **run(args.size, seed=args.seed, duration=args.duration,
                    concurrency=args.concurrency, peers=not args.no_peers)}
    result["load_average_at_end"] = os.getloadavg()
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"hard-{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"load average {result['load_average_at_start']} → {result['load_average_at_end']}")
    print(f"written: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
