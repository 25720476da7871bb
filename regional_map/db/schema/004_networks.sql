-- A network may be anchored at a point (its town, at the precision its source allows) so that
-- its links can be drawn and buyers can find it by distance. ``schedule`` holds its delivery or
-- pickup moments as stated (free text or OSM opening-hours syntax).
ALTER TABLE networks ADD COLUMN lat REAL CHECK (lat IS NULL OR lat BETWEEN -90 AND 90);
ALTER TABLE networks ADD COLUMN lon REAL CHECK (lon IS NULL OR lon BETWEEN -180 AND 180);
ALTER TABLE networks ADD COLUMN geocode_precision TEXT NOT NULL DEFAULT '';
ALTER TABLE networks ADD COLUMN schedule TEXT NOT NULL DEFAULT '';
ALTER TABLE networks ADD COLUMN sells_to_business INTEGER NOT NULL DEFAULT 0;
ALTER TABLE networks ADD COLUMN sells_to_consumers INTEGER NOT NULL DEFAULT 0;
ALTER TABLE networks ADD COLUMN status TEXT NOT NULL DEFAULT 'active'
    CHECK (status IN ('active', 'temporarily_closed', 'closed'));
ALTER TABLE networks ADD COLUMN closed_on TEXT;
CREATE TABLE place_services (
    place_id TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0,
    source_id TEXT REFERENCES sources (id),
    PRIMARY KEY (place_id, code)
) WITHOUT ROWID;
CREATE INDEX links_from ON links (from_kind, from_id, type);
CREATE INDEX links_type ON links (type);
