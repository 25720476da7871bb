"""HTML pages for citizens: the map with its list, and one page per place.

Every page has a JSON twin (``?format=json`` or ``Accept: application/json``) that runs the
same query, so what a page shows can always be had as data.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request

from regional_map.errors import BadParameter
from regional_map.formats.geojson import feature_collection, place_feature
from regional_map.formats.jsonld import place_jsonld
from regional_map.hours.opening import week_table
from regional_map.model import LANGUAGES, PLACE_KINDS, shown_name
from regional_map.networks.records import links_of_place, services_of
from regional_map.places.directory import apply_where, decorate
from regional_map.places.engine import PlacePage, bounds_of, find_places
from regional_map.places.rows import get_place
from regional_map.places.stats import attributions
from regional_map.places.vocab import load_vocabulary
from regional_map.search.everything import search_everything
from regional_map.web.context import current_language, get_db, settings
from regional_map.web.errors import ApiError
from regional_map.web.i18n import gettext as _
from regional_map.web.params import RADII_KM, parse_place_filter

bp = Blueprint("pages", __name__)

LIST_PAGE_SIZE = 50
# Query parameters the map page understands; everything else is dropped from its links.
PAGE_PARAMS = ("q", "where", "near", "radius_km", "kind", "product", "category", "in_season",
               "open_now", "open_at", "organic", "payment", "bbox", "municipality", "network",
               "status", "stale", "sort", "offset")


def now() -> datetime:
    """The clock of the pages; tests may pin it with ``app.config["REGIONAL_MAP_NOW"]``."""
    pinned = current_app.config.get("REGIONAL_MAP_NOW")
    return pinned or datetime.now(ZoneInfo(settings()["TIMEZONE"]))


def wants_json() -> bool:
    if request.args.get("format") == "json":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json",
                                                 "application/geo+json"])
    return best in ("application/json", "application/geo+json")


def _query_args() -> dict[str, str]:
    args = {k: v for k, v in request.args.items() if k in PAGE_PARAMS and v != ""}
    # Checkbox groups arrive as repeated parameters; the API's form is a comma list.
    for name in ("kind", "payment", "category"):
        values = [v for v in request.args.getlist(name) if v]
        if len(values) > 1:
            args[name] = ",".join(values)
    return args


def url_with(args: dict[str, str], **changes: str | None) -> str:
    merged = {**args, **changes}
    query = urlencode({k: v for k, v in merged.items() if v not in (None, "")})
    return f"{request.path}?{query}" if query else request.path


@bp.after_app_request
def _remember_language(response: Response) -> Response:
    lang = request.args.get("lang")
    if lang in LANGUAGES and not request.path.startswith(("/embed", "/api")):
        response.set_cookie("lang", lang, max_age=365 * 24 * 3600, samesite="Lax",
                            secure=request.is_secure, httponly=True)
    return response


@bp.app_context_processor
def _page_context() -> dict:
    lang = current_language()
    args = {k: v for k, v in request.args.items() if k != "lang"}
    return {
        "lang": lang,
        "languages": [(code, f"{request.path}?{urlencode({**args, 'lang': code})}")
                      for code in LANGUAGES],
        "nav_links": _nav_links(),
    }


def _nav_links() -> list[tuple[str, str]]:
    """Links to the sections this installation has (blueprints register them)."""
    from flask import url_for

    candidates = [("pages.index", _("Map")), ("networks.index", _("Networks")),
                  ("municipalities.index", _("Municipalities")),
                  ("networks.match", _("For buyers")),
                  ("contribute.suggest", _("Suggest a place")), ("api.docs", _("Open data"))]
    return [(url_for(endpoint), label) for endpoint, label in candidates
            if endpoint in current_app.view_functions]


@bp.get("/")
def index():
    """The map and its list: every filter lives in the URL."""
    cfg = settings()
    lang = current_language()
    args = _query_args()
    error = None
    location = None
    page = None
    bounds = None
    answer = None
    places_hidden = False
    try:
        location = apply_where(get_db(), args)
        f = parse_place_filter(args, max_limit=cfg["MAX_PAGE_SIZE"],
                               default_limit=LIST_PAGE_SIZE, tz=cfg["TIMEZONE"], now=now())
        page = find_places(get_db(), f, lang=lang)
        if f.q:
            answer = search_everything(get_db(), f.q, lang=lang,
                                       types=("network", "municipality", "service", "product"),
                                       allow_correction=page.total == 0 or page.corrected)
            if page.corrected and answer.groups and not answer.corrected:
                # A network or town matched as typed: places one typo away are not shown.
                page = PlacePage(0, [], page.limit, page.offset)
                places_hidden = True
        if page.total and (f.q or f.kinds or f.products or f.categories or f.network
                           or f.municipalities) and not f.near:
            bounds = bounds_of(get_db(), f)
    except BadParameter as exc:
        if wants_json():
            raise
        error = exc
    if wants_json():
        return jsonify(feature_collection([place_feature(p, lang) for p in page.items],
                                          numberMatched=page.total,
                                          numberReturned=len(page.items),
                                          **({"search": answer.as_dict()} if answer else {})))
    items = decorate(page.items, lang=lang, at=now(), tz=cfg["TIMEZONE"]) if page else []
    region = cfg["REGION"] or (-180.0, -85.0, 180.0, 85.0)
    vocab = load_vocabulary()
    map_args = {k: v for k, v in args.items() if k not in ("offset", "where", "sort")}
    offset = page.offset if page else 0
    body = render_template(
        "index.html",
        args=args, error=error, page=page, items=items, location=location,
        kinds=[(code, term.label(lang)) for code, term in PLACE_KINDS.items()],
        categories=sorted(((c.code, c.name(lang)) for c in vocab.categories.values()),
                          key=lambda item: item[1]),
        radii=RADII_KM,
        selected_kinds=set(args.get("kind", "").split(",")),
        next_url=url_with(args, offset=str(offset + LIST_PAGE_SIZE))
        if page and offset + len(items) < page.total else None,
        prev_url=url_with(args, offset=str(max(0, offset - LIST_PAGE_SIZE)) or None)
        if offset else None,
        json_url=url_with(args, format="json"),
        bounds=",".join(f"{v:.6f}" for v in bounds) if bounds else "",
        js_messages=map_messages(),
        sources=attributions(get_db()),
        map_config={
            "clusters-url": _url("api.clusters"),
            "places-url": _url("pages.index"),
            "query": urlencode(map_args),
            "tile-url": cfg["TILE_URL"],
            "tile-attribution": cfg["TILE_ATTRIBUTION"],
            "region": ",".join(str(v) for v in region),
            "lang": lang,
            "near": args.get("near", ""),
            "places": "none" if places_hidden else "all",
            "place-links-url": _endpoint_template("networks.api_place_links", "place_id"),
            "network-links-url": _endpoint_template("networks.api_network_links", "network_id"),
            "areas-url": _url("areas.api_areas") if "areas.api_areas" in current_app.view_functions
            else "",
        },
        networks=_networks(),
        groups_before=_groups(answer, before=True), groups_after=_groups(answer, before=False),
        answer=answer, places_hidden=places_hidden,
        default_view="list" if args.get("q") else "map",
    )
    return body, 400 if error else 200


def _groups(answer, *, before: bool) -> list[dict]:
    """The search's other groups that rank before (or after) the places: a network named
    exactly comes before the places that merely mention it."""
    if answer is None:
        return []
    return [g for g in answer.groups if (g["best_match"] == "exact") == before]


def _endpoint_template(endpoint: str, argument: str) -> str:
    """``/api/places/__ID__/links`` for map.js, or "" when that feature is not installed."""
    if endpoint not in current_app.view_functions:
        return ""
    return _url(endpoint, **{argument: "__ID__"})


def _networks() -> list[tuple[str, str]]:
    return [(row["id"], row["name"]) for row in
            get_db().execute("SELECT id, name FROM networks ORDER BY name COLLATE NOCASE")]


def map_messages() -> dict[str, str]:
    """The few words map.js writes, in the page's language."""
    return {
        "places_in_view": _("%(num)s places in this view", num="{n}"),
        "one_place_in_view": _("1 place in this view"),
        "cluster_title": _("%(num)s places: zoom in", num="{n}"),
        "more": _("More about this place"),
        "data": _("Data (JSON)"),
        "load_error": _("The map could not load places."),
        "no_data": _("No open data loaded for this area yet — load your region's OSM."),
        "area_of": _("Area of activity of %(name)s", name="{n}"),
    }


