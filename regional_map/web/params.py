"""HTTP query parameters → :class:`PlaceFilter`, with a clear 400 for anything unusable.

The same names serve the map page, the API, the embed and the exports, so a URL copied from
one works in the others.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from regional_map.errors import BadParameter
from regional_map.model import PLACE_KINDS, STATUSES
from regional_map.places.queries import SORTS, PlaceFilter
from regional_map.places.vocab import load_vocabulary

RADII_KM = (1, 5, 10, 25)
MAX_RADIUS_KM = 200.0
PAYMENT_CODES = ("cash", "debit_card", "credit_card", "contactless", "qr_code", "app", "transfer")


def _number(name: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise BadParameter(name, f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise BadParameter(name, "must be a finite number")
    return value


def _list(args: Mapping[str, str], name: str) -> list[str]:
    raw = args.get(name, "")
    return [part.strip() for part in raw.split(",") if part.strip()]


def parse_bbox(text: str, name: str = "bbox") -> tuple[float, float, float, float]:
    parts = text.split(",")
    if len(parts) != 4:
        raise BadParameter(name, "give four numbers: minlon,minlat,maxlon,maxlat")
    minlon, minlat, maxlon, maxlat = (_number(name, p) for p in parts)
    if not (-180 <= minlon <= 180 and -180 <= maxlon <= 180):
        raise BadParameter(name, "longitudes must lie between -180 and 180")
    if not (-90 <= minlat <= 90 and -90 <= maxlat <= 90):
        raise BadParameter(name, "latitudes must lie between -90 and 90")
    if minlat > maxlat:
        raise BadParameter(name, "minlat must not be larger than maxlat")
    if minlon > maxlon:
        raise BadParameter(name, "minlon must not be larger than maxlon (no antimeridian boxes)")
    return minlon, minlat, maxlon, maxlat


def parse_latlon(text: str, name: str = "near") -> tuple[float, float]:
    parts = text.split(",")
    if len(parts) != 2:
        raise BadParameter(name, "give lat,lon")
    lat, lon = (_number(name, p) for p in parts)
    if not -90 <= lat <= 90:
        raise BadParameter(name, f"latitude {lat:g} is not between -90 and 90")
    if not -180 <= lon <= 180:
        raise BadParameter(name, f"longitude {lon:g} is not between -180 and 180")
    return lat, lon


def parse_bool(text: str, name: str) -> bool:
    value = text.strip().lower()
    if value in ("true", "1", "yes", "on"):
        return True
    if value in ("false", "0", "no", "off"):
        return False
    raise BadParameter(name, "use true or false")


def parse_int(text: str, name: str, low: int, high: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise BadParameter(name, f"{text!r} is not a whole number") from None
    if not low <= value <= high:
        raise BadParameter(name, f"must be between {low} and {high}")
    return value


def parse_datetime(text: str, name: str, tz: str) -> datetime:
    value = text.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadParameter(name, f"{text!r} is not an ISO 8601 date-time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(tz))
    return parsed


def parse_place_filter(args: Mapping[str, str], *, max_limit: int = 1000,
                       default_limit: int = 100, tz: str = "Europe/Brussels",
                       now: datetime | None = None) -> PlaceFilter:
    """Read every place filter from query parameters; raises :class:`BadParameter`."""
    f = PlaceFilter(limit=default_limit)
    f.q = args.get("q", "").strip()[:200]
    kinds = _list(args, "kind")
    unknown = [k for k in kinds if k not in PLACE_KINDS]
    if unknown:
        raise BadParameter("kind", f"unknown kind {', '.join(unknown)}; "
                                   f"known: {', '.join(PLACE_KINDS)}")
    f.kinds = tuple(kinds)

    vocab = load_vocabulary()
    products: list[str] = []
    for term in _list(args, "product"):
        if term in vocab.products:
            products.append(term)
            continue
        code = vocab.lookup(term)
        if code is None:
            raise BadParameter("product", f"unknown product {term!r}")
        products.append(code)
    f.products = tuple(dict.fromkeys(products))
    categories = _list(args, "category")
    unknown = [c for c in categories if c not in vocab.categories]
    if unknown:
        raise BadParameter("category", f"unknown category {', '.join(unknown)}; "
                                       f"known: {', '.join(vocab.categories)}")
    f.categories = tuple(categories)

    if args.get("bbox"):
        f.bbox = parse_bbox(args["bbox"])
    if args.get("near"):
        f.near = parse_latlon(args["near"])
        f.radius_km = 25.0
    if args.get("radius_km"):
        if not f.near:
            raise BadParameter("radius_km", "needs near=lat,lon")
        radius = _number("radius_km", args["radius_km"])
        if not 0 < radius <= MAX_RADIUS_KM:
            raise BadParameter("radius_km", f"must be more than 0 and at most {MAX_RADIUS_KM:g}")
        f.radius_km = radius

    statuses = _list(args, "status")
    if statuses == ["all"]:
        statuses = list(STATUSES)
    unknown = [s for s in statuses if s not in STATUSES]
    if unknown:
        raise BadParameter("status", f"unknown status {', '.join(unknown)}; "
                                     f"known: {', '.join(STATUSES)} or all")
    if statuses:
        f.statuses = tuple(statuses)
    if args.get("organic"):
        f.organic = parse_bool(args["organic"], "organic")
    if args.get("sells_to_business"):
        f.sells_to_business = parse_bool(args["sells_to_business"], "sells_to_business")
    payment = _list(args, "payment")
    payment = ["debit_card" if p == "card" else p for p in payment]
    unknown = [p for p in payment if p not in PAYMENT_CODES]
    if unknown:
        raise BadParameter("payment", f"unknown payment {', '.join(unknown)}; "
                                      f"known: card, {', '.join(PAYMENT_CODES)}")
    f.payment = tuple(payment)
    f.municipalities = tuple(_list(args, "municipality"))
    f.network = args.get("network") or None
    if args.get("updated_since"):
        since = parse_datetime(args["updated_since"], "updated_since", tz)
        f.updated_since = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    current = now or datetime.now(ZoneInfo(tz))
    if args.get("in_season") and parse_bool(args["in_season"], "in_season"):
        f.in_season_month = current.month
    if args.get("open_at"):
        f.open_at = parse_datetime(args["open_at"], "open_at", tz)
    elif args.get("open_now") and parse_bool(args["open_now"], "open_now"):
        f.open_at = current

    stale = args.get("stale", "hide")
    if stale not in ("hide", "include"):
        raise BadParameter("stale", "use hide (default) or include")
    if stale == "hide":
        from regional_map.places.freshness import default_hide_before

        f.hide_stale_before = default_hide_before(current.date())
    if args.get("limit"):
        f.limit = parse_int(args["limit"], "limit", 1, max_limit)
    if args.get("offset"):
        f.offset = parse_int(args["offset"], "offset", 0, 10_000_000)
    if args.get("sort"):
        if args["sort"] not in SORTS:
            raise BadParameter("sort", f"use one of {', '.join(SORTS)}")
        if args["sort"] == "distance" and not f.near:
            raise BadParameter("sort", "distance needs near=lat,lon")
        f.sort = args["sort"]
    return f
