-- Re-import as a sync: what each place last received from its source (to tell a local edit
-- from a source change), whether it has left the source, its OSM type/id; proposed network
-- links; and store-wide facts such as the region set from the first import's extent.
CREATE TABLE place_sync (
    place_num INTEGER PRIMARY KEY REFERENCES places (num) ON DELETE CASCADE,
    source_id TEXT NOT NULL,
    osm_type TEXT,
    osm_id INTEGER,
    imported TEXT NOT NULL DEFAULT '{}',
    seen_at TEXT NOT NULL,
    left_source_at TEXT,
    status_before TEXT
);
CREATE INDEX place_sync_source ON place_sync (source_id, left_source_at);
CREATE TABLE link_proposals (
    id INTEGER PRIMARY KEY,
    place_id TEXT NOT NULL,
    network_id TEXT NOT NULL,
    type TEXT NOT NULL DEFAULT 'member_of',
    reason TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'proposed'
        CHECK (status IN ('proposed', 'accepted', 'rejected')),
    source_id TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (place_id, network_id, type)
);
CREATE TABLE store_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
