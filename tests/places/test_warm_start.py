"""A new worker ranks the most searched words before visitors ask (gunicorn.conf.py)."""

from __future__ import annotations

import logging
import runpy
import threading
from pathlib import Path

from regional_map.db.connection import connect
from regional_map.places import engine
from regional_map.places.fts import fts_expression
from regional_map.places.pointindex import point_index
from regional_map.text import fold

CONF = Path(__file__).resolve().parent.parent.parent / "gunicorn.conf.py"


class FakeWorker:
    def __init__(self, app):
        self.wsgi = app
        self.log = logging.getLogger("test-worker")


def _start_a_worker(app) -> None:
    """What gunicorn does for a new worker, with the search's memory empty; returns when the
    background warm-up is over."""
    engine.SEARCH._matches.clear()
    runpy.run_path(str(CONF))["post_worker_init"](FakeWorker(app))
    for thread in threading.enumerate():
        if thread.name == "warm-search":
            thread.join(timeout=60)


def test_the_first_search_of_a_popular_word_is_already_ranked(demo_app, demo_db_path):
    conn = connect(demo_db_path)
    top = conn.execute("SELECT p.name_nl FROM products p JOIN place_products pp "
                       "ON pp.product_code = p.code GROUP BY p.code "
                       "ORDER BY COUNT(*) DESC LIMIT 1").fetchone()[0]
    _start_a_worker(demo_app)
    index = point_index(conn)
    assert (index.key, fts_expression(top)) in engine.SEARCH._matches
    assert len(engine.SEARCH._matches) >= 3 * min(engine.WARM_PRODUCTS, 10)
    conn.close()


def test_the_words_most_common_in_place_names_are_found_and_ranked_at_start(demo_app,
                                                                             demo_db_path):
    """On the real OSM names of the demo store (fewer than the sample: every name is read),
    the words are exactly those in 2% of names or more, most common first."""
    conn = connect(demo_db_path)
    names = [fold(r[0]) for r in conn.execute("SELECT name FROM places")]
    share = {}
    for name in names:
        for word in set(name.split()):
            if len(word) >= 4:
                share[word] = share.get(word, 0) + 1 / len(names)
    expected = sorted((w for w, s in share.items() if s >= engine.WARM_NAME_SHARE),
                      key=lambda w: -share[w])[:engine.WARM_NAME_WORDS]
    words = engine.common_name_words(conn)
    assert words and sorted(words) == sorted(expected)
    assert [round(share[w], 6) for w in words] == sorted(
        (round(share[w], 6) for w in words), reverse=True)

    _start_a_worker(demo_app)
    index = point_index(conn)
    for word in words:
        assert (index.key, fts_expression(word)) in engine.SEARCH._matches, word
    conn.close()


def test_an_empty_store_has_no_common_name_words(empty_conn):
    assert engine.common_name_words(empty_conn) == []
