"""A network page in a real Chromium, on a store of our own (the demo has no pickup points:
the seed documents name none): the network's area is drawn, and its pickup point and members
are points — the network itself is no marker."""

from __future__ import annotations

import pytest
from network_world import build_world

from regional_map.db.connection import transaction
from regional_map.networks.areas import save_area
from regional_map.web.app import create_app
from tests.conftest import LiveServer

pytestmark = pytest.mark.browser


@pytest.fixture
def world_server(empty_conn, empty_db_path, tmp_path):
    build_world(empty_conn, tmp_path)
    with transaction(empty_conn):
        save_area(empty_conn, "platform", {"members": True, "radius_km": 2}, "test")
        empty_conn.execute("UPDATE networks SET lat = NULL, lon = NULL WHERE id = 'platform'")
    app = create_app({"DB": str(empty_db_path), "HIDE_AFTER_MONTHS": 0})
    server = LiveServer(app).start()
    yield server
    server.stop()


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844},
                                      {"width": 1280, "height": 800}], ids=["phone", "desktop"])
def test_a_network_page_draws_its_area_and_pickup_points(browser, world_server, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_()
               if route.request.url.startswith(world_server.url) else route.abort())
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(world_server.url + "/networks/platform?lang=nl")
    page.wait_for_selector("#network-map[data-loaded=true]", state="attached")
    assert page.locator("path.network-area").count() == 1
    assert page.locator("#network-map").get_attribute("data-area") == "members"
    assert page.locator("path.link-end-kind-pickup_point").count() == 1
    assert page.locator("path.link-end-kind-farm_shop").count() == 1  # its member Farm B
    assert page.locator("path.link-end-area").count() == 1
    # The pickup moments are shown as days, in the page's language.
    assert "dinsdag, vrijdag" in page.locator(".network-schedule").inner_text()
    assert errors == []
    context.close()
