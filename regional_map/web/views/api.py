"""The JSON API under ``/api``: places as GeoJSON, clusters for the map, sources.

Also products, downloads (``/api/export``), the OpenAPI document and its docs page; every
read is cached (ETag, Last-Modified) and open to other sites (CORS).
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, jsonify, request, url_for

from regional_map.formats.geojson import cluster_feature, feature_collection, place_feature
from regional_map.places.directory import hours_line
from regional_map.places.engine import cluster_places, find_places, page_features
from regional_map.places.rows import get_place
from regional_map.places.stats import attributions
from regional_map.web.context import current_language, get_db, settings
from regional_map.web.errors import ApiError, BadParameter
from regional_map.web.jsontext import feature_collection_text, jsonify_dumps
from regional_map.web.params import parse_int, parse_place_filter
from regional_map.web.views import api_extra

FORMATS = ("geojson", "json", "csv")

bp = Blueprint("api", __name__, url_prefix="/api")


def _filter(default_limit: int = 100):
    return parse_place_filter(request.args, max_limit=settings()["MAX_PAGE_SIZE"],
                              default_limit=default_limit, tz=settings()["TIMEZONE"])


def _page_link(offset: int) -> str:
    args = request.args.to_dict()
    args["offset"] = str(offset)
    return f"{request.base_url}?{urlencode(args)}"


def _attribution_members() -> dict:
    sources = attributions(get_db())
    return {"attribution": [
        {"source": s["id"], "licence": s["licence"], "attribution": s["attribution"]}
        for s in sources
    ]}


@bp.after_app_request
def _cors(response: Response) -> Response:
    # Open data: any site may read it from the browser. Every blueprint's /api/ route gets the
    # same headers from here (reads only; nothing under /api writes).
    if not request.path.startswith("/api/"):
        return response
    if request.method in ("GET", "HEAD", "OPTIONS"):
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = (
            "ETag, Last-Modified, Content-Disposition, X-Result-Count")
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = (
            "Accept, Accept-Language, If-None-Match, If-Modified-Since")
        response.headers["Access-Control-Max-Age"] = "86400"
    return response


@bp.get("/places")
def places():
    """Places matching the filters, as a GeoJSON FeatureCollection with paging links.

    ``format=json`` gives the same page as plain JSON, ``format=csv`` as CSV.
    """
    fmt = request.args.get("format", "geojson")
    if fmt not in FORMATS:
        raise BadParameter("format", f"use one of {', '.join(FORMATS)} "
                                     "(gpkg and html: /api/export)")
    f = _filter()
    lang = current_language()
    return api_extra.cached_data(lambda: _places_page(f, lang, fmt), lang)


def _page_links(offset: int, returned: int, total: int, limit: int) -> list[dict]:
    links = [{"rel": "self", "type": "application/geo+json", "href": request.url}]
    if offset + returned < total:
        links.append({"rel": "next", "type": "application/geo+json",
                      "href": _page_link(offset + limit)})
    if offset > 0:
        links.append({"rel": "prev", "type": "application/geo+json",
                      "href": _page_link(max(0, offset - limit))})
    return links


def _places_page(f, lang: str, fmt: str) -> Response:
    if fmt == "geojson":  # the same bytes from pre-encoded features
        dumps = jsonify_dumps(current_app)
        found = page_features(get_db(), f, f"geojson-{lang}",
                              lambda place: dumps(place_feature(place, lang)))
        if found is not None:
            total, features = found
            text = feature_collection_text(
                dumps, features, numberMatched=total,
                numberReturned=len(features),
                links=_page_links(f.offset, len(features), total, f.limit),
                **_attribution_members())
            return Response(f"{text}\n", mimetype="application/geo+json")
    page = find_places(get_db(), f, lang=lang)
    if fmt == "csv":
        return api_extra.csv_page(page.items, lang)
    links = _page_links(page.offset, len(page.items), page.total, page.limit)
    if fmt == "json":
        for link in links:
            link["type"] = "application/json"
        return jsonify({"numberMatched": page.total, "numberReturned": len(page.items),
                        "links": links, **_attribution_members(),
                        "items": [api_extra.plain_place(p, lang) for p in page.items]})
    body = feature_collection(
        [place_feature(p, lang) for p in page.items],
        numberMatched=page.total, numberReturned=len(page.items), links=links,
        **_attribution_members(),
    )
    response = jsonify(body)
    response.mimetype = "application/geo+json"
    return response


@bp.get("/places/<place_id>")
def place(place_id: str):
    return api_extra.cached_data(lambda: _place(place_id), current_language())


def _place(place_id: str) -> Response:
    found = get_place(get_db(), place_id)
    if found is None:
        raise ApiError(404, f"no place with id {place_id!r}")
    feature = place_feature(found, current_language())
    feature["properties"]["url"] = url_for("pages.index", _external=False) + f"#place={place_id}"
    response = jsonify(feature)
    response.mimetype = "application/geo+json"
    return response


@bp.get("/clusters")
def clusters():
    """What the map draws for a view: clusters and single places inside ``bbox`` at ``zoom``."""
    if not request.args.get("bbox"):
        raise BadParameter("bbox", "is required: minlon,minlat,maxlon,maxlat")
    if "zoom" not in request.args:
        raise BadParameter("zoom", "is required: the map's zoom level, 0 to 22")
    zoom = parse_int(request.args["zoom"], "zoom", 0, 22)
    f = _filter()
    lang = current_language()
    # Markers say whether a place is open now: the answer changes with the minute.
    minute = datetime.now(ZoneInfo(settings()["TIMEZONE"])).strftime("%Y-%m-%dT%H:%M")
    return api_extra.cached_data(lambda: _clusters(f, zoom, lang), lang, minute)


def _clusters(f, zoom: int, lang: str) -> Response:
    result = cluster_places(get_db(), f, zoom)
    features = [cluster_feature(c) for c in result["clusters"]]
    at = datetime.now(ZoneInfo(settings()["TIMEZONE"]))
    features += [_marker_feature(p, lang, at) for p in result["places"]]
    response = jsonify(feature_collection(features, numberMatched=result["total"],
                                          numberReturned=len(features)))
    response.mimetype = "application/geo+json"
    return response


def _marker_feature(place: dict, lang: str, now: datetime) -> dict:
    """What a marker and its popup need, and no more: keeps the map's payload small."""
    address = " ".join(filter(None, [place["street"], place["housenumber"]]))
    town = " ".join(filter(None, [place["postcode"], place["city"]]))
    feature = place_feature(place, lang)
    props = feature["properties"]
    state, hours_text = hours_line(place, now, lang, settings()["TIMEZONE"])
    feature["properties"] = {
        "id": place["id"], "name": place["name"], "kind": place["kind"],
        "kind_label": props["kind_label"],
        "address": ", ".join(filter(None, [address, town])),
        "opening_hours": place["opening_hours"], "hours_state": state, "hours": hours_text,
        "status": place["status"],
        "url": url_for("api.place", place_id=place["id"]),
        "page": url_for("pages.place", place_id=place["id"]),
    }
    return feature


api_extra.register(bp)
