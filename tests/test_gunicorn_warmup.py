"""gunicorn.conf.py warms each worker's point index before it takes requests."""

from __future__ import annotations

import logging
import runpy
from pathlib import Path

from regional_map.db.connection import connect
from regional_map.places import pointindex

CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


class FakeWorker:
    def __init__(self, app):
        self.wsgi = app
        self.log = logging.getLogger("test-worker")


def test_a_new_worker_loads_the_point_index_before_its_first_request(demo_app, demo_db_path):
    conn = connect(demo_db_path)
    token = pointindex.store_key(conn)[0]
    conn.close()
    pointindex._CACHE.pop(token, None)
    runpy.run_path(str(CONF))["post_worker_init"](FakeWorker(demo_app))
    assert token in pointindex._CACHE
    assert len(pointindex._CACHE[token].nums) > 1500


def test_a_worker_without_a_store_still_starts(tmp_path, caplog):
    from regional_map.web.app import create_app

    app = create_app({"DB": str(tmp_path / "missing.db")}, check=False)
    with caplog.at_level(logging.WARNING):
        runpy.run_path(str(CONF))["post_worker_init"](FakeWorker(app))
    assert "no warm-up" in caplog.text
