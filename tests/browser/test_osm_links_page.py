"""OSM links and the "recently changed" page in a real Chromium: visible, named, accessible."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser


def test_the_place_page_shows_view_and_edit_on_osm(page, live_server):
    page.goto(live_server.url + "/places/osm-node-10031660117?lang=en")
    view = page.get_by_role("link", name="View on OpenStreetMap")
    edit = page.get_by_role("link", name="Edit on OpenStreetMap")
    assert view.get_attribute("href") == "https://www.openstreetmap.org/node/10031660117"
    assert edit.get_attribute("href") == "https://www.openstreetmap.org/edit?node=10031660117"
    assert view.is_visible() and edit.is_visible()
    assert page.js_errors == []


def test_the_recently_changed_page_is_accessible_and_links_its_feeds(page, live_server):
    page.goto(live_server.url + "/recent?lang=en&limit=20")
    assert page.locator("h1").inner_text() == "Recently changed"
    assert page.locator(".change").count() == 20
    atom = page.get_by_role("link", name="Atom feed")
    assert atom.get_attribute("href") == "/feeds/changes.atom?limit=20&lang=en"
    violations = Axe().run(page).response["violations"]
    assert [v["id"] for v in violations if v["impact"] in ("serious", "critical")] == []
    assert page.js_errors == []
