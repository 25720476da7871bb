"""Shared fixtures: real SQLite stores, the real Flask app over HTTP, a real Chromium."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from bench.generate import write_csv
from regional_map.db.connection import connect
from regional_map.ingest.importer import import_file
from regional_map.provision import init_store, load_demo
from regional_map.settings import DEFAULT_REGION
from regional_map.web.app import create_app

FIXTURES = Path(__file__).parent / "fixtures"

# Nothing in the suite may reach the network: an accidental online geocoder is a bug.
os.environ["REGIONAL_MAP_GEOCODER"] = "none"
for _proxy in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy"):
    os.environ.pop(_proxy, None)
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"


@pytest.fixture(scope="session")
def demo_db_path(tmp_path_factory) -> Path:
    """A database built from the shipped demo data, once per test session (read-only use)."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    conn = connect(path)
    report = load_demo(conn)
    conn.close()
    assert report.imported > 1500, report.summary()
    return path


@pytest.fixture
def demo_conn(demo_db_path):
    conn = connect(demo_db_path)
    yield conn
    conn.close()


@pytest.fixture
def empty_db_path(tmp_path) -> Path:
    """A fresh store with the reference tables (postcodes, municipalities, products) only."""
    path = tmp_path / "store.db"
    conn = connect(path)
    init_store(conn)
    conn.close()
    return path


@pytest.fixture
def empty_conn(empty_db_path):
    conn = connect(empty_db_path)
    yield conn
    conn.close()


@pytest.fixture(scope="session")
def demo_app(demo_db_path):
    # Hiding places unconfirmed for 24 months is off here, so counts are the shipped data's
    # (tests/test_freshness.py checks hiding with its own app).
    app = create_app({"DB": str(demo_db_path), "HIDE_AFTER_MONTHS": 0})
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(demo_app):
    return demo_app.test_client()


class LiveServer:
    def __init__(self, app):
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> LiveServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server(demo_app) -> Iterator[LiveServer]:
    """The real app served over HTTP on 127.0.0.1 (a free port), for the whole session."""
    server = LiveServer(demo_app).start()
    yield server
    server.stop()


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


# Flags that keep Chromium from calling home on a machine without network.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; browser tests fail (not skip) without it."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if executable is None:
        pytest.fail("chromium is not installed: apt-get install chromium (see README)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh page that may only talk to our server: tiles and anything else are refused."""
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def route(route):
        if route.request.url.startswith(live_server.url):
            return route.continue_()
        return route.abort()

    page.route("**/*", route)
    page.js_errors = errors
    yield page
    context.close()


def generated_store(folder: Path, n: int, seed: int, demo_db_path: Path, source: str):
    """A store of ``n`` places generated from the demo's real places (``bench/generate.py``)
    and imported by the real importer; returns (its path, the import report)."""
    csv_path = write_csv(n, seed=seed, path=folder / "places.csv", store=demo_db_path)
    path = folder / f"{source}.db"
    conn = connect(path)
    try:
        init_store(conn)
        report = import_file(conn, csv_path, source=source, region=DEFAULT_REGION)
    finally:
        conn.close()
    assert report.imported == n, report.summary()
    return path, report
