"""Per-request access to the store and the settings, for views."""

from __future__ import annotations

import sqlite3
from typing import Any

from flask import current_app, g, request

from .db import connect
from .model import LANGUAGES
from .queries import register_functions


def settings() -> dict[str, Any]:
    return current_app.config["REGIONAL_MAP"]


def get_db() -> sqlite3.Connection:
    """The request's connection, opened on first use and closed at teardown.

    The first request of a process checks that the store exists and is migrated, so a server
    started before ``load-demo`` answers 503 with what to run, instead of creating an empty file.
    """
    if "db" not in g:
        if not current_app.config.get("_STORE_CHECKED"):
            from . import StoreNotReady, check_store
            from .errors import ApiError

            try:
                check_store(settings()["DB"])
            except StoreNotReady as exc:
                raise ApiError(503, str(exc)) from None
            current_app.config["_STORE_CHECKED"] = True
        g.db = connect(settings()["DB"])
        register_functions(g.db)
    return g.db


def close_db(_exc: BaseException | None = None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.close()


def current_language() -> str:
    """``lang`` parameter, then the ``lang`` cookie, then Accept-Language; English last."""
    lang = request.args.get("lang") or request.cookies.get("lang")
    if lang in LANGUAGES:
        return lang
    return request.accept_languages.best_match(LANGUAGES) or "en"
