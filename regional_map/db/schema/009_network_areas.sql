-- Network areas: where a network is active, without inventing a point. A network without a
-- visitable place (a web platform, a cooperative of farms) is shown by its area of activity:
-- a list of municipalities, a polygon, a radius around a centre, or a radius around its own
-- places ("members"). Networks also state the products and services they offer, their
-- delivery moments (delivery_days: OSM weekday codes, "Tu,Fr") and the language of their
-- description, so a page in another language marks it with lang.
CREATE TABLE network_areas (
    network_id TEXT PRIMARY KEY REFERENCES networks (id) ON DELETE CASCADE,
    method TEXT NOT NULL CHECK (method IN ('municipalities', 'polygon', 'radius', 'members')),
    municipalities TEXT NOT NULL DEFAULT '[]',
    geometry TEXT,
    center_lat REAL CHECK (center_lat IS NULL OR center_lat BETWEEN -90 AND 90),
    center_lon REAL CHECK (center_lon IS NULL OR center_lon BETWEEN -180 AND 180),
    radius_km REAL CHECK (radius_km IS NULL OR radius_km > 0),
    note TEXT NOT NULL DEFAULT '',
    source_id TEXT REFERENCES sources (id)
) WITHOUT ROWID;
ALTER TABLE networks ADD COLUMN products TEXT NOT NULL DEFAULT '[]';
ALTER TABLE networks ADD COLUMN services TEXT NOT NULL DEFAULT '[]';
ALTER TABLE networks ADD COLUMN delivery_days TEXT NOT NULL DEFAULT '';
ALTER TABLE networks ADD COLUMN description_lang TEXT NOT NULL DEFAULT '';
