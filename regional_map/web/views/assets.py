"""Leaflet and its plugins, served from their pip packages (no CDN, works offline)."""

from __future__ import annotations

from flask import Blueprint, abort, send_from_directory

bp = Blueprint("vendor", __name__, url_prefix="/vendor")


def _packages() -> dict[str, str]:
    import xstatic.pkg.leaflet as leaflet
    import xstatic.pkg.leaflet_markercluster as markercluster

    return {"leaflet": leaflet.BASE_DIR, "leaflet.markercluster": markercluster.BASE_DIR}


@bp.get("/<package>/<path:filename>")
def vendor_file(package: str, filename: str):
    base = _packages().get(package)
    if base is None:
        abort(404)
    # send_from_directory refuses paths that leave ``base``.
    return send_from_directory(base, filename, max_age=7 * 24 * 3600)
