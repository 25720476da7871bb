"""Past one machine: the same viewport mix at 50 connections from gunicorn alone, from gunicorn
behind the shipped nginx caching front (deploy/nginx.conf), and from the published static
edition's vector tiles served by nginx (range requests of places.pmtiles); then 60 s at 50
connections through the front while imports run, where the bar is zero errors.

``python -m bench.front`` (loopback only) prints the table and writes
``bench/results/front-<time>.json``; it exits 1 on any error in the import run.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from pmtiles.tile import deserialize_directory, deserialize_header, find_tile, zxy_to_tileid

from bench.generate import write_csv
from bench.load import run_load
from bench.load_during_import import ImportLoop, build_store
from bench.scenarios import REGION, sample_places, viewport
from bench.servers import Server, free_port

PROJECT = Path(__file__).resolve().parent.parent
RESULTS = PROJECT / "bench" / "results"
DEPLOY = PROJECT / "deploy"
MAX_ZOOM = 14  # the edition's deepest zoom (regional-map publish --max-zoom)


def viewports(store: Path, seed: int = 19) -> list[tuple[tuple[float, ...], int]]:
    """Region views and views around sampled places at zooms 9 to 14."""
    views = [(REGION, 7), (REGION, 8)]
    for i, place in enumerate(sample_places(store, seed, 40)):
        zoom = (9, 10, 11, 12, 13, 14)[i % 6]
        views.append((viewport(place["lat"], place["lon"], zoom), zoom))
    return views


def cluster_paths(views) -> list[str]:
    return [f"/api/clusters?{urlencode({'bbox': ','.join(f'{v:.5f}' for v in box), 'zoom': z})}"
            for box, z in views]


def _tile_range(x: float, zoom: int) -> int:
    return int(min(max(x, 0.0), 0.999999) * (1 << zoom))


def tile_requests(archive: Path, views, url: str) -> tuple[list, int]:
    """The range requests the page makes for ``views``: (url, {"Range": …}) per stored tile
    a view covers; and how many tiles the views cover in all (empty ones included)."""
    data = archive.read_bytes()
    header = deserialize_header(data[:127])
    root = deserialize_directory(data[header["root_offset"]:
                                      header["root_offset"] + header["root_length"]])

    def entry(tile_id: int):
        found = find_tile(root, tile_id)
        while found is not None and found.run_length == 0:  # a leaf directory
            start = header["leaf_directory_offset"] + found.offset
            leaf = deserialize_directory(data[start:start + found.length])
            found = find_tile(leaf, tile_id)
        return found

    def merc_y(lat: float) -> float:
        s = math.sin(math.radians(lat))
        return 0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)

    requests, covered = [], 0
    for (minlon, minlat, maxlon, maxlat), zoom in views:
        zoom = min(zoom, MAX_ZOOM)
        x0, x1 = _tile_range((minlon + 180) / 360, zoom), _tile_range((maxlon + 180) / 360, zoom)
        y0, y1 = _tile_range(merc_y(maxlat), zoom), _tile_range(merc_y(minlat), zoom)
        for x in range(x0, x1 + 1):
            for y in range(y0, y1 + 1):
                covered += 1
                found = entry(zxy_to_tileid(zoom, x, y))
                if found is None:
                    continue  # the reader knows from the directory: no request
                start = header["tile_data_offset"] + found.offset
                requests.append((url, {"Range": f"bytes={start}-{start + found.length - 1}"}))
    return requests, covered


def nginx_conf(prefix: Path, app_port: int, port: int, edition: Path) -> Path:
    """deploy/nginx.conf with this run's ports and folders inside a main config of its own."""
    text = (DEPLOY / "nginx.conf").read_text()
    for old, new in (("127.0.0.1:8000", f"127.0.0.1:{app_port}"),
                     ("127.0.0.1:8080", f"127.0.0.1:{port}"),
                     ("/var/cache/nginx/regional-map", str(prefix / "cache")),
                     ("/srv/regional-map/app/static/", f"{PROJECT}/static/"),
                     ("/srv/regional-map/edition/", f"{edition}/")):
        text = text.replace(old, new)
    for sub in ("logs", "temp"):
        (prefix / sub).mkdir(parents=True, exist_ok=True)
    conf = prefix / "nginx.conf"
    # As root, nginx's workers would be "nobody", who cannot read a private temp folder.
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf.write_text(f"""{user}daemon off;
worker_processes 2;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {prefix}/temp;
    proxy_temp_path {prefix}/temp;
    fastcgi_temp_path {prefix}/temp;
    uwsgi_temp_path {prefix}/temp;
    scgi_temp_path {prefix}/temp;
{text}
}}
""")
    return conf


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=15.0,
                        help="seconds of load per configuration (15)")
    parser.add_argument("--import-duration", type=float, default=60.0,
                        help="seconds of load while imports run (60)")
    parser.add_argument("--concurrency", type=int, default=50, help="connections (50)")
    parser.add_argument("--rows", type=int, default=20_000, help="rows per import (20,000)")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="bench-front-"))
    store, _ = build_store(work)
    edition = work / "edition"
    subprocess.run([sys.executable, "-m", "regional_map", "--db", str(store), "publish",
                    str(edition), "--tile-url", "none", "--max-zoom", str(MAX_ZOOM)],
                   check=True, cwd=PROJECT, stdout=subprocess.DEVNULL)
    views = viewports(store)
    clusters = cluster_paths(views)
    tiles, covered = tile_requests(edition / "places.pmtiles", views, "/edition/places.pmtiles")
    env = {"REGIONAL_MAP_DB": str(store), "REGIONAL_MAP_GEOCODER": "none",
           "REGIONAL_MAP_SECRET_KEY": "bench-only"}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    port = free_port()
    rows, load = [], {}
    with Server("gunicorn", gunicorn, "app:app", env=env, cwd=PROJECT,
                log=work / "gunicorn.log") as app:
        conf = nginx_conf(work / "nginx", app.port, port, edition)
        nginx = subprocess.Popen(["nginx", "-p", str(work / "nginx"), "-e",
                                  str(work / "nginx/logs/error.log"), "-c", str(conf)])
        try:
            time.sleep(1.0)
            for name, target, paths, per_view in (
                    ("gunicorn alone (/api/clusters)", app.port, clusters, 1),
                    ("behind nginx (/api/clusters)", port, clusters, 1),
                    ("published tiles by nginx (range)", port, tiles, len(tiles) / len(views))):
                result = run_load(name, "127.0.0.1", target, paths,
                                  concurrency=args.concurrency, duration=args.duration)
                load[name] = result.as_dict()
                rows.append((name, result, result.req_per_s / per_view))
            csv = write_csv(args.rows, seed=8, path=work / f"import_{args.rows}.csv",
                            store=store)
            imports = ImportLoop(store, csv).start()
            time.sleep(0.5)
            try:
                mixed = clusters + tiles + ["/", "/api/places?limit=50", "/api/sources"]
                during = run_load("front during imports", "127.0.0.1", port, mixed,
                                  concurrency=args.concurrency, duration=args.import_duration,
                                  warmup=0)
            finally:
                imports.stop()
        finally:
            nginx.terminate()
            nginx.wait(15)
    print(f"{len(views)} viewports; the static edition needs {len(tiles) / len(views):.1f} "
          f"range requests a view ({covered} tiles covered, {len(tiles)} stored); "
          f"{args.concurrency} connections, {args.duration:.0f} s each")
    print(f"| {'configuration':34} | req/s | views/s | median ms | p95 ms | errors |")
    print(f"|{'-' * 36}|------:|--------:|----------:|-------:|-------:|")
    for name, result, per_view in rows:
        print(f"| {name:34} | {result.req_per_s:5.0f} | {per_view:7.0f} | "
              f"{result.median_ms:9.1f} | {result.p95_ms:6.1f} | {result.errors:6d} |")
    print(f"During imports ({args.import_duration:.0f} s, {args.concurrency} connections, "
          f"through nginx): {during.requests} requests ({during.req_per_s}/s), "
          f"{during.errors} errors, p95 {during.p95_ms} ms; {imports.completed} imports of "
          f"{args.rows} rows completed ({imports.failed} failed).")
    report = {"benchmark": "front", "at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
              "viewports": len(views), "tile_requests_per_view": len(tiles) / len(views),
              "concurrency": args.concurrency, "load": load, "during_imports": during.as_dict(),
              "imports_completed": imports.completed, "imports_failed": imports.failed}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"front-{report['at'].replace(':', '')}.json").write_text(
        json.dumps(report, indent=2) + "\n")
    return 1 if during.errors or imports.failed or not imports.completed else 0


if __name__ == "__main__":
    sys.exit(main())
