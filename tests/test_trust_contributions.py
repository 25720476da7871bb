"""Public suggestions and problem reports: queued, never published unreviewed, rate-limited,
bot-trapped, checked for duplicates; moderators approve or reject, and every change is logged
and can be reverted."""

from __future__ import annotations

import pytest
from trust_world import add_user, form_token, make_app, sign_in, writable_demo

from regional_map.db.connection import connect, transaction
from regional_map.places import audit


@pytest.fixture
def store(demo_db_path, tmp_path):
    path = writable_demo(demo_db_path, tmp_path)
    add_user(path, "mod", "moderator")
    return path


SUGGESTION = {"name": "Hoeve De Zonnebloem", "kind": "farm_shop", "street": "Kerkstraat",
              "housenumber": "12", "postcode": "9000", "city": "Gent",
              "opening_hours": "Sa 09:00-12:00", "products": "eieren, aardappelen",
              "description": "Eggs and potatoes from the farm"}


def _suggest(client, data: dict):
    token = form_token(client, "/contribute/place")
    return client.post("/contribute/place", data={"csrf_token": token, **data})


def _count(path, sql, *args):
    conn = connect(path)
    try:
        return conn.execute(sql, args).fetchone()[0]
    finally:
        conn.close()


def test_a_suggested_place_waits_in_the_queue_and_is_not_on_the_map(store):
    client = make_app(store).test_client()
    response = _suggest(client, SUGGESTION)
    assert response.status_code == 200
    assert "checked by a moderator" in response.get_data(as_text=True)
    assert _count(store, "SELECT COUNT(*) FROM submissions WHERE status = 'pending'") == 1
    assert _count(store, "SELECT COUNT(*) FROM places WHERE name = ?", SUGGESTION["name"]) == 0
    found = client.get("/api/places?q=zonnebloem&limit=1000").get_json()
    assert SUGGESTION["name"] not in {f["properties"]["name"] for f in found["features"]}


def test_approving_a_suggestion_publishes_it_with_its_history(store):
    client = make_app(store).test_client()
    _suggest(client, SUGGESTION)
    sign_in(client, "mod")
    queue = client.get("/admin/").get_data(as_text=True)
    assert "Hoeve De Zonnebloem" in queue
    token = form_token(client, "/admin/")
    submission = _count(store, "SELECT id FROM submissions")
    approved = client.post(f"/admin/submissions/{submission}",
                           data={"csrf_token": token, "decision": "approve", "note": "known"})
    assert approved.status_code == 302
    place_id = _count(store, "SELECT id FROM places WHERE name = ?", SUGGESTION["name"])
    assert approved.headers["Location"].endswith(f"/admin/places/{place_id}")
    place = client.get(f"/api/places/{place_id}").get_json()["properties"]
    assert set(place["products"]) >= {"eggs", "potatoes"} and place["kind"] == "farm_shop"
    found = client.get("/api/places?q=zonnebloem&limit=1000").get_json()
    assert place_id in {f["id"] for f in found["features"]}
    conn = connect(store)
    history = audit.history(conn, "place", place_id)
    conn.close()
    assert history[0]["actor"] == "user:mod" and history[0]["action"] == "create"
    assert "suggestion" in history[0]["reason"]


def test_a_rejected_suggestion_never_reaches_the_map(store):
    client = make_app(store).test_client()
    _suggest(client, SUGGESTION)
    sign_in(client, "mod")
    token = form_token(client, "/admin/")
    submission = _count(store, "SELECT id FROM submissions")
    client.post(f"/admin/submissions/{submission}", data={"csrf_token": token,
                                                          "decision": "reject"})
    assert _count(store, "SELECT status FROM submissions") == "rejected"
    assert _count(store, "SELECT COUNT(*) FROM places WHERE name = ?", SUGGESTION["name"]) == 0


