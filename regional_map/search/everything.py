"""One search for everything, grouped by type: networks, places, municipalities, services and
products, in nl/fr/en.

Order: a group holding an exact name comes first (a network named in the query comes before
places that merely mention it), then networks, places, municipalities, services, products.
Typo tolerance is used only when the exact search finds nothing at all, and the answer says
so (``corrected`` and ``showing_results_for``). Places are searched through the one place
query path (:func:`find_places` with ``PlaceFilter(q=…)``); the rest is searched here.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from regional_map.model import NETWORK_TYPES, STATUSES, Term, kind_label
from regional_map.places.engine import find_places
from regional_map.places.filters import PlaceFilter
from regional_map.places.services import load_services, search_services
from regional_map.places.vocab import load_vocabulary
from regional_map.search.spelling import corrected_text
from regional_map.text import fold

GROUPS: dict[str, Term] = {t.code: t for t in (
    Term("network", "Netwerken en platformen", "Réseaux et plateformes", "Networks and platforms"),
    Term("place", "Plaatsen", "Lieux", "Places"),
    Term("municipality", "Gemeenten", "Communes", "Municipalities"),
    Term("service", "Diensten", "Services", "Services"),
    Term("product", "Producten", "Produits", "Products"),
)}
GROUP_ORDER = tuple(GROUPS)
EXACT, NAME, TEXT = 0, 1, 2  # how an item matched: its whole name, words of its name, its text
DEFAULT_LIMIT = 5
ALL_STATUSES = STATUSES
MAX_LIMIT = 50


@dataclass
class SearchAnswer:
    query: str
    groups: list[dict] = field(default_factory=list)
    corrected: bool = False
    showing_results_for: str | None = None

    @property
    def total(self) -> int:
        return sum(g["total"] for g in self.groups)

    def as_dict(self) -> dict:
        return {"query": self.query, "corrected": self.corrected,
                "showing_results_for": self.showing_results_for,
                "numberMatched": self.total, "groups": self.groups}


def search_everything(conn: sqlite3.Connection, q: str, *, lang: str = "en",
                      limit: int = DEFAULT_LIMIT, types: tuple[str, ...] = GROUP_ORDER,
                      allow_correction: bool = True) -> SearchAnswer:
    """Everything matching ``q``, grouped; see the module docstring for the order.

    ``allow_correction=False`` skips the typo search (the caller found places as typed).
    """
    text = (q or "").strip()[:200]
    answer = SearchAnswer(text)
    if not fold(text).strip():
        return answer
    groups, fuzzy_places = _search(conn, text, lang, limit, types)
    if groups:
        answer.groups = groups
        return answer
    # Nothing matched as typed: try the nearest known words, and say so.
    fixed = corrected_text(conn, text) if allow_correction else None
    if fixed is not None:
        retry, retry_fuzzy = _search(conn, fixed, lang, limit, types)
        if retry or retry_fuzzy:
            answer.groups = retry or [retry_fuzzy]
            answer.corrected, answer.showing_results_for = True, fixed
            return answer
    if fuzzy_places:
        # Only the place index's own one-typo widening found something.
        answer.groups, answer.corrected = [fuzzy_places], True
    return answer


def _search(conn: sqlite3.Connection, text: str, lang: str, limit: int,
            types: tuple[str, ...]) -> tuple[list[dict], dict | None]:
    """The non-empty groups for ``text``, ordered; places found only by the place index's
    typo widening are left out of them and returned apart (or None)."""
    folded = fold(text)
    services = search_services(text) if "service" in types or "network" in types else []
    found: dict[str, list[tuple[int, dict]]] = {}
    fuzzy_places = None
    if "network" in types:
        found["network"] = _networks(conn, folded, {s.code for s in services}, lang)
    if "place" in types:
        # Closed places too: a search for "Boer Koos" must say it stopped, not find nothing.
        page = find_places(conn, PlaceFilter(q=text, limit=limit, statuses=ALL_STATUSES),
                           lang=lang)
        hits = [(_rank(folded, p["name"]), _place_item(p, lang)) for p in page.items]
        hits.sort(key=lambda h: h[1]["status"] == "closed")  # open places first, then history
        place_total = page.total
        if page.corrected:
            fuzzy_places = _group("place", hits, place_total, limit, lang, 0)
        else:
            found["place"] = hits
    if "municipality" in types:
        found["municipality"] = _municipalities(conn, folded, lang)
    if "service" in types:
        items = [(EXACT if folded in s.terms() else NAME, _service_item(conn, s, lang))
                 for s in services]
        # Within a rank, the services someone offers come before the empty ones.
        items.sort(key=lambda h: (h[0], -(h[1]["places"] + h[1]["networks"])))
        found["service"] = items
    if "product" in types:
        found["product"] = _products(folded, lang)
    groups = []
    for position, code in enumerate(GROUP_ORDER):
        hits = found.get(code) or []
        if hits:
            total = place_total if code == "place" else len(hits)
            groups.append(_group(code, hits, total, limit, lang, position))
    groups.sort(key=lambda g: g["_order"])
    for group in [*groups, fuzzy_places]:
        if group:
            group.pop("_order", None)
    return groups, fuzzy_places


def _group(code: str, hits: list[tuple[int, dict]], total: int, limit: int, lang: str,
           position: int) -> dict:
    hits.sort(key=lambda h: h[0])  # stable: each searcher's own order within a rank
    best = hits[0][0]
    return {"type": code, "label": GROUPS[code].label(lang), "total": total,
            "best_match": ("exact", "name", "text")[best],
            "items": [item for _, item in hits[:limit]], "_order": (best, position)}


def _rank(folded_query: str, name: str) -> int:
    name = fold(name)
    if name == folded_query:
        return EXACT
    words = name.split()
    if all(any(w.startswith(q) for w in words) for q in folded_query.split()):
        return NAME
    return TEXT


def _networks(conn: sqlite3.Connection, folded: str, service_codes: set[str],
              lang: str) -> list[tuple[int, dict]]:
    hits = []
    words = folded.split()
    for row in conn.execute("SELECT id, name, type, description, area, schedule, services, "
                            "status, description_lang FROM networks "
                            "ORDER BY name COLLATE NOCASE"):
        term = NETWORK_TYPES.get(row["type"])
        labels = " ".join((term.nl, term.fr, term.en)) if term else row["type"]
        haystack = fold(f"{row['name']} {row['area']} {row['description']} {labels}").split()
        offered = set(_json_list(row["services"]))
        rank = _rank(folded, row["name"])
        if rank == TEXT and not all(any(h.startswith(w) for h in haystack) for w in words):
            if not offered & service_codes:
                continue
        hits.append((rank, {
            "type": "network", "id": row["id"], "name": row["name"], "kind": row["type"],
            "kind_label": term.label(lang) if term else row["type"], "area": row["area"],
            "schedule": row["schedule"], "status": row["status"],
            "lang": row["description_lang"] or None,  # the language of its texts
            "url": f"/networks/{quote(row['id'])}",
        }))
    return hits


def _json_list(text: str | None) -> list[str]:
    return json.loads(text or "[]")


def _place_item(place: dict, lang: str) -> dict:
    return {"type": "place", "id": place["id"], "name": place["name"], "kind": place["kind"],
            "kind_label": kind_label(place["kind"], lang), "city": place["city"],
            "status": place["status"], "geocode_precision": place["geocode_precision"],
            "url": f"/places/{quote(place['id'])}"}


def _municipalities(conn: sqlite3.Connection, folded: str, lang: str
                    ) -> list[tuple[int, dict]]:
    if len(folded) < 3:
        return []
    hits = []
    for row in conn.execute("SELECT code, country, name_nl, name_fr, province FROM "
                            "municipalities ORDER BY name_nl"):
        names = [n for n in (row["name_nl"], row["name_fr"]) if n]
        folded_names = [fold(n) for n in names]
        if folded in folded_names:
            rank = EXACT
        elif any(n.startswith(folded) for n in folded_names):
            rank = NAME
        else:
            continue
        name = (row["name_fr"] if lang == "fr" and row["name_fr"] else names[0])
        hits.append((rank, {"type": "municipality", "id": row["code"], "name": name,
                            "country": row["country"], "province": row["province"],
                            "url": f"/municipalities/{quote(row['code'])}"}))
    return hits


def _service_item(conn: sqlite3.Connection, service, lang: str) -> dict:
    places = conn.execute("SELECT COUNT(DISTINCT place_id) FROM place_services WHERE code = ?",
                          (service.code,)).fetchone()[0]
    networks = sum(1 for (s,) in conn.execute("SELECT services FROM networks")
                   if service.code in _json_list(s))
    return {"type": "service", "id": service.code, "name": service.label(lang),
            "names": {"nl": service.nl, "fr": service.fr, "en": service.en},
            "places": places, "networks": networks,
            "url": "/?" + urlencode({"q": service.label(lang)})}


def _products(folded: str, lang: str) -> list[tuple[int, dict]]:
    vocab = load_vocabulary()
    codes = vocab.search_codes(folded) if len(folded) >= 3 else []
    hits = []
    for code in codes:
        product = vocab.products.get(code)
        if product is None:
            continue
        rank = EXACT if folded in product.terms() else NAME
        hits.append((rank, {"type": "product", "id": code, "name": product.name(lang),
                            "category": product.category,
                            "url": "/?" + urlencode({"product": code})}))
    return hits


def services_named(codes: list[str], lang: str) -> list[str]:
    """The labels of service codes in ``lang`` (unknown codes as they are)."""
    services = load_services()
    return [services[c].label(lang) if c in services else c for c in codes]
