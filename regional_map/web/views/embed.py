"""The embeddable map (``/embed``), its builder (``/embed/builder``) and oEmbed (``/oembed``).

``/embed`` may be framed by any site (``frame-ancestors *``, see ``security.py``) and sets no
cookie; the builder is an ordinary page of this site and keeps the default policy.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, jsonify, render_template, request, url_for

from regional_map.model import LANGUAGES, PLACE_KINDS
from regional_map.municipalities.embedding import (
    DEFAULT_HEIGHT,
    display_options,
    embed_args,
    embed_src,
    filter_args,
    oembed_answer,
    oembed_target,
    snippet,
)
from regional_map.municipalities.showcase import (
    get_municipality,
    list_municipalities,
    municipality_name,
    with_boundary_sources,
)
from regional_map.places.directory import decorate
from regional_map.places.engine import bounds_of, find_places
from regional_map.places.stats import attributions
from regional_map.web.context import current_language, get_db, settings
from regional_map.web.errors import ApiError, BadParameter
from regional_map.web.i18n import gettext as _
from regional_map.web.params import parse_int, parse_place_filter
from regional_map.web.views.pages import map_messages, now

bp = Blueprint("embed", __name__)

LIST_LIMIT = 200


def _title(args: dict[str, str], lang: str) -> str:
    names = []
    for code in [c for c in args.get("municipality", "").split(",") if c]:
        m = get_municipality(get_db(), code)
        names.append(municipality_name(m, lang) if m else code)
    base = _("Short food chain")
    return f"{base}: {', '.join(names)}" if names else f"{base} – Regional Map"


@bp.get("/embed")
def embed():
    """A minimal map with its list, for an iframe on another site."""
    cfg = settings()
    args = embed_args(request.args)
    error = None
    items, total, bounds, query = [], 0, None, {}
    options = {"lang": None, "zoom": None, "around_km": 0.0, "first": "map"}
    lang = current_language()
    try:
        options = display_options(args)
        lang = options["lang"] or lang
        query, bounds = filter_args(get_db(), args, options)
        f = parse_place_filter(query, max_limit=LIST_LIMIT, default_limit=LIST_LIMIT,
                               tz=cfg["TIMEZONE"], now=now())
        page = find_places(get_db(), f, lang=lang)
        total = page.total

        items = decorate(page.items, lang=lang, at=now(), tz=cfg["TIMEZONE"])
        if bounds is None and total:

            bounds = bounds_of(get_db(), f)
    except BadParameter as exc:
        error = exc
    region = cfg["REGION"] or (-180.0, -85.0, 180.0, 85.0)
    codes = [c for c in args.get("municipality", "").split(",") if c]
    full_map = url_for("pages.index", _external=True, **query)
    body = render_template(
        "embed.html", error=error, items=items, total=total, lang=lang,
        first=options["first"], title=_title(args, lang), full_map_url=full_map,
        sources=with_boundary_sources(get_db(), attributions(get_db()), codes),
        list_limit=LIST_LIMIT,
        oembed_url=url_for("embed.oembed", url=request.url),
        map_config={
            "clusters-url": url_for("api.clusters"),
            "query": urlencode(query),
            "tile-url": cfg["TILE_URL"], "tile-attribution": cfg["TILE_ATTRIBUTION"],
            "region": ",".join(str(v) for v in region),
            "lang": lang, "near": "",
            "bounds": ",".join(f"{v:.6f}" for v in bounds) if bounds else "",
            "zoom": options["zoom"] or "",
            "boundary-urls": " ".join(url_for("municipalities.api_one", code=c) for c in codes)
            if "municipalities.api_one" in _views() else "",
        },
        js_messages=map_messages(),
    )
    return body, 400 if error else 200


def _views() -> dict:
    from flask import current_app

    return current_app.view_functions


def _builder_result(args: dict[str, str], height: int) -> dict:
    lang = current_language()
    src = embed_src(url_for("pages.index", _external=True), args)
    title = _title(args, args.get("lang") or lang)
    return {"src": src, "snippet": snippet(src, title=title, height=height), "title": title,
            "height": height}


@bp.get("/embed/builder")
def builder():
    """A form that builds the iframe snippet, with a live preview of exactly that snippet."""

    args = embed_args(request.args)
    error = None
    try:
        display_options(args)
        height = parse_int(request.args["height"], "height", 200, 2000) \
            if request.args.get("height") else DEFAULT_HEIGHT
    except BadParameter as exc:
        error, height = exc, DEFAULT_HEIGHT
    result = _builder_result(args, height)
    if request.args.get("format") == "json":
        if error:
            raise error
        return jsonify(result)
    rows = list_municipalities(get_db(), with_places_only=True)
    lang = current_language()
    return render_template(
        "embed_builder.html", args=args, result=result, error=error,
        municipalities=[(r["code"], municipality_name(r, lang)) for r in rows],
        kinds=[(code, term.label(lang)) for code, term in PLACE_KINDS.items()],
        selected_kinds=set(args.get("kind", "").split(",")), languages_list=LANGUAGES,
        sources=attributions(get_db()),
    ), 400 if error else 200


@bp.get("/oembed")
def oembed():
    """oEmbed (JSON, type rich) for a map, embed or municipality URL of this site."""
    url = request.args.get("url", "")
    if not url:
        raise BadParameter("url", "is required")
    if request.args.get("format", "json") != "json":
        raise ApiError(501, "only format=json is supported")
    args = oembed_target(url, request.host)
    if args is None:
        raise ApiError(404, "not a map, embed or municipality URL of this site")
    try:
        display_options(args)
    except BadParameter as exc:
        raise ApiError(404, f"cannot embed that URL: {exc.message}") from None
    maxwidth = maxheight = None

    if request.args.get("maxwidth"):
        maxwidth = parse_int(request.args["maxwidth"], "maxwidth", 300, 5000)
    if request.args.get("maxheight"):
        maxheight = parse_int(request.args["maxheight"], "maxheight", 200, 5000)
    src = embed_src(url_for("pages.index", _external=True), args)
    response = jsonify(oembed_answer(
        src, title=_title(args, args.get("lang") or current_language()),
        provider_url=url_for("pages.index", _external=True), maxwidth=maxwidth,
        maxheight=maxheight))
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
