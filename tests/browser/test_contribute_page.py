"""The public suggestion form and the moderators' sign-in work in Chromium under the CSP."""

from __future__ import annotations

import pytest
from conftest import LiveServer
from trust_world import add_user, make_app, writable_demo

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def trust_server(demo_db_path, tmp_path_factory):
    store = writable_demo(demo_db_path, tmp_path_factory.mktemp("contribute"))
    add_user(store, "mod", "moderator")
    server = LiveServer(make_app(store)).start()
    yield server
    server.stop()


@pytest.fixture
def local_page(browser, trust_server):
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy"
            in msg.text else None)
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        trust_server.url) else route.abort())
    page.js_errors = errors
    yield page
    context.close()


def test_a_visitor_suggests_a_place_and_a_moderator_sees_it(local_page, trust_server):
    page = local_page
    page.goto(f"{trust_server.url}/contribute/place")
    assert not page.locator("#homepage").is_visible()  # the honeypot is hidden from people
    page.get_by_label("Name").fill("Zelfoogst De Bron")
    page.get_by_label("Kind").select_option("csa_farm")
    page.get_by_label("Postcode").fill("3000")
    page.get_by_label("Town").fill("Leuven")
    page.get_by_role("button", name="Send to the moderators").click()
    assert "checked by a moderator" in page.locator("main").inner_text()

    page.goto(f"{trust_server.url}/admin/")
    assert "/admin/login" in page.url
    page.get_by_label("User name").fill("mod")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{trust_server.url}/admin/")
    assert "Zelfoogst De Bron" in page.locator(".queue").inner_text()
    assert page.js_errors == []
