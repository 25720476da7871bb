"""Tables, indexes and the migrations that create or upgrade them.

A database records its schema version in ``PRAGMA user_version``. :func:`migrate` applies the
missing steps in order, each in its own transaction, so an existing database is upgraded and
never thrown away. Add a step at the end; never edit one that has shipped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from regional_map.db.connection import transaction

# Internal integer key ``num`` joins places to the R*Tree, FTS and product tables; the public
# ``id`` is a stable, URL-safe text (e.g. ``osm-node-123``) that survives rebuilds and
# re-imports. An INTEGER PRIMARY KEY is used rather than the implicit rowid because VACUUM may
# renumber implicit rowids, which would silently break the index tables.
_V1_CORE = """
CREATE TABLE sources (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    licence TEXT NOT NULL DEFAULT '',
    attribution TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    imported_at TEXT,
    rows_read INTEGER NOT NULL DEFAULT 0,
    rows_imported INTEGER NOT NULL DEFAULT 0,
    rows_updated INTEGER NOT NULL DEFAULT 0,
    rows_rejected INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE municipalities (
    code TEXT PRIMARY KEY,
    country TEXT NOT NULL,
    name_nl TEXT,
    name_fr TEXT,
    province TEXT,
    lat REAL,
    lon REAL
);

CREATE TABLE postcodes (
    country TEXT NOT NULL,
    postcode TEXT NOT NULL,
    place_name TEXT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    municipality_code TEXT,
    PRIMARY KEY (country, postcode, place_name)
) WITHOUT ROWID;
CREATE INDEX postcodes_place ON postcodes (place_name);

CREATE TABLE product_categories (
    code TEXT PRIMARY KEY,
    name_nl TEXT NOT NULL,
    name_fr TEXT NOT NULL,
    name_en TEXT NOT NULL
);

CREATE TABLE products (
    code TEXT PRIMARY KEY,
    category TEXT NOT NULL REFERENCES product_categories (code),
    name_nl TEXT NOT NULL,
    name_fr TEXT NOT NULL,
    name_en TEXT NOT NULL,
    synonyms TEXT NOT NULL DEFAULT '',
    season_months TEXT NOT NULL DEFAULT '1-12'
);

CREATE TABLE places (
    num INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    street TEXT NOT NULL DEFAULT '',
    housenumber TEXT NOT NULL DEFAULT '',
    postcode TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    municipality_code TEXT,
    country TEXT NOT NULL DEFAULT '',
    lat REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
    geocode_precision TEXT NOT NULL,
    geocode_source TEXT NOT NULL DEFAULT '',
    opening_hours TEXT NOT NULL DEFAULT '',
    season_months TEXT NOT NULL DEFAULT '',
    organic INTEGER CHECK (organic IN (0, 1)),
    payment TEXT NOT NULL DEFAULT '[]',
    website TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'active'
        CHECK (status IN ('active', 'temporarily_closed', 'closed')),
    closed_on TEXT,
    last_confirmed TEXT,
    sells_to_consumers INTEGER NOT NULL DEFAULT 1,
    sells_to_business INTEGER NOT NULL DEFAULT 0,
    source_id TEXT REFERENCES sources (id),
    source_ref TEXT,
    licence TEXT NOT NULL DEFAULT '',
    extra TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (source_id, source_ref)
);
CREATE INDEX places_kind_status ON places (kind, status);
CREATE INDEX places_status ON places (status);
CREATE INDEX places_municipality ON places (municipality_code);
CREATE INDEX places_updated ON places (updated_at);

CREATE TABLE place_products (
    place_num INTEGER NOT NULL REFERENCES places (num) ON DELETE CASCADE,
    product_code TEXT NOT NULL REFERENCES products (code),
    PRIMARY KEY (place_num, product_code)
) WITHOUT ROWID;
CREATE INDEX place_products_by_product ON place_products (product_code, place_num);

CREATE TABLE networks (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    website TEXT NOT NULL DEFAULT '',
    area TEXT NOT NULL DEFAULT '',
    stated_figures TEXT NOT NULL DEFAULT '[]',
    source_id TEXT REFERENCES sources (id),
    licence TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE links (
    id INTEGER PRIMARY KEY,
    from_kind TEXT NOT NULL CHECK (from_kind IN ('place', 'network')),
    from_id TEXT NOT NULL,
    type TEXT NOT NULL,
    to_kind TEXT NOT NULL CHECK (to_kind IN ('place', 'network')),
    to_id TEXT NOT NULL,
    schedule TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    source_id TEXT REFERENCES sources (id),
    created_at TEXT NOT NULL,
    UNIQUE (from_kind, from_id, type, to_kind, to_id)
);
CREATE INDEX links_to ON links (to_kind, to_id);
"""

# Search and spatial indexes. The FTS table holds text already folded by ``text.fold`` (lower
# case, no accents, "œ" → "oe"), and queries are folded the same way, so "Œufs", "oeufs" and
# "OEUFS" are one token. ``mx``/``my`` are Web-Mercator pixel coordinates at zoom 24: a cluster
# cell at zoom z is ``(mx >> s, my >> s)``, computed in SQL without trigonometry.
_V2_INDEXES = """
CREATE VIRTUAL TABLE places_rtree USING rtree (num, minlon, maxlon, minlat, maxlat);
CREATE VIRTUAL TABLE places_fts USING fts5 (
    name, description, products, town,
    tokenize = "unicode61 remove_diacritics 2"
);
ALTER TABLE places ADD COLUMN mx INTEGER NOT NULL DEFAULT 0;
ALTER TABLE places ADD COLUMN my INTEGER NOT NULL DEFAULT 0;
"""


def _v1(conn: sqlite3.Connection) -> None:
    _run_script(conn, _V1_CORE)


def _v2(conn: sqlite3.Connection) -> None:
    from regional_map.places.store import reindex_all  # late import: store depends on the schema

    _run_script(conn, _V2_INDEXES)
    reindex_all(conn)


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    # executescript() would COMMIT the surrounding transaction; run statement by statement.
    for statement in script.split(";\n"):
        if statement.strip():
            conn.execute(statement)


def _v3_trust(conn: sqlite3.Connection) -> None:
    from regional_map.db.trust_migrations import (
        migrate_trust,  # users, changes, submissions, owner tokens
    )

    migrate_trust(conn)


def _v4_networks(conn: sqlite3.Connection) -> None:
    from regional_map.db.network_migrations import (
        migrate_networks,  # network anchor, moments; hub services
    )

    migrate_networks(conn)


def _v5_boundaries(conn: sqlite3.Connection) -> None:
    from regional_map.municipalities.boundaries import (
        migrate as migrate_boundaries,  # boundaries; places' method
    )

    migrate_boundaries(conn)


def _v6_point_index(conn: sqlite3.Connection) -> None:
    from regional_map.places.pointindex import (
        migrate as migrate_point_index,  # change counter for map caches
    )

    migrate_point_index(conn)


def _v7_network_areas(conn: sqlite3.Connection) -> None:
    from regional_map.db.area_migrations import (
        migrate_network_areas,  # network areas, offers, delivery moments
    )
    from regional_map.places.store import (
        reindex_place,  # late import, as in _v2: store depends on the schema
    )

    migrate_network_areas(conn)
    # Services became searchable with their place: index those already recorded.
    for (place_id,) in conn.execute("SELECT DISTINCT place_id FROM place_services").fetchall():
        reindex_place(conn, place_id)


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _v1, _v2, _v3_trust, _v4_networks, _v5_boundaries, _v6_point_index,
    _v7_network_areas)
LATEST_VERSION = len(MIGRATIONS)


def version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection, target: int = LATEST_VERSION) -> list[int]:
    """Bring the database to ``target`` (default: latest). Returns the versions applied.

    Idempotent: on an up-to-date database it does nothing.
    """
    applied = []
    current = version(conn)
    if current > LATEST_VERSION:
        raise RuntimeError(
            f"database schema version {current} is newer than this program ({LATEST_VERSION})"
        )
    for number in range(current + 1, target + 1):
        with transaction(conn):
            MIGRATIONS[number - 1](conn)
            # PRAGMA does not accept bound parameters; ``number`` is an int we control.
            conn.execute(f"PRAGMA user_version = {int(number)}")
        applied.append(number)
    return applied
