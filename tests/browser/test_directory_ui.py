"""The citizen directory in a real Chromium: search, near me, open on, shared URLs, keyboard,
accessibility."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser


def submit(page):
    """Submit the search form and wait for the new page (not the old one's markers)."""
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.wait_for_selector("#map[data-loaded=true]")


def result_names(page):
    return page.locator(".result .result-name").all_inner_texts()


def distances_in_metres(page):
    values = []
    for text in page.locator(".result-distance").all_inner_texts():
        number, unit = text.split()
        values.append(float(number.replace(",", ".")) * (1000 if unit == "km" else 1))
    return values


def test_search_finds_places_by_a_product_synonym_in_another_language(page, live_server):
    page.goto(live_server.url + "/?lang=nl")
    page.fill("#q", "œufs")  # French, on the Dutch page
    page.fill("#where", "1011 Amsterdam")
    page.select_option("#radius_km", "25")
    submit(page)
    assert re.match(r"\d+ plaatsen bij 1011 Amsterdam", page.locator("h1").inner_text())
    names = result_names(page)
    assert "de Versboerderij de Volharding" in names
    # The same list with the Dutch word: the shops are the same.
    page.fill("#q", "eieren")
    submit(page)
    assert result_names(page) == names
    # The map shows the same selection as the list.
    assert page.locator("#map-status").inner_text().startswith(str(len(names)))
    assert page.js_errors == []


def test_near_me_from_a_typed_postcode_sorts_by_distance(page, live_server):
    page.goto(live_server.url + "/")
    page.fill("#where", "1011 Amsterdam")
    page.select_option("#radius_km", "10")
    submit(page)
    metres = distances_in_metres(page)
    assert len(metres) > 3 and metres == sorted(metres) and metres[-1] <= 10_000
    query = parse_qs(urlsplit(page.url).query)
    assert query["where"] == ["1011 Amsterdam"] and query["radius_km"] == ["10"]


def test_near_me_by_browser_geolocation(browser, live_server):
    context = browser.new_context(geolocation={"latitude": 52.0907, "longitude": 5.1214},
                                  permissions=["geolocation"])
    page = context.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(live_server.url)
               else r.abort())
    page.goto(live_server.url + "/?radius_km=25")
    page.click("#locate")
    page.wait_for_url(re.compile(r"near=52\.0907"))
    page.wait_for_selector(".result")
    metres = distances_in_metres(page)
    assert metres and metres == sorted(metres)
    context.close()


def test_open_on_a_public_holiday_hides_places_closed_on_holidays(page, live_server):
    # Veldvolk: "Th-Fr 09:00-17:00; Sa 09:00-18:00; PH off". 25 December 2026 is a Friday.
    page.goto(live_server.url + "/?q=veldvolk")
    assert result_names(page) == ["Veldvolk"]
    page.click("summary")
    page.fill("#open_at", "2026-12-18T10:00")
    submit(page)
    assert result_names(page) == ["Veldvolk"]
    page.fill("#open_at", "2026-12-25T10:00")
    submit(page)
    assert result_names(page) == []
    assert page.locator("#map-status").inner_text().startswith("0 places")


def test_a_shared_url_restores_every_filter_and_back_goes_back(page, live_server):
    url = (live_server.url + "/?q=boer&where=1011+Amsterdam&radius_km=25&kind=farm_shop"
           "&kind=vending_machine&organic=true")
    page.goto(url)
    assert page.input_value("#q") == "boer"
    assert page.input_value("#where") == "1011 Amsterdam"
    assert page.input_value("#radius_km") == "25"
    assert page.is_checked("input[name=kind][value=farm_shop]")
    assert page.is_checked("input[name=kind][value=vending_machine]")
    assert not page.is_checked("input[name=kind][value=beekeeper]")
    assert page.is_checked("input[name=organic]")
    assert not page.is_checked("input[name=payment]")
    first = result_names(page)
    assert first
    page.uncheck("input[name=organic]")
    submit(page)
    assert len(result_names(page)) > len(first)
    page.go_back()
    page.wait_for_selector("#map[data-loaded=true]")
    assert page.is_checked("input[name=organic]")
    assert result_names(page) == first


def test_the_list_works_with_the_keyboard_alone(page, live_server):
    page.goto(live_server.url + "/?where=1011+Amsterdam&radius_km=5")
    page.wait_for_selector("#map[data-loaded=true]")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    # From the top of the content, Tab walks the form, then into the list of results.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('.result')"):
            break
    focused = page.evaluate("document.activeElement.closest('.result').dataset.id")
    assert page.get_attribute("#map", "data-highlighted") == focused  # its marker is ringed
    name = page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    page.wait_for_selector("article.place")
    assert page.locator("h1").inner_text() == name


@pytest.mark.parametrize("path", ["/", "/?q=eieren&where=1011+Amsterdam&radius_km=25",
                                  "/places/osm-node-12229246129", "/?lang=fr"])
def test_pages_have_no_serious_accessibility_violations(page, live_server, path):
    page.goto(live_server.url + path)
    page.wait_for_selector("#map[data-loaded=true]")
    results = Axe().run(page)
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
               for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []
