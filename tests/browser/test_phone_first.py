"""Phone first, in a real Chromium at 390 × 844 and 1280 × 800: the map fills most of a
phone's first screen; the one search puts a named network first and finds services in any
language; a network page draws its area and its places; empty map areas say why."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture(params=[PHONE, DESKTOP], ids=["phone", "desktop"])
def sized(request, page):
    page.set_viewport_size(request.param)
    page.viewport = request.param
    return page


def _visible_share(page, selector: str) -> float:
    """The share of the first screen that ``selector`` covers (0 to 1)."""
    return page.evaluate(
        """(selector) => {
            const box = document.querySelector(selector).getBoundingClientRect();
            const h = Math.max(0, Math.min(box.bottom, innerHeight) - Math.max(box.top, 0));
            const w = Math.max(0, Math.min(box.right, innerWidth) - Math.max(box.left, 0));
            return (h * w) / (innerWidth * innerHeight);
        }""", selector)


def _search(page, text: str) -> None:
    page.fill("#q", text)
    with page.expect_navigation():
        page.press("#q", "Enter")
    page.wait_for_selector("#map[data-loaded=true]", state="attached")


def test_the_map_fills_at_least_half_of_a_phones_first_screen(page, live_server):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/")
    page.wait_for_selector("#map[data-loaded=true]", state="attached")
    assert _visible_share(page, "#map") >= 0.5
    # The filters wait in a sheet; the compact bar keeps the search box and its button.
    assert page.locator("#filters").is_hidden() and page.locator("#q").is_visible()
    page.click("#filters-toggle")
    assert page.locator("#filters").is_visible()
    assert page.locator("#filters-toggle").get_attribute("aria-expanded") == "true"
    page.keyboard.press("Escape")
    assert page.locator("#filters").is_hidden()
    # List and map toggle; the list is there for keyboard and screen-reader users.
    page.click("#view-toggle button[data-view=list]")
    assert page.locator("#result-list").is_visible() and page.locator("#map").is_hidden()
    page.click("#view-toggle button[data-view=map]")
    assert page.locator("#map").is_visible()
    assert page.js_errors == []


def test_the_desktop_keeps_list_and_map_side_by_side(page, live_server):
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + "/")
    page.wait_for_selector("#map[data-loaded=true]", state="attached")
    assert page.locator("#result-list").is_visible() and page.locator("#map").is_visible()
    assert page.locator("#view-toggle").is_hidden() and page.locator("#filters").is_visible()
    assert _visible_share(page, "#map") >= 0.3  # below the full filter form


def test_searching_voedselteams_shows_the_network_first(sized, live_server):
    sized.goto(live_server.url + "/?lang=nl")
    _search(sized, "Voedselteams")
    first = sized.locator(".results .search-group, .results .result-list > li").first
    assert first.get_attribute("data-type") == "network"
    link = first.locator(".group-item a").first
    assert link.inner_text() == "Voedselteams"
    with sized.expect_navigation():
        link.click()
    assert sized.url.endswith("/networks/voedselteams")
    assert sized.js_errors == []


@pytest.mark.parametrize("word", ["slachthuis", "abattoir"])
def test_a_slaughterhouse_in_dutch_or_french_finds_la_fabrique(sized, live_server, word):
    sized.goto(live_server.url + "/")
    _search(sized, word)
    if sized.viewport == PHONE:
        assert sized.locator("#results-layout").get_attribute("data-view") == "list"
    names = sized.locator(".result .result-name").all_inner_texts()
    assert "La Fabrique Circuit Court" in names
    services = sized.locator(".search-group[data-type=service]")
    assert services.count() == 1 and services.locator(".group-item").count() >= 1


def test_suggestions_while_typing_come_from_the_search_api(page, live_server):
    page.goto(live_server.url + "/")
    page.fill("#q", "Kortom")
    suggestion = page.locator("#suggestions .suggestion[data-type=network] a").first
    suggestion.wait_for()
    assert suggestion.inner_text() == "Kortom"
    # The keyboard reaches them: down from the box, Enter follows the link.
    page.press("#q", "ArrowDown")
    assert page.evaluate("document.activeElement.textContent") == "Kortom"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/networks/kortom")


def test_a_network_page_draws_its_area_and_its_places(sized, live_server):
    sized.goto(live_server.url + "/networks/paysans-artisans")
    sized.wait_for_selector("#network-map[data-loaded=true]")
    area = sized.locator("path.network-area")
    assert area.count() == 1
    assert sized.locator("#network-map").get_attribute("data-area") == "municipalities"
    # Its two shops in OSM and La Fabrique are points; the network itself is no marker.
    assert sized.locator("path.link-end-place").count() == 3
    assert sized.locator("path.link-end-area").count() == 1
    assert "around Namur" in sized.locator(".network-area-text").inner_text()
    assert sized.js_errors == []


def test_an_area_without_data_says_so(page, live_server):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/#11/51.0/2.9")  # West Flanders: no OSM sample there
    page.wait_for_selector("#map[data-loaded=true]", state="attached")
    assert "No open data loaded for this area yet" in page.locator("#map-status").inner_text()
    assert page.locator("#map.no-data").count() == 1


def test_phone_layout_stays_accessible(page, live_server):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/?q=Voedselteams")
    page.wait_for_selector("#map[data-loaded=true]", state="attached")
    results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa"]})
    assert results.violations_count == 0, results.generate_report()


def test_network_page_on_a_phone_stays_accessible(page, live_server):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/networks/kortom?lang=nl")
    page.wait_for_selector("#network-map[data-loaded=true]")
    assert page.locator("path.network-area").count() == 1
    results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa"]})
    assert results.violations_count == 0, results.generate_report()


def test_choosing_a_network_without_places_shows_its_area(page, live_server):
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + "/?network=kortom")
    page.wait_for_selector("#map path.network-area-kortom")
    page.wait_for_function(
        "() => { const c = document.getElementById('map').regionalMap.map.getCenter();"
        " return Math.abs(c.lat - 50.88) < 0.1 && Math.abs(c.lng - 4.70) < 0.15; }")
    assert page.js_errors == []
