"""Peers on the same places and the same bbox viewports: Datasette (+ datasette-geojson),
pygeoapi (SQLiteGPKG provider on a GeoPackage) and a "floor" server, against Regional Map's
``/api/places?bbox=…``, all under gunicorn with the same worker count and driven by the same
load tool at the same concurrency.

The peers live in their own virtual environment, ``bench/.peers/venv`` (git-ignored), created
here with pip. pygeoapi's provider needs SpatiaLite (Debian: libsqlite3-mod-spatialite).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from . import floor
from .load import run_load
from .scenarios import MAX_VIEW_FEATURES
from .servers import Server

BENCH_DIR = Path(__file__).resolve().parent
PEERS = BENCH_DIR / ".peers"
VENV = PEERS / "venv"
PACKAGES = ("pygeoapi", "datasette", "datasette-geojson", "gunicorn", "uvicorn")
PROJECT = BENCH_DIR.parent


def _python_loading_extensions() -> str:
    """A Python whose sqlite3 can load SpatiaLite (pygeoapi's GeoPackage provider needs it):
    this one, else Debian's (a Python built without ``--enable-loadable-sqlite-extensions``,
    as pyenv builds by default, cannot)."""
    for candidate in (sys.executable, shutil.which("python3.11"), "/usr/bin/python3"):
        if candidate and Path(candidate).exists() and subprocess.run(
                [candidate, "-c", "import sqlite3; "
                 "sqlite3.connect(':memory:').enable_load_extension(True)"],
                capture_output=True).returncode == 0:
            return candidate
    return sys.executable


def ensure_venv() -> Path:
    """The peers' virtual environment, created and filled on first use."""
    python = VENV / "bin" / "python"
    if not python.exists():
        print("  creating bench/.peers/venv (pygeoapi, datasette, datasette-geojson)", flush=True)
        subprocess.run([_python_loading_extensions(), "-m", "venv", str(VENV)], check=True)
    probe = subprocess.run([str(python), "-c", "import pygeoapi, datasette, datasette_geojson"],
                           capture_output=True)
    if probe.returncode != 0:
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *PACKAGES], check=True)
    return VENV / "bin"


