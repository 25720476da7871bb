"""Links drawn on the main map: choosing a network, opening a place's popup."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_choosing_a_network_draws_its_links_on_the_main_map(page, live_server):
    page.goto(live_server.url + "/")
    page.select_option("#network", "de-goedinge")
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.wait_for_selector("#map[data-links-drawn]")
    assert int(page.get_attribute("#map", "data-links-drawn")) >= 1
    assert page.locator("path.link-line").count() >= 1
    assert "De Goedinge" in page.locator(".result-list").inner_text()


def test_opening_a_place_popup_draws_its_links(page, live_server):
    # De Goedinge (Gent) exchanges manure and feed with the neighbouring livestock farm.
    page.goto(live_server.url + "/?q=goedinge#15/51.0698/3.7331")
    page.wait_for_selector("#map[data-loaded=true]")
    page.locator('.leaflet-marker-icon[title="De Goedinge"]').click()
    page.wait_for_selector(".leaflet-popup-content")
    page.wait_for_selector("#map[data-links-drawn]")
    assert int(page.get_attribute("#map", "data-links-drawn")) >= 1
    assert page.locator(".link-legend-row").count() >= 1
