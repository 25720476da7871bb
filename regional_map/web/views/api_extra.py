"""More of ``/api``: products, sources, downloads, the OpenAPI document and its docs page.

These routes are added to the ``api`` blueprint by :func:`register`, so they share its CORS
headers and its ``api.`` endpoint names.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from regional_map.formats.csv import places_csv
from regional_map.formats.geojson import place_properties
from regional_map.places import catalog
from regional_map.places.exports import (
    EXPORT_FORMATS,
    MAX_EXPORT,
    export_filename,
    export_selection,
)
from regional_map.places.stats import attributions
from regional_map.places.vocab import load_vocabulary
from regional_map.web import openapi
from regional_map.web.context import current_language, get_db, settings
from regional_map.web.errors import ApiError, BadParameter
from regional_map.web.httpcache import cached
from regional_map.web.params import parse_bool, parse_place_filter


def cached_data(build, lang: str, *extra: object) -> Response:
    """A data answer with ETag/Last-Modified from the store and this request, or a 304."""
    return cached(get_db(), "data", build, *extra, lang=lang)


def plain_place(place: dict, lang: str, only=None) -> dict:
    """The place as plain JSON: the GeoJSON properties (``only``: those named) plus ``lat``
    and ``lon``."""
    return {**place_properties(place, lang, only, lean=True), "lat": place["lat"],
            "lon": place["lon"]}


def _attachment(response: Response, filename: str) -> Response:
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_page(items: list[dict], lang: str) -> Response:
    by_source = {s["id"]: s["attribution"] for s in attributions(get_db())}
    response = Response(places_csv(items, by_source, lang), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    return _attachment(response, export_filename("csv", request.args))


# --- products -------------------------------------------------------------------------------

def products():
    """The product vocabulary: codes, names in nl/fr/en, synonyms, seasons, place counts."""
    lang = current_language()
    vocab = load_vocabulary()
    category = request.args.get("category", "")
    if category and category not in vocab.categories:
        raise BadParameter("category", f"unknown category {category!r}; known: "
                                       f"{', '.join(vocab.categories)}")
    month = None
    if request.args.get("in_season") and parse_bool(request.args["in_season"], "in_season"):
        month = datetime.now(ZoneInfo(settings()["TIMEZONE"])).month

    def build() -> Response:
        items = catalog.list_products(get_db(), vocab, q=request.args.get("q", "")[:200],
                                      category=category, month=month, lang=lang)
        for item in items:
            item["links"] = _product_links(item["code"])
        return jsonify({"numberMatched": len(items), "numberReturned": len(items),
                        "links": [{"rel": "self", "type": "application/json",
                                   "href": request.url}],
                        "items": items})

    return cached(get_db(), "reference", build, month, lang=lang)


def _product_links(code: str) -> list[dict]:
    return [{"rel": "self", "type": "application/json",
             "href": url_for("api.product", code=code)},
            {"rel": "places", "type": "application/geo+json",
             "href": url_for("api.places", product=code)}]


def product(code: str):
    lang = current_language()
    vocab = load_vocabulary()
    found = vocab.products.get(code)
    if found is None:
        raise ApiError(404, f"no product with code {code!r}")

    def build() -> Response:
        record = catalog.product_record(found, vocab, catalog.product_counts(get_db()), lang)
        record["links"] = _product_links(code)
        return jsonify(record)

    return cached(get_db(), "reference", build, lang=lang)


# --- sources --------------------------------------------------------------------------------

def sources():
    """Every dataset with its licence, attribution, last import and number of places."""
    def build() -> Response:
        rows = catalog.list_sources(get_db())
        return jsonify({"numberMatched": len(rows), "numberReturned": len(rows),
                        "links": [{"rel": "self", "type": "application/json",
                                   "href": request.url}],
                        "sources": rows})

    return cached(get_db(), "reference", build)


def source(source_id: str):
    found = catalog.get_source(get_db(), source_id)
    if found is None:
        raise ApiError(404, f"no source with id {source_id!r}")
    return cached(get_db(), "reference", lambda: jsonify(found))


# --- downloads ------------------------------------------------------------------------------

def export():
    """The whole selection as a file: GeoJSON, CSV, GeoPackage or a self-contained HTML map."""
    fmt = request.args.get("format", "geojson")
    if fmt not in EXPORT_FORMATS:
        raise BadParameter("format", f"use one of {', '.join(EXPORT_FORMATS)}")
    args = {k: v for k, v in request.args.items() if k not in ("limit", "offset", "format")}
    lang = current_language()
    # Parse first, so that a bad filter is a 400 even when the client has a cached copy.
    parse_place_filter(args, tz=settings()["TIMEZONE"], max_limit=MAX_EXPORT)

    def build() -> Response:
        data, count = export_selection(get_db(), args, fmt, settings(), lang)
        response = Response(data, headers={"Content-Type": EXPORT_FORMATS[fmt]})
        response.headers["X-Result-Count"] = str(count)
        return _attachment(response, export_filename(fmt, args))

    return cached_data(build, lang)


# --- the API's own description --------------------------------------------------------------

def _example_place_id() -> str:
    row = get_db().execute(
        "SELECT id FROM places WHERE status = 'active' ORDER BY num LIMIT 1").fetchone()
    return row[0] if row else "none"


def openapi_document() -> dict:
    return openapi.build_document(max_page_size=settings()["MAX_PAGE_SIZE"],
                                  server_url=request.host_url.rstrip("/") or "/",
                                  example_place_id=_example_place_id())


def openapi_json():
    def build() -> Response:
        response = jsonify(openapi_document())
        response.mimetype = "application/vnd.oai.openapi+json"
        return response

    return cached(get_db(), "document", build)


def docs():
    """A readable page of every endpoint and parameter, rendered from the OpenAPI document."""
    def build() -> Response:
        document = openapi_document()
        return Response(render_template(
            "api_docs.html", doc=document, operations=_operations(document),
            parameters=document["components"]["parameters"],
            sources=attributions(get_db())), mimetype="text/html")

    return cached(get_db(), "document", build, lang=current_language())


def _operations(document: dict) -> list[dict]:
    out = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            params = []
            for p in operation.get("parameters", []):
                if "$ref" in p:
                    p = document["components"]["parameters"][p["$ref"].rsplit("/", 1)[1]]
                params.append(p)
            out.append({"path": path, "method": method.upper(), "op": operation,
                        "params": params, "anchor": f"{method}-{path}".replace("/", "-")
                        .replace("{", "").replace("}", "")})
    return out


def register(bp: Blueprint) -> None:
    """Add these routes to the ``api`` blueprint."""
    bp.add_url_rule("", "docs", docs)
    bp.add_url_rule("/openapi.json", "openapi_json", openapi_json)
    bp.add_url_rule("/products", "products", products)
    bp.add_url_rule("/products/<code>", "product", product)
    bp.add_url_rule("/sources", "sources", sources)
    bp.add_url_rule("/sources/<source_id>", "source", source)
    bp.add_url_rule("/export", "export", export)
