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
    assert lines.count() == 1
    assert "link-processes_for" in lines.first.get_attribute("class")
    assert page.locator("#network-map").get_attribute("data-links-drawn") == "1"
    # Both ends are drawn: La Fabrique (a place) and Paysans-Artisans (the network's anchor).
    assert page.locator("path.link-end-place").count() == 1
    assert page.locator("path.link-end-network").count() == 1
    legend = page.locator(".link-legend")
    assert legend.inner_text().strip() == "processes for"
    # The line's tooltip names both ends, written as text.
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
