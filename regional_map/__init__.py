"""Regional Map: the open map, directory and data hub of a region's short food chain."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from . import schema
from .db import connect
from .settings import load as load_settings

__version__ = "0.1.0"


class StoreNotReady(RuntimeError):
    """The database is missing or older than this program; the message says what to run."""


def check_store(path: str | Path) -> None:
    """Refuse to serve a database that does not exist or needs a migration."""
    path = Path(path)
    if not path.exists():
        raise StoreNotReady(
            f"no database at {path}; run `regional-map load-demo` (demo data) or "
            "`regional-map init-db` first"
        )
    conn = connect(path)
    try:
        version = schema.version(conn)
    finally:
        conn.close()
    if version != schema.LATEST_VERSION:
        raise StoreNotReady(
            f"database {path} is at schema version {version}, this program needs "
            f"{schema.LATEST_VERSION}; run `regional-map init-db` to upgrade it"
        )


def create_app(overrides: dict[str, Any] | None = None, *, check: bool = True) -> Flask:
    """Build the web application. ``overrides`` replace settings (tests use this)."""
    from .cli import register_flask_commands
    from .errors import register_error_handlers
    from .security import register_security_headers
    from .views import api, assets, pages
    from .web import close_db

    settings = load_settings(**(overrides or {}))
    if check:
        check_store(settings["DB"])
    app = Flask(__name__)
    app.config["REGIONAL_MAP"] = settings
    app.config["SECRET_KEY"] = settings["SECRET_KEY"] or None
    app.config["JSON_SORT_KEYS"] = False
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    app.teardown_appcontext(close_db)
    from .i18n import init_i18n
    from .views.template_filters import register_template_filters

    init_i18n(app)
    register_template_filters(app)
    register_error_handlers(app)
    register_security_headers(app)
    app.register_blueprint(assets.bp)
    app.register_blueprint(api.bp)
    from .httpcache import init_compression
    from .views import ogc

    app.register_blueprint(ogc.bp)
    init_compression(app)
    app.register_blueprint(pages.bp)
    from .views import networks as network_views  # networks, links, matchmaking

    app.register_blueprint(network_views.bp)
    from .views.admin import register_trust  # accounts, moderation, contributions

    register_trust(app)
    from .views import embed, municipalities  # showcases, boundaries, coverage; embed

    app.register_blueprint(municipalities.bp)
    app.register_blueprint(embed.bp)
    register_flask_commands(app)
    return app
