-- Which place each write touched, in order: a worker's in-memory point index applies the
-- changes since it was loaded (a few rows) instead of reloading every place after each edit.
-- Only the latest 100,000 entries are kept; a worker that has fallen further behind reloads.
CREATE TABLE places_touched (id INTEGER PRIMARY KEY AUTOINCREMENT, num INTEGER NOT NULL);
CREATE TRIGGER places_touched_insert AFTER INSERT ON places BEGIN
    INSERT INTO places_touched (num) VALUES (NEW.num); END;
CREATE TRIGGER places_touched_update AFTER UPDATE ON places BEGIN
    INSERT INTO places_touched (num) VALUES (NEW.num); END;
CREATE TRIGGER places_touched_delete AFTER DELETE ON places BEGIN
    INSERT INTO places_touched (num) VALUES (OLD.num); END;
CREATE TRIGGER places_touched_prune AFTER INSERT ON places_touched
    WHEN NEW.id % 10000 = 0 BEGIN
    DELETE FROM places_touched WHERE id <= NEW.id - 100000; END;