def _versions(bin_dir: Path) -> dict:
    out = subprocess.run(
        [str(bin_dir / "python"), "-c",
         "import importlib.metadata as m, json; print(json.dumps({p: m.version(p) for p in "
         "('pygeoapi', 'datasette', 'datasette-geojson', 'gunicorn', 'uvicorn')}))"],
        capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def export_features(db: Path) -> list[dict]:
    """The places Regional Map's API serves by default, as its own GeoJSON features."""
    from regional_map.db.connection import connect
    from regional_map.formats.geojson import place_feature
    from regional_map.places.engine import find_places
    from regional_map.places.filters import PlaceFilter
    from regional_map.places.rows import places_from_rows

    conn = connect(db, readonly=True)
    default = PlaceFilter()
    rows = conn.execute(
        "SELECT p.* FROM places p WHERE p.status IN (?, ?) ORDER BY p.num",
        default.statuses).fetchall()
    assert find_places  # the same query layer as the API; rows in bulk here for speed
    features = []
    for start in range(0, len(rows), 2000):
        chunk = rows[start:start + 2000]
        for row, place in zip(chunk, places_from_rows(conn, chunk), strict=True):
            feature = place_feature(place)
            feature["num"] = row["num"]
            features.append(feature)
    conn.close()
    return features


def _flat(value):
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return int(value)
    return value


def build_inputs(db: Path, work: Path) -> dict[str, Path]:
    """The same places as a GeoPackage (pygeoapi), a SQLite table (Datasette) and a floor
    database; rebuilt when the source store is newer."""
    work.mkdir(parents=True, exist_ok=True)
    paths = {"gpkg": work / "places.gpkg", "datasette": work / "places.db",
             "floor": work / "floor.db"}
    if all(p.exists() and p.stat().st_mtime > db.stat().st_mtime for p in paths.values()):
        return paths
    for p in paths.values():
        p.unlink(missing_ok=True)
    features = export_features(db)
    records = []
    for f in features:
        lon, lat = f["geometry"]["coordinates"]
        props = {k: _flat(v) for k, v in f["properties"].items()}
        records.append((f["num"], lon, lat, props))

    import geopandas as gpd
    from shapely.geometry import Point

    frame = gpd.GeoDataFrame([r[3] for r in records],
                             geometry=[Point(r[1], r[2]) for r in records], crs="EPSG:4326")
    frame.to_file(paths["gpkg"], layer="places", driver="GPKG", engine="pyogrio",
                  SPATIAL_INDEX="YES")

    import sqlite3

    conn = sqlite3.connect(paths["datasette"])
    columns = list(records[0][3]) if records else ["id"]
    conn.execute("CREATE TABLE places ({}, lon REAL, lat REAL, geometry TEXT)".format(  # noqa: S608
        ", ".join(f'"{c}"' for c in columns)))
    conn.executemany(
        "INSERT INTO places VALUES ({})".format(", ".join("?" * (len(columns) + 3))),  # noqa: S608
        [[r[3].get(c) for c in columns] + [r[1], r[2], json.dumps(
            {"type": "Point", "coordinates": [r[1], r[2]]})] for r in records])
    conn.execute("CREATE INDEX places_lon_lat ON places (lon, lat)")
    conn.execute("CREATE INDEX places_lat_lon ON places (lat, lon)")
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()

    floor.build(str(paths["floor"]), [
        (f["num"], *f["geometry"]["coordinates"],
         json.dumps({k: v for k, v in f.items() if k != "num"}, ensure_ascii=False,
                    separators=(",", ":")).encode())
        for f in features])
    return paths


_PYGEOAPI_CONFIG = """server:
  bind: {{host: 127.0.0.1, port: 5000}}
  url: http://127.0.0.1:5000
  mimetype: application/json; charset=UTF-8
  encoding: utf-8
  language: en-US
  limits: {{default_items: 500, max_items: 1000}}
  map: {{url: "https://tile.openstreetmap.org/{{z}}/{{x}}/{{y}}.png", attribution: OSM}}
logging:
  level: ERROR
metadata:
  identification:
    title: Regional Map benchmark
    description: The same places as Regional Map
    keywords: [places]
    keywords_type: theme
    terms_of_service: https://creativecommons.org/licenses/by/4.0/
    url: https://example.org
  license: {{name: ODbL, url: https://opendatacommons.org/licenses/odbl/}}
  provider: {{name: bench, url: https://example.org}}
  contact: {{name: bench}}
resources:
  places:
    type: collection
    title: Places
    description: Short food chain places
    keywords: [places]
    links: []
    extents:
      spatial:
        bbox: [2.5, 49.45, 7.25, 53.6]
        crs: http://www.opengis.net/def/crs/OGC/1.3/CRS84
    providers:
      - type: feature
        name: SQLiteGPKG
        data: {gpkg}
        id_field: fid
        table: places
"""

_DATASETTE_APP = """from datasette.app import Datasette

app = Datasette(immutables=[{db!r}], settings={{"default_page_size": 500,
    "max_returned_rows": 1000, "sql_time_limit_ms": 20000}}).app()
"""


def _servers(bin_dir: Path, paths: dict[str, Path], db: Path, work: Path) -> dict[str, Server]:
    config = work / "pygeoapi-config.yml"
    config.write_text(_PYGEOAPI_CONFIG.format(gpkg=paths["gpkg"]))
    openapi = work / "pygeoapi-openapi.yml"
    env = {"PYGEOAPI_CONFIG": str(config), "PYGEOAPI_OPENAPI": str(openapi),
           "PYTHONWARNINGS": "ignore"}
    with openapi.open("w") as handle:
        generated = subprocess.run(
            [str(bin_dir / "pygeoapi"), "openapi", "generate", str(config)],
            stdout=handle, stderr=subprocess.DEVNULL, env={**_env(), **env}).returncode == 0
    (work / "datasette_app.py").write_text(_DATASETTE_APP.format(db=str(paths["datasette"])))
    from .run import app_server

    if not generated:  # pygeoapi's SQLite provider needs a Python that loads extensions
        print("  pygeoapi skipped: its SQLiteGPKG provider cannot load SpatiaLite here",
              flush=True)
    servers = {
        "regional-map": app_server(db, "regional-map-peers"),
        "floor": Server("floor", Path(sys.executable).parent / "gunicorn", "bench.floor:app",
                        cwd=PROJECT, env={"FLOOR_DB": str(paths["floor"])},
                        ready_path="/?bbox=4,50,4.1,50.1", log=work / "floor.log"),
        "datasette": Server("datasette", bin_dir / "gunicorn", "datasette_app:app", cwd=work,
                            worker_class="uvicorn.workers.UvicornWorker",
                            env={"PYTHONWARNINGS": "ignore"},
                            ready_path="/places/places.json?_size=1", log=work / "datasette.log"),
    }
    pygeoapi = {
        "pygeoapi": Server("pygeoapi", bin_dir / "gunicorn", "pygeoapi.flask_app:APP",
                           cwd=work, env=env, ready_path="/collections/places/items?limit=1",
                           log=work / "pygeoapi.log"),
    } if generated else {}
    return {**servers, **pygeoapi}


def _env() -> dict:
    import os

    return {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}


def paths_for(server: str, boxes: list[tuple[float, float, float, float]]) -> list[str]:
    result = []
    for minlon, minlat, maxlon, maxlat in boxes:
        box = f"{minlon:.5f},{minlat:.5f},{maxlon:.5f},{maxlat:.5f}"
        if server == "regional-map":
            result.append(f"/api/places?{urlencode({'bbox': box, 'limit': MAX_VIEW_FEATURES})}")
        elif server == "floor":
            result.append(f"/?{urlencode({'bbox': box, 'limit': MAX_VIEW_FEATURES})}")
        elif server == "pygeoapi":
            result.append("/collections/places/items?" + urlencode(
                {"bbox": box, "limit": MAX_VIEW_FEATURES, "f": "json"}))
        else:
            result.append("/places/places.geojson?" + urlencode({
                "lon__gte": f"{minlon:.5f}", "lon__lte": f"{maxlon:.5f}",
                "lat__gte": f"{minlat:.5f}", "lat__lte": f"{maxlat:.5f}",
                "_size": MAX_VIEW_FEATURES}))
    return result


def compare(db: Path, boxes: list, *, duration: float, concurrency: int) -> dict:
    """Run every server on the same places and viewports, one after the other."""
    bin_dir = ensure_venv()
    work = PEERS / "data" / db.stem
    paths = build_inputs(db, work)
    results: dict = {}
    versions = _versions(bin_dir)
    for name, server in _servers(bin_dir, paths, db, work).items():
        try:
            with server:
                if name == "regional-map":  # its workers warm the search in the background
                    time.sleep(20.0)
                load = run_load(name, "127.0.0.1", server.port, paths_for(name, boxes),
                                concurrency=concurrency, duration=duration)
                results[name] = {**load.as_dict(), "worker_rss_mb": server.worker_rss_mb(),
                                 "version": versions.get(name, "")}
        except RuntimeError as exc:
            print(f"  {name}: {exc}", flush=True)
            server.stop()
            continue
        print(f"  {name:13} p50 {load.median_ms:8.2f} ms  p95 {load.p95_ms:8.2f} ms"
              f"  {load.req_per_s:8.1f} req/s  {load.mean_bytes:8d} B  errors {load.errors}",
              flush=True)
    return results
