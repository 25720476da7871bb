"""Freshness: "may be outdated" after 12 months, off the default map after 24, and owners who
confirm or update through their personal link."""

from __future__ import annotations

import re
from datetime import date

import pytest
from trust_world import add_user, form_token, make_app, sign_in, writable_demo

from regional_map.db.connection import connect
from regional_map.places import audit
from regional_map.places.freshness import (
    confirm_place,
    create_owner_token,
    months_before,
    place_for_token,
    state,
)


@pytest.fixture
def store(demo_db_path, tmp_path):
    path = writable_demo(demo_db_path, tmp_path)
    add_user(path, "mod", "moderator")
    return path


def _dated(store, when: str) -> tuple[str, str, str]:
    """Three places confirmed long ago, a year and a half ago, and today."""
    conn = connect(store)
    ids = [r[0] for r in conn.execute("SELECT id FROM places WHERE last_confirmed IS NULL "
                                      "ORDER BY num LIMIT 3")]
    today = date.fromisoformat(when)
    for place_id, confirmed in zip(ids, (months_before(today, 30), months_before(today, 18),
                                         today), strict=True):
        conn.execute("UPDATE places SET last_confirmed = ? WHERE id = ?",
                     (confirmed.isoformat(), place_id))
    conn.close()
    return tuple(ids)


def test_freshness_states_follow_the_two_settings():
    today = date(2026, 11, 24)
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert state({"last_confirmed": "2026-01-01"}, today, 12, 24) == "fresh"
    assert state({"last_confirmed": "2025-06-01"}, today, 12, 24) == "stale"
    assert state({"last_confirmed": "2024-06-01"}, today, 12, 24) == "hidden"
    assert state({"last_confirmed": None, "created_at": "2026-11-01T10:00:00Z"}, today,
                 12, 24) == "fresh"
    assert state({"last_confirmed": "2024-06-01"}, today, 12, 0) == "stale"  # 0: never hide


def test_places_unconfirmed_for_24_months_drop_off_the_default_map(store):
    old, stale, fresh = _dated(store, date.today().isoformat())
    client = make_app(store, HIDE_AFTER_MONTHS=24).test_client()
    total = client.get("/api/places?limit=1").get_json()["numberMatched"]
    everything = client.get("/api/places?limit=1&stale=include").get_json()["numberMatched"]
    conn = connect(store)
    hidden = conn.execute("SELECT COUNT(*) FROM places WHERE status != 'closed' AND "
                          "COALESCE(last_confirmed, substr(created_at, 1, 10)) < ?",
                          (months_before(date.today(), 24).isoformat(),)).fetchone()[0]
    conn.close()
    assert everything - total == hidden >= 1
    assert client.get(f"/api/places/{old}").status_code == 200  # still there as data
    clusters = client.get("/api/clusters?bbox=-180,-85,180,85&zoom=18").get_json()
    cluster_ids = {f["id"] for f in clusters["features"] if "id" in f}
    assert old not in cluster_ids and stale in cluster_ids and fresh in cluster_ids
    assert client.get(f"/places/{old}").status_code == 200  # its page stays


def test_a_place_unconfirmed_for_12_months_is_marked_may_be_outdated(store):
    _old, stale, fresh = _dated(store, date.today().isoformat())
    client = make_app(store).test_client()
    assert "may be outdated" in client.get(f"/places/{stale}").get_data(as_text=True)
    assert "may be outdated" not in client.get(f"/places/{fresh}").get_data(as_text=True)
    for place_id, expected in ((stale, True), (fresh, False)):
        lat, lon = client.get(f"/api/places/{place_id}").get_json()["geometry"]["coordinates"][
            ::-1]
        box = f"{lon - 1e-5},{lat - 1e-5},{lon + 1e-5},{lat + 1e-5}"
        listed = client.get(f"/?bbox={box}").get_data(as_text=True)
        assert place_id in listed and ("may be outdated" in listed) is expected


def test_an_owner_confirms_through_a_personal_link(store):
    _old, stale, _fresh = _dated(store, date.today().isoformat())
    client = make_app(store).test_client()
    sign_in(client, "mod")
    token = form_token(client, f"/admin/places/{stale}")
    page = client.post(f"/admin/places/{stale}", data={"csrf_token": token,
                                                        "action": "owner_token"})
    link = re.search(r'<code class="owner-link">([^<]+)</code>', page.get_data(as_text=True))
    assert link, "the admin shows the owner's link"
    path = link.group(1).split("localhost", 1)[-1]

    owner = make_app(store).test_client()
    form = owner.get(path)
    assert form.status_code == 200 and "may be outdated" in form.get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.get_data(as_text=True)).group(1)
    done = owner.post(path, data={"csrf_token": csrf, "action": "confirm"})
    assert "confirmed as correct" in done.get_data(as_text=True)
    conn = connect(store)
    confirmed = conn.execute("SELECT last_confirmed FROM places WHERE id = ?",
                             (stale,)).fetchone()[0]
    assert confirmed == date.today().isoformat()
    assert audit.history(conn, "place", stale)[0]["actor"] == f"owner:{stale}"
    conn.close()
    updated = owner.post(path, data={"csrf_token": csrf, "action": "update",
                                     "opening_hours": "Fr 14:00-18:00", "phone": "+32 9 000"})
    assert updated.status_code == 200
    assert owner.get(f"/api/places/{stale}").get_json()["properties"]["opening_hours"] == \
        "Fr 14:00-18:00"
    assert owner.get("/contribute/owner/not-a-token").status_code == 404


def test_a_new_owner_link_replaces_the_old_one(store):
    conn = connect(store)
    place_id = conn.execute("SELECT id FROM places LIMIT 1").fetchone()[0]
    first = create_owner_token(conn, place_id, "user:mod")
    second = create_owner_token(conn, place_id, "user:mod")
    assert place_for_token(conn, first) is None and place_for_token(conn, second) == place_id
    assert conn.execute("SELECT COUNT(*) FROM owner_tokens WHERE token_hash = ?",
                        (second,)).fetchone()[0] == 0  # only a hash is stored
    assert confirm_place(conn, place_id, "user:mod") is not None
    conn.close()
