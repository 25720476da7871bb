"""The home page in a real Chromium: clustered markers, popups, attribution, no CDN."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def test_home_page_shows_clusters_of_the_demo_places(page, live_server, demo_conn):
    shown = demo_conn.execute("SELECT COUNT(*) FROM places WHERE status != 'closed'").fetchone()[0]
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(live_server.url + "/")
    page.wait_for_selector("#map[data-loaded=true]")
    clusters = page.locator(".marker-cluster")
    assert clusters.count() > 5
    counts = [int(t) for t in clusters.all_inner_texts()]
    singles = page.locator(".leaflet-marker-icon:not(.marker-cluster)").count()
    assert sum(counts) + singles == shown  # every demo place is in a cluster or shown alone
    assert re.search(rf"{shown} places", page.locator("#map-status").inner_text())
    # Everything but map tiles came from our own server: Leaflet is served from its pip package.
    foreign = [u for u in requests if not u.startswith(live_server.url)
               and "tile.openstreetmap.org" not in u]
    assert foreign == []
    attribution = page.locator(".leaflet-control-attribution").inner_text()
    assert "OpenStreetMap contributors" in attribution and "ODbL" in attribution
    assert page.js_errors == []


def test_clicking_a_marker_opens_a_popup_with_its_name(page, live_server):
    # Stadsboerderij Osdorp, Amsterdam, at street zoom: a single marker, not a cluster.
    page.goto(live_server.url + "/#18/52.3590943/4.7908693")
    page.wait_for_selector("#map[data-loaded=true]")
    marker = page.locator('.leaflet-marker-icon[title="Stadsboerderij Osdorp"]')
    marker.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert popup.locator(".popup-name").inner_text() == "Stadsboerderij Osdorp"
    assert popup.locator(".popup-kind").inner_text() == "Farm shop"
    assert "Botteskerksingel 30-B" in popup.locator(".popup-address").inner_text()
    href = popup.locator("a.popup-json").get_attribute("href")
    assert href == "/api/places/osm-node-10031660117"
    assert page.js_errors == []


def test_clicking_a_cluster_zooms_in(page, live_server):
    page.goto(live_server.url + "/")
    page.wait_for_selector("#map[data-loaded=true]")
    start = page.evaluate("window.location.hash")
    page.evaluate("document.getElementById('map').dataset.loaded = 'false'")
    page.locator(".marker-cluster").first.click()
    page.wait_for_selector("#map[data-loaded=true]")
    zoom_before = int(start.split("/")[0].lstrip("#")) if start else 0
    zoom_after = int(page.evaluate("window.location.hash").split("/")[0].lstrip("#"))
    assert zoom_after > zoom_before
