"""Pre-encoded GeoJSON features, so a page of 500 places costs two index queries and a join.

Building a feature (row → place dict → GeoJSON → JSON text) costs about 0.1 ms a place; a map
list or a bbox download of 500 places spent most of its time there. Each worker keeps the JSON
text of the features it has served, per language, and throws them all away when the store
changes (the ``places_generation`` counter of :mod:`regional_map.pointindex`). The bytes are
those ``jsonify`` would write: the same formatter (:func:`formats.geojson.place_feature`) and
the app's own JSON settings.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable

MAX_ENTRIES = 40_000  # about 35 MB per worker; the whole cache is dropped when full

_cache: dict[tuple, dict[int, str]] = {}
_lock = threading.Lock()


def _features_for(key: tuple) -> dict[int, str]:
    found = _cache.get(key)
    if found is None:
        with _lock:
            found = _cache.get(key)
            if found is None:
                stale = [k for k in _cache if k[0] == key[0] and k != key]
                for k in stale:  # an older generation of the same store
                    del _cache[k]
                while len(_cache) >= 8:  # a worker serves one store (in 1-3 languages)
                    del _cache[next(iter(_cache))]
                found = _cache[key] = {}
    return found


def page_features(conn: sqlite3.Connection, f, lang: str,
                  encode: Callable[[dict], str]) -> tuple[int, list[str]] | None:
    """(numberMatched, encoded features of the page) of ``find_places(conn, f)``, or None
    when ``f`` needs what only ``find_places`` does (text search, near, open at)."""
    from regional_map.places import queries

    if f.open_at is not None or f.near is not None or queries.fts_expression(f.q):
        return None
    began = not conn.in_transaction
    if began:
        conn.execute("BEGIN")  # one snapshot: the counter, the page and its rows agree
    try:
        return _page_features(conn, f, lang, encode)
    finally:
        if began:
            conn.execute("COMMIT")


def _page_features(conn: sqlite3.Connection, f, lang: str,
                   encode: Callable[[dict], str]) -> tuple[int, list[str]] | None:
    from regional_map.formats.geojson import place_feature
    from regional_map.places import queries
    from regional_map.places.pointindex import _store_key

    store = _store_key(conn)
    if store is None:
        return None
    queries.register_functions(conn)
    clauses, params, joins = queries._where(f)
    if joins:
        return None
    where = " WHERE " + " AND ".join(clauses) if clauses else ""
    order, order_params = queries._order(f)
    base = f"FROM places p{where}"  # noqa: S608 - fixed text with ? params
    nums = [r[0] for r in conn.execute(
        f"SELECT p.num {base} ORDER BY {order} LIMIT ? OFFSET ?",  # noqa: S608
        [*params, *order_params, f.limit, f.offset])]
    total = conn.execute(f"SELECT COUNT(*) {base}", params).fetchone()[0]  # noqa: S608
    cache = _features_for((store[0], store[1], store[2], lang))
    page = {n: cache.get(n) for n in nums}  # local: another thread may clear the cache
    missing = [n for n, text in page.items() if text is None]
    if missing:
        marks = ", ".join("?" * len(missing))
        rows = conn.execute(
            f"SELECT p.num AS num, {queries._SELECT} FROM places p "  # noqa: S608
            f"WHERE p.num IN ({marks})", missing).fetchall()
        if len(cache) + len(rows) > MAX_ENTRIES:
            cache.clear()
        for row, place in zip(rows, queries.places_from_rows(conn, rows), strict=True):
            page[row["num"]] = cache[row["num"]] = encode(place_feature(place, lang))
    return total, [page[n] for n in nums]


def jsonify_dumps(app) -> Callable[[object], str]:
    """``app.json.dumps`` with the arguments ``jsonify`` adds (compact unless debugging)."""
    provider = app.json
    if (getattr(provider, "compact", None) is None and app.debug) or \
            getattr(provider, "compact", None) is False:
        return lambda obj: provider.dumps(obj, indent=2)
    return lambda obj: provider.dumps(obj, separators=(",", ":"))


def feature_collection_text(dumps: Callable[[dict], str], features: list[str],
                            **members) -> str:
    """``dumps(feature_collection(features, **members))`` from already encoded features."""
    from regional_map.formats.geojson import feature_collection

    empty = dumps(feature_collection([], **members))
    assert empty.endswith("[]}"), empty[-20:]
    return empty[:-2] + ",".join(features) + "]}"
