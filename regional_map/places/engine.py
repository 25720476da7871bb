"""The place engine: every page, API endpoint, embed, export and showcase asks it for places.

One planner picks, for each question, the first answer path that can answer it (see
:mod:`regional_map.places.paths`); the SQL path answers everything, the others are faster for
the questions they declare. The spelling correction lives here, above the paths: when a text
search finds nothing, the same question is asked again with each word widened by one typo.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter

from regional_map.model import shown_name
from regional_map.places.filters import PlaceFilter
from regional_map.places.fts import fts_expression
from regional_map.places.fuzzy import corrected_expression
from regional_map.places.paths.base import AnswerPath, Encode, EncodedPage, PlacePage
from regional_map.places.paths.features import FeaturePath
from regional_map.places.paths.index import ClusterPath, NearestPath
from regional_map.places.paths.rank import RankPath
from regional_map.places.paths.search import SearchPath
from regional_map.places.paths.sql import SqlPath
from regional_map.places.pointindex import give_back_freed_memory
from regional_map.places.rows import get_place
from regional_map.text import fold

__all__ = ["EncodedPage", "PlaceFilter", "PlacePage", "bounds_of", "cluster_places", "count_places",
           "find_places", "get_place", "page_features", "plan", "warm"]

SQL = SqlPath()
RANK = RankPath()
NEAREST = NearestPath(RANK.masks)  # one mask per filter serves lists, near me and clusters
SEARCH = SearchPath(RANK.masks)
CLUSTERS = ClusterPath(SQL, RANK.masks)
FEATURES = FeaturePath(SQL, RANK, NEAREST, SEARCH)

# In the order the planner tries them; the SQL path comes last and answers all.
FIND_PATHS: tuple[AnswerPath, ...] = (NEAREST, SEARCH, RANK, SQL)
CLUSTER_PATHS: tuple[AnswerPath, ...] = (CLUSTERS, SQL)


def plan(f: PlaceFilter, question: str = "find") -> list[str]:
    """The names of the paths that declare they can answer ``question`` for ``f``, in the
    order they would be tried (for tests, benchmarks and debugging)."""
    paths = CLUSTER_PATHS if question == "cluster" else FIND_PATHS
    test = {"find": "can_find", "cluster": "can_cluster"}[question]
    return [p.name for p in paths if getattr(p, test)(f)]


def _corrected(conn: sqlite3.Connection, f: PlaceFilter) -> PlaceFilter | None:
    """``f`` with its search words widened by one typo each, or None if nothing to widen."""
    if not f.q or f.fts_override:
        return None
    expression = corrected_expression(conn, f.q)
    return None if expression is None else f.but(fts_override=expression)


def find_places(conn: sqlite3.Connection, f: PlaceFilter, *, lang: str | None = None,
                count: bool = True) -> PlacePage:
    """One page of places matching ``f`` in a stable order, and the total matched.

    With ``lang``, a derived name is given in that language (else as stored, in the place's
    own); everything else about a place is language-neutral.
    """
    page = _find(conn, f, count)
    if page.total == 0:
        retry = _corrected(conn, f)
        if retry is not None:
            page = _find(conn, retry, count)
            page.corrected = page.total > 0
    if lang:  # derived names ("Market · Sint-Truiden") in the visitor's language
        for item in page.items:
            item["name"] = shown_name(item, lang)
    return page


def _find(conn: sqlite3.Connection, f: PlaceFilter, count: bool) -> PlacePage:
    for path in FIND_PATHS:
        if path.can_find(f):
            page = path.find(conn, f, count=count)
            if page is not None:
                return page
    return SQL.find(conn, f, count=count)


def cluster_places(conn: sqlite3.Connection, f: PlaceFilter, zoom: int) -> dict:
    """Clusters and single places in ``f.bbox`` at map ``zoom``.

    Filters apply before clustering, so the clusters' counts add up to the filtered total.
    Returns ``{"total", "clusters": [...], "places": [...]}``.
    """
    answer = _cluster(conn, f, zoom)
    if answer["total"] == 0:
        retry = _corrected(conn, f)
        if retry is not None:
            answer = _cluster(conn, retry, zoom)
    return answer


def _cluster(conn: sqlite3.Connection, f: PlaceFilter, zoom: int) -> dict:
    for path in CLUSTER_PATHS:
        if path.can_cluster(f):
            answer = path.cluster(conn, f, zoom)
            if answer is not None:
                return answer
    return SQL.cluster(conn, f, zoom)


def page_features(conn: sqlite3.Connection, f: PlaceFilter, key: str,
                  encode: Encode, shallow: bool = False) -> EncodedPage | None:
    """The page of ``find_places(conn, f)`` as encoded features, from cached text (near me:
    with each one's distance beside it); None when the page must be built afresh (opening
    hours, filters the index cannot apply, a search that finds nothing as typed).

    ``encode`` turns a place into its text; ``key`` names that encoding (language, shape);
    ``shallow``: ``encode`` reads only the place's own columns (not products, municipality).
    """
    if not FEATURES.can_encode(f):
        return None
    return FEATURES.features(conn, f, key, encode, shallow)


def count_places(conn: sqlite3.Connection, f: PlaceFilter) -> int:
    """How many places match ``f``."""
    return SQL.count(conn, f)


def bounds_of(conn: sqlite3.Connection, f: PlaceFilter) -> tuple[float, float, float, float] | None:
    """(minlon, minlat, maxlon, maxlat) of every place matching ``f``; None if none match."""
    return SQL.bounds(conn, f)


WARM_PRODUCTS = 40  # x 3 languages: within the search path's memory of 128 expressions
# Name words found in this share of places or more are ranked at start too ("markt",
# "automaat", "ferme"): a word with that many matches is slow to rank (a word matching 28% of
# names cost 90 ms at 100k places). Whole words only: a prefix such as "hoeve", which
# matches "hoevewinkel", is not predicted.
WARM_NAME_SHARE = 0.02
WARM_NAME_WORDS = 8
NAME_SAMPLE = 2000  # names read, evenly spread over the store, to find those words


WARM_ZOOMS = range(6, 12)  # the zooms clustered from per-cell aggregates (a country to a town)
_WORLD = (-180.0, -90.0, 180.0, 90.0)


def warm(conn: sqlite3.Connection, words: list[str] | None = None,
         budget_s: float | None = None, views: list[PlaceFilter] = ()) -> int:
    """Load the point index, prepare ``views`` (the map's default filters: their masks, rank
    orders and cells at the wide zooms) and rank ``words`` before the first visitor asks
    (default: the names in nl, fr and en of the products most places offer, the words most
    searched, then the words most common in place names); how many expressions were ranked
    (at most ``budget_s`` seconds are spent)."""
    for view in views:
        everywhere = view.but(bbox=_WORLD, limit=1, offset=0)
        RANK.page_nums(conn, everywhere)
        RANK.page_nums(conn, everywhere.but(sort="updated"))
        for zoom in WARM_ZOOMS:
            cluster_places(conn, everywhere, zoom)
    if words is None:
        words = [w for row in conn.execute(
            "SELECT p.name_nl, p.name_fr, p.name_en FROM products p JOIN (SELECT product_code, "
            "COUNT(*) AS n FROM place_products GROUP BY product_code ORDER BY n DESC LIMIT ?) "
            "AS top ON top.product_code = p.code ORDER BY top.n DESC", (WARM_PRODUCTS,))
            for w in row]
        words += common_name_words(conn)
    expressions = list(dict.fromkeys(e for e in (fts_expression(w) for w in words) if e))
    ranked = SEARCH.warm(conn, expressions, budget_s)
    give_back_freed_memory()  # the sorts' temporaries, not needed again
    return ranked


def common_name_words(conn: sqlite3.Connection, share: float = WARM_NAME_SHARE,
                      limit: int = WARM_NAME_WORDS) -> list[str]:
    """The words (four letters or more) in at least ``share`` of place names, most common
    first, from a sample of names spread evenly over the store (primary-key reads only)."""
    highest = conn.execute("SELECT COALESCE(MAX(num), 0) FROM places").fetchone()[0]
    if not highest:
        return []
    step = max(1, highest // NAME_SAMPLE)
    names = [r[0] for r in conn.execute(
        "SELECT name FROM places WHERE num IN (SELECT value FROM json_each(?))",
        (json.dumps(list(range(1, highest + 1, step))),))]
    counts = Counter(w for name in names for w in set(fold(name).split()) if len(w) >= 4)
    return [w for w, n in counts.most_common(limit) if n >= share * len(names)]
