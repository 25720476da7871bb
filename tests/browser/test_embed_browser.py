"""The embed in a real Chromium: the builder's snippet on another site shows the places."""

from __future__ import annotations

import functools
import http.server
import json
import re
import threading
import urllib.request
from html import unescape

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _api(live_server, path: str) -> list[dict]:
    """Features of our API, as the embed's own query layer answers them."""
    with urllib.request.urlopen(live_server.url + path, timeout=30) as response:
        return json.load(response)["features"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def host_site(tmp_path):
    """Another origin: a second HTTP server on 127.0.0.1 serving a municipality's web page."""
    handler = functools.partial(_QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield tmp_path, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture
def context(browser, live_server, host_site):
    """A browser context that reaches our two local servers and nothing else."""
    allowed = (live_server.url, host_site[1])
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.route("**/*", lambda route: route.continue_()
                  if route.request.url.startswith(allowed) else route.abort())
    yield context
    context.close()


def test_builder_snippet_on_another_origin_shows_the_filtered_places(context, live_server,
                                                                    host_site):
    folder, host_url = host_site
    expected = {f["id"] for f in _api(live_server, "/api/places?municipality=GM0363"
                                                   "&kind=farm_shop,vending_machine&limit=1000")}
    errors: list[str] = []
    builder = context.new_page()
    builder.on("pageerror", lambda exc: errors.append(str(exc)))
    builder.goto(live_server.url + "/embed/builder?municipality=GM0363")
    builder.check("input[name=kind][value=farm_shop]")
    builder.check("input[name=kind][value=vending_machine]")
    expect(builder.locator("#embed-snippet")).to_have_value(
        re.compile("farm_shop%2Cvending_machine"))
    snippet = builder.input_value("#embed-snippet")
    src = unescape(re.search(r'src="([^"]+)"', snippet).group(1))
    expect(builder.locator("#embed-preview")).to_have_attribute("src", src)  # what it shows
    assert src.startswith(live_server.url + "/embed?")

    (folder / "index.html").write_text(
        "<!doctype html><html lang='nl'><head><meta charset='utf-8'><title>Gemeente</title>"
        f"</head><body><h1>Lokaal eten</h1>{snippet}<p>Meer tekst.</p></body></html>",
        encoding="utf-8")
    host = context.new_page()
    host.on("pageerror", lambda exc: errors.append(str(exc)))
    host.goto(host_url + "/index.html")
    embedded = host.frame_locator("iframe")
    embedded.locator("#map[data-loaded=true]").wait_for()
    listed = embedded.locator(".result").evaluate_all("items => items.map(i => i.dataset.id)")
    assert set(listed) == expected
    status = embedded.locator("#map-status").inner_text()
    assert re.search(rf"\b{len(expected)} places", status), status
    assert embedded.locator(".leaflet-marker-icon").count() > 0
    assert "OpenStreetMap contributors" in embedded.locator(
        ".leaflet-control-attribution").inner_text()
    embedded.locator(".leaflet-overlay-pane path").first.wait_for()  # the boundary
    assert embedded.locator("a.embed-full").get_attribute("target") == "_blank"

    # Gesture handling: a plain wheel over the map scrolls the host page, not the map.
    zoom = embedded.locator("#map").get_attribute("data-current-zoom")
    box = host.locator("iframe").bounding_box()
    host.mouse.move(box["x"] + box["width"] / 3, box["y"] + box["height"] / 2)
    host.mouse.wheel(0, -400)
    embedded.locator("#gesture-hint").wait_for(state="visible")
    host.wait_for_timeout(500)
    assert embedded.locator("#map").get_attribute("data-current-zoom") == zoom
    # … ctrl + wheel zooms the map.
    host.keyboard.down("Control")
    host.mouse.wheel(0, -400)
    host.keyboard.up("Control")
    expect(embedded.locator("#map")).to_have_attribute("data-current-zoom", str(int(zoom) + 1))
    assert errors == []


def test_showcase_page_draws_boundary_places_and_coverage(page, live_server):
    count = len(_api(live_server, "/api/places?municipality=GM0363&limit=1000"))
    page.goto(live_server.url + "/municipalities/GM0363?km=2")
    page.wait_for_selector("#municipality-map[data-loaded=true]")
    assert page.get_attribute("#municipality-map", "data-places") == str(count)
    assert page.get_attribute("#municipality-map", "data-coverage") == "true"
    labels = page.locator(".leaflet-control-layers-overlays").inner_text()
    assert "Boundary" in labels and "More than 2 km" in labels
    assert page.js_errors == []
