"""OGC API - Features under ``/ogc``: landing page, conformance, collections, items (JSON, HTML).

``ogrinfo OAPIF:http://host/ogc``, OWSLib's ``Features`` and QGIS read it. The documents are
built in :mod:`regional_map.ogc_features`; this module picks the format and caches.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, render_template, request

from regional_map.places.rows import get_place
from regional_map.places.stats import attributions
from regional_map.web import ogc_features as ogc
from regional_map.web.context import current_language, get_db, settings
from regional_map.web.errors import ApiError, BadParameter
from regional_map.web.httpcache import cached
from regional_map.web.params import parse_place_filter

bp = Blueprint("ogc", __name__, url_prefix="/ogc")


def _format() -> str:
    f = request.args.get("f")
    if f:
        if f not in ("json", "html"):
            raise BadParameter("f", "use json or html")
        return f
    best = request.accept_mimetypes.best_match(
        ["application/json", "application/geo+json", "text/html"])
    return "html" if best == "text/html" else "json"


def _url(path: str, absolute: bool = False, **query: str) -> str:
    prefix = "" if absolute else bp.url_prefix
    text = urlencode(query)
    return f"{request.host_url.rstrip('/')}{prefix}{path}" + (f"?{text}" if text else "")


def _answer(body: dict, fmt: str, title: str, media: str = "application/json",
            kind: str = "document", **template: object) -> Response:
    def build() -> Response:
        if fmt == "html":
            return Response(render_template("ogc.html", body=body, title=title,
                                            sources=attributions(get_db()), **template),
                            mimetype="text/html")
        response = jsonify(body)
        response.mimetype = media
        return response

    response = cached(get_db(), kind, build, fmt, lang=current_language())
    response.vary.add("Accept")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("")
@bp.get("/")
def landing():
    fmt = _format()
    return _answer(ogc.landing_page(_url, fmt), fmt, "Regional Map – OGC API Features")


@bp.get("/conformance")
def conformance():
    fmt = _format()
    body = ogc.conformance()
    return _answer(body, fmt, "Conformance", links=[{"href": c, "title": c}
                                                    for c in body["conformsTo"]])


@bp.get("/collections")
def collections():
    fmt = _format()
    return _answer(ogc.collections(get_db(), _url, fmt), fmt, "Collections")


def _check_collection(collection_id: str) -> None:
    if collection_id != ogc.COLLECTION_ID:
        raise ApiError(404, f"no collection {collection_id!r}; there is {ogc.COLLECTION_ID!r}")


@bp.get("/collections/<collectionId>")
def collection(collectionId: str):
    _check_collection(collectionId)
    fmt = _format()
    return _answer(ogc.collection(get_db(), _url, fmt), fmt, "Short food chain places")


def ogc_arguments(query) -> dict[str, str]:
    """The items query as place filters: OGC's forms (6-number bbox, bbox-crs, a limit above
    the maximum, which OGC clients may send and the server then lowers) made plain."""
    args = {k: v for k, v in query.items() if k not in ("f", "sort", "bbox-crs")}
    crs = query.get("bbox-crs")
    if crs and crs not in (ogc.CRS84, "http://www.opengis.net/def/crs/EPSG/0/4326"):
        raise BadParameter("bbox-crs", f"only {ogc.CRS84} is supported")
    parts = args.get("bbox", "").split(",")
    if len(parts) == 6:  # minlon,minlat,minz,maxlon,maxlat,maxz: heights are ignored
        args["bbox"] = ",".join([parts[0], parts[1], parts[3], parts[4]])
    limit = args.get("limit", "")
    if limit.isdigit() and int(limit) > ogc.MAX_LIMIT:
        args["limit"] = str(ogc.MAX_LIMIT)
    return args


@bp.get("/collections/<collectionId>/items")
def items(collectionId: str):
    _check_collection(collectionId)
    fmt = _format()
    args = ogc_arguments(request.args)
    place_filter = parse_place_filter(args, max_limit=ogc.MAX_LIMIT,
                                      default_limit=ogc.DEFAULT_LIMIT,
                                      tz=settings()["TIMEZONE"])
    lang = current_language()
    body = ogc.items(get_db(), place_filter, _url, fmt, args, lang)
    return _answer(body, fmt, "Short food chain places", "application/geo+json", "data",
                   features=body["features"])


@bp.get("/collections/<collectionId>/items/<featureId>")
def item(collectionId: str, featureId: str):
    _check_collection(collectionId)
    fmt = _format()
    found = get_place(get_db(), featureId)
    if found is None:
        raise ApiError(404, f"no feature with id {featureId!r}")
    body = ogc.item(found, _url, fmt, current_language())
    return _answer(body, fmt, found["name"], "application/geo+json", "data",
                   features=[body])
