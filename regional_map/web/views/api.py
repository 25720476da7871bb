"""The JSON API under ``/api``: places as GeoJSON, clusters for the map, sources.

Also products, downloads (``/api/export``), the OpenAPI document and its docs page; every
read is cached (ETag, Last-Modified) and open to other sites (CORS).
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, jsonify, request, url_for

from regional_map.formats.geojson import (
    SHAPES,
    cluster_feature,
    feature_collection,
    place_feature,
    shows_property,
)
from regional_map.places.directory import hours_line
from regional_map.places.engine import cluster_places, find_places, page_features
from regional_map.places.rows import PUBLIC_COLUMNS, get_place
from regional_map.places.stats import attributions
from regional_map.web.context import current_language, get_db, settings
from regional_map.web.errors import ApiError, BadParameter
from regional_map.web.jsontext import feature_collection_text, jsonify_dumps, with_property
from regional_map.web.params import parse_int, parse_place_filter
from regional_map.web.views import api_extra

FORMATS = ("geojson", "json", "csv")
# What ``properties=`` may name: every public property a place feature can carry.
PROPERTY_NAMES = frozenset(PUBLIC_COLUMNS) - {"lat", "lon", "extra", "source_ref"} | {
    "products", "municipality", "kind_label", "name_derived", "distance_m"}

bp = Blueprint("api", __name__, url_prefix="/api")


def _filter(default_limit: int = 100):
    return parse_place_filter(request.args, max_limit=settings()["MAX_PAGE_SIZE"],
                              default_limit=default_limit, tz=settings()["TIMEZONE"])


def _shape(allowed: tuple[str, ...] = SHAPES) -> str:
    shape = request.args.get("shape", "full")
    if shape not in allowed:
        raise BadParameter("shape", f"use one of {', '.join(allowed)}")
    return shape


def _only() -> tuple[str, ...] | None:
    """The property names of ``properties=`` (OGC API – Features), or None for all."""
    text = request.args.get("properties")
    if text is None:
        return None
    names = tuple(dict.fromkeys(n.strip() for n in text.split(",") if n.strip()))
    unknown = [n for n in names if n not in PROPERTY_NAMES]
    if unknown:
        raise BadParameter("properties", f"unknown property {unknown[0][:40]!r}; known: "
                                         f"{', '.join(sorted(PROPERTY_NAMES))}")
    return names


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
    shape, only = _shape(), _only()
    return api_extra.cached_data(lambda: _places_page(f, lang, fmt, shape, only), lang)


def _page_links(offset: int, returned: int, total: int, limit: int) -> list[dict]:
    links = [{"rel": "self", "type": "application/geo+json", "href": request.url}]
    if offset + returned < total:
        links.append({"rel": "next", "type": "application/geo+json",
                      "href": _page_link(offset + limit)})
    if offset > 0:
        links.append({"rel": "prev", "type": "application/geo+json",
                      "href": _page_link(max(0, offset - limit))})
    return links


def _places_page(f, lang: str, fmt: str, shape: str, only: tuple[str, ...] | None) -> Response:
    if fmt == "geojson":  # the same bytes from pre-encoded features
        dumps = jsonify_dumps(current_app)
        key = f"geojson-{lang}-{shape}-{','.join(only) if only is not None else '*'}"
        # The compact shape (or a selection without them) needs no products or town name.
        shallow = shape == "compact" or (only is not None and not {"products", "municipality"}
                                         & set(only))
        found = page_features(get_db(), f, key, lambda place: dumps(
            place_feature(place, lang, shape=shape, only=only, lean=True)), shallow)
        if found is not None:
            total, features = found.total, found.features
            if found.distances_m is not None and shows_property("distance_m", shape, only):
                features = [with_property(text, "distance_m", str(round(d)))
                            for text, d in zip(features, found.distances_m, strict=True)]
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
                        "items": [api_extra.plain_place(p, lang, only) for p in page.items]})
    body = feature_collection(
        [place_feature(p, lang, shape=shape, only=only, lean=True) for p in page.items],
        numberMatched=page.total, numberReturned=len(page.items), links=links,
        **_attribution_members(),
    )
    response = jsonify(body)
    response.mimetype = "application/geo+json"
    return response


@bp.get("/places/<place_id>")
def place(place_id: str):
    """One place; ``shape=marker`` gives what the map's popup shows (open now, address)."""
    shape = _shape(("full", "marker"))
    lang = current_language()
    if shape == "marker":
        minute = datetime.now(ZoneInfo(settings()["TIMEZONE"])).strftime("%Y-%m-%dT%H:%M")
        return api_extra.cached_data(lambda: _popup(place_id, lang), lang, minute)
    return api_extra.cached_data(lambda: _place(place_id), lang)


def _found(place_id: str) -> dict:
    found = get_place(get_db(), place_id)
    if found is None:
        raise ApiError(404, f"no place with id {place_id!r}")
    return found


def _popup(place_id: str, lang: str) -> Response:
    at = datetime.now(ZoneInfo(settings()["TIMEZONE"]))
    response = jsonify(_marker_feature(_found(place_id), lang, at))
    response.mimetype = "application/geo+json"
    return response


def _place(place_id: str) -> Response:
    found = _found(place_id)
    feature = place_feature(found, current_language(), lean=True)
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
    shape = _shape()
    if shape == "compact":  # markers without hours: the same answer all day
        return api_extra.cached_data(lambda: _clusters(f, zoom, lang, shape), lang)
    # Markers say whether a place is open now: the answer changes with the minute.
    minute = datetime.now(ZoneInfo(settings()["TIMEZONE"])).strftime("%Y-%m-%dT%H:%M")
    return api_extra.cached_data(lambda: _clusters(f, zoom, lang, shape), lang, minute)


def _clusters(f, zoom: int, lang: str, shape: str) -> Response:
    result = cluster_places(get_db(), f, zoom)
    features = [cluster_feature(c) for c in result["clusters"]]
    if shape == "compact":  # the popup fetches the rest: /api/places/<id>?shape=marker
        features += [place_feature(p, lang, shape="compact") for p in result["places"]]
    else:
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
    feature["properties"] = {k: v for k, v in {
        "id": place["id"], "name": place["name"], "kind": place["kind"],
        "kind_label": props["kind_label"],
        "address": ", ".join(filter(None, [address, town])),
        "opening_hours": place["opening_hours"], "hours_state": state, "hours": hours_text,
        "status": place["status"],
        "url": url_for("api.place", place_id=place["id"]),
        "page": url_for("pages.place", place_id=place["id"]),
    }.items() if v is not None}
    return feature


api_extra.register(bp)
