"""OGC API - Features, Part 1 Core: the documents, as plain functions of the store.

The views in ``views/ogc.py`` only pick JSON or HTML; everything they answer is built here,
from the one query layer, so GDAL's OAPIF driver, OWSLib and QGIS see the same places as the
map and the JSON API.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

from regional_map.formats.geojson import feature_collection, place_feature
from regional_map.places.engine import find_places
from regional_map.places.filters import PlaceFilter
from regional_map.places.stats import attributions

COLLECTION_ID = "places"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
]
DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000
GEOJSON = "application/geo+json"
JSON = "application/json"
HTML = "text/html"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"

# ``url(path, **query)`` → absolute URL; given by the view so that this module stays Flask-free.
UrlFor = Callable[..., str]


def _link(href: str, rel: str, type_: str, title: str) -> dict:
    return {"href": href, "rel": rel, "type": type_, "title": title}


def _self_links(url: UrlFor, path: str, fmt: str, title: str, json_type: str = JSON,
                **query: str) -> list[dict]:
    """``self`` in the format answered and ``alternate`` in the other one."""
    json_link = _link(url(path, **query, f="json"), "self" if fmt == "json" else "alternate",
                      json_type, f"{title} as JSON")
    html_link = _link(url(path, **query, f="html"), "self" if fmt == "html" else "alternate",
                      HTML, f"{title} as HTML")
    return [json_link, html_link] if fmt == "json" else [html_link, json_link]


def landing_page(url: UrlFor, fmt: str) -> dict:
    return {
        "title": "Regional Map",
        "description": "Short food chain places of Belgium and the Netherlands: farm shops, "
                       "markets, vending machines, pickup points, cooperatives.",
        "links": [
            *_self_links(url, "", fmt, "This page"),
            _link(url("/api/openapi.json", absolute=True), "service-desc", OPENAPI,
                  "The API definition (OpenAPI)"),
            _link(url("/api", absolute=True), "service-doc", HTML, "The API documentation"),
            _link(url("/conformance"), "conformance", JSON, "Conformance classes"),
            _link(url("/collections"), "data", JSON, "The collections"),
        ],
    }


def conformance() -> dict:
    return {"conformsTo": list(CONFORMANCE)}


def _extent(conn: sqlite3.Connection) -> dict:
    row = conn.execute(
        "SELECT MIN(lon), MIN(lat), MAX(lon), MAX(lat), MIN(updated_at), MAX(updated_at) "
        "FROM places").fetchone()
    bbox = [row[0], row[1], row[2], row[3]] if row[0] is not None else [-180, -90, 180, 90]
    return {"spatial": {"bbox": [bbox], "crs": CRS84},
            "temporal": {"interval": [[row[4], row[5]]], "trs":
                         "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"}}


def collection(conn: sqlite3.Connection, url: UrlFor, fmt: str = "json",
               nested: bool = False) -> dict:
    """The ``places`` collection's description (``nested`` inside ``/collections``)."""
    path = f"/collections/{COLLECTION_ID}"
    licences = sorted({s["licence"] for s in attributions(conn) if s["licence"]})
    links = [] if nested else _self_links(url, path, fmt, "This collection")
    links += [
        _link(url(f"{path}/items", f="json"), "items", GEOJSON, "The places as GeoJSON"),
        _link(url(f"{path}/items", f="html"), "items", HTML, "The places as HTML"),
        _link(url("/api/sources", absolute=True), "license", JSON,
              "Licences and attribution of the sources"),
    ]
    if nested:
        links.insert(0, _link(url(path, f="json"), "self", JSON, "This collection"))
    return {
        "id": COLLECTION_ID,
        "title": "Short food chain places",
        "description": "Farm shops, farmers' markets, vending machines, pickup points and other "
                       "short-chain places. Licences: " + ", ".join(licences) + ". Data from "
                       "OpenStreetMap: © OpenStreetMap contributors, ODbL 1.0.",
        "links": links,
        "extent": _extent(conn),
        "itemType": "feature",
        "crs": [CRS84],
    }


def collections(conn: sqlite3.Connection, url: UrlFor, fmt: str) -> dict:
    return {
        "links": _self_links(url, "/collections", fmt, "The collections"),
        "collections": [collection(conn, url, nested=True)],
    }


def items(conn: sqlite3.Connection, f: PlaceFilter, url: UrlFor, fmt: str,
          query: dict[str, str], lang: str = "en") -> dict:
    """One page of features with ``numberMatched``, ``numberReturned`` and paging links."""
    page = find_places(conn, f, lang=lang)
    path = f"/collections/{COLLECTION_ID}/items"
    base = {k: v for k, v in query.items() if k not in ("offset", "f")}
    links = _self_links(url, path, fmt, "This page", GEOJSON,
                        **base, **({"offset": str(f.offset)} if f.offset else {}))
    page_type = GEOJSON if fmt == "json" else HTML
    if page.offset + len(page.items) < page.total:
        links.append(_link(url(path, **base, offset=str(page.offset + f.limit), f=fmt),
                           "next", page_type, "Next page"))
    if page.offset > 0:
        links.append(_link(url(path, **base, offset=str(max(0, page.offset - f.limit)), f=fmt),
                           "prev", page_type, "Previous page"))
    links.append(_link(url(f"/collections/{COLLECTION_ID}", f="json"), "collection", JSON,
                       "The collection"))
    return feature_collection(
        [place_feature(p, lang) for p in page.items],
        numberMatched=page.total, numberReturned=len(page.items),
        timeStamp=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        links=links,
    )


def item(place: dict, url: UrlFor, fmt: str, lang: str = "en") -> dict:
    feature = place_feature(place, lang)
    path = f"/collections/{COLLECTION_ID}/items/{place['id']}"
    feature["links"] = [
        *_self_links(url, path, fmt, "This place", GEOJSON),
        _link(url(f"/collections/{COLLECTION_ID}", f="json"), "collection", JSON,
              "The collection"),
    ]
    return feature
