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

CONF = Path(__file__).resolve().parent.parent.parent / "gunicorn.conf.py"


class FakeWorker:
    def __init__(self, app):
        self.wsgi = app
        self.log = logging.getLogger("test-worker")


def test_the_first_search_of_a_popular_word_is_already_ranked(demo_app, demo_db_path):
    conn = connect(demo_db_path)
    top = conn.execute("SELECT p.name_nl FROM products p JOIN place_products pp "
                       "ON pp.product_code = p.code GROUP BY p.code "
                       "ORDER BY COUNT(*) DESC LIMIT 1").fetchone()[0]
    engine.SEARCH._matches.clear()
    runpy.run_path(str(CONF))["post_worker_init"](FakeWorker(demo_app))
    for thread in threading.enumerate():
        if thread.name == "warm-search":
            thread.join(timeout=60)
    index = point_index(conn)
    assert (index.key, fts_expression(top)) in engine.SEARCH._matches
    assert len(engine.SEARCH._matches) >= 3 * min(engine.WARM_PRODUCTS, 10)
    conn.close()
