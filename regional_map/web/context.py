"""Per-request access to the store and the settings, for views."""

from __future__ import annotations

import os
import sqlite3
import threading
from typing import Any

from flask import current_app, g, request

from regional_map.db.connection import connect
from regional_map.model import LANGUAGES
from regional_map.provision import check_store


def settings() -> dict[str, Any]:
    return current_app.config["REGIONAL_MAP"]


def get_db() -> sqlite3.Connection:
    """The request's connection, opened on first use and closed at teardown.

    The first request of a process checks that the store exists and is migrated, so a server
    started before ``load-demo`` answers 503 with what to run, instead of creating an empty file.
    """
    if "db" not in g:
        if not current_app.config.get("_STORE_CHECKED"):
            check_store(settings()["DB"])  # StoreNotReady is answered as 503
            current_app.config["_STORE_CHECKED"] = True
        g.db = _thread_connection(settings()["DB"])
    return g.db


_threads = threading.local()


def _thread_connection(path) -> sqlite3.Connection:
    """A connection per worker thread and database file, kept from request to request.

    Opening one (pragmas, SQL functions, reading the schema) on every request would cost
    more than many answers; a kept one also keeps its prepared statements. A file replaced
    on disk (another inode) gets a new connection.
    """
    try:
        stat = os.stat(path)
        identity = (stat.st_dev, stat.st_ino)
    except OSError:
        identity = None
    kept = getattr(_threads, "connections", None)
    if kept is None:
        kept = _threads.connections = {}
    found = kept.get(str(path))
    if found is not None and found[0] == identity and identity is not None:
        return found[1]
    if found is not None:
        found[1].close()
    conn = connect(path)
    kept[str(path)] = (identity, conn)
    return conn


def close_db(_exc: BaseException | None = None) -> None:
    db = g.pop("db", None)
    if db is not None and db.in_transaction:
        db.rollback()  # a kept connection never carries a transaction into the next request


def current_language() -> str:
    """``lang`` parameter, then the ``lang`` cookie, then Accept-Language; English last."""
    lang = request.args.get("lang") or request.cookies.get("lang")
    if lang in LANGUAGES:
        return lang
    return request.accept_languages.best_match(LANGUAGES) or "en"
