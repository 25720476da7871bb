"""Security headers on every kind of page, and write routes that refuse unauthenticated and
cross-site requests."""

from __future__ import annotations

import pytest
from trust_world import add_user, form_token, make_app, sign_in, writable_demo

from regional_map.db.connection import connect


@pytest.fixture(scope="module")
def store(demo_db_path, tmp_path_factory):
    path = writable_demo(demo_db_path, tmp_path_factory.mktemp("headers"))
    add_user(path, "mod", "moderator")
    return path


@pytest.fixture(scope="module")
def app(store):
    return make_app(store)


@pytest.fixture(scope="module")
def place_id(store):
    conn = connect(store)
    try:
        return conn.execute("SELECT id FROM places ORDER BY num LIMIT 1").fetchone()[0]
    finally:
        conn.close()


def _policy(response) -> dict[str, str]:
    policy = {}
    for part in response.headers["Content-Security-Policy"].split(";"):
        name, _, value = part.strip().partition(" ")
        policy[name] = value
    return policy


PAGES = ["/", "/?q=eieren", "/places/{id}", "/embed", "/embed/builder", "/networks",
         "/municipalities", "/match", "/api/places?limit=1", "/api/places/{id}",
         "/api/openapi.json", "/api/sources", "/ogc/collections", "/static/css/site.css",
         "/static/js/map.js", "/vendor/leaflet/leaflet-src.esm.js", "/no-such-page",
         "/admin/login", "/admin/", "/contribute/place", "/contribute/problem/{id}"]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_type_sends_the_security_headers(app, place_id, url):
    response = app.test_client().get(url.format(id=place_id))
    assert response.status_code in (200, 302, 404), url
    policy = _policy(response)
    assert policy["script-src"] == "'self'" and "unsafe-inline" not in str(policy)
    assert policy["object-src"] == "'none'" and policy["base-uri"] == "'self'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    if url.startswith("/embed") and not url.startswith("/embed/builder"):
        assert policy["frame-ancestors"] == "*" and "X-Frame-Options" not in response.headers
    else:
        assert policy["frame-ancestors"] == "'none'"
        assert response.headers["X-Frame-Options"] == "DENY"


def test_admin_and_form_pages_are_never_cached(app):
    client = app.test_client()
    for url in ("/admin/login", "/contribute/place"):
        assert client.get(url).headers["Cache-Control"] == "no-store"


def _name(store, place_id) -> str:
    conn = connect(store)
    try:
        return conn.execute("SELECT name FROM places WHERE id = ?", (place_id,)).fetchone()[0]
    finally:
        conn.close()


def test_write_routes_refuse_visitors_who_are_not_signed_in(app, store, place_id):
    client = app.test_client()
    token = form_token(client, "/contribute/place")  # a valid token, but no account
    before = _name(store, place_id)
    for url in (f"/admin/places/{place_id}", "/admin/submissions/1",
                "/admin/changes/1/revert"):
        response = client.post(url, data={"csrf_token": token, "action": "edit",
                                          "name": "pwned", "decision": "approve"})
        assert response.status_code == 401, url
    assert _name(store, place_id) == before


def test_write_routes_refuse_missing_wrong_and_cross_site_requests(app, store, place_id):
    client = app.test_client()
    sign_in(client, "mod")
    token = form_token(client, f"/admin/places/{place_id}")
    url = f"/admin/places/{place_id}"
    edit = {"action": "edit", "name": "pwned"}
    before = _name(store, place_id)
    assert client.post(url, data=edit).status_code == 403  # no token
    assert client.post(url, data={**edit, "csrf_token": "forged"}).status_code == 403
    foreign = client.post(url, data={**edit, "csrf_token": token},
                          headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403
    referred = client.post(url, data={**edit, "csrf_token": token},
                           headers={"Referer": "https://evil.example/page"})
    assert referred.status_code == 403
    assert _name(store, place_id) == before
    # The same request from our own origin goes through.
    ok = client.post(url, data={"action": "edit", "name": before, "csrf_token": token},
                     headers={"Origin": "http://localhost"})
    assert ok.status_code == 200


def test_public_forms_need_the_csrf_token_too(app, store):
    client = app.test_client()
    response = client.post("/contribute/place", data={"name": "Spam", "kind": "farm_shop",
                                                      "postcode": "9000"})
    assert response.status_code == 403
    conn = connect(store)
    try:
        assert conn.execute("SELECT COUNT(*) FROM submissions WHERE payload LIKE '%Spam%'"
                            ).fetchone()[0] == 0
    finally:
        conn.close()


def test_a_network_editor_cannot_use_moderator_routes(app, store):
    conn = connect(store)
    from regional_map.db.connection import transaction
    from regional_map.places.store import upsert_network
    from regional_map.trust.auth import create_user

    with transaction(conn):
        upsert_network(conn, {"id": "net-h", "name": "Net", "type": "cooperative",
                              "source_id": "osm"})
        create_user(conn, "editor-h", "correct horse battery", "network_editor", "net-h")
    conn.close()
    client = app.test_client()
    sign_in(client, "editor-h")
    token = form_token(client, "/admin/")
    assert client.post("/admin/changes/1/revert", data={"csrf_token": token}).status_code == 403
    assert client.post("/admin/submissions/1", data={"csrf_token": token,
                                                     "decision": "approve"}).status_code == 403


def test_the_read_api_accepts_no_writes(app):
    client = app.test_client()
    assert client.post("/api/places", json={"name": "x"}).status_code == 405
    assert client.delete("/api/places/osm-node-1").status_code == 405
