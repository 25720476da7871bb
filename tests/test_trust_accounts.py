"""Accounts: hashed passwords, sessions with safe cookie flags, CSRF, roles and networks."""

from __future__ import annotations

import pytest
from trust_world import PASSWORD, add_user, form_token, make_app, sign_in, writable_demo

from regional_map.cli import main
from regional_map.db.connection import connect, transaction
from regional_map.trust.auth import AuthError, authenticate, can_edit_place, create_user


@pytest.fixture
def store(demo_db_path, tmp_path):
    return writable_demo(demo_db_path, tmp_path)


def test_passwords_are_stored_as_argon2_hashes_and_checked(empty_conn):
    with transaction(empty_conn):
        create_user(empty_conn, "alice", PASSWORD, "moderator")
    stored = empty_conn.execute("SELECT password_hash FROM users").fetchone()[0]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert authenticate(empty_conn, "alice", PASSWORD)["role"] == "moderator"
    assert authenticate(empty_conn, "alice", PASSWORD + "x") is None
    assert authenticate(empty_conn, "nobody", PASSWORD) is None


def test_weak_passwords_unknown_roles_and_editors_without_network_are_refused(empty_conn):
    for args in (("bob", "short", "moderator"), ("bob", PASSWORD, "king"),
                 ("bob", PASSWORD, "network_editor"), ("b ob", PASSWORD, "moderator")):
        with pytest.raises(AuthError):
            create_user(empty_conn, *args)
    create_user(empty_conn, "bob", PASSWORD, "moderator")
    with pytest.raises(AuthError, match="already exists"):
        create_user(empty_conn, "BOB", PASSWORD, "moderator")


def test_create_admin_command_makes_an_account_that_can_sign_in(store):
    from click.testing import CliRunner

    result = CliRunner().invoke(main, ["--db", str(store), "create-admin", "root",
                                       "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    client = make_app(store).test_client()
    response = sign_in(client, "root")
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/")
    page = client.get("/admin/").get_data(as_text=True)
    assert "root (admin)" in page


def test_session_cookie_is_httponly_samesite_lax_and_secure_by_default(store):
    add_user(store, "alice", "moderator")
    client = make_app(store, SESSION_COOKIE_SECURE=True).test_client()
    client.get("/admin/login")  # the form makes the session (its CSRF token)
    cookie = client.get_cookie("regional_map_session")
    assert cookie is not None
    assert cookie.secure and cookie.http_only and cookie.same_site == "Lax"


def test_wrong_password_is_refused_and_repeated_failures_are_throttled(store):
    add_user(store, "alice", "moderator")
    client = make_app(store).test_client()
    statuses = [sign_in(client, "alice", "wrong password!").status_code for _ in range(11)]
    assert statuses[:10] == [401] * 10 and statuses[10] == 429
    assert client.get("/admin/").status_code == 302  # still not signed in


def test_admin_pages_send_visitors_to_the_login_page(store):
    client = make_app(store).test_client()
    response = client.get("/admin/places/osm-node-1")
    assert response.status_code == 302 and "/admin/login?next=" in response.headers["Location"]


def test_logout_ends_the_session(store):
    add_user(store, "alice", "moderator")
    client = make_app(store).test_client()
    sign_in(client, "alice")
    token = form_token(client, "/admin/")
    assert client.post("/admin/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/admin/").status_code == 302


def test_a_network_editor_edits_only_the_places_of_their_network(store):
    conn = connect(store)
    place_a, place_b = [r[0] for r in conn.execute("SELECT id FROM places LIMIT 2")]
    from regional_map.places.store import upsert_link, upsert_network

    with transaction(conn):
        upsert_network(conn, {"id": "veggie-coop", "name": "Veggie coop", "type": "cooperative",
                                "source_id": "osm"})
        upsert_link(conn, from_kind="place", from_id=place_a, type="member_of",
                    to_kind="network", to_id="veggie-coop")
        create_user(conn, "ed", PASSWORD, "network_editor", "veggie-coop")
    editor = {"username": "ed", "role": "network_editor", "network_id": "veggie-coop"}
    assert can_edit_place(conn, editor, place_a) and not can_edit_place(conn, editor, place_b)
    conn.close()

    client = make_app(store).test_client()
    sign_in(client, "ed")
    home = client.get("/admin/").get_data(as_text=True)
    assert f"/admin/places/{place_a}" in home and f"/admin/places/{place_b}" not in home
    token = form_token(client, f"/admin/places/{place_a}")
    saved = client.post(f"/admin/places/{place_a}", data={
        "csrf_token": token, "action": "edit", "description": "Now with a shop", "reason": "t"})
    assert saved.status_code == 200 and "Now with a shop" in saved.get_data(as_text=True)
    assert client.get(f"/admin/places/{place_b}").status_code == 403
    refused = client.post(f"/admin/places/{place_b}", data={
        "csrf_token": token, "action": "edit", "description": "vandalism"})
    assert refused.status_code == 403
    conn = connect(store)
    assert conn.execute("SELECT description FROM places WHERE id = ?",
                        (place_b,)).fetchone()[0] != "vandalism"
    conn.close()


def test_a_network_editor_edits_only_their_networks_links_and_moderators_can_revert(store):
    from regional_map.places import audit
    from regional_map.places.store import upsert_link, upsert_network

    conn = connect(store)
    member, outsider = [r[0] for r in conn.execute("SELECT id FROM places LIMIT 2")]
    with transaction(conn):
        for network in ("coop-a", "coop-b"):
            upsert_network(conn, {"id": network, "name": network, "type": "cooperative",
                                  "source_id": "osm"})
        upsert_link(conn, from_kind="place", from_id=member, type="member_of",
                    to_kind="network", to_id="coop-a")
        upsert_link(conn, from_kind="place", from_id=member, type="member_of",
                    to_kind="network", to_id="coop-b")
        create_user(conn, "ed-a", PASSWORD, "network_editor", "coop-a")
    conn.close()
    client = make_app(store).test_client()
    sign_in(client, "ed-a")
    token = form_token(client, f"/admin/places/{member}")
    link = {"csrf_token": token, "from_kind": "place", "from_id": member,
            "type": "pickup_point_of", "to_kind": "network", "to_id": "coop-a",
            "schedule": "Fr 17:00-19:00", "action": "add"}
    assert client.post("/admin/links", data=link).status_code == 302
    pulled_in = {**link, "from_id": outsider, "type": "member_of"}
    assert client.post("/admin/links", data=pulled_in).status_code == 403
    other_network = {**link, "type": "member_of", "to_id": "coop-b", "action": "remove"}
    assert client.post("/admin/links", data=other_network).status_code == 403

    conn = connect(store)
    schedule = conn.execute("SELECT schedule FROM links WHERE type = 'pickup_point_of'"
                            ).fetchone()[0]
    assert schedule == "Fr 17:00-19:00"
    assert conn.execute("SELECT COUNT(*) FROM links WHERE from_id = ? AND to_id = 'coop-b'",
                        (member,)).fetchone()[0] == 1
    change = conn.execute("SELECT id, actor FROM changes WHERE action = 'link_add'").fetchone()
    assert change["actor"] == "user:ed-a"
    audit.revert(conn, change["id"], actor="user:mod")
    assert conn.execute("SELECT COUNT(*) FROM links WHERE type = 'pickup_point_of'"
                        ).fetchone()[0] == 0
    conn.close()
