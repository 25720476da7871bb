-- Municipal boundaries, and how each place was assigned to its municipality.
CREATE TABLE municipality_boundaries (
    code TEXT PRIMARY KEY,
    country TEXT NOT NULL,
    name_nl TEXT,
    name_fr TEXT,
    source_id TEXT,
    minlon REAL NOT NULL,
    minlat REAL NOT NULL,
    maxlon REAL NOT NULL,
    maxlat REAL NOT NULL,
    geometry TEXT NOT NULL
);
ALTER TABLE places ADD COLUMN municipality_method TEXT;
