"""The application factory: settings, the one list of blueprints, error handlers, headers."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from regional_map.provision import check_store, store_region
from regional_map.resources import resource_dir
from regional_map.settings import load as load_settings
from regional_map.web.context import close_db
from regional_map.web.errors import register_error_handlers
from regional_map.web.httpcache import init_compression
from regional_map.web.i18n import init_i18n
from regional_map.web.security import register_security_headers
from regional_map.web.template_filters import register_template_filters
from regional_map.web.views import BLUEPRINTS, REGISTRARS


def create_app(overrides: dict[str, Any] | None = None, *, check: bool = True) -> Flask:
    """Build the web application. ``overrides`` replace settings (tests use this)."""
    settings = load_settings(**(overrides or {}))
    if check:
        check_store(settings["DB"])
        if "REGION" not in (overrides or {}) and not os.environ.get("REGIONAL_MAP_REGION"):
            # No region configured: the map opens on the data's extent (set by the first
            # import), not on the default BE/NL box.
            settings["REGION"] = store_region(settings["DB"]) or settings["REGION"]
    app = Flask("regional_map", template_folder=str(resource_dir("templates")),
                static_folder=str(resource_dir("static")))
    app.config["REGIONAL_MAP"] = settings
    app.config["SECRET_KEY"] = settings["SECRET_KEY"] or None
    app.config["JSON_SORT_KEYS"] = False
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    app.teardown_appcontext(close_db)
    init_i18n(app)
    register_template_filters(app)
    register_error_handlers(app)
    register_security_headers(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    for register in REGISTRARS:
        register(app)
    init_compression(app)
    return app
