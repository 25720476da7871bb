"""Matchmaking for buyers: "who can supply leeks within 25 km of this address, and delivers
to businesses?" — producers and platforms ranked by distance, with what they offer and how
(directly, via a platform or cooperative, at pickup points, in their shop)."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field

from regional_map.db.functions import haversine_m
from regional_map.errors import BadParameter
from regional_map.model import NETWORK_TYPES, PLACE_KINDS, kind_label
from regional_map.networks.areas import area_geometry, distance_to_area_m
from regional_map.networks.records import (
    endpoint_url,
    network_from_row,
    network_place_ids,
    places_by_ids,
)
from regional_map.places.directory import Location, format_distance, resolve_where
from regional_map.places.engine import find_places
from regional_map.places.filters import MAX_RADIUS_KM, PlaceFilter, parse_bool, parse_latlon
from regional_map.places.vocab import load_vocabulary

# Places that can supply a buyer (buyers themselves, pickup points and markets are not).
SUPPLIER_KINDS = ("farm_shop", "producer", "csa_farm", "beekeeper", "cooperative_shop",
                  "shortchain_supermarket", "processing_hub", "distribution_hub",
                  "vending_machine")
CONSUMER_ONLY_KINDS = ("vending_machine",)
PLATFORM_TYPES = ("distribution_platform", "cooperative", "producer_consumer_coop")
# Who buys: a buyer of one of these kinds is a business, so it is matched with suppliers
# that deliver to businesses.
BUYER_KINDS = ("institution_kitchen", "restaurant", "retail_shop")
DEFAULT_RADIUS_KM = 25.0
MAX_RESULTS = 100

_POSTCODE = re.compile(r"\b(\d{4}(?:\s?[A-Z]{2})?)\b\s*(.*)$", re.IGNORECASE)

_LABELS = {
    "direct": {"en": "delivers to businesses directly", "nl": "levert rechtstreeks aan bedrijven",
               "fr": "livre directement aux professionnels"},
    "platform": {"en": "via {name}", "nl": "via {name}", "fr": "via {name}"},
    "pickup": {"en": "pickup at {name}", "nl": "afhalen in {name}", "fr": "retrait à {name}"},
    "shop": {"en": "in its shop", "nl": "in de eigen winkel", "fr": "dans son magasin"},
    "members": {"en": "through its members", "nl": "via de leden", "fr": "via ses membres"},
    "area": {"en": "its area covers {name}", "nl": "zijn gebied omvat {name}",
             "fr": "sa zone couvre {name}"},
    "area_near": {"en": "its area is {distance} away", "nl": "zijn gebied ligt op {distance}",
                  "fr": "sa zone est à {distance}"},
}


def _label(key: str, lang: str, **values: str) -> str:
    texts = _LABELS[key]
    return texts.get(lang, texts["en"]).format(**values)


@dataclass
class MatchRequest:
    products: tuple[str, ...] = ()  # product codes asked for (any of them)
    near: tuple[float, float] | None = None  # lat, lon
    radius_km: float = DEFAULT_RADIUS_KM
    business: bool = False  # only suppliers that deliver to businesses
    limit: int = 50
    buyer: str = ""  # the buyer's kind (institution_kitchen, restaurant, retail_shop)
    location_label: str = ""
    terms: tuple[str, ...] = field(default_factory=tuple)  # what the buyer typed


def resolve_address(conn: sqlite3.Connection, text: str) -> Location:
    """A postcode, a town, "9000 Gent" or a street address with a postcode in it."""
    try:
        return resolve_where(conn, text)
    except BadParameter:
        match = _POSTCODE.search(text or "")
        if not match:
            raise
        return resolve_where(conn, f"{match.group(1)} {match.group(2)}".strip(" ,"))


def parse_match_request(conn: sqlite3.Connection, args: Mapping[str, str]) -> MatchRequest:
    """``product`` (names in nl/fr/en or codes, comma list), ``where`` (address, postcode or
    town) or ``near`` (lat,lon), ``radius_km`` and ``business``. Raises BadParameter."""
    req = MatchRequest()
    vocab = load_vocabulary()
    codes: dict[str, None] = {}
    terms = [t.strip() for t in (args.get("product") or "").split(",") if t.strip()]
    for term in terms[:10]:
        found = vocab.search_codes(term)
        if not found:
            raise BadParameter("product", f"unknown product {term!r}")
        codes.update(dict.fromkeys(found))
    req.products = tuple(codes)
    req.terms = tuple(terms)
    if args.get("near"):
        req.near = parse_latlon(args["near"])
        req.location_label = args["near"]
    elif (args.get("where") or "").strip():
        location = resolve_address(conn, args["where"].strip()[:200])
        req.near = (location.lat, location.lon)
        req.location_label = location.label
    else:
        raise BadParameter("where", "give an address, a postcode or a town")
    if args.get("radius_km"):
        try:
            radius = float(args["radius_km"])
        except ValueError:
            raise BadParameter("radius_km", f"{args['radius_km']!r} is not a number") from None
        if not 0 < radius <= MAX_RADIUS_KM:
            raise BadParameter("radius_km", f"must be more than 0 and at most {MAX_RADIUS_KM:g}")
        req.radius_km = radius
    if args.get("business"):
        req.business = parse_bool(args["business"], "business")
    if args.get("buyer"):
        if args["buyer"] not in BUYER_KINDS:
            raise BadParameter("buyer", f"use one of {', '.join(BUYER_KINDS)}")
        req.buyer = args["buyer"]
        req.business = True
    if args.get("limit"):
        try:
            req.limit = max(1, min(MAX_RESULTS, int(args["limit"])))
        except ValueError:
            raise BadParameter("limit", f"{args['limit']!r} is not a whole number") from None
    return req


def _widened(codes: tuple[str, ...]) -> tuple[str, ...]:
    """The asked products plus their category's generic entry ("leek" → also "vegetables")."""
    vocab = load_vocabulary()
    result = dict.fromkeys(codes)
    for code in codes:
        product = vocab.products.get(code)
        if product is None:
            continue
        generic = vocab.codes_in_category(product.category)[:1]
        if generic and vocab.products[generic[0]].is_generic:
            result.setdefault(generic[0], None)
    return tuple(result)


