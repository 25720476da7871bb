"""Accounts of moderators and network editors: argon2 passwords, roles, the login throttle.

Plain functions over a connection (``create_user``, ``authenticate``, ``can_edit_place``); the
sessions, cookies and CSRF of the web are in :mod:`regional_map.web.auth`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import time

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from regional_map.db.connection import transaction
from regional_map.networks.records import network_place_ids  # noqa: F401 - editors' scope, re-exported
from regional_map.places.store import utcnow

ROLES = ("admin", "moderator", "network_editor")
MODERATING_ROLES = ("admin", "moderator")
MIN_PASSWORD_LENGTH = 10

# Argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): strong against
# guessing, and quick enough that a login does not tie up a worker.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
# Verified against when the user does not exist, so a wrong user name costs the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class AuthError(ValueError):
    """A user cannot be created or changed; the message says why."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def create_user(conn: sqlite3.Connection, username: str, password: str, role: str,
                network_id: str | None = None) -> int:
    """Create an account; raises :class:`AuthError` for a bad name, password or role."""
    username = username.strip()
    if not username or len(username) > 80 or any(c.isspace() for c in username):
        raise AuthError("user name must be 1 to 80 characters without spaces")
    if role not in ROLES:
        raise AuthError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    if role == "network_editor":
        if not network_id:
            raise AuthError("a network editor needs --network")
        if conn.execute("SELECT 1 FROM networks WHERE id = ?", (network_id,)).fetchone() is None:
            raise AuthError(f"no network with id {network_id!r}")
    else:
        network_id = None
    try:
        cursor = conn.execute(
            """INSERT INTO users (username, password_hash, role, network_id, created_at)
               VALUES (?, ?, ?, ?, ?)""",
            (username, hash_password(password), role, network_id, utcnow()),
        )
    except sqlite3.IntegrityError:
        raise AuthError(f"user {username!r} already exists") from None
    return cursor.lastrowid


def set_password(conn: sqlite3.Connection, username: str, password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    cursor = conn.execute("UPDATE users SET password_hash = ? WHERE username = ?",
                          (hash_password(password), username))
    if cursor.rowcount == 0:
        raise AuthError(f"no user {username!r}")


def authenticate(conn: sqlite3.Connection, username: str, password: str) -> dict | None:
    """The active user with this name and password, or None."""
    row = conn.execute("SELECT * FROM users WHERE username = ? AND active = 1",
                       (username.strip(),)).fetchone()
    if row is None:
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(row["password_hash"], password):
        return None
    if _hasher.check_needs_rehash(row["password_hash"]):
        conn.execute("UPDATE users SET password_hash = ? WHERE id = ?",
                     (hash_password(password), row["id"]))
    conn.execute("UPDATE users SET last_login = ? WHERE id = ?", (utcnow(), row["id"]))
    return _public(row)


def _public(row: sqlite3.Row) -> dict:
    return {k: row[k] for k in ("id", "username", "role", "network_id")}


def get_user(conn: sqlite3.Connection, user_id: int) -> dict | None:
    row = conn.execute("SELECT * FROM users WHERE id = ? AND active = 1", (user_id,)).fetchone()
    return _public(row) if row else None


def is_moderator(user: dict | None) -> bool:
    return bool(user) and user["role"] in MODERATING_ROLES


def can_edit_place(conn: sqlite3.Connection, user: dict | None, place_id: str) -> bool:
    """Moderators edit every place; a network editor only the places of their network."""
    if not user:
        return False
    if is_moderator(user):
        return True
    return user["role"] == "network_editor" and place_id in network_place_ids(
        conn, user["network_id"])


def actor(user: dict) -> str:
    return f"user:{user['username']}"


class LoginThrottle:
    """At most ``limit`` failed logins per client and user name in ``window`` seconds.

    The failures are rows of the store's ``login_failures`` table (schema step 7), as the
    submission limit counts rows of ``submissions``: every gunicorn worker and every machine
    on the same database sees the same count, so N workers do not allow N times the attempts.
    Keys are keyed hashes (:func:`throttle_key`): no raw address or user name is stored.
    """

    def __init__(self, limit: int = 10, window: float = 900.0):
        self.limit, self.window = limit, window

    def blocked(self, conn: sqlite3.Connection, key: str, now: float | None = None) -> bool:
        cutoff = (time.time() if now is None else now) - self.window
        count = conn.execute("SELECT COUNT(*) FROM login_failures WHERE key = ? AND at >= ?",
                             (key, cutoff)).fetchone()[0]
        return count >= self.limit

    def failed(self, conn: sqlite3.Connection, key: str, now: float | None = None) -> None:
        """Record one failure (and forget every failure older than the window, so the table
        stays as small as the attempts of the last ``window`` seconds)."""
        now = time.time() if now is None else now
        with transaction(conn):
            conn.execute("DELETE FROM login_failures WHERE at < ?", (now - self.window,))
            conn.execute("INSERT INTO login_failures (key, at) VALUES (?, ?)", (key, now))

    def forget(self, conn: sqlite3.Connection, key: str) -> None:
        """A successful login clears its key's failures."""
        with transaction(conn):
            conn.execute("DELETE FROM login_failures WHERE key = ?", (key,))


def throttle_key(address: str | None, username: str, secret: str) -> str:
    """A keyed hash of the client address and the (case-folded) user name tried."""
    text = f"{address or '-'}|{username.strip().lower()}"
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()[:32]


