"""Stored XSS: a place named ``<img src=x onerror=alert(1)>`` with ``</script>`` in its
description renders as text in the list, the popup, the place page, its JSON-LD, the embed and
the folium export; in Chromium no dialog ever fires."""

from __future__ import annotations

import html
import json
import re

import pytest
from conftest import LiveServer
from trust_world import add_user, make_app, sign_in, writable_demo

from regional_map.db.connection import connect, transaction
from regional_map.places.store import upsert_place

NAME = "<img src=x onerror=alert(1)>"
DESCRIPTION = "Fresh eggs </script><script>alert(2)</script> & 'quotes' \"too\""
WEBSITE = 'https://example.org/?a="><svg onload=alert(3)>'
PLACE_ID = "xss-test-place"
SEARCH = "q=onerror"


@pytest.fixture(scope="module")
def xss_store(demo_db_path, tmp_path_factory):
    path = writable_demo(demo_db_path, tmp_path_factory.mktemp("xss"))
    conn = connect(path)
    with transaction(conn):
        upsert_place(conn, {
            "id": PLACE_ID, "name": NAME, "kind": "farm_shop", "description": DESCRIPTION,
            "website": WEBSITE, "street": "<b>Straat</b>", "city": "Gent", "postcode": "9000",
            "lat": 51.0543, "lon": 3.7174, "geocode_precision": "source", "source_id": "osm",
            "opening_hours": "Mo-Su 00:00-24:00", "last_confirmed": "2099-01-01",
        }, ["eggs"])
    conn.close()
    add_user(path, "mod", "moderator")
    return path


@pytest.fixture(scope="module")
def xss_app(xss_store):
    return make_app(xss_store, HIDE_AFTER_MONTHS=0)


def _no_live_markup(text: str) -> None:
    assert "<img src=x" not in text and "<svg onload" not in text
    assert "<script>alert(2)" not in text


def test_the_place_page_shows_the_name_and_description_as_text(xss_app):
    text = xss_app.test_client().get(f"/places/{PLACE_ID}").get_data(as_text=True)
    _no_live_markup(text)
    assert html.escape(NAME, quote=False) in text
    assert "&lt;/script&gt;&lt;script&gt;alert(2)" in text


def test_the_json_ld_block_holds_the_exact_name_and_cannot_end_early(xss_app):
    text = xss_app.test_client().get(f"/places/{PLACE_ID}").get_data(as_text=True)
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    assert data["name"] == NAME and DESCRIPTION in data.get("description", DESCRIPTION)


def test_the_list_the_embed_and_the_api_keep_the_name_as_text(xss_app):
    client = xss_app.test_client()
    for url in (f"/?{SEARCH}", f"/embed?{SEARCH}", "/admin/login"):
        text = client.get(url).get_data(as_text=True)
        _no_live_markup(text)
    assert html.escape(NAME, quote=False) in client.get(f"/?{SEARCH}").get_data(as_text=True)
    body = client.get(f"/api/places/{PLACE_ID}").get_json()
    assert body["properties"]["name"] == NAME  # data stays data; escaping is the page's job


def test_the_folium_export_cannot_be_broken_out_of(xss_app):
    text = xss_app.test_client().get(f"/api/export?format=html&{SEARCH}").get_data(
        as_text=True)
    assert "</script><script>alert(2)" not in text and "<img src=x onerror" not in text
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in text


def test_the_admin_pages_escape_submitted_and_stored_text(xss_app, xss_store):
    client = xss_app.test_client()
    sign_in(client, "mod")
    text = client.get(f"/admin/places/{PLACE_ID}").get_data(as_text=True)
    _no_live_markup(text)
    assert html.escape(NAME, quote=True) in text  # in the value="" of the name field


@pytest.mark.browser
def test_no_dialog_fires_on_any_page_that_shows_the_place(browser, xss_app):
    server = LiveServer(xss_app).start()
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        server.url) else route.abort())
    try:
        page.goto(f"{server.url}/places/{PLACE_ID}")
        assert page.locator("h1").inner_text() == NAME
        assert page.locator(".place-description").inner_text().startswith("Fresh eggs </script>")

        page.goto(f"{server.url}/?{SEARCH}")
        assert NAME in page.locator("main").inner_text()
        page.wait_for_selector("#map[data-loaded=true]")  # drawn, and not redrawing
        marker = page.locator(f'.leaflet-marker-icon[title="{NAME}"]')
        marker.wait_for(timeout=15_000)
        marker.click()
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for(timeout=5_000)
        assert NAME in popup.inner_text() and popup.locator("img").count() == 0

        page.goto(f"{server.url}/embed?{SEARCH}")
        page.wait_for_load_state("networkidle")
        assert NAME in page.locator("body").inner_text()

        export = page.request.get(f"{server.url}/api/export?format=html&{SEARCH}").text()
        page.goto("about:blank")  # the file opens from disk: no CSP of ours applies
        page.set_content(export)
        page.locator("path.leaflet-interactive").first.click(force=True)
        page.locator(".rm-popup").wait_for(timeout=5_000)
        assert NAME in page.locator(".rm-popup").inner_text()
        page.wait_for_timeout(300)
        assert dialogs == []
    finally:
        context.close()
        server.stop()