def test_invalid_suggestions_say_why(store):
    client = make_app(store).test_client()
    for data, reason in (({**SUGGESTION, "name": ""}, "missing name"),
                         ({**SUGGESTION, "opening_hours": "whenever"}, "invalid opening hours"),
                         ({**SUGGESTION, "postcode": "0001", "city": ""}, "0001")):
        response = _suggest(client, data)
        assert response.status_code == 400 and reason in response.get_data(as_text=True)
    assert _count(store, "SELECT COUNT(*) FROM submissions") == 0


def test_the_honeypot_swallows_bot_submissions(store):
    client = make_app(store).test_client()
    response = _suggest(client, {**SUGGESTION, "homepage": "http://spam.example"})
    assert response.status_code == 200  # the bot is told nothing
    assert _count(store, "SELECT COUNT(*) FROM submissions") == 0


def test_submissions_are_rate_limited_per_client(store):
    client = make_app(store, SUBMISSIONS_PER_HOUR=3).test_client()
    statuses = [_suggest(client, {**SUGGESTION, "name": f"Hoeve {i}"}).status_code
                for i in range(4)]
    assert statuses == [200, 200, 200, 429]
    other = make_app(store, SUBMISSIONS_PER_HOUR=3).test_client()
    token = form_token(other, "/contribute/place")
    response = other.post("/contribute/place", data={"csrf_token": token, **SUGGESTION},
                          environ_base={"REMOTE_ADDR": "127.0.0.9"})
    assert response.status_code == 200  # another client is not blocked
    assert _count(store, "SELECT COUNT(*) FROM submissions") == 4
    assert _count(store, "SELECT COUNT(DISTINCT client) FROM submissions") == 2
    assert _count(store, "SELECT COUNT(*) FROM submissions WHERE client LIKE '127.%'") == 0


def test_a_similar_name_nearby_warns_the_submitter_and_the_moderator(store):
    conn = connect(store)
    existing = conn.execute("SELECT id, name, lat, lon FROM places WHERE name NOT LIKE '%  %' "
                            "AND length(name) > 8 LIMIT 1").fetchone()
    conn.close()
    client = make_app(store).test_client()
    response = _suggest(client, {"name": existing["name"], "kind": "farm_shop",
                                 "lat": str(existing["lat"] + 0.0004),
                                 "lon": str(existing["lon"])})
    assert "similar place already exists" in response.get_data(as_text=True)
    sign_in(client, "mod")
    queue = client.get("/admin/").get_data(as_text=True)
    assert "Likely duplicate of" in queue and existing["id"] in queue


def test_a_problem_report_reaches_the_moderators(store):
    conn = connect(store)
    place_id = conn.execute("SELECT id FROM places LIMIT 1").fetchone()[0]
    conn.close()
    client = make_app(store).test_client()
    page = client.get(f"/places/{place_id}").get_data(as_text=True)
    assert f"/contribute/problem/{place_id}" in page
    token = form_token(client, f"/contribute/problem/{place_id}")
    response = client.post(f"/contribute/problem/{place_id}", data={
        "csrf_token": token, "problem": "closed", "message": "Shut since spring"})
    assert response.status_code == 200
    sign_in(client, "mod")
    assert "Shut since spring" in client.get("/admin/").get_data(as_text=True)


def test_an_edit_is_logged_and_can_be_reverted(store):
    conn = connect(store)
    place_id, name = conn.execute("SELECT id, name FROM places LIMIT 1").fetchone()
    conn.close()
    client = make_app(store).test_client()
    shown = client.get(f"/api/places/{place_id}").get_json()["properties"]["name"]
    sign_in(client, "mod")
    token = form_token(client, f"/admin/places/{place_id}")
    client.post(f"/admin/places/{place_id}", data={
        "csrf_token": token, "action": "edit", "name": "Vandalised", "reason": "test edit"})
    # A person's name is shown as given, in every language.
    assert client.get(f"/api/places/{place_id}?lang=fr").get_json()["properties"]["name"] == \
        "Vandalised"
    conn = connect(store)
    change = audit.history(conn, "place", place_id)[0]
    assert (change["actor"], change["action"], change["reason"]) == ("user:mod", "edit",
                                                                     "test edit")
    assert change["before"]["name"] == name and change["after"]["name"] == "Vandalised"
    conn.close()
    page = client.get(f"/admin/places/{place_id}").get_data(as_text=True)
    assert "Vandalised" in page and "test edit" in page  # the history is shown
    response = client.post(f"/admin/changes/{change['id']}/revert", data={"csrf_token": token})
    assert response.status_code == 302
    assert _count(store, "SELECT name FROM places WHERE id = ?", place_id) == name
    assert client.get(f"/api/places/{place_id}").get_json()["properties"]["name"] == shown


