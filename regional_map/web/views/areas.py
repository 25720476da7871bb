"""Networks' areas of activity as GeoJSON: ``/api/areas`` (every network with an area, for
the main map) and ``/api/networks/<id>/area`` (one network's page)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from regional_map.formats.geojson import feature_collection
from regional_map.networks.areas import area_feature, areas_with_ids
from regional_map.networks.moments import WEEKDAYS
from regional_map.networks.records import get_network
from regional_map.places.stats import attributions
from regional_map.web.context import current_language, get_db
from regional_map.web.errors import ApiError, BadParameter
from regional_map.web.openapi import ERROR_RESPONSES, item_operation, param, register_path

bp = Blueprint("areas", __name__)


def _geojson(body: dict) -> Response:
    response = jsonify(body)
    response.mimetype = "application/geo+json"
    return response


@bp.get("/api/areas")
def api_areas():
    """Every network's area; ``delivery_day`` (Mo…Su) keeps the networks delivering then."""
    day = request.args.get("delivery_day") or None
    if day and day not in WEEKDAYS:
        raise BadParameter("delivery_day", f"use one of {', '.join(WEEKDAYS)}")
    conn = get_db()
    lang = current_language()
    features = []
    for network_id in areas_with_ids(conn):
        network = get_network(conn, network_id, lang)
        if network is None or network["status"] == "closed":
            continue
        if day and day not in network["delivery_days"]:
            continue
        feature = area_feature(conn, network)
        if feature is not None:
            features.append(feature)
    sources = {s["id"]: s for s in attributions(conn)}
    return _geojson(feature_collection(features, numberReturned=len(features), attribution=[
        {"source": s["id"], "licence": s["licence"], "attribution": s["attribution"]}
        for s in sources.values() if s["id"].startswith("seed-")]))


@bp.get("/api/networks/<network_id>/area")
def api_network_area(network_id: str):
    """One network's area as a GeoJSON Feature (404 when it has none)."""
    network = get_network(get_db(), network_id, current_language())
    if network is None:
        raise ApiError(404, f"no network with id {network_id!r}")
    feature = area_feature(get_db(), network)
    if feature is None:
        raise ApiError(404, f"network {network_id!r} has no stated area")
    return _geojson(feature)


def _document_api() -> None:

    geojson = {"type": "object", "required": ["type", "features"],
               "properties": {"type": {"const": "FeatureCollection"},
                              "features": {"type": "array", "items": {"type": "object"}}}}
    register_path("/api/areas", "get", {
        "summary": "Networks' areas of activity (municipalities, polygon or radius)",
        "description": "Networks without a visitable place are shown by their area, never by "
                       "an invented point.", "tags": ["networks"],
        "parameters": [param("delivery_day", "Only networks delivering on this weekday.",
                             {"type": "string", "enum": list(WEEKDAYS)}),
                       {"$ref": "#/components/parameters/lang"}],
        "responses": {"200": {"description": "Areas", "content": {
            "application/geo+json": {"schema": geojson}}}, **ERROR_RESPONSES}})
    register_path("/api/networks/<network_id>/area", "get", item_operation(
        "A network's area of activity as a GeoJSON Feature", tag="networks",
        schema={"type": "object"}, id_name="network_id", example="kortom",
        media="application/geo+json"))


_document_api()
