"""Change feeds: valid Atom and JSON Feed (read back with feedparser) holding the right entries
after an edit, a close and an import, filtered by municipality, network, kind and bbox."""

from __future__ import annotations

import feedparser
import pytest

from regional_map.db.connection import connect
from regional_map.ingest.importer import import_file
from regional_map.places.audit import apply_place_edit
from regional_map.provision import load_demo
from regional_map.web.app import create_app
from tests.conftest import FIXTURES

EDITED = "osm-node-10031660117"  # Stadsboerderij Osdorp, Amsterdam (GM0363)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A demo store, then an edit, a close and a DFC import, in that order."""
    path = tmp_path_factory.mktemp("feeds") / "feeds.db"
    conn = connect(path)
    load_demo(conn)
    apply_place_edit(conn, EDITED, {"phone": "020 123 4567"}, None, actor="user:alice",
                     reason="called")
    closed = conn.execute("SELECT id FROM places WHERE kind = 'vending_machine' "
                          "AND municipality_code = '24062' LIMIT 1").fetchone()["id"]
    # What a moderator's "close" writes (trust.moderation.close_place).
    apply_place_edit(conn, closed, {"status": "closed", "closed_on": "2026-11-30"}, None,
                     actor="user:alice", action="close", reason="machine removed")
    import_file(conn, FIXTURES / "dfc" / "ofn_enterprises.jsonld", source="ofn",
                default_kind="farm_shop")
    conn.close()
    app = create_app({"DB": str(path), "HIDE_AFTER_MONTHS": 0})
    app.config["TESTING"] = True
    return app.test_client(), closed


def _atom(client, query=""):
    response = client.get(f"/feeds/changes.atom{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/atom+xml"
    parsed = feedparser.parse(response.get_data())
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.version == "atom10"
    return parsed


def test_the_atom_feed_holds_the_import_the_close_and_the_edit_newest_first(world):
    client, closed = world
    parsed = _atom(client, "?limit=4")
    titles = [e.title for e in parsed.entries]
    assert titles[:2] == ["Added: Zuivelboerderij Het Klaverblad", "Added: Hoeve De Kromme Akker"]
    assert titles[2].startswith("Closed: ")
    assert titles[3] == "Updated: Stadsboerderij Osdorp"
    edit = parsed.entries[3]
    assert "phone:  → 020 123 4567" in edit.content[0].value
    assert "by moderator" in edit.content[0].value and "alice" not in edit.content[0].value
    assert edit.link.endswith(f"/places/{EDITED}")
    assert {t.term for t in parsed.entries[2].tags} >= {"closed", "vending_machine"}
    assert parsed.entries[2].link.endswith(f"/places/{closed}")
    assert "OpenStreetMap" in parsed.feed.rights


def test_the_json_feed_is_version_1_1_with_the_same_entries(world):
    client, _closed = world
    atom = _atom(client, "?limit=4")
    response = client.get("/feeds/changes.json?limit=4")
    assert response.mimetype == "application/feed+json"
    feed = response.get_json()
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert [i["id"] for i in feed["items"]] == [e.id for e in atom.entries]
    item = feed["items"][3]["_regional_map"]
    assert item["type"] == "updated" and item["fields"]["phone"]["new"] == "020 123 4567"
    # JSON Feed 1.1: every item has an id and content_text; dates are RFC 3339.
    for entry, item in zip(atom.entries, feed["items"], strict=True):
        assert item["title"] == entry.title and item["content_text"]
        assert item["date_modified"].endswith("+00:00")


def test_feeds_per_municipality_network_kind_and_bbox(world):
    client, closed = world
    leuven = _atom(client, "?municipality=24062")
    assert leuven.entries[0].title == "Added: Zuivelboerderij Het Klaverblad"
    assert leuven.entries[1].link.endswith(f"/places/{closed}")
    assert not any(e.link.endswith(f"/places/{EDITED}") for e in leuven.entries)
    amsterdam = _atom(client, "?bbox=4.75,52.34,4.82,52.38")
    assert amsterdam.entries[0].title == "Updated: Stadsboerderij Osdorp"
    machines = _atom(client, "?kind=vending_machine&limit=1")
    assert machines.entries[0].title.startswith("Closed: ")
    network = _atom(client, "?network=de-goedinge")
    assert network.entries and all("Goedinge" in e.title for e in network.entries)
    assert _atom(client, "?network=no-such-network").entries == []
    bad = client.get("/feeds/changes.atom?kind=spaceport")
    assert bad.status_code == 400 and bad.get_json()["error"]["details"]["parameter"] == "kind"


def test_feeds_are_cacheable_with_an_etag(world):
    client, _closed = world
    first = client.get("/feeds/changes.atom")
    etag = first.headers["ETag"]
    again = client.get("/feeds/changes.atom", headers={"If-None-Match": etag})
    assert again.status_code == 304
    other = client.get("/feeds/changes.atom?kind=farm_shop", headers={"If-None-Match": etag})
    assert other.status_code == 200


def test_the_recently_changed_page_lists_the_changes_with_feed_links(world):
    client, _closed = world
    response = client.get("/recent?municipality=24062")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'type="application/atom+xml" href="/feeds/changes.atom?municipality=24062"' in html
    assert "Zuivelboerderij Het Klaverblad" in html and "<script>" not in html
