"""Exports in a real Chromium: the folium map offline from disk, and "download this view"."""

from __future__ import annotations

import csv
import io

import pytest

from regional_map.db.connection import connect
from regional_map.places.exports import export_selection
from regional_map.places.store import upsert_place, upsert_source
from regional_map.settings import load as load_settings

pytestmark = pytest.mark.browser


def _offline_page(browser):
    """A page for which every network request fails: only files from disk load."""
    context = browser.new_context(viewport={"width": 1000, "height": 700})
    page = context.new_page()
    page.js_errors = []
    page.network = []
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))

    def route(route):
        if route.request.url.startswith("file:"):
            return route.continue_()
        page.network.append(route.request.url)
        return route.abort()

    page.route("**/*", route)
    return context, page


def test_folium_export_opened_from_disk_offline_shows_its_markers(browser, demo_conn, tmp_path):
    data, count = export_selection(demo_conn, {"kind": "beekeeper"}, "html", load_settings())
    path = tmp_path / "beekeepers.html"
    path.write_bytes(data)
    context, page = _offline_page(browser)
    try:
        page.goto(path.as_uri())
        page.wait_for_selector("path.leaflet-interactive")
        assert page.locator("path.leaflet-interactive").count() == count > 50
        attribution = page.locator(".leaflet-control-attribution").inner_text()
        assert "OpenStreetMap contributors" in attribution
        assert "ODbL" in page.locator(".rm-caption").inner_text()
        # Only map tiles were asked of the network (and refused); no script, no style.
        assert all("tile.openstreetmap.org" in url for url in page.network), page.network
        assert page.js_errors == []
    finally:
        context.close()


def test_folium_export_popups_show_hostile_names_as_text(browser, empty_db_path, tmp_path):
    conn = connect(empty_db_path)
    upsert_source(conn, "x", name="X", licence="CC0 1.0", attribution="X & co")
    hostile = '<img src=x onerror="document.title=\'pwned\'"> ${document.title="pwned2"}'
    upsert_place(conn, {"name": hostile, "kind": "farm_shop", "lat": 51.0, "lon": 4.0,
                        "geocode_precision": "source", "source_id": "x", "source_ref": "1",
                        "website": "javascript:alert(1)"})
    conn.commit()
    data, _ = export_selection(conn, {}, "html", load_settings())
    conn.close()
    path = tmp_path / "hostile.html"
    path.write_bytes(data)
    context, page = _offline_page(browser)
    try:
        page.goto(path.as_uri())
        page.locator("path.leaflet-interactive").first.click(force=True)
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        assert popup.locator(".rm-name").inner_text() == hostile
        assert popup.locator("img").count() == 0 and popup.locator("a").count() == 0
        assert "pwned" not in page.title()
        assert page.js_errors == []
    finally:
        context.close()


def test_download_this_view_follows_the_map_and_uses_the_export(page, live_server):
    page.goto(live_server.url + "/?kind=beekeeper#10/50.88/4.70")
    page.wait_for_selector("#map[data-loaded=true]")
    link = page.locator('#download-view a[data-format="csv"]')
    href = link.get_attribute("href")
    assert href.startswith("/api/export?") and "kind=beekeeper" in href and "bbox=" in href
    bbox = page.locator("#download-view").get_attribute("data-bbox")
    minlon, minlat, maxlon, maxlat = (float(v) for v in bbox.split(","))
    response = page.request.get(live_server.url + href)
    assert response.status == 200
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text())))
    assert rows
    for row in rows:
        assert row["kind"] == "beekeeper"
        assert minlon <= float(row["lon"]) <= maxlon and minlat <= float(row["lat"]) <= maxlat
    status = page.locator("#map-status").inner_text()
    assert str(len(rows)) in status  # the file holds what the map says is in view
    formats = page.locator("#download-view a[data-format]")
    assert [formats.nth(i).get_attribute("data-format") for i in range(formats.count())] == [
        "geojson", "csv", "gpkg", "html"]
    assert page.js_errors == []


def test_api_docs_and_ogc_pages_load_from_our_server_only(page, live_server):
    console: list[str] = []
    requests: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(live_server.url + "/api")
    assert page.locator("h1").inner_text() == "Regional Map open data API"
    assert page.locator("section.endpoint").count() >= 15
    page.locator('a[href="#get--api-places"]').click()
    assert page.locator("#get--api-places").is_visible()
    page.goto(live_server.url + "/ogc/collections/places/items?limit=5&f=html")
    assert page.locator("table.data-table tbody tr").count() == 5
    assert all(url.startswith(live_server.url) for url in requests), requests
    assert not [m for m in console if "Content Security Policy" in m], console
    assert page.js_errors == []
