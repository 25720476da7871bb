-- Contributions and trust: users, the change log, submissions, owner tokens.
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'moderator', 'network_editor')),
    network_id TEXT,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL,
    last_login TEXT,
    CHECK (role != 'network_editor' OR network_id IS NOT NULL)
);

CREATE TABLE changes (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    before TEXT,
    after TEXT,
    reason TEXT NOT NULL DEFAULT '',
    reverted_by INTEGER REFERENCES changes (id)
);
CREATE INDEX changes_entity ON changes (entity, entity_id, id);
CREATE INDEX changes_at ON changes (at);

CREATE TABLE submissions (
    id INTEGER PRIMARY KEY,
    type TEXT NOT NULL CHECK (type IN ('new_place', 'problem')),
    place_id TEXT,
    payload TEXT NOT NULL DEFAULT '{}',
    message TEXT NOT NULL DEFAULT '',
    contact TEXT NOT NULL DEFAULT '',
    client TEXT NOT NULL,
    duplicates TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'approved', 'rejected')),
    created_at TEXT NOT NULL,
    reviewed_by TEXT,
    reviewed_at TEXT,
    review_note TEXT NOT NULL DEFAULT '',
    result_place_id TEXT
);
CREATE INDEX submissions_status ON submissions (status, id);
CREATE INDEX submissions_client ON submissions (client, created_at);

CREATE TABLE owner_tokens (
    token_hash TEXT PRIMARY KEY,
    place_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    last_used_at TEXT
);
CREATE INDEX owner_tokens_place ON owner_tokens (place_id);
