"""Sessions, CSRF and sign-in for the web: the Flask side of the accounts in ``trust.auth``."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, g, redirect, request, session, url_for
from werkzeug.middleware.proxy_fix import ProxyFix

from regional_map.trust.auth import LoginThrottle, get_user
from regional_map.web.context import get_db

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


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
        # Only as many X-Forwarded-* entries as there are proxies we run: a client cannot
        # choose its own address for the rate limits by sending the header itself.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.globals["current_user"] = current_user


def private(response):
    """Pages with forms or personal data: never cached, never indexed (``after_request``)."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


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