@bp.app_template_filter("reject_keys")
def reject_keys(mapping: dict, *keys: str) -> dict:
    return {k: v for k, v in mapping.items() if k not in keys}


def _url(endpoint: str, **values) -> str:
    from flask import url_for

    return url_for(endpoint, **values)


@bp.get("/places/<place_id>")
def place(place_id: str):
    """One place: everything known about it, closed places included (marked as closed)."""
    cfg = settings()
    lang = current_language()
    conn = get_db()
    found = get_place(conn, place_id)
    if found is not None:
        found["name"] = shown_name(found, lang)
    if found is None:
        if wants_json():

            raise ApiError(404, f"no place with id {place_id!r}")
        abort(404)
    if wants_json():
        return jsonify(place_feature(found, lang))
    decorate([found], lang=lang, at=now(), tz=cfg["TIMEZONE"])
    vocab = load_vocabulary()
    products = [
        {"name": vocab.products[c].name(lang), "season": vocab.products[c].season_months}
        for c in found["products"] if c in vocab.products
    ]
    source = conn.execute("SELECT * FROM sources WHERE id = ?", (found["source_id"],)).fetchone()
    links = _place_links(conn, found["id"], lang)
    return render_template(
        "place.html",
        place=found, products=products, source=source, links=links, today=now().date(),
        services=services_of(conn, found["id"], lang),
        week=week_table(found["opening_hours"], now().date(), found["country"] or "BE",
                        cfg["TIMEZONE"], lang) if found["opening_hours"] else None,
        jsonld=place_jsonld(found, _url("pages.place", place_id=place_id, _external=True)),
        sources=attributions(conn),
        map_config={
            "tile-url": cfg["TILE_URL"], "tile-attribution": cfg["TILE_ATTRIBUTION"],
            "lat": found["lat"], "lon": found["lon"], "name": found["name"], "lang": lang,
            "mode": "place",
        },
    )


def _place_links(conn, place_id: str, lang: str) -> list[dict]:
    """The place's links in both directions."""
    return links_of_place(conn, place_id, lang)
