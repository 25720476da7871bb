"""Helpers of the contributions-and-trust tests: a writable copy of the demo store, an app
over it, users, and a browser-like client that reads CSRF tokens from the forms it gets."""

from __future__ import annotations

import re
from pathlib import Path

from regional_map.cli.trust import backup_database
from regional_map.db.connection import connect, transaction
from regional_map.trust.auth import create_user
from regional_map.web.app import create_app

PASSWORD = "correct horse battery"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def writable_demo(demo_db_path: Path, tmp_path: Path) -> Path:
    """A private copy of the demo store (SQLite's backup API), safe to write to."""
    path = tmp_path / "demo-copy.db"
    backup_database(demo_db_path, path)
    return path


def make_app(db_path: Path, **overrides):
    settings = {"DB": str(db_path), "SECRET_KEY": "test-secret", "SESSION_COOKIE_SECURE": False}
    settings.update(overrides)
    app = create_app(settings)
    app.config["TESTING"] = True
    return app


def add_user(db_path: Path, username: str, role: str, network_id: str | None = None) -> None:
    conn = connect(db_path)
    try:
        with transaction(conn):
            create_user(conn, username, PASSWORD, role, network_id)
    finally:
        conn.close()


def csrf_from(html: str) -> str:
    match = _TOKEN.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def form_token(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return csrf_from(response.get_data(as_text=True))


def sign_in(client, username: str, password: str = PASSWORD):
    token = form_token(client, "/admin/login")
    return client.post("/admin/login", data={"csrf_token": token, "username": username,
                                             "password": password})
