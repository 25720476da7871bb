"""Networks, links and matchmaking: HTML pages (each with a JSON twin) and the JSON API.

Thin: parse, call :mod:`regional_map.networks` / :mod:`regional_map.matchmaking`, format.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, render_template, request, url_for

from regional_map.model import LINK_TYPES, NETWORK_TYPES, kind_label
from regional_map.networks.areas import area_feature
from regional_map.networks.exports import (
    EXPORT_FORMATS,
    export_network,
    links_collection,
    network_collection,
)
from regional_map.networks.matchmaking import (
    BUYER_KINDS,
    DEFAULT_RADIUS_KM,
    buyer_kinds,
    find_suppliers,
    parse_match_request,
)
from regional_map.networks.moments import WEEKDAYS, day_name
from regional_map.networks.records import (
    SERVICES,
    all_links,
    computed_counts,
    get_network,
    link_label,
    links_of_network,
    list_networks,
    network_places,
    services_of,
)
from regional_map.places.rows import get_place
from regional_map.places.stats import attributions
from regional_map.web.context import current_language, get_db, settings
from regional_map.web.errors import ApiError, BadParameter
from regional_map.web.openapi import (
    ERROR_RESPONSES,
    item_operation,
    json_response,
    list_operation,
    param,
    register_path,
)
from regional_map.web.params import RADII_KM, parse_int
from regional_map.web.views.pages import wants_json

bp = Blueprint("networks", __name__)


def _geojson(body: dict) -> Response:
    response = jsonify(body)
    response.mimetype = "application/geo+json"
    return response


def _network_or_404(network_id: str, lang: str) -> dict:
    network = get_network(get_db(), network_id, lang)
    if network is None:
        raise ApiError(404, f"no network with id {network_id!r}")
    return network


def _network_json(network: dict, lang: str) -> dict:
    conn = get_db()
    places = network_places(conn, network["id"], lang=lang)
    return {
        **network,
        "counts": computed_counts(conn, network["id"]),
        "places": [{"id": p["id"], "name": p["name"], "kind": p["kind"], "status": p["status"],
                    "roles": p["roles"], "lat": p["lat"], "lon": p["lon"],
                    "geocode_precision": p["geocode_precision"],
                    "url": url_for("pages.place", place_id=p["id"])} for p in places],
        "links": links_of_network(conn, network["id"], lang),
        "url": url_for("networks.network", network_id=network["id"]),
        "geojson": url_for("networks.api_network_links", network_id=network["id"]),
        "exports": {fmt: url_for("networks.api_network_export", network_id=network["id"],
                                 format=fmt) for fmt in EXPORT_FORMATS},
    }


# ---- HTML pages -----------------------------------------------------------------------------

@bp.get("/networks")
def index():
    """Every network; ``delivery_day`` and ``service`` narrow the list (a form on the page)."""
    lang = current_language()
    day, service = _network_filters()
    networks = list_networks(get_db(), lang, delivery_day=day, service=service)
    if wants_json():
        return jsonify({"networks": networks, "numberReturned": len(networks)})
    for item in networks:
        item["delivery_day_names"] = [day_name(d, lang) for d in item["delivery_days"]]
    return render_template(
        "networks/index.html", networks=networks, sources=attributions(get_db()),
        days=[(d, day_name(d, lang)) for d in WEEKDAYS], day=day or "", service=service or "",
        services=[(code, term.label(lang)) for code, term in SERVICES.items()
                  if code != "other"])


def _network_filters() -> tuple[str | None, str | None]:
    """``delivery_day`` (Mo…Su) and ``service`` (a service code), checked; BadParameter."""
    day = request.args.get("delivery_day") or None
    if day and day not in WEEKDAYS:
        raise BadParameter("delivery_day", f"use one of {', '.join(WEEKDAYS)}")
    service = request.args.get("service") or None
    if service and service not in SERVICES:
        raise BadParameter("service", f"unknown service; known: {', '.join(SERVICES)}")
    return day, service


@bp.get("/networks/<network_id>")
def network(network_id: str):
    lang = current_language()
    conn = get_db()
    found = get_network(conn, network_id, lang)
    if found is None:
        if wants_json():
            raise ApiError(404, f"no network with id {network_id!r}")
        abort(404)
    body = _network_json(found, lang)
    if wants_json():
        return jsonify(body)
    places = network_places(conn, network_id, lang=lang)
    for place in places:
        place["services"] = services_of(conn, place["id"], lang)
        place["kind_label"] = kind_label(place["kind"], lang)
        place["role_labels"] = [link_label(*(role.split(":") + ["out"])[:2], lang)
                                for role in place["roles"]]
    cfg = settings()
    source = conn.execute("SELECT * FROM sources WHERE id = ?", (found["source_id"],)).fetchone()
    area = area_feature(conn, found)
    return render_template(
        "networks/network.html", network=found, counts=body["counts"], places=places,
        area=area["properties"] if area else None,
        services=[SERVICES[c].label(lang) for c in found["services"] if c in SERVICES],
        delivery_days=[day_name(d, lang) for d in found["delivery_days"]],
        links=body["links"], exports=body["exports"], source=source,
        link_types=LINK_TYPES, lang=lang, sources=attributions(conn),
        map_config={
            "tile-url": cfg["TILE_URL"], "tile-attribution": cfg["TILE_ATTRIBUTION"],
            "geojson-url": body["geojson"], "lang": lang,
            "area-url": url_for("areas.api_network_area", network_id=network_id) if area else "",
            # Every dataset drawn on this map, with its licence (ODbL for OSM places).
            "data-attribution": " | ".join(
                f"{s['attribution'] or s['name']} ({s['licence']})" if s["licence"]
                else s["attribution"] or s["name"] for s in attributions(conn)
                if s["id"] in {p["source_id"] for p in places} | {found["source_id"]}),
            "region": ",".join(str(v) for v in (cfg["REGION"] or (-180, -85, 180, 85))),
        },
    )


@bp.get("/match")
def match():
    """The buyers' form and its results: who can supply this near here, and how."""
    lang = current_language()
    conn = get_db()
    args = {k: v for k, v in request.args.items() if v != ""}
    results, error, req = None, None, None
    if args.get("where") or args.get("near") or args.get("product"):
        try:
            req = parse_match_request(conn, args)
            results = find_suppliers(conn, req, lang)
        except BadParameter as exc:
            if wants_json():
                raise
            error = exc
    if wants_json():
        if results is None:
            raise BadParameter("where", "give an address, a postcode or a town")
        return jsonify(_match_body(req, results))
    body = render_template(
        "networks/match.html", args=args, results=results, error=error, req=req,
        radii=RADII_KM, default_radius=int(DEFAULT_RADIUS_KM), sources=attributions(conn),
        buyer_kinds=buyer_kinds(current_language()),
        json_url=url_for("networks.api_match", **args) if results is not None else None,
    )
    return body, 400 if error else 200


