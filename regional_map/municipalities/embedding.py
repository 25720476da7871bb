"""The embeddable map's parameters, the iframe snippet and the oEmbed answer: plain functions.

An embed URL carries the same place filters as ``/api/places`` (``municipality``, ``bbox``,
``kind``, ``product``, ``network``, ``open_now`` …) plus its own display options: ``lang``,
``zoom`` (initial zoom), ``around_km`` (include places up to N km outside the municipalities'
border) and ``first`` (``map`` or ``list``).
"""

from __future__ import annotations

import sqlite3
from html import escape
from urllib.parse import parse_qsl, urlencode, urlsplit

from regional_map.errors import BadParameter
from regional_map.geo import metres_to_degrees
from regional_map.model import LANGUAGES
from regional_map.places.filters import parse_bbox, parse_int
from regional_map.places.filters import parse_number as _number

FILTER_PARAMS = ("municipality", "bbox", "q", "kind", "product", "category", "network",
                 "open_now", "in_season", "organic", "payment")
DISPLAY_PARAMS = ("lang", "zoom", "around_km", "first")
EMBED_PARAMS = FILTER_PARAMS + DISPLAY_PARAMS
DEFAULT_HEIGHT = 500
MAX_AROUND_KM = 50.0


def embed_args(args) -> dict[str, str]:
    """The embed parameters of a request, in a fixed order, empty ones and others dropped.

    Repeated parameters (checkbox groups) are joined into the API's comma lists.
    """
    out: dict[str, str] = {}
    for name in EMBED_PARAMS:
        values = args.getlist(name) if hasattr(args, "getlist") else [args.get(name, "")]
        value = ",".join(v.strip() for v in values if v and v.strip())
        if value:
            out[name] = value
    return out


def display_options(args: dict[str, str]) -> dict:
    """Validated display options; raises :class:`BadParameter`."""
    options: dict = {"lang": None, "zoom": None, "around_km": 0.0, "first": "map"}
    if "lang" in args:
        if args["lang"] not in LANGUAGES:
            raise BadParameter("lang", f"use one of {', '.join(LANGUAGES)}")
        options["lang"] = args["lang"]
    if "zoom" in args:
        options["zoom"] = parse_int(args["zoom"], "zoom", 1, 19)
    if "around_km" in args:
        km = _number("around_km", args["around_km"])
        if not 0 <= km <= MAX_AROUND_KM:
            raise BadParameter("around_km", f"must be between 0 and {MAX_AROUND_KM:g}")
        if km and "municipality" not in args:
            raise BadParameter("around_km", "needs municipality")
        options["around_km"] = km
    if "first" in args:
        if args["first"] not in ("map", "list"):
            raise BadParameter("first", "use map or list")
        options["first"] = args["first"]
    return options


def municipalities_bbox(conn: sqlite3.Connection, codes: list[str]
                        ) -> tuple[float, float, float, float] | None:
    """Bounding box of the municipalities' boundaries, or of their places where none."""
    boxes = []
    for code in codes:
        row = conn.execute("SELECT minlon, minlat, maxlon, maxlat FROM municipality_boundaries "
                           "WHERE code = ?", (code,)).fetchone()
        if row is None:
            row = conn.execute("SELECT MIN(lon), MIN(lat), MAX(lon), MAX(lat) FROM places "
                               "WHERE municipality_code = ?", (code,)).fetchone()
        if row and row[0] is not None:
            boxes.append(tuple(row))
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def grow_bbox(box: tuple[float, float, float, float], km: float
              ) -> tuple[float, float, float, float]:
    dlon, dlat = metres_to_degrees(km * 1000, (box[1] + box[3]) / 2)
    return (box[0] - dlon, box[1] - dlat, box[2] + dlon, box[3] + dlat)


def filter_args(conn: sqlite3.Connection, args: dict[str, str], options: dict
                ) -> tuple[dict[str, str], tuple[float, float, float, float] | None]:
    """(place filter parameters for the map and list, the view's bounds).

    With ``around_km``, the municipalities become the bounding box of their boundaries grown
    by that distance (a box, not a buffer: the corners reach a little farther).
    """
    query = {k: v for k, v in args.items() if k in FILTER_PARAMS}
    bounds = None
    codes = [c for c in query.get("municipality", "").split(",") if c]
    if codes:
        bounds = municipalities_bbox(conn, codes)
        if options["around_km"] and bounds:
            bounds = grow_bbox(bounds, options["around_km"])
            del query["municipality"]
            query["bbox"] = ",".join(f"{v:.5f}" for v in bounds)
    elif "bbox" in query:

        bounds = parse_bbox(query["bbox"])
    return query, bounds


def embed_src(base_url: str, args: dict[str, str]) -> str:
    """The iframe's absolute URL; ``base_url`` is the site root, e.g. ``https://x.org/``."""
    query = urlencode(args)
    return f"{base_url.rstrip('/')}/embed" + (f"?{query}" if query else "")


def snippet(src: str, *, title: str, height: int = DEFAULT_HEIGHT) -> str:
    """The HTML to paste into a page: a responsive iframe (full width; usable from 300 px)."""
    return (f'<iframe src="{escape(src)}" title="{escape(title)}" width="100%" '
            f'height="{int(height)}" loading="lazy" style="border:0;max-width:100%"'
            '></iframe>')


class _MultiValues(dict):
    """Query parameters with every value of a repeated name (``getlist``), the first as
    the plain value, as a framework's request arguments have them."""

    def __init__(self, pairs: list[tuple[str, str]]):
        super().__init__()
        self._lists: dict[str, list[str]] = {}
        for name, value in pairs:
            self._lists.setdefault(name, []).append(value)
            self.setdefault(name, value)

    def getlist(self, name: str) -> list[str]:
        return list(self._lists.get(name, []))


def oembed_target(url: str, host: str) -> dict[str, str] | None:
    """The embed parameters for a URL of this site (map, embed or municipality page)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.netloc != host:
        return None
    args = _MultiValues(parse_qsl(parts.query))
    path = parts.path.rstrip("/")
    if path in ("", "/embed"):
        return embed_args(args)
    if path.startswith("/municipalities/"):
        code = path.removeprefix("/municipalities/").removesuffix(".json")
        if code and "/" not in code:
            return {"municipality": code, **embed_args(args)}
    return None


def oembed_answer(src: str, *, title: str, provider_url: str, maxwidth: int | None,
                  maxheight: int | None) -> dict:
    width = min(maxwidth or 600, 1200)
    height = min(maxheight or DEFAULT_HEIGHT, DEFAULT_HEIGHT) if maxheight else DEFAULT_HEIGHT
    html = snippet(src, title=title, height=height).replace('width="100%"', f'width="{width}"')
    return {"version": "1.0", "type": "rich", "provider_name": "Regional Map",
            "provider_url": provider_url, "title": title, "html": html,
            "width": width, "height": height}
