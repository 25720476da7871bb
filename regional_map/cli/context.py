"""What every command needs from its context: the settings (``--db`` included) and the store."""

from __future__ import annotations

import sqlite3
from typing import Any

import click

from regional_map.provision import open_store as _open_store
from regional_map.settings import SettingError
from regional_map.settings import load as load_settings


def settings() -> dict[str, Any]:
    """Settings of the Flask app when run under ``flask``, else from the environment."""
    from flask import current_app

    if current_app:
        return current_app.config["REGIONAL_MAP"]
    ctx = click.get_current_context(silent=True)
    overrides = ((ctx.find_root().obj or {}).get("overrides", {})) if ctx else {}
    try:
        return load_settings(**overrides)
    except SettingError as exc:
        raise click.UsageError(str(exc)) from exc


def open_store(*, upgrade: bool = False) -> sqlite3.Connection:
    """The configured store; created or migrated first when ``upgrade``."""
    return _open_store(settings()["DB"], upgrade=upgrade)
