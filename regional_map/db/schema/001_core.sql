-- Internal integer key ``num`` joins places to the R*Tree, FTS and product tables; the public
-- ``id`` is a stable, URL-safe text (e.g. ``osm-node-123``) that survives rebuilds and
-- re-imports. An INTEGER PRIMARY KEY is used rather than the implicit rowid because VACUUM may
-- renumber implicit rowids, which would silently break the index tables.
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
