"""OpenStreetMap both ways: ``/api/osm/differences`` (places whose local data disagrees with
the last OSM import, to correct by hand) and the ``osm_links`` template filter of the place
page (view or edit the element on OSM, or add a note where there is none)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request, url_for

from regional_map.exchange.osm_diff import challenge_geojson, differences_csv, find_differences
from regional_map.exchange.osm_links import osm_links
from regional_map.web import openapi
from regional_map.web.context import get_db
from regional_map.web.errors import BadParameter
from regional_map.web.httpcache import cached
from regional_map.web.openapi_schemas import ERROR_RESPONSES

FORMATS = ("geojson", "csv")
bp = Blueprint("osm", __name__, url_prefix="/api/osm")


@bp.get("/differences")
def differences():
    """Places whose local fields differ from the last OSM import: a GeoJSON challenge or CSV."""
    fmt = request.args.get("format", "geojson")
    if fmt not in FORMATS:
        raise BadParameter("format", f"use one of {', '.join(FORMATS)}")
    source = request.args.get("source", "osm")[:100]

    def build() -> Response:
        found = find_differences(get_db(), source)
        if fmt == "csv":
            response = Response(differences_csv(found), mimetype="text/csv")
            response.headers["Content-Type"] = "text/csv; charset=utf-8"
            response.headers["Content-Disposition"] = 'attachment; filename="osm-differences.csv"'
            return response
        body = challenge_geojson(found, lambda place_id: url_for(
            "pages.place", place_id=place_id, _external=True))
        response = jsonify(body)
        response.mimetype = "application/geo+json"
        return response

    return cached(get_db(), "data", build)


def register(app) -> None:
    """The place page's OSM links: ``{% set osm = place | osm_links %}``."""
    app.add_template_filter(osm_links, "osm_links")


openapi.register_path("/api/osm/differences", "get", {
    "summary": "Places whose local data disagrees with the last OSM import",
    "description": "For each place of the OSM import, the fields changed here since (who, "
                   "when, the local and the OSM value). format=geojson (default) is a "
                   "MapRoulette-style challenge: one Point task per place with its OSM element "
                   "as id and instructions; format=csv is one row per field. Nothing is "
                   "written to OpenStreetMap.",
    "tags": ["exchange"],
    "parameters": [openapi.param("format", "geojson (default) or csv.",
                                 {"type": "string", "enum": list(FORMATS)}),
                   openapi.param("source", "The OSM import's source id (default osm).",
                                 example="osm")],
    "responses": {"200": {"description": "The differences", "content": {
        "application/geo+json": {"schema": {"type": "object", "required": ["features"],
                                            "properties": {"type": {"const":
                                                                    "FeatureCollection"},
                                                           "features": {"type": "array"}}}},
        "text/csv": {"schema": {"type": "string"}}}}, **ERROR_RESPONSES},
})
