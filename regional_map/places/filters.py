"""Every way to narrow the places, declared once.

A :class:`Filter` says which query parameters it reads (with their OpenAPI text), how it reads
them into a :class:`PlaceFilter`, the SQL condition it adds and, where one exists, the mask that
narrows a point index's rows the same way (or the test applied to rows after SQL). The
parameter parser, the SQL ``WHERE``, the in-memory paths and the OpenAPI document are all
derived from :data:`FILTERS`: a new filter is a field of :class:`PlaceFilter` and one entry
here. This module knows nothing of HTTP: ``parse`` reads any mapping of texts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from regional_map.errors import BadParameter
from regional_map.geo import box_around, intersect
from regional_map.hours.opening import is_open
from regional_map.model import PLACE_KINDS, STATUSES
from regional_map.places.filter_types import Filter, Param, ParseContext, SqlPart
from regional_map.places.filter_types import placeholders as _marks
from regional_map.places.freshness import CONFIRMED_SQL, default_hide_before
from regional_map.places.fts import fts_expression
from regional_map.places.parsing import (
    _known,
    _list,
    parse_bbox,
    parse_bool,
    parse_datetime,
    parse_int,
    parse_latlon,
    parse_number,
)
from regional_map.places.parsing import (
    bool_field as _bool_field,
)
from regional_map.places.services import load_services, search_services
from regional_map.places.vocab import load_vocabulary
from regional_map.text import fold

SORTS = ("name", "distance", "relevance", "updated")
RADII_KM = (1, 5, 10, 25)
DEFAULT_RADIUS_KM = 25.0
MAX_RADIUS_KM = 200.0
PAYMENT_CODES = ("cash", "debit_card", "credit_card", "contactless", "qr_code", "app", "transfer")
OPEN_STATUSES = ("active", "temporarily_closed")


@dataclass
class PlaceFilter:
    """Everything a user can ask of the places; empty fields do not filter."""

    q: str = ""
    kinds: tuple[str, ...] = ()
    products: tuple[str, ...] = ()  # product codes (any of them)
    categories: tuple[str, ...] = ()
    bbox: tuple[float, float, float, float] | None = None  # minlon, minlat, maxlon, maxlat
    near: tuple[float, float] | None = None  # lat, lon
    radius_km: float | None = None
    statuses: tuple[str, ...] = OPEN_STATUSES
    organic: bool | None = None
    payment: tuple[str, ...] = ()
    municipalities: tuple[str, ...] = ()
    network: str | None = None
    updated_since: str | None = None
    in_season_month: int | None = None
    open_at: datetime | None = None
    sells_to_business: bool | None = None
    services: tuple[str, ...] = ()  # service codes (any of them): slaughtering, cold storage …
    # Places last confirmed before this date (YYYY-MM-DD) are left out (freshness.py).
    hide_stale_before: str | None = None
    limit: int = 100
    offset: int = 0
    sort: str | None = None  # default: distance with near, relevance with q, else name
    # The FTS expression to use instead of the one ``q`` gives (the spelling correction).
    fts_override: str | None = None

    def effective_sort(self) -> str:
        """The order asked for, or the natural one: nearest, most relevant, else by name."""
        if self.sort:
            return self.sort
        if self.near:
            return "distance"
        if self.fts():
            return "relevance"
        return "name"

    def fts(self) -> str:
        """The full-text expression this filter searches with ('' for none)."""
        return self.fts_override or fts_expression(self.q)

    def but(self, **changes: Any) -> PlaceFilter:
        """A copy with ``changes`` (the paths narrow or widen a filter this way)."""
        return replace(self, **changes)

    def search_box(self) -> tuple[float, float, float, float] | None:
        """The box every match lies in: ``bbox``, narrowed to the radius box with ``near``."""
        if self.near and self.radius_km:
            return intersect(self.bbox, box_around(*self.near, self.radius_km * 1000))
        return self.bbox


_BOOLEAN = {"type": "string", "enum": ["true", "false"]}
_DATETIME = {"type": "string", "format": "date-time"}
_COMMA = "Comma-separated list."


# q: full text, as a join so that SQL can order by the FTS rank.
def _parse_q(args, f, _ctx):
    f.q = args.get("q", "").strip()[:200]


def _sql_q(f):
    return SqlPart(join=" JOIN (SELECT rowid AS fnum, rank FROM places_fts WHERE places_fts "
                        "MATCH ?) f ON f.fnum = p.num", params=[f.fts()])


def _parse_kinds(args, f, _ctx):
    f.kinds = _known("kind", _list(args, "kind"), PLACE_KINDS)


def _parse_products(args, f, _ctx):
    vocab = load_vocabulary()
    codes = []
    for term in _list(args, "product"):
        code = term if term in vocab.products else vocab.lookup(term)
        if code is None:
            raise BadParameter("product", f"unknown product {term!r}")
        codes.append(code)
    f.products = tuple(dict.fromkeys(codes))
    f.categories = _known("category", _list(args, "category"), vocab.categories)


def _sql_products(f):
    # Any of the products, or any product of the categories.
    parts, params = [], []
    if f.products:
        parts.append(f"pp.product_code IN ({_marks(f.products)})")
        params += f.products
    if f.categories:
        parts.append("pp.product_code IN (SELECT code FROM products WHERE category IN "
                     f"({_marks(f.categories)}))")
        params += f.categories
    return SqlPart("p.num IN (SELECT pp.place_num FROM place_products pp WHERE "
                   + " OR ".join(parts) + ")", params)


def _mask_products(index, rows, f):
    codes = set(f.products)
    for category in f.categories:
        codes.update(index.category_products.get(category, ()))
    return index.with_products(rows, codes)


def _parse_bbox(args, f, _ctx):
    if args.get("bbox"):
        f.bbox = parse_bbox(args["bbox"])


def _sql_box(box):
    minlon, minlat, maxlon, maxlat = box
    return SqlPart("p.num IN (SELECT num FROM places_rtree WHERE minlon >= ? AND maxlon <= ? "
                   "AND minlat >= ? AND maxlat <= ?)", [minlon, maxlon, minlat, maxlat])


def _parse_near(args, f, _ctx):
    if args.get("near"):
        f.near = parse_latlon(args["near"])
        f.radius_km = DEFAULT_RADIUS_KM
    if args.get("radius_km"):
        if not f.near:
            raise BadParameter("radius_km", "needs near=lat,lon")
        radius = parse_number("radius_km", args["radius_km"])
        if not 0 < radius <= MAX_RADIUS_KM:
            raise BadParameter("radius_km", f"must be more than 0 and at most {MAX_RADIUS_KM:g}")
        f.radius_km = radius


def _sql_near(f):
    box = _sql_box(f.search_box())
    lat, lon = f.near
    return SqlPart(f"haversine_m(p.lat, p.lon, ?, ?) <= ? AND {box.clause}",
                   [lat, lon, f.radius_km * 1000, *box.params])


def _parse_statuses(args, f, _ctx):
    statuses = _list(args, "status")
    if statuses == ["all"]:
        statuses = list(STATUSES)
    if statuses:
        f.statuses = _known("status", statuses, STATUSES, f"{', '.join(STATUSES)} or all")


def _parse_payment(args, f, _ctx):
    payment = ["debit_card" if p == "card" else p for p in _list(args, "payment")]
    f.payment = _known("payment", payment, PAYMENT_CODES, "card, " + ", ".join(PAYMENT_CODES))


def _parse_municipalities(args, f, _ctx):
    f.municipalities = tuple(_list(args, "municipality"))


def _parse_network(args, f, _ctx):
    f.network = args.get("network") or None


def _parse_updated_since(args, f, ctx):
    if args.get("updated_since"):
        since = parse_datetime(args["updated_since"], "updated_since", ctx.tz)
        f.updated_since = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_in_season(args, f, ctx):
    if args.get("in_season") and parse_bool(args["in_season"], "in_season"):
        f.in_season_month = ctx.current().month


def _sql_in_season(f):
    # In season: the place's own season (if it states one) includes the month, and it offers
    # at least one product in season that month (or states no products at all).
    return SqlPart(
        "(p.season_months = '' OR in_months(p.season_months, ?)) AND "
        "(NOT EXISTS (SELECT 1 FROM place_products pp WHERE pp.place_num = p.num) OR "
        "EXISTS (SELECT 1 FROM place_products pp JOIN products pr ON pr.code = pp.product_code"
        " WHERE pp.place_num = p.num AND in_months(pr.season_months, ?)))",
        [f.in_season_month, f.in_season_month])


def _parse_open(args, f, ctx):
    if args.get("open_at"):
        f.open_at = parse_datetime(args["open_at"], "open_at", ctx.tz)
    elif args.get("open_now") and parse_bool(args["open_now"], "open_now"):
        f.open_at = ctx.current()


def _test_open(row, f):
    return bool(row["opening_hours"]) and is_open(row["opening_hours"], f.open_at,
                                                  row["country"] or "BE")


def _parse_services(args, f, _ctx):
    known = load_services()
    codes = []
    for term in _list(args, "service"):
        # A word may name several services ("slachthuis": slaughtering and poultry slaughter).
        found = [term] if term in known else [
            s.code for s in known.values() if fold(term) in s.terms()] or [
            s.code for s in search_services(term)][:1]
        if not found:
            raise BadParameter("service", f"unknown service {term!r}; known: "
                                          f"{', '.join(known)}")
        codes += found
    f.services = tuple(dict.fromkeys(codes))


def _parse_stale(args, f, ctx):
    stale = args.get("stale", "hide")
    if stale not in ("hide", "include"):
        raise BadParameter("stale", "use hide (default) or include")
    if stale == "hide":
        today = ctx.current().date()
        f.hide_stale_before = default_hide_before(today, ctx.hide_after_months)


def _equals(column: str, attr: str, convert=lambda v: v):
    return lambda f: SqlPart(f"p.{column} = ?", [convert(getattr(f, attr))])


def _one_of(column: str, attr: str):
    return lambda f: SqlPart(f"p.{column} IN ({_marks(getattr(f, attr))})",
                             list(getattr(f, attr)))


FILTERS: tuple[Filter, ...] = (
    Filter("q", (Param("q", "Text search over names, descriptions, products (nl/fr/en) and "
                            "towns; accents and case ignored, any text accepted.",
                       example="eieren"),),
           _parse_q, lambda f: bool(f.fts()), sql=_sql_q),
    Filter("statuses", (Param("status", f"Statuses ({', '.join(STATUSES)}) or all; default "
                                         "active and temporarily_closed.", example="all"),),
           _parse_statuses, lambda f: bool(f.statuses), sql=_one_of("status", "statuses"),
           mask=lambda index, rows, f: index.with_codes(rows, "status", f.statuses)),
    Filter("kinds", (Param("kind", f"Kinds of place. {_COMMA} One of: "
                                   f"{', '.join(PLACE_KINDS)}.",
                           example="farm_shop,vending_machine"),),
           _parse_kinds, lambda f: bool(f.kinds), sql=_one_of("kind", "kinds"),
           mask=lambda index, rows, f: index.with_codes(rows, "kind", f.kinds)),
    Filter("products", (Param("product", f"Products, by code or by a name in any language. "
                                         f"{_COMMA}", example="eggs"),
                        Param("category", f"Product categories. {_COMMA}", example="dairy")),
           _parse_products, lambda f: bool(f.products or f.categories), sql=_sql_products,
           mask=_mask_products),
    Filter("in_season", (Param("in_season", "Only places with products in season this month.",
                               _BOOLEAN),),
           _parse_in_season, lambda f: bool(f.in_season_month), sql=_sql_in_season),
    Filter("open_at", (Param("open_now", "Only places open now (by their opening hours).",
                             _BOOLEAN),
                       Param("open_at", "Only places open at this ISO 8601 date-time.",
                             _DATETIME, "2026-05-02T10:00:00+02:00")),
           _parse_open, lambda f: f.open_at is not None, test=_test_open,
           mask=lambda index, rows, f: rows[index.open_mask(f.open_at)[rows]]),
    Filter("organic", (Param("organic", "Organic (true) or not (false).", _BOOLEAN),),
           _bool_field("organic", "organic"), lambda f: f.organic is not None,
           sql=_equals("organic", "organic", int)),
    Filter("payment", (Param("payment", "Accepted payment: card, cash, debit_card, "
                                        "credit_card, contactless, qr_code, app, transfer. "
                                        f"{_COMMA}", example="cash"),),
           _parse_payment, lambda f: bool(f.payment),
           sql=lambda f: SqlPart("EXISTS (SELECT 1 FROM json_each(p.payment) j WHERE j.value "
                                 f"IN ({_marks(f.payment)}))", list(f.payment))),
    Filter("bbox", (Param("bbox", "minlon,minlat,maxlon,maxlat (WGS84).",
                          example="4.6,50.8,4.8,50.95"),),
           # With near, the near filter applies the box (narrowed to its radius).
           _parse_bbox, lambda f: f.bbox is not None and not (f.near and f.radius_km),
           sql=lambda f: _sql_box(f.bbox),
           mask=lambda index, rows, f: index.in_box(rows, f.bbox)),
    Filter("near", (Param("near", "lat,lon: places within radius_km of this point, nearest "
                                  "first.", example="50.88,4.70"),
                    Param("radius_km", "Radius around near, in km (default 25, at most 200).",
                          {"type": "number", "exclusiveMinimum": 0, "maximum": 200})),
           _parse_near, lambda f: bool(f.near and f.radius_km), sql=_sql_near),
    Filter("municipalities", (Param("municipality", "Official municipality codes (NIS or CBS)."
                                                    f" {_COMMA}", example="24062"),),
           _parse_municipalities, lambda f: bool(f.municipalities),
           sql=_one_of("municipality_code", "municipalities")),
    Filter("network", (Param("network", "A network id: its members and the places it "
                                        "serves."),),
           _parse_network, lambda f: bool(f.network),
           # Places that belong to, serve or are served by the network, directly.
           sql=lambda f: SqlPart(
               "p.id IN (SELECT from_id FROM links WHERE from_kind = 'place' AND to_kind = "
               "'network' AND to_id = ? UNION SELECT to_id FROM links WHERE to_kind = 'place' "
               "AND from_kind = 'network' AND from_id = ?)", [f.network, f.network])),
    Filter("sells_to_business", (Param("sells_to_business", "Places that sell to businesses "
                                                            "(true) or not (false).",
                                       _BOOLEAN),),
           _bool_field("sells_to_business", "sells_to_business"),
           lambda f: f.sells_to_business is not None,
           sql=_equals("sells_to_business", "sells_to_business", int)),
    Filter("services", (Param("service", "Services a place offers (slaughtering, cutting, "
                                         "cold storage, jar washing …), by code or by a name "
                                         f"in any language. {_COMMA}", example="slaughtering"),),
           _parse_services, lambda f: bool(f.services),
           sql=lambda f: SqlPart(f"p.id IN (SELECT place_id FROM place_services WHERE code IN "
                                 f"({_marks(f.services)}))", list(f.services))),
    Filter("stale", (Param("stale", "hide (default): leave out places not confirmed for "
                                    "REGIONAL_MAP_HIDE_AFTER_MONTHS; include: keep them.",
                           {"type": "string", "enum": ["hide", "include"]}),),
           _parse_stale, lambda f: bool(f.hide_stale_before),
           sql=lambda f: SqlPart(f"{CONFIRMED_SQL} >= ?", [f.hide_stale_before]),
           mask=lambda index, rows, f: index.confirmed_since(rows, f.hide_stale_before)),
    Filter("updated_since", (Param("updated_since", "Only places changed since this ISO 8601 "
                                                    "date-time.", _DATETIME,
                                   "2026-01-01T00:00:00Z"),),
           _parse_updated_since, lambda f: bool(f.updated_since),
           sql=lambda f: SqlPart("p.updated_at >= ?", [f.updated_since])),
)


def paging_params(max_limit: int) -> tuple[Param, ...]:
    """The parameters of order and paging, which every list endpoint shares."""
    return (
        Param("sort", "Order: name, distance (needs near), relevance (with q), updated "
                      "(newest first). Ties are broken by a stable key.",
              {"type": "string", "enum": list(SORTS)}),
        Param("limit", f"Page size, 1 to {max_limit}.",
              {"type": "integer", "minimum": 1, "maximum": max_limit}, 10),
        Param("offset", "Number of places to skip (the next/prev links carry it).",
              {"type": "integer", "minimum": 0}),
    )


def active_filters(f: PlaceFilter) -> list[Filter]:
    """The declarations that narrow ``f``'s answer."""
    return [d for d in FILTERS if d.active(f)]


def parse(args: Mapping[str, str], ctx: ParseContext | None = None, *,
          default_limit: int = 100) -> PlaceFilter:
    """Read every filter, the order and the page from ``args``; raises BadParameter."""
    ctx = ctx or ParseContext()
    f = PlaceFilter(limit=default_limit)
    for declaration in FILTERS:
        declaration.parse(args, f, ctx)
    if args.get("limit"):
        f.limit = parse_int(args["limit"], "limit", 1, ctx.max_limit)
    if args.get("offset"):
        f.offset = parse_int(args["offset"], "offset", 0, 10_000_000)
    if args.get("sort"):
        if args["sort"] not in SORTS:
            raise BadParameter("sort", f"use one of {', '.join(SORTS)}")
        if args["sort"] == "distance" and not f.near:
            raise BadParameter("sort", "distance needs near=lat,lon")
        f.sort = args["sort"]
    return f

