"""The OpenAPI 3.1 description of the API, built in Python and served at ``/api/openapi.json``.

Every ``/api`` route must be described here (a test checks it). Features in their own
blueprints describe their endpoints with :func:`register_path`, e.g.::

    from regional_map import openapi

    openapi.register_path("/api/networks", "get", openapi.list_operation(
        "Networks", tag="networks", item_schema={"type": "object"},
        parameters=[openapi.param("type", "Network type.")]))

Paths use Flask's ``<name>`` or OpenAPI's ``{name}`` form; both are accepted.
"""

from __future__ import annotations

import re
from copy import deepcopy
from typing import Any

from regional_map.model import LANGUAGES
from regional_map.places.filters import FILTERS, Param, paging_params
from regional_map.web.ogc_features import COLLECTION_ID
from regional_map.web.openapi_schemas import COMPONENT_SCHEMAS, ERROR_RESPONSES

OPENAPI_VERSION = "3.1.0"
GEOJSON = "application/geo+json"
JSON = "application/json"

# Paths other features registered: {path: {method: operation}}.
_REGISTERED: dict[str, dict[str, dict]] = {}


def openapi_path(path: str) -> str:
    """``/api/places/<place_id>`` or ``<path:x>`` → ``/api/places/{place_id}``."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", path)


def register_path(path: str, method: str, operation: dict) -> None:
    """Describe one endpoint of another feature (call it when its blueprint is imported).

    ``operation`` is an OpenAPI Operation object; :func:`list_operation` and
    :func:`item_operation` build the common ones. Registering twice replaces the first.
    """
    path = openapi_path(path)
    operation = deepcopy(operation)
    named = {p.get("name") for p in operation.get("parameters", []) if p.get("in") == "path"}
    for name in re.findall(r"{([^}]+)}", path):
        if name not in named:  # path parameters are required by OpenAPI; add a plain one
            operation.setdefault("parameters", []).insert(0, param(name, f"The {name}.",
                                                                   where="path"))
    _REGISTERED.setdefault(path, {})[method.lower()] = operation


def param(name: str, description: str, schema: dict | None = None, *, where: str = "query",
          required: bool = False, example: Any = None) -> dict:
    """An OpenAPI Parameter object."""
    out: dict[str, Any] = {"name": name, "in": where, "description": description,
                           "required": required or where == "path",
                           "schema": schema or {"type": "string"}}
    if example is not None:
        out["example"] = example
    return out


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def json_response(description: str, schema: dict, media: str = JSON) -> dict:
    return {"description": description, "content": {media: {"schema": schema}}}


def list_operation(summary: str, *, tag: str, item_schema: dict, parameters: list | None = None,
                   description: str = "", items_key: str = "items") -> dict:
    """A list endpoint answering ``{numberMatched, numberReturned, links, <items_key>: [...]}``."""
    schema = {
        "type": "object",
        "required": [items_key],
        "properties": {
            "numberMatched": {"type": "integer"},
            "numberReturned": {"type": "integer"},
            "links": {"type": "array", "items": ref("Link")},
            items_key: {"type": "array", "items": item_schema},
        },
    }
    return {
        "summary": summary, "description": description or summary, "tags": [tag],
        "parameters": [*(parameters or []), {"$ref": "#/components/parameters/lang"}],
        "responses": {"200": json_response(summary, schema), **ERROR_RESPONSES},
    }


def item_operation(summary: str, *, tag: str, schema: dict, id_name: str = "id",
                   example: str = "", media: str = JSON) -> dict:
    """A detail endpoint ``…/{id_name}`` answering one object, 404 when unknown."""
    return {
        "summary": summary, "description": summary, "tags": [tag],
        "parameters": [param(id_name, "Identifier.", where="path", example=example or None),
                       {"$ref": "#/components/parameters/lang"}],
        "responses": {"200": json_response(summary, schema, media), **ERROR_RESPONSES},
    }


# --- the place filters, shared by every endpoint that selects places -------------------------

def _filter_params(max_page_size: int) -> list[Param]:
    return [p for d in FILTERS for p in d.params] + list(paging_params(max_page_size))


def place_filter_parameters(max_page_size: int) -> dict[str, dict]:
    """Components ``parameters``: the filters of the map, the API, the OGC items and exports,
    from their declarations (:data:`regional_map.places.filters.FILTERS`)."""
    out = {p.name: param(p.name, p.description, p.schema, example=p.example)
           for p in _filter_params(max_page_size)}
    out["lang"] = param("lang", "Language of labels and names: nl, fr or en.",
                        {"type": "string", "enum": list(LANGUAGES)})
    return out


def _filters(*skip: str) -> list[dict]:
    names = [p.name for p in _filter_params(1)] + ["lang"]
    return [{"$ref": f"#/components/parameters/{n}"} for n in names if n not in skip]


def _formats(*names: str) -> dict:
    return param("format", "Output format (default geojson).",
                 {"type": "string", "enum": list(names)})


def _download(summary: str) -> dict:
    return {"description": summary, "headers": {"Content-Disposition": {
        "description": "attachment; filename=…", "schema": {"type": "string"}}},
        "content": {
            GEOJSON: {"schema": ref("PlaceCollection")},
            "text/csv": {"schema": {"type": "string"}},
            "application/geopackage+sqlite3": {"schema": {"type": "string",
                                                          "format": "binary"}},
            "text/html": {"schema": {"type": "string"}},
    }}


_PROPERTIES = param(
    "properties", "Only these properties, comma-separated (OGC API – Features property "
    "selection), e.g. name,kind,city. Properties without a value are always left out.",
    example="name,kind")
_POPUP = {"type": "object", "required": ["type", "id", "geometry", "properties"],
          "properties": {"properties": {"type": "object", "required": ["id", "name", "hours"]}}}


def _shape_param(default: str, other: str, description: str) -> dict:
    return param("shape", f"{default} (default) or {description}.",
                 {"type": "string", "enum": [default, other]})


def _with_params(operation: dict, *extra: dict) -> dict:
    operation["parameters"] = [*operation["parameters"], *extra]
    return operation


def _core_paths() -> dict[str, dict]:
    tag_places, tag_ref, tag_doc = "places", "reference", "documentation"
    # properties= and shape=compact leave out properties a full feature requires.
    lean = {"type": "object", "required": ["type", "features"],
            "properties": {"features": {"type": "array", "items": {
                "type": "object", "required": ["type", "id", "geometry", "properties"]}}}}
    lean_list = {"type": "object", "required": ["items"], "properties": {"items": {
        "type": "array", "items": {"type": "object", "required": ["lat", "lon"]}}}}
    places_200 = {
        "description": "One page of matching places: GeoJSON (default), plain JSON or CSV.",
        "content": {GEOJSON: {"schema": {"anyOf": [ref("PlaceCollection"), lean]}},
                    JSON: {"schema": {"anyOf": [ref("PlaceList"), lean_list]}},
                    "text/csv": {"schema": {"type": "string"}}},
    }
    return {
        "/api": {"get": {
            "summary": "This documentation as a readable page", "tags": [tag_doc],
            "responses": {"200": {"description": "HTML page",
                                  "content": {"text/html": {"schema": {"type": "string"}}}}},
        }},
        "/api/openapi.json": {"get": {
            "summary": "This OpenAPI document", "tags": [tag_doc],
            "responses": {"200": json_response("OpenAPI 3.1 document", {"type": "object"},
                                               "application/vnd.oai.openapi+json")},
        }},
        "/api/places": {"get": {
            "summary": "Places matching the filters, one page at a time",
            "description": "Paged with limit/offset; numberMatched is the total, links carry "
                           "next/prev. format=json gives plain JSON, format=csv the same rows "
                           "as CSV. For a whole selection as a file use /api/export.",
            "tags": [tag_places],
            "parameters": [*_filters(), _formats("geojson", "json", "csv"), _PROPERTIES,
                           _shape_param("full", "compact", "compact: only id, name, kind and "
                                        "the point (what a map marker draws)")],
            "responses": {"200": places_200, "304": {"description": "Not modified"},
                          **ERROR_RESPONSES},
        }},
        "/api/places/{place_id}": {"get": _with_params(
            item_operation("One place (closed places too)", tag=tag_places,
                           schema={"anyOf": [ref("PlaceFeature"), _POPUP]},
                           id_name="place_id", example="{place_id}", media=GEOJSON),
            _shape_param("full", "marker", "marker: what the map's popup shows (address, "
                         "open now, links)")),
        },
        "/api/export": {"get": {
            "summary": "Download every place matching the filters as a file",
            "description": "GeoJSON, CSV (UTF-8, formula-safe), GeoPackage (EPSG:4326) or a "
                           "self-contained HTML map; each carries the sources' licences. "
                           "limit and offset are ignored: the whole selection is exported.",
            "tags": [tag_places],
            "parameters": [*_filters("limit", "offset"),
                           _formats("geojson", "csv", "gpkg", "html")],
            "responses": {"200": _download("The file"), **ERROR_RESPONSES},
        }},
        "/api/clusters": {"get": {
            "summary": "What the map draws for a view: clusters and single places",
            "tags": [tag_places],
            "parameters": [
                param("bbox", "The view: minlon,minlat,maxlon,maxlat.", required=True,
                      example="2.5,49.4,7.3,53.6"),
                param("zoom", "The map's zoom level.", {"type": "integer", "minimum": 0,
                                                       "maximum": 22},
                      required=True, example=7),
                *_filters("bbox", "limit", "offset", "sort"),
                _shape_param("full", "compact", "compact: single places carry only id, name "
                             "and kind; the popup fetches /api/places/{id}?shape=marker"),
            ],
            "responses": {"200": json_response("Clusters and places", ref("ClusterCollection"),
                                               GEOJSON), **ERROR_RESPONSES},
        }},
        "/api/products": {"get": list_operation(
            "The product vocabulary, with names in nl/fr/en and seasons", tag=tag_ref,
            item_schema=ref("Product"),
            parameters=[param("q", "A product name or synonym in any language.",
                              example="poireau"),
                        param("category", "A product category code.", example="vegetables"),
                        param("in_season", "Only products in season this month.",
                              {"type": "string", "enum": ["true", "false"]})],
            description="Every product the filters accept, with the number of places that "
                        "offer it. Names and synonyms in Dutch, French and English.",
        )},
        "/api/products/{code}": {"get": item_operation(
            "One product", tag=tag_ref, schema=ref("Product"), id_name="code",
            example="eggs")},
        "/api/sources": {"get": list_operation(
            "Every dataset with its licence, attribution and last import", tag=tag_ref,
            item_schema=ref("Source"), items_key="sources")},
        "/api/sources/{source_id}": {"get": item_operation(
            "One dataset", tag=tag_ref, schema=ref("Source"), id_name="source_id",
            example="osm")},
    }


def _ogc_paths() -> dict[str, dict]:

    tag = "OGC API - Features"
    fmt = param("f", "json (default for programs) or html.",
                {"type": "string", "enum": ["json", "html"]})
    coll = param("collectionId", "The collection.", {"type": "string", "enum": [COLLECTION_ID]},
                 where="path", example=COLLECTION_ID)

    def op(summary: str, schema: dict, params: list, media: str = JSON) -> dict:
        return {"get": {"summary": summary, "tags": [tag], "parameters": [*params, fmt],
                        "responses": {"200": {"description": summary, "content": {
                            media: {"schema": schema},
                            "text/html": {"schema": {"type": "string"}}}},
                            **ERROR_RESPONSES}}}

    items_params = [
        coll,
        param("bbox", "minlon,minlat,maxlon,maxlat (CRS84); six numbers with heights are "
                      "accepted and the heights ignored.", example="4.6,50.8,4.8,50.95"),
        param("bbox-crs", "CRS of bbox: only CRS84 (the default).",
              {"type": "string", "format": "uri"}),
        param("limit", "Page size (default 100; a larger value than the maximum is lowered "
                       "to it).", {"type": "integer", "minimum": 1, "maximum": 10000},
              example=10),
        param("offset", "Features to skip (the next link carries it).",
              {"type": "integer", "minimum": 0}),
        *_filters("bbox", "limit", "offset", "sort", "lang"),
    ]
    return {
        "/ogc": op("Landing page", ref("OgcLinks"), []),
        "/ogc/conformance": op("Conformance classes", ref("Conformance"), []),
        "/ogc/collections": op("Collections", ref("Collections"), []),
        "/ogc/collections/{collectionId}": op("A collection", ref("Collection"), [coll]),
        "/ogc/collections/{collectionId}/items": op("Features of a collection",
                                                    ref("PlaceCollection"), items_params,
                                                    GEOJSON),
        "/ogc/collections/{collectionId}/items/{featureId}": op(
            "One feature", ref("PlaceFeature"),
            [coll, param("featureId", "A place id.", where="path", example="{place_id}")],
            GEOJSON),
    }


def build_document(*, max_page_size: int = 1000, server_url: str = "",
                   example_place_id: str = "") -> dict:
    """The whole OpenAPI document. ``example_place_id`` fills ``{place_id}`` examples."""
    paths = {**_core_paths(), **_ogc_paths()}
    for path, operations in _REGISTERED.items():
        paths.setdefault(path, {}).update(deepcopy(operations))
    document: dict[str, Any] = {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Regional Map open data API",
            "version": "1.0.0",
            "description": (
                "Short food chain places of Belgium and the Netherlands (farm shops, markets, "
                "vending machines, box schemes, cooperatives …) as GeoJSON (RFC 7946, lon/lat), "
                "JSON and CSV, with an OGC API - Features interface under /ogc. Reads are open "
                "(CORS), cacheable (ETag, Last-Modified) and compressed. Data from OpenStreetMap "
                "is © OpenStreetMap contributors under the ODbL 1.0: what you derive from it "
                "and share stays ODbL. Errors have one shape: "
                '{"error": {"status", "message", "details"}}.'),
            "license": {"name": "ODbL-1.0 (data); AGPL-3.0-or-later (software)",
                        "url": "https://opendatacommons.org/licenses/odbl/1-0/"},
        },
        "servers": [{"url": server_url or "/"}],
        "tags": [{"name": "places"}, {"name": "reference"}, {"name": "documentation"},
                 {"name": "OGC API - Features"}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": deepcopy(COMPONENT_SCHEMAS),
            "parameters": place_filter_parameters(max_page_size),
        },
    }
    if example_place_id:
        _fill_examples(document, {"{place_id}": example_place_id})
    return document


def _fill_examples(node: Any, values: dict[str, str]) -> None:
    if isinstance(node, dict):
        if isinstance(node.get("example"), str) and node["example"] in values:
            node["example"] = values[node["example"]]
        for value in node.values():
            _fill_examples(value, values)
    elif isinstance(node, list):
        for value in node:
            _fill_examples(value, values)


def undocumented_routes(app, document: dict, prefixes: tuple[str, ...] = ("/api", "/ogc")
                        ) -> list[str]:
    """``METHOD path`` of every route under ``prefixes`` that ``document`` does not describe."""
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(prefixes):
            continue
        path = openapi_path(rule.rule)
        if path != "/" and path.endswith("/"):
            path = path.rstrip("/")
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if method.lower() not in document["paths"].get(path, {}):
                missing.append(f"{method} {rule.rule}")
    return missing
