"""HTML pages. Each reads the same query layer as the API."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for

from ..model import PLACE_KINDS
from ..queries import attributions
from ..web import current_language, get_db, settings

bp = Blueprint("pages", __name__)


@bp.get("/")
def index():
    """The map with its list of places."""
    cfg = settings()
    lang = current_language()
    region = cfg["REGION"] or (-180.0, -85.0, 180.0, 85.0)
    return render_template(
        "index.html",
        lang=lang,
        kinds=[(code, term.label(lang)) for code, term in PLACE_KINDS.items()],
        sources=attributions(get_db()),
        map_config={
            "clusters-url": url_for("api.clusters"),
            "tile-url": cfg["TILE_URL"],
            "tile-attribution": cfg["TILE_ATTRIBUTION"],
            "region": ",".join(str(v) for v in region),
            "lang": lang,
        },
    )
