"""Accounts of moderators and network editors: argon2 passwords, sessions, CSRF, roles.

Plain functions over a connection (``create_user``, ``authenticate``, ``can_edit_place``) and a
few Flask helpers (``current_user``, ``login_required``, ``csrf_protect``). Session cookies are
HttpOnly, SameSite=Lax and Secure (``REGIONAL_MAP_SESSION_COOKIE_SECURE``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import time
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, abort, current_app, g, redirect, request, session, url_for

from regional_map.db.connection import transaction
from regional_map.networks.records import network_place_ids  # noqa: F401 - editors' scope, re-exported
from regional_map.places.store import utcnow

ROLES = ("admin", "moderator", "network_editor")
MODERATING_ROLES = ("admin", "moderator")
MIN_PASSWORD_LENGTH = 10
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"

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


# --- Flask side -----------------------------------------------------------------------------

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


def migrate_login_throttle(conn: sqlite3.Connection) -> None:
    """Schema step: the failed logins every worker counts (see :class:`LoginThrottle`)."""
    conn.execute("""CREATE TABLE IF NOT EXISTS login_failures (
                        key TEXT NOT NULL,
                        at REAL NOT NULL)""")
    conn.execute("CREATE INDEX IF NOT EXISTS login_failures_key_at ON login_failures (key, at)")


def _secret_key(db_path: str) -> str:
    """A secret kept next to the database, made on first use, so every worker shares it."""
    path = Path(f"{db_path}.secret")
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(48)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "x") as handle:  # "x": two workers starting at once keep one key
                handle.write(key)
            path.chmod(0o600)
        except FileExistsError:
            return path.read_text().strip()
        except OSError:
            return key
        return key


def init_auth(app: Flask) -> None:
    """Cookie flags, the secret key, and ``csrf_token()`` / ``current_user`` in templates."""
    settings = app.config["REGIONAL_MAP"]
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(str(settings["DB"]))
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=bool(settings["SESSION_COOKIE_SECURE"]),
        SESSION_COOKIE_NAME="regional_map_session",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
    )
    app.extensions["regional_map_login_throttle"] = LoginThrottle()
    hops = int(settings.get("PROXY_HOPS") or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Only as many X-Forwarded-* entries as there are proxies we run: a client cannot
        # choose its own address for the rate limits by sending the header itself.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.globals["current_user"] = current_user


def csrf_token() -> str:
    """This session's CSRF token (made on first use); forms send it back in ``csrf_token``."""
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def _same_origin(value: str) -> bool:
    parts = urlsplit(value)
    return f"{parts.scheme}://{parts.netloc}" == request.host_url.rstrip("/")


def csrf_protect() -> None:
    """``before_request`` of every blueprint with forms: unsafe methods need the session's
    token, and a browser's ``Origin`` (or ``Referer``) must be this site."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    origin = request.headers.get("Origin")
    if origin is not None and origin != "null" and not _same_origin(origin):
        abort(403, "cross-site request refused")
    if origin in (None, "null"):
        referer = request.headers.get("Referer")
        if referer and not _same_origin(referer):
            abort(403, "cross-site request refused")
    sent = request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    expected = session.get("csrf") or ""
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        abort(403, "missing or wrong CSRF token; reload the form and try again")


def current_user() -> dict | None:
    if "user" not in g:
        from regional_map.web.context import get_db

        user_id = session.get("uid")
        g.user = get_user(get_db(), user_id) if isinstance(user_id, int) else None
    return g.user


def login(user: dict) -> None:
    """Start a fresh session (a new CSRF token too: no session fixation)."""
    session.clear()
    session.permanent = True
    session["uid"] = user["id"]
    session["csrf"] = secrets.token_urlsafe(32)
    g.user = user


def logout() -> None:
    session.clear()
    g.user = None


def login_throttle() -> LoginThrottle:
    return current_app.extensions["regional_map_login_throttle"]


def login_required(*roles: str) -> Callable:
    """Views for signed-in users (of ``roles``, if given): others go to the login page (GET)
    or get 401/403 (writes)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any):
            user = current_user()
            if user is None:
                if request.method == "GET":
                    return redirect(url_for("admin.login", next=request.full_path))
                abort(401, "sign in first")
            if roles and user["role"] not in roles:
                abort(403, "your account may not do this")
            return view(*args, **kwargs)

        return wrapped

    return decorator
