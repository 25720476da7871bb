"""Municipalities: the index, one showcase page each (with a JSON twin), downloads, and the API
(``/api/municipalities``, boundaries as GeoJSON, coverage gaps)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, jsonify, render_template, request, url_for

from regional_map.errors import BadParameter
from regional_map.formats.geojson import feature_collection, place_feature
from regional_map.municipalities.boundaries import boundary
from regional_map.municipalities.coverage import DEFAULT_KM, MAX_KM, coverage_gaps, coverage_of
from regional_map.municipalities.showcase import (
    assignment_methods,
    counts_by_kind,
    get_municipality,
    list_municipalities,
    municipality_filter,
    municipality_name,
    showcase,
    with_boundary_sources,
)
from regional_map.places.directory import decorate
from regional_map.places.engine import find_places
from regional_map.places.exports import EXPORT_FORMATS, export_places
from regional_map.places.stats import attributions
from regional_map.web.context import current_language, get_db, settings
from regional_map.web.errors import ApiError
from regional_map.web.openapi import item_operation, list_operation, param, register_path
from regional_map.web.params import parse_number as _number
from regional_map.web.template_filters import dayname
from regional_map.web.views.pages import now, wants_json

bp = Blueprint("municipalities", __name__)

DOWNLOAD_FORMATS = ("geojson", "csv")


def _found(code: str) -> dict:
    found = get_municipality(get_db(), code)
    if found is None:
        raise ApiError(404, f"no municipality with code {code!r}")
    return found


def _municipality_json(m: dict, lang: str) -> dict:
    return {"code": m["code"], "country": m["country"], "name": municipality_name(m, lang),
            "name_nl": m["name_nl"], "name_fr": m["name_fr"], "province": m["province"]}


def _links(code: str) -> dict:
    return {
        "page": url_for("municipalities.page", code=code),
        "json": url_for("municipalities.page_json", code=code),
        "api": url_for("municipalities.api_one", code=code),
        "coverage": url_for("municipalities.api_coverage", code=code),
        "places_geojson": url_for("municipalities.download", code=code, fmt="geojson"),
        "places_csv": url_for("municipalities.download", code=code, fmt="csv"),
        "embed": url_for("embed.embed", municipality=code) if _has("embed.embed") else None,
    }


def _has(endpoint: str) -> bool:
    from flask import current_app

    return endpoint in current_app.view_functions


# ---- HTML pages and their JSON twins ----------------------------------------------------

@bp.get("/municipalities")
def index():
    lang = current_language()
    everything = request.args.get("all") == "true"
    rows = list_municipalities(get_db(), with_places_only=not everything)
    for row in rows:
        row["name"] = municipality_name(row, lang)
    if wants_json():
        return jsonify({"numberReturned": len(rows), "municipalities": [
            {**r, "url": url_for("municipalities.page", code=r["code"])} for r in rows]})
    return render_template("municipalities.html", municipalities=rows, everything=everything,
                           sources=attributions(get_db()))


def _showcase_data(code: str) -> dict:
    cfg = settings()
    data = showcase(get_db(), code, lang=current_language(), at=now(), tz=cfg["TIMEZONE"],
                    hide_after_months=cfg["HIDE_AFTER_MONTHS"])
    if data is None:
        raise ApiError(404, f"no municipality with code {code!r}")
    return data


def _showcase_json(code: str) -> Response:
    lang = current_language()
    data = _showcase_data(code)
    places = data.pop("places")
    body = {
        "municipality": _municipality_json(data.pop("municipality"), lang),
        **data,
        "links": _links(code),
        "places": feature_collection([place_feature(p, lang) for p in places],
                                     numberMatched=data["total"],
                                     numberReturned=len(places)),
    }
    return jsonify(body)


@bp.get("/municipalities/<code>.json")
def page_json(code: str):
    return _showcase_json(code)


@bp.get("/municipalities/<code>")
def page(code: str):
    """The showcase a city links to: its boundary, places, season, markets, buyers, networks."""
    if wants_json():
        return _showcase_json(code)

    if get_municipality(get_db(), code) is None:
        abort(404)
    cfg = settings()
    lang = current_language()
    data = _showcase_data(code)
    decorate(data["places"], lang=lang, at=now(), tz=cfg["TIMEZONE"])
    for market in data["markets"]:
        for day in market["days"]:
            day["label"] = dayname(date.fromisoformat(day["date"]), lang)
    km = request.args.get("km", "5")
    return render_template(
        "municipality.html", data=data, m=data["municipality"], links=_links(code),
        km=km, today=now().date(),
        sources=with_boundary_sources(get_db(), attributions(get_db()), [code]),
        map_config={
            "boundary-url": url_for("municipalities.api_one", code=code),
            "places-url": url_for("api.places", municipality=code, limit=1000, lang=lang),
            "coverage-url": url_for("municipalities.api_coverage", code=code, km=km)
            if data["municipality"]["has_boundary"] else "",
            "tile-url": cfg["TILE_URL"], "tile-attribution": cfg["TILE_ATTRIBUTION"],
            "center": f"{data['municipality']['lat']},{data['municipality']['lon']}"
            if data["municipality"]["lat"] is not None else "",
        },
    )


def _filter(code: str, limit: int):
    cfg = settings()
    return municipality_filter(code, at=now(), tz=cfg["TIMEZONE"], limit=limit,
                               hide_after_months=cfg["HIDE_AFTER_MONTHS"])


@bp.get("/municipalities/<code>/places.<fmt>")
def download(code: str, fmt: str):
    """The municipality's places as a file (GeoJSON or CSV), with the sources' licences."""
    if fmt not in DOWNLOAD_FORMATS:
        raise ApiError(404, f"no download format {fmt!r}; use {', '.join(DOWNLOAD_FORMATS)}")
    _found(code)
    f = _filter(code, limit=100_000)
    data, _count = export_places(get_db(), f, fmt, lang=current_language())
    return Response(data, content_type=EXPORT_FORMATS[fmt], headers={
        "Content-Disposition": f'attachment; filename="regional-map-{code}.{fmt}"'})


# ---- API -----------------------------------------------------------------------------------

@bp.get("/api/municipalities")
def api_list():
    """Every municipality with its number of places (``all=false``: only those with places)."""
    lang = current_language()
    only = request.args.get("all") == "false"
    rows = list_municipalities(get_db(), with_places_only=only)
    items = [{**_municipality_json(r, lang), "places": r["places"],
              "has_boundary": r["has_boundary"],
              "url": url_for("municipalities.api_one", code=r["code"])} for r in rows]
    return jsonify({"numberMatched": len(items), "numberReturned": len(items), "links": [],
                    "items": items})


@bp.get("/api/municipalities/<code>")
def api_one(code: str):
    """One municipality as a GeoJSON Feature: its boundary (null where none is shipped)."""

    lang = current_language()
    m = _found(code)
    conn = get_db()
    shape = boundary(conn, code)
    page = find_places(conn, _filter(code, limit=100_000), lang=lang)
    feature = {
        "type": "Feature", "id": code,
        "geometry": shape["geometry"] if shape else None,
        "bbox": shape["bbox"] if shape else None,
        "properties": {
            **_municipality_json(m, lang), "places": page.total,
            "counts_by_kind": counts_by_kind(page.items, lang),
            "assignment": assignment_methods(conn, code),
            "boundary_source": shape["source_id"] if shape else None,
            "links": _links(code),
        },
    }
    response = jsonify(feature)
    response.mimetype = "application/geo+json"
    return response


def _km() -> float:

    km = DEFAULT_KM
    if request.args.get("km"):
        km = _number("km", request.args["km"])
        if not 0 < km <= MAX_KM:
            raise BadParameter("km", f"must be more than 0 and at most {MAX_KM:g}")
    return km


@bp.get("/api/coverage.geojson")
def api_region_coverage():
    """Coverage gaps of the region (every municipality with a boundary), of one ``country``
    (BE, NL) or of the ``municipality`` codes given: one feature per municipality."""

    km = _km()
    country = request.args.get("country") or None
    if country not in (None, "BE", "NL"):
        raise BadParameter("country", "use BE or NL")
    codes = [c for c in request.args.get("municipality", "").split(",") if c] or None
    response = jsonify(coverage_of(get_db(), codes, km, country=country))
    response.mimetype = "application/geo+json"
    return response


@bp.get("/api/municipalities/<code>/coverage.geojson")
def api_coverage(code: str):
    """Parts of the municipality more than ``km`` (default 5) from a farm shop, market or
    pickup point, as GeoJSON."""

    km = _km()
    _found(code)
    body = coverage_gaps(get_db(), code, km)
    if body is None:
        raise ApiError(404, f"no boundary shipped for municipality {code!r} (Wallonia has "
                            "none); coverage needs one")
    response = jsonify(body)
    response.mimetype = "application/geo+json"
    return response


def _document_api() -> None:

    item = {"type": "object"}
    register_path("/api/municipalities", "get", list_operation(
        "Municipalities with their number of places", tag="reference", item_schema=item,
        parameters=[param("all", "false: only municipalities with places.",
                          {"type": "string", "enum": ["true", "false"]})]))
    register_path("/api/municipalities/<code>", "get", item_operation(
        "A municipality as a GeoJSON Feature with its boundary", tag="reference",
        schema=item, id_name="code", example="44021", media="application/geo+json"))
    coverage = item_operation(
        "Coverage gaps: areas more than km from a farm shop, market or pickup point",
        tag="reference", schema=item, id_name="code", example="44021",
        media="application/geo+json")
    coverage["parameters"].append(param("km", "Distance in km (default 5, at most 50).",
                                        {"type": "number", "exclusiveMinimum": 0,
                                         "maximum": 50}))
    register_path("/api/municipalities/<code>/coverage.geojson", "get", coverage)
    region = {
        "summary": "Coverage gaps of the region, a country or several municipalities",
        "description": "One feature per municipality with a boundary: the parts farther than "
                       "km from any farm shop, farmers' market or pickup point.",
        "tags": ["reference"],
        "parameters": [
            param("km", "Distance in km (default 5, at most 50).",
                  {"type": "number", "exclusiveMinimum": 0, "maximum": 50}),
            param("country", "BE or NL (default both).",
                  {"type": "string", "enum": ["BE", "NL"]}),
            param("municipality", "Municipality codes, comma-separated.", example="44021"),
        ],
        "responses": coverage["responses"],
    }
    register_path("/api/coverage.geojson", "get", region)


try:
    _document_api()
except ImportError:  # the OpenAPI document is optional
    pass