def _match_body(req, results: list[dict]) -> dict:
    return {
        "query": {"products": list(req.products), "terms": list(req.terms), "buyer": req.buyer,
                  "near": list(req.near), "location": req.location_label,
                  "radius_km": req.radius_km, "business": req.business},
        "numberReturned": len(results), "results": results,
    }


# ---- JSON API -------------------------------------------------------------------------------

@bp.get("/api/networks")
def api_networks():
    network_type = request.args.get("type") or None
    if network_type and network_type not in NETWORK_TYPES:
        raise BadParameter("type", f"unknown network type; known: {', '.join(NETWORK_TYPES)}")
    day, service = _network_filters()
    networks = list_networks(get_db(), current_language(), network_type=network_type,
                             delivery_day=day, service=service)
    for item in networks:
        item["url"] = url_for("networks.api_network", network_id=item["id"])
    return jsonify({"networks": networks, "numberReturned": len(networks)})


@bp.get("/api/networks/<network_id>")
def api_network(network_id: str):
    lang = current_language()
    return jsonify(_network_json(_network_or_404(network_id, lang), lang))


@bp.get("/api/networks/<network_id>/links")
def api_network_links(network_id: str):
    """The network's places and anchor as points, its links as LineStrings (GeoJSON)."""
    lang = current_language()
    _network_or_404(network_id, lang)
    return _geojson(network_collection(get_db(), network_id, lang))


@bp.get("/api/networks/<network_id>/export")
def api_network_export(network_id: str):
    """Download: ``format`` = geojson (default), csv (places), links-csv or gpkg."""
    lang = current_language()
    _network_or_404(network_id, lang)
    fmt = request.args.get("format", "geojson")
    if fmt not in EXPORT_FORMATS:
        raise BadParameter("format", f"use one of {', '.join(EXPORT_FORMATS)}")
    mimetype, extension = EXPORT_FORMATS[fmt]
    data = export_network(get_db(), network_id, fmt, lang)
    response = Response(data, mimetype=mimetype.split(";")[0])
    if "charset" in mimetype:
        response.charset = "utf-8"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="network-{network_id}.{extension}"')
    return response


@bp.get("/api/links")
def api_links():
    """Links, optionally of one ``type`` or one ``network``, paged with ``limit``/``offset``."""
    link_type = request.args.get("type") or None
    if link_type and link_type not in LINK_TYPES:
        raise BadParameter("type", f"unknown link type; known: {', '.join(LINK_TYPES)}")
    network = request.args.get("network") or None
    if network:
        _network_or_404(network, current_language())
    limit = parse_int(request.args.get("limit", "1000"), "limit", 1,
                      settings()["MAX_PAGE_SIZE"])
    offset = parse_int(request.args.get("offset", "0"), "offset", 0, 10_000_000)
    if request.args.get("format") == "geojson":
        total, links = all_links(get_db(), link_type=link_type, network=network, limit=limit,
                                 offset=offset)
        return _geojson(links_collection(get_db(), links, lang=current_language(),
                                         numberMatched=total))
    total, links = all_links(get_db(), link_type=link_type, network=network, limit=limit,
                             offset=offset)
    return jsonify({"numberMatched": total, "numberReturned": len(links), "links": links})


