-- A change counter: every write to places bumps it, so each worker knows when its
-- in-memory point index and caches are stale. place_products needs no trigger of its own:
-- a place's products are only written together with the place (updated_at).
CREATE TABLE places_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    token TEXT NOT NULL,
    generation INTEGER NOT NULL
);
INSERT INTO places_generation (id, token, generation) VALUES (1, lower(hex(randomblob(8))), 0);
CREATE TRIGGER places_generation_insert AFTER INSERT ON places BEGIN
    UPDATE places_generation SET generation = generation + 1; END;
CREATE TRIGGER places_generation_update AFTER UPDATE ON places BEGIN
    UPDATE places_generation SET generation = generation + 1; END;
CREATE TRIGGER places_generation_delete AFTER DELETE ON places BEGIN
    UPDATE places_generation SET generation = generation + 1; END;