def test_a_change_overwritten_later_cannot_be_reverted_alone(store):
    conn = connect(store)
    place_id = conn.execute("SELECT id FROM places LIMIT 1").fetchone()[0]
    first = audit.apply_place_edit(conn, place_id, {"phone": "1"}, None, actor="user:mod")
    audit.apply_place_edit(conn, place_id, {"phone": "2"}, None, actor="user:mod")
    with pytest.raises(audit.RevertError, match="phone changed again"):
        audit.revert(conn, first, actor="user:mod")
    conn.close()


def test_imports_are_changes_attributed_to_their_source(demo_conn):
    entry = demo_conn.execute(
        "SELECT actor, after FROM changes WHERE action = 'import' AND entity_id = 'osm'"
    ).fetchone()
    assert entry["actor"] == "import:osm" and '"created": 1703' in entry["after"]
    assert demo_conn.execute("SELECT COUNT(*) FROM changes WHERE actor = 'import:osm' AND "
                             "action = 'create'").fetchone()[0] == 1703


def test_merging_a_duplicate_closes_it_and_moves_its_links(store):
    conn = connect(store)
    keep, dup, other = [r[0] for r in conn.execute("SELECT id FROM places LIMIT 3")]
    from regional_map.places.store import upsert_link

    with transaction(conn):
        upsert_link(conn, from_kind="place", from_id=dup, type="supplies", to_kind="place",
                    to_id=other)
    conn.close()
    client = make_app(store).test_client()
    sign_in(client, "mod")
    token = form_token(client, f"/admin/places/{dup}")
    client.post(f"/admin/places/{dup}", data={"csrf_token": token, "action": "merge",
                                              "keep": keep})
    conn = connect(store)
    assert conn.execute("SELECT status FROM places WHERE id = ?", (dup,)).fetchone()[0] == \
        "closed"
    assert conn.execute("SELECT from_id FROM links WHERE to_id = ?", (other,)).fetchone()[0] == \
        keep
    conn.close()


def test_behind_a_proxy_the_forwarded_client_address_is_rate_limited(store):
    behind_proxy = make_app(store, SUBMISSIONS_PER_HOUR=1, PROXY_HOPS=1).test_client()
    statuses = []
    for client_ip in ("203.0.113.1", "203.0.113.2", "203.0.113.2"):
        token = form_token(behind_proxy, "/contribute/place")
        statuses.append(behind_proxy.post(
            "/contribute/place", data={"csrf_token": token, **SUGGESTION},
            headers={"X-Forwarded-For": client_ip}).status_code)
    assert statuses == [200, 200, 429]
    # Without a proxy configured the header is ignored: a client cannot pick its address.
    direct = make_app(store, SUBMISSIONS_PER_HOUR=1).test_client()
    token = form_token(direct, "/contribute/place")
    first = direct.post("/contribute/place", data={"csrf_token": token, **SUGGESTION},
                        headers={"X-Forwarded-For": "198.51.100.1"})
    second = direct.post("/contribute/place", data={"csrf_token": token, **SUGGESTION},
                         headers={"X-Forwarded-For": "198.51.100.2"})
    assert (first.status_code, second.status_code) == (200, 429)
