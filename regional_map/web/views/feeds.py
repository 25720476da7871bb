"""Change feeds: ``/feeds/changes.atom``, ``/feeds/changes.json`` (JSON Feed 1.1) and the
"recently changed" page ``/recent``, for the whole map or a municipality, network, kind or
bbox (the same query parameters on all three). Cached with an ETag that follows the log."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from regional_map.exchange.feed_formats import LABELS, FeedInfo, atom, entry_text, json_feed
from regional_map.exchange.feeds import FeedFilter, newest_change, recent_changes
from regional_map.model import PLACE_KINDS
from regional_map.places.stats import attributions
from regional_map.web import openapi
from regional_map.web.context import current_language, get_db
from regional_map.web.errors import BadParameter
from regional_map.web.httpcache import cached
from regional_map.web.openapi_schemas import ERROR_RESPONSES
from regional_map.web.params import parse_bbox, parse_int

ATOM = "application/atom+xml"
JSON_FEED = "application/feed+json"
FILTER_NAMES = ("municipality", "network", "kind", "bbox", "limit")
bp = Blueprint("feeds", __name__)


def _filter() -> FeedFilter:
    args = request.args
    f = FeedFilter(municipality=args.get("municipality", "").strip()[:20] or None,
                   network=args.get("network", "").strip()[:120] or None)
    kinds = [k.strip() for k in args.get("kind", "").split(",") if k.strip()]
    unknown = [k for k in kinds if k not in PLACE_KINDS]
    if unknown:
        raise BadParameter("kind", f"unknown kind {', '.join(unknown)}; "
                                   f"known: {', '.join(PLACE_KINDS)}")
    f.kinds = tuple(kinds)
    if args.get("bbox"):
        f.bbox = parse_bbox(args["bbox"])
    if args.get("limit"):
        f.limit = parse_int(args["limit"], "limit", 1, 200)
    return f


def _selection() -> dict[str, str]:
    return {k: request.args[k] for k in (*FILTER_NAMES, "lang") if request.args.get(k)}


def _subtitle(f: FeedFilter) -> str:
    parts = [f"{name} {value}" for name, value in (
        ("municipality", f.municipality), ("network", f.network),
        ("kind", ",".join(f.kinds)), ("bbox", ",".join(f"{v:g}" for v in f.bbox or ())))
        if value]
    return ("Changes of places: " + "; ".join(parts)) if parts else "Changes of every place"


def _info(f: FeedFilter, lang: str, feed_endpoint: str | None) -> FeedInfo:
    query = urlencode(_selection())
    suffix = f"?{query}" if query else ""
    feed_url = (url_for(feed_endpoint, _external=True) + suffix if feed_endpoint
                else request.url)
    rights = "; ".join(f"{s['attribution'] or s['name']} ({s['licence']})" if s["licence"]
                       else (s["attribution"] or s["name"]) for s in attributions(get_db()))
    return FeedInfo(feed_url=feed_url, home_url=url_for("feeds.recent", _external=True) + suffix,
                    subtitle=_subtitle(f), lang=lang, rights=rights,
                    place_url=lambda place_id: url_for("pages.place", place_id=place_id,
                                                       _external=True))


def _cached(build, *extra) -> Response:
    lang = current_language()
    return cached(get_db(), "data", build, newest_change(get_db()), *extra, lang=lang)


@bp.get("/feeds/changes.atom")
def changes_atom():
    """Atom feed of the newest changes of places (added, updated, closed, left the source)."""
    f, lang = _filter(), current_language()

    def build() -> Response:
        body = atom(recent_changes(get_db(), f), _info(f, lang, "feeds.changes_atom"))
        return Response(body, mimetype=ATOM)

    return _cached(build)


@bp.get("/feeds/changes.json")
def changes_json():
    """The same changes as a JSON Feed 1.1."""
    f, lang = _filter(), current_language()

    def build() -> Response:
        response = jsonify(json_feed(recent_changes(get_db(), f),
                                     _info(f, lang, "feeds.changes_json")))
        response.mimetype = JSON_FEED
        return response

    return _cached(build)


@bp.get("/recent")
def recent():
    """The "recently changed" page: the feed's entries as HTML, with links to the feeds."""
    f, lang = _filter(), current_language()

    def build() -> Response:
        entries = recent_changes(get_db(), f)
        query = urlencode(_selection())
        suffix = f"?{query}" if query else ""
        return Response(render_template(
            "recent.html", entries=entries, labels=LABELS[lang], subtitle=_subtitle(f),
            texts={e.change_id: entry_text(e, lang) for e in entries},
            atom_url=url_for("feeds.changes_atom") + suffix,
            json_url=url_for("feeds.changes_json") + suffix,
            sources=attributions(get_db())), mimetype="text/html")

    return _cached(build)


def _feed_parameters() -> list[dict]:
    return [
        openapi.param("municipality", "A municipality code (NIS or CBS): its places' changes.",
                      example="44021"),
        openapi.param("network", "A network id: the changes of its places."),
        openapi.param("kind", "Kinds of place, comma-separated."),
        openapi.param("bbox", "minlon,minlat,maxlon,maxlat: places inside it now.",
                      example="3.6,51.0,3.8,51.1"),
        openapi.param("limit", "Number of entries, 1 to 200 (default 50).",
                      {"type": "integer", "minimum": 1, "maximum": 200}),
        {"$ref": "#/components/parameters/lang"},
    ]


def _feed_operation(summary: str, media: str, schema: dict) -> dict:
    return {"summary": summary, "tags": ["exchange"],
            "description": summary + ". Entries: a place added, updated, closed or left its "
                           "source (imports included), newest first, with the fields that "
                           "changed. ETag/If-None-Match give 304 while nothing changed.",
            "parameters": _feed_parameters(),
            "responses": {"200": {"description": summary,
                                  "content": {media: {"schema": schema}}},
                          **ERROR_RESPONSES}}


openapi.register_path("/feeds/changes.atom", "get", _feed_operation(
    "Atom feed of changes", ATOM, {"type": "string"}))
openapi.register_path("/feeds/changes.json", "get", _feed_operation(
    "JSON Feed 1.1 of changes", JSON_FEED,
    {"type": "object", "required": ["version", "title", "items"],
     "properties": {"version": {"const": "https://jsonfeed.org/version/1.1"},
                    "items": {"type": "array", "items": {"type": "object",
                                                         "required": ["id"]}}}}))
