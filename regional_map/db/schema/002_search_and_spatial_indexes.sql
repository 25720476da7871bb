-- Search and spatial indexes. The FTS table holds text already folded by ``text.fold`` (lower
-- case, no accents, "œ" → "oe"), and queries are folded the same way, so "Œufs", "oeufs" and
-- "OEUFS" are one token. ``mx``/``my`` are Web-Mercator pixel coordinates at zoom 24: a cluster
-- cell at zoom z is ``(mx >> s, my >> s)``, computed in SQL without trigonometry.
CREATE VIRTUAL TABLE places_rtree USING rtree (num, minlon, maxlon, minlat, maxlat);
CREATE VIRTUAL TABLE places_fts USING fts5 (
    name, description, products, town,
    tokenize = "unicode61 remove_diacritics 2"
);
ALTER TABLE places ADD COLUMN mx INTEGER NOT NULL DEFAULT 0;
ALTER TABLE places ADD COLUMN my INTEGER NOT NULL DEFAULT 0;
