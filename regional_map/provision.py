"""Create, upgrade, check and fill a store: the steps the CLI, the web app and tests share.

These orchestrate the domain packages (reference tables, boundaries, importers, seeds) and sit
above them; ``web`` and ``cli`` call them, nothing below imports this module.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from regional_map.db import migrations
from regional_map.db.connection import connect, transaction
from regional_map.errors import StoreNotReady
from regional_map.geocode.services import make_geocoder
from regional_map.ingest.importer import import_file
from regional_map.ingest.region import stored_region
from regional_map.municipalities.boundaries import assign_municipalities, load_boundaries
from regional_map.networks.seeds import load_seeds
from regional_map.places.reference import load_postcodes_and_municipalities, load_products
from regional_map.places.store import reindex_all, reindex_place
from regional_map.resources import resource_dir
from regional_map.settings import DEFAULT_REGION
from regional_map.settings import load as load_settings

DEMO_ATTRIBUTION = ("© OpenStreetMap contributors (ODbL 1.0), via farmshops.eu "
                    "(CodeforKarlsruhe), Overpass export 2026-01-29")


def demo_osm_file() -> Path:
    """The shipped OSM sample the demo is built from."""
    return resource_dir("data") / "osm" / "be_nl_shortchain_osm.geojson"


def check_store(path: str | Path) -> None:
    """Refuse to serve a database that does not exist or needs a migration."""
    path = Path(path)
    if not path.exists():
        raise StoreNotReady(
            f"no database at {path}; run `regional-map load-demo` (demo data) or "
            "`regional-map init-db` first"
        )
    conn = connect(path)
    try:
        version = migrations.version(conn)
    finally:
        conn.close()
    if version != migrations.LATEST_VERSION:
        raise StoreNotReady(
            f"database {path} is at schema version {version}, this program needs "
            f"{migrations.LATEST_VERSION}; run `regional-map init-db` to upgrade it"
        )


def store_region(path: str | Path) -> tuple[float, float, float, float] | None:
    """The region the store's first import recorded (its data's extent), or None."""
    conn = connect(path)
    try:
        return stored_region(conn)
    finally:
        conn.close()


def init_store(conn: sqlite3.Connection) -> dict[str, int]:
    """Create or upgrade the schema and (re)load the reference tables."""
    applied = migrations.migrate(conn)
    with transaction(conn):
        if migrations.REINDEX_AFTER in applied:  # places that predate the search index
            reindex_all(conn)
        elif migrations.SERVICES_SEARCHABLE_AFTER in applied:  # hubs found by their services
            for (place_id,) in conn.execute(
                    "SELECT DISTINCT place_id FROM place_services").fetchall():
                reindex_place(conn, place_id)
        postcodes, municipalities = load_postcodes_and_municipalities(conn)
        products = load_products(conn)
        boundaries = load_boundaries(conn)
        assign_municipalities(conn)  # existing places follow the (re)loaded boundaries
    return {"migrations_applied": len(applied), "postcodes": postcodes,
            "municipalities": municipalities, "products": products, "boundaries": boundaries}


def open_store(path: str | Path, *, upgrade: bool = True) -> sqlite3.Connection:
    """A connection to the store at ``path``, created or migrated first when ``upgrade``."""
    conn = connect(path)
    if upgrade and migrations.version(conn) != migrations.LATEST_VERSION:
        init_store(conn)
    return conn


def run_import(conn: sqlite3.Connection, path: Path, *, region,
               settings: Mapping[str, Any] | None = None,
               progress: Callable[[int], None] | None = None,
               on_geocoder_done: Callable[[Any], None] | None = None, **options: Any):
    """Import ``path`` with the configured online geocoder (if any); returns the report."""
    if "online_geocoder" not in options:
        options["online_geocoder"] = make_geocoder(settings or load_settings())
    geocoder = options["online_geocoder"]
    try:
        return import_file(conn, path, region=region, progress=progress, **options)
    finally:
        if geocoder is not None:
            if on_geocoder_done is not None:
                on_geocoder_done(geocoder.stats)
            geocoder.close()


def load_demo(conn: sqlite3.Connection, region=DEFAULT_REGION, *,
              progress: Callable[[int], None] | None = None,
              settings: Mapping[str, Any] | None = None):
    """Create the store and load the shipped demo data; returns the import report."""
    init_store(conn)
    report = run_import(conn, demo_osm_file(), region=region, source="osm", progress=progress,
                        settings=settings, attribution=DEMO_ATTRIBUTION)
    load_seeds(conn)  # the seed initiatives: networks, places, links (data/seeds)
    return report
