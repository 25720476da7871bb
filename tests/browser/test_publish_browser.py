"""The published static edition, served by nginx alone, works in Chromium."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from regional_map.db.connection import connect
from regional_map.publish.edition import EditionOptions, publish_edition
from tests.processes import DEPLOY, free_port, start_nginx, stop

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def edition_url(demo_db_path, tmp_path_factory):
    """The demo store published (no base map) and served by nginx with deploy/'s static
    config, on a free loopback port."""
    folder = tmp_path_factory.mktemp("edition") / "site"
    conn = connect(demo_db_path)
    try:
        publish_edition(conn, folder, EditionOptions(tile_url="", max_zoom=14))
    finally:
        conn.close()
    port = free_port()
    conf = ((DEPLOY / "nginx-static.conf").read_text()
            .replace("127.0.0.1:8080", f"127.0.0.1:{port}")
            .replace("/srv/regional-map/edition", str(folder)))
    proc = start_nginx(tmp_path_factory.mktemp("nginx"), conf, port)
    yield f"http://127.0.0.1:{port}"
    stop(proc)


@pytest.fixture
def edition_page(browser, edition_url):
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    page = context.new_page()
    page.requests = []
    page.js_errors = []
    page.on("request", lambda r: page.requests.append(r))
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    yield page
    context.close()


def _drawn(page) -> int:
    return page.evaluate("document.querySelectorAll('.leaflet-pane svg path').length")


def test_the_edition_draws_places_from_range_requests_opens_a_popup_and_searches(
        edition_page, edition_url):
    page = edition_page
    page.goto(edition_url + "/")
    # (A locator, not wait_for_function: the page's CSP forbids the eval that one polls with.)
    page.locator(".leaflet-pane svg path").nth(20).wait_for()
    assert _drawn(page) > 20  # clusters and places at the default view

    tile_reads = [r for r in page.requests if r.url.endswith("/places.pmtiles")]
    assert tile_reads and all(re.fullmatch(r"bytes=\d+-\d+", r.headers.get("range", ""))
                              for r in tile_reads)
    statuses = {r.response().status for r in tile_reads if r.response()}
    assert statuses == {206}

    # A click on a drawn circle opens its popup (a cluster says how many places it holds).
    box = page.locator(".leaflet-pane svg path.leaflet-interactive").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector(".leaflet-popup-content .popup")
    page.keyboard.press("Escape")

    # Search by name from the prebuilt index, fetched on first use only.
    assert not any(r.url.endswith("/search.json") for r in page.requests)
    page.fill("#search", "Quiosk")
    first = page.locator("#results button.result").first
    first.wait_for()
    assert "Quiosk" in first.inner_text()
    first.click()
    popup = page.locator(".leaflet-popup-content .popup")
    popup.locator("h2", has_text="Quiosk").wait_for()
    popup.locator(".licence", has_text="ODbL").wait_for()  # details from places/<id>.json

    # Products in any language: "œufs" finds the places that sell eggs, named in the popup.
    page.fill("#search", "œufs")
    page.locator("#results .note").filter(has_text=re.compile(r"^[1-9]\d* place")).wait_for()
    page.fill("#search", "œufs Borger")  # and with a town: the egg machine of Borger-Odoorn
    page.locator("#results button.result", has_text="Eierenautomaat").first.click()
    popup.locator(".products", has_text="Eggs").wait_for()

    page.locator(".leaflet-control-attribution", has_text="OpenStreetMap").wait_for()
    hosts = {urlsplit(r.url).netloc for r in page.requests
             if urlsplit(r.url).scheme in ("http", "https")}
    assert hosts == {urlsplit(edition_url).netloc}, hosts
    assert page.js_errors == []


def test_the_edition_offers_its_downloads_with_the_licence(edition_page, edition_url):
    page = edition_page
    page.goto(edition_url + "/")
    assert page.locator("footer.sources", has_text="Open Database License").count() == 1
    for link in ("downloads/regional-map.geojson", "downloads/regional-map.csv"):
        answer = page.request.get(f"{edition_url}/{link}")
        assert answer.status == 200 and b"ODbL" in answer.body()
