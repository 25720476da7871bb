"""Networks in a real Chromium: choose a network and see its links drawn as lines."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_selecting_a_network_draws_its_links(page, live_server):
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(live_server.url + "/networks")
    page.get_by_role("link", name="Paysans-Artisans", exact=True).click()
    page.wait_for_selector("#network-map[data-loaded=true]")
    lines = page.locator("path.link-line")
    assert lines.count() == 3  # La Fabrique processes for it; its two OSM shops are members
    assert page.locator("path.link-processes_for").count() == 1
    assert page.locator("#network-map").get_attribute("data-links-drawn") == "3"
    # The places are points; the network has no place of its own, so its links meet inside
    # its drawn area (a hollow ring), not at an invented headquarters.
    assert page.locator("path.link-end-place").count() == 3
    assert page.locator("path.link-end-area").count() == 1
    assert page.locator("path.network-area").count() == 1
    legend = page.locator(".link-legend")
    assert sorted(legend.inner_text().split("\n")) == ["member of", "processes for"]
    # The line's tooltip names both ends, written as text.
    lines = page.locator("path.link-processes_for")
    lines.first.hover(force=True)
    tooltip = page.locator(".leaflet-tooltip .link-tooltip")
    tooltip.wait_for()
    assert tooltip.inner_text().startswith("La Fabrique Circuit Court processes for")
    assert [u for u in requests if not u.startswith(live_server.url)
            and "tile.openstreetmap.org" not in u] == []
    assert page.js_errors == []


def test_network_with_a_place_to_place_link_draws_it(page, live_server):
    page.goto(live_server.url + "/networks/de-goedinge")
    page.wait_for_selector("#network-map[data-loaded=true]")
    # member_of (place → network anchor); exchanges_with is between two of its places only
    # when both belong to the network, and the neighbour is not a member.
    assert page.locator("path.link-member_of").count() == 1
    assert page.js_errors == []


def test_choosing_a_network_on_the_main_map_draws_its_links(page, live_server):
    page.goto(live_server.url + "/")
    page.wait_for_selector("#map[data-loaded=true]")
    assert page.locator("#map path.link-line").count() == 0
    page.select_option("#network", "paysans-artisans")
    page.locator("#search .search-bar button[type=submit]").click()
    page.wait_for_url("**network=paysans-artisans**")
    page.wait_for_selector("#map[data-links-drawn='3']")
    assert page.locator("#map path.link-processes_for").count() == 1
    assert page.locator("#map path.link-member_of").count() == 2
    # The chosen network's area is drawn and marked among the others.
    assert page.locator("#map path.network-area-paysans-artisans").count() == 1
    assert page.js_errors == []


def test_opening_a_place_popup_on_the_main_map_draws_its_links(page, live_server):
    page.goto(live_server.url + "/#14/50.5305375/4.8157")
    page.wait_for_selector("#map[data-loaded=true]")
    page.locator('.leaflet-marker-icon[title="La Fabrique Circuit Court"]').click()
    page.wait_for_selector("#map[data-links-drawn='2']")
    classes = page.locator("#map path.link-line").evaluate_all(
        "lines => lines.map(l => l.getAttribute('class'))")
    kinds = sorted(c for cls in classes for c in cls.split() if c.startswith("link-")
                   and c != "link-line")
    assert kinds == ["link-member_of", "link-processes_for"]
    assert page.js_errors == []