def find_suppliers(conn: sqlite3.Connection, req: MatchRequest, lang: str = "en") -> list[dict]:
    """Suppliers within ``radius_km`` of ``near``, nearest first (places and platforms)."""
    if req.near is None:
        raise ValueError("a match needs a location")
    wanted = set(req.products)
    wider = _widened(req.products) if req.products else ()
    f = PlaceFilter(products=wider, near=req.near, radius_km=req.radius_km,
                    kinds=SUPPLIER_KINDS, limit=1000, sort="distance")
    places = find_places(conn, f, lang=lang, count=False).items
    networks = _networks_of(conn, [p["id"] for p in places])
    results = []
    for place in places:
        channels = _place_channels(conn, place, networks.get(place["id"], []), lang)
        reaches_business = any(c["how"] in ("direct", "platform") for c in channels)
        if req.business and (not reaches_business or place["kind"] in CONSUMER_ONLY_KINDS):
            continue
        exact = [c for c in place["products"] if c in wanted]
        results.append(_result("place", place, place["distance_m"], channels, lang,
                               matched=exact or [c for c in place["products"] if c in wider],
                               exact=bool(exact) or not wanted, reaches_business=reaches_business))
    results += _platforms(conn, req, wanted, set(wider), lang)
    results.sort(key=lambda r: (r["distance_m"], not r["exact_match"], r["name"].lower()))
    return results[:req.limit]


def _networks_of(conn: sqlite3.Connection, place_ids: list[str]) -> dict[str, list[dict]]:
    """The networks each place belongs to or supplies (``member_of``/``supplies``/…)."""
    if not place_ids:
        return {}
    marks = ", ".join("?" * len(place_ids))
    rows = conn.execute(
        f"""SELECT l.from_id AS place_id, l.type AS link_type, n.* FROM links l
            JOIN networks n ON n.id = l.to_id
            WHERE l.from_kind = 'place' AND l.to_kind = 'network'
              AND l.type IN ('member_of', 'supplies', 'sells_products_of')
              AND l.from_id IN ({marks}) ORDER BY n.name""",  # noqa: S608
        place_ids,
    ).fetchall()
    result: dict[str, list[dict]] = {}
    for row in rows:
        network = network_from_row(row)
        result.setdefault(row["place_id"], []).append(network)
    return result


def _pickup_points(conn: sqlite3.Connection, place_id: str, network_ids: list[str]) -> list[dict]:
    """Pickup points the place delivers to, or that serve one of its networks."""
    rows = conn.execute(
        """SELECT DISTINCT p.id, p.name FROM links l JOIN places p ON p.id = l.to_id
           WHERE l.from_kind = 'place' AND l.from_id = ? AND l.to_kind = 'place'
             AND l.type = 'supplies' AND p.kind = 'pickup_point' AND p.status != 'closed'
           ORDER BY p.name""",
        (place_id,),
    ).fetchall()
    found = {r["id"]: r["name"] for r in rows}
    if network_ids:
        marks = ", ".join("?" * len(network_ids))
        for row in conn.execute(
            f"""SELECT DISTINCT p.id, p.name FROM links l JOIN places p ON p.id = l.from_id
                WHERE l.type = 'pickup_point_of' AND l.from_kind = 'place'
                  AND l.to_kind = 'network' AND l.to_id IN ({marks})
                  AND p.status != 'closed' ORDER BY p.name""",  # noqa: S608
            network_ids,
        ):
            found.setdefault(row["id"], row["name"])
    return [{"id": k, "name": v} for k, v in found.items()]