@bp.get("/api/places/<place_id>/links")
def api_place_links(place_id: str):
    """The place's links as LineStrings (``type``, ``direction``), linked places as points."""
    lang = current_language()
    conn = get_db()
    if get_place(conn, place_id) is None:
        raise ApiError(404, f"no place with id {place_id!r}")
    rows = conn.execute(
        """SELECT * FROM links WHERE (from_kind = 'place' AND from_id = ?)
             OR (to_kind = 'place' AND to_id = ?) ORDER BY type, id""",
        (place_id, place_id),
    ).fetchall()
    return _geojson(links_collection(conn, [dict(r) for r in rows], lang=lang,
                                     this=("place", place_id), place=place_id))


@bp.get("/api/match")
def api_match():
    """Suppliers for a buyer: ``product``, ``where`` or ``near``, ``radius_km``, ``business``."""
    conn = get_db()
    req = parse_match_request(conn, request.args)
    return jsonify(_match_body(req, find_suppliers(conn, req, current_language())))



def _document_api() -> None:
    """Describe these endpoints in the OpenAPI document (``/api/openapi.json``)."""

    item = {"type": "object"}
    geojson = {"type": "object", "required": ["type", "features"],
               "properties": {"type": {"const": "FeatureCollection"},
                              "features": {"type": "array", "items": item}}}
    lang = {"$ref": "#/components/parameters/lang"}
    register_path("/api/networks", "get", list_operation(
        "Networks (cooperatives, platforms, processing hubs…) with their computed counts",
        tag="networks", item_schema=item, items_key="networks",
        parameters=[param("type", "Network type.", {"type": "string",
                                                    "enum": list(NETWORK_TYPES)}),
                    param("delivery_day", "Only networks delivering on this weekday.",
                          {"type": "string", "enum": list(WEEKDAYS)}),
                    param("service", "Only networks offering this service.",
                          {"type": "string", "enum": list(SERVICES)})]))
    register_path("/api/networks/<network_id>", "get", item_operation(
        "A network: its places with their roles, links, computed counts and stated figures",
        tag="networks", schema=item, id_name="network_id", example="paysans-artisans"))
    register_path("/api/networks/<network_id>/links", "get", item_operation(
        "A network as GeoJSON: places and its anchor as Points, links as LineStrings",
        tag="networks", schema=geojson, id_name="network_id", example="paysans-artisans",
        media="application/geo+json"))
    export = item_operation("Download a network", tag="networks", schema=geojson,
                            id_name="network_id", example="de-goedinge",
                            media="application/geo+json")
    export["parameters"].append(param("format", "geojson (default), csv (places), links-csv "
                                      "(links, as import-links reads them) or gpkg.",
                                      {"type": "string", "enum": list(EXPORT_FORMATS)}))
    export["responses"]["200"]["content"].update({
        "text/csv": {"schema": {"type": "string"}},
        "application/geopackage+sqlite3": {"schema": {"type": "string", "format": "binary"}},
    })
    register_path("/api/networks/<network_id>/export", "get", export)
    register_path("/api/links", "get", list_operation(
        "Typed, directed links between places and networks", tag="networks", item_schema=item,
        items_key="links", parameters=[
            param("type", "Link type.", {"type": "string", "enum": list(LINK_TYPES)}),
            param("network", "Only the links of this network.", example=None),
            param("format", "geojson: points and LineStrings instead of a list.",
                  {"type": "string", "enum": ["geojson"]}),
            param("limit", "Page size.", {"type": "integer", "minimum": 1}),
            param("offset", "Links to skip.", {"type": "integer", "minimum": 0})]))
    register_path("/api/places/<place_id>/links", "get", item_operation(
        "A place's links as LineStrings (type, direction) and the linked places as Points",
        tag="networks", schema=geojson, id_name="place_id", example="seed-llabio-de-goedinge",
        media="application/geo+json"))
    register_path("/api/match", "get", {
        "summary": "Matchmaking for buyers: suppliers of a product near an address",
        "description": "Producers and platforms within radius_km of the address, nearest "
                       "first, with what they offer and how (direct, via a platform, pickup).",
        "tags": ["networks"],
        "parameters": [
            param("where", "Address, postcode or town (or give near).", required=True,
                  example="9000 Gent"),
            param("near", "lat,lon instead of where."),
            param("product", "Products in nl, fr or en, or codes; comma list.",
                  example="groenten"),
            param("radius_km", "Distance in km (default 25, at most 200).",
                  {"type": "number", "exclusiveMinimum": 0, "maximum": 200}),
            param("business", "true: only suppliers that deliver to businesses.",
                  {"type": "string", "enum": ["true", "false"]}),
            param("buyer", "The buyer's kind (implies business=true).",
                  {"type": "string", "enum": list(BUYER_KINDS)}),
            lang],
        "responses": {"200": json_response("Suppliers, nearest first", {
            "type": "object", "required": ["query", "results"],
            "properties": {"query": item, "numberReturned": {"type": "integer"},
                           "results": {"type": "array", "items": item}}}),
            **ERROR_RESPONSES},
    })


try:
    _document_api()
except ImportError:  # the OpenAPI document is optional
    pass
