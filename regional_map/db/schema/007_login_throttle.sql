-- Failed logins, counted by every worker and machine on this database alike (keyed hashes
-- of the client address and user name tried; see trust.auth.LoginThrottle).
CREATE TABLE IF NOT EXISTS login_failures (
    key TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS login_failures_key_at ON login_failures (key, at);