def _place_channels(conn: sqlite3.Connection, place: dict, networks: list[dict],
                    lang: str) -> list[dict]:
    channels = []
    if place["sells_to_business"]:
        channels.append({"how": "direct", "label": _label("direct", lang)})
    for network in networks:
        if network["sells_to_business"] and network["type"] in PLATFORM_TYPES:
            channels.append({"how": "platform", "label": _label("platform", lang,
                                                                name=network["name"]),
                             "prefix": _label("platform", lang, name="").strip(),
                             "via": {"kind": "network", "id": network["id"],
                                     "name": network["name"],
                                     "url": endpoint_url("network", network["id"])}})
    for pickup in _pickup_points(conn, place["id"], [n["id"] for n in networks])[:5]:
        channels.append({"how": "pickup", "label": _label("pickup", lang, name=pickup["name"]),
                         "prefix": _label("pickup", lang, name="").strip(),
                         "via": {"kind": "place", "id": pickup["id"], "name": pickup["name"],
                                 "url": endpoint_url("place", pickup["id"])}})
    if place["sells_to_consumers"] and place["kind"] in ("farm_shop", "cooperative_shop",
                                                          "shortchain_supermarket"):
        channels.append({"how": "shop", "label": _label("shop", lang)})
    return channels


def _platforms(conn: sqlite3.Connection, req: MatchRequest, wanted: set[str], wider: set[str],
               lang: str) -> list[dict]:
    """Platforms and cooperatives that deliver to businesses, whose area covers the buyer or
    lies within ``radius_km`` (or, without an area, whose point is in range)."""
    marks = ", ".join("?" * len(PLATFORM_TYPES))
    sql = ("SELECT * FROM networks WHERE status != 'closed' AND "  # noqa: S608
           f"sells_to_business = 1 AND type IN ({marks})")
    rows = conn.execute(sql, PLATFORM_TYPES).fetchall()
    results = []
    for row in rows:
        network = network_from_row(row, lang)
        area = area_geometry(conn, network["id"])
        if area is not None:
            distance = distance_to_area_m(area[0], req.near[0], req.near[1])
        elif network["lat"] is not None:
            distance = haversine_m(req.near[0], req.near[1], network["lat"], network["lon"])
        else:
            continue  # neither an area nor a point: nothing says where it delivers
        if distance > req.radius_km * 1000:
            continue
        members = [p for p in places_by_ids(conn, network_place_ids(conn, network["id"]))
                   if p["status"] != "closed"]
        offered = sorted({c for p in members for c in p["products"]} | set(network["products"]))
        exact = [c for c in offered if c in wanted]
        if wider and not any(c in wider for c in offered):
            continue
        channels = [{"how": "direct", "label": _label("direct", lang)}]
        if area is not None:
            channels.append({"how": "area", "label": _label(
                "area", lang, name=req.location_label) if distance == 0 else _label(
                "area_near", lang, distance=format_distance(distance, lang))})
        if members:
            channels.append({"how": "members", "label": _label("members", lang)})
        result = _result("network", {**network, "products": offered}, distance, channels,
                         lang, matched=exact or [c for c in offered if c in wider],
                         exact=bool(exact) or not wanted, reaches_business=True)
        result["area_covers"] = area is not None and distance == 0
        results.append(result)
    return results


def buyer_kinds(lang: str) -> list[tuple[str, str]]:
    """The buyer kinds a form offers, with their labels."""
    return [(code, PLACE_KINDS[code].label(lang)) for code in BUYER_KINDS]


def _result(kind: str, item: dict, distance: float, channels: list[dict], lang: str, *,
            matched: list[str], exact: bool, reaches_business: bool) -> dict:
    vocab = load_vocabulary()

    def names(codes: list[str]) -> list[str]:
        return [vocab.products[c].name(lang) for c in codes if c in vocab.products]

    if kind == "place":
        label = kind_label(item["kind"], lang)
        precision = item["geocode_precision"]
    else:
        term = NETWORK_TYPES.get(item["type"])
        label = term.label(lang) if term else item["type"]
        precision = item["geocode_precision"]
    return {
        "type": kind, "id": item["id"], "name": item["name"],
        "kind": item["kind"] if kind == "place" else item["type"], "kind_label": label,
        "lat": item["lat"], "lon": item["lon"], "geocode_precision": precision,
        "distance_m": round(distance), "distance_text": format_distance(distance, lang),
        "products": names(item["products"]), "matched_products": names(matched),
        "exact_match": exact, "delivers_to_business": reaches_business,
        "channels": channels, "url": endpoint_url(kind, item["id"]),
    }
