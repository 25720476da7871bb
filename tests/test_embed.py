"""The embeddable map, its builder and oEmbed: parameters, list alternative, headers."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

FILTER = "municipality=GM0363&kind=farm_shop,vending_machine"


def _expected(client, code: str, kinds: tuple[str, ...]) -> set[str]:
    """What the API shows for these filters (the same query layer as the embed)."""
    body = client.get(f"/api/places?municipality={code}&kind={','.join(kinds)}&limit=1000"
                      ).get_json()
    return {f["id"] for f in body["features"]}


def _list_ids(html: str) -> set[str]:
    return set(re.findall(r'<li class="result" data-id="([^"]+)"', html))


def test_embed_lists_exactly_the_filtered_places_with_the_map_query(client):
    response = client.get(f"/embed?{FILTER}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    expected = _expected(client, "GM0363", ("farm_shop", "vending_machine"))
    assert expected and _list_ids(html) == expected
    query = unescape(re.search(r'data-query="([^"]*)"', html).group(1))
    assert parse_qs(query) == {"municipality": ["GM0363"],
                               "kind": ["farm_shop,vending_machine"]}
    # The map fits the municipality's boundary and draws it; attribution and the full map.
    assert re.search(r'data-bounds="4\.72876\d*,52\.27798\d*,5\.10603\d*,52\.43106\d*"', html)
    assert 'data-boundary-urls="/api/municipalities/GM0363"' in html
    assert "OpenStreetMap contributors" in html
    full = unescape(re.search(r'class="embed-full" href="([^"]+)"', html).group(1))
    assert parse_qs(urlsplit(full).query) == parse_qs(query)
    assert 'class="site-header"' not in html  # no site header in an iframe


def test_embed_may_be_framed_anywhere_and_sets_no_cookie(client):
    response = client.get(f"/embed?{FILTER}&lang=fr")
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in response.headers
    assert "Set-Cookie" not in response.headers
    assert 'lang="fr"' in response.get_data(as_text=True)
    builder = client.get("/embed/builder")
    assert builder.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in builder.headers["Content-Security-Policy"]
    page = client.get("/municipalities/GM0363")
    assert page.headers["X-Frame-Options"] == "DENY"


def test_embed_display_options_list_first_zoom_and_places_around_the_border(client,
                                                                            demo_conn):
    html = client.get("/embed?municipality=GM0363&first=list&zoom=13").get_data(as_text=True)
    assert html.index('id="embed-list"') < html.index('id="embed-map"')
    assert 'data-zoom="13"' in html
    inside = _list_ids(client.get("/embed?municipality=GM0363").get_data(as_text=True))
    around = client.get("/embed?municipality=GM0363&around_km=5").get_data(as_text=True)
    query = parse_qs(unescape(re.search(r'data-query="([^"]*)"', around).group(1)))
    assert "municipality" not in query and "bbox" in query
    around_ids = _list_ids(around)
    assert inside < around_ids  # the places of Amsterdam and more, just outside
    outside = demo_conn.execute(
        f"SELECT municipality_code FROM places WHERE id IN ({', '.join('?' * len(around_ids))})",  # noqa: S608
        sorted(around_ids)).fetchall()
    assert {r[0] for r in outside} - {"GM0363"}


def test_embed_rejects_bad_parameters_with_a_message(client):
    for query, name in (("kind=castle", "kind"), ("first=side", "first"), ("zoom=40", "zoom"),
                        ("around_km=5", "around_km"), ("lang=de", "lang")):
        response = client.get(f"/embed?{query}")
        assert response.status_code == 400, query
        assert f"{name}:" in response.get_data(as_text=True)


def test_builder_snippet_src_is_the_preview_src(client):
    response = client.get(f"/embed/builder?{FILTER}&height=420&first=list")
    html = response.get_data(as_text=True)
    snippet = unescape(re.search(r'<textarea id="embed-snippet"[^>]*>(.*?)</textarea>', html,
                                 re.S).group(1))
    src = re.search(r'<iframe src="([^"]+)"', snippet).group(1)
    preview = re.search(r'<iframe id="embed-preview" class="embed-preview" src="([^"]+)"',
                        html).group(1)
    assert unescape(src) == unescape(preview)
    assert unescape(src).startswith("http://localhost/embed?")
    assert parse_qs(urlsplit(unescape(src)).query) == {
        "municipality": ["GM0363"], "kind": ["farm_shop,vending_machine"], "first": ["list"]}
    assert 'height="420"' in snippet
    twin = client.get(f"/embed/builder?{FILTER}&height=420&first=list&format=json").get_json()
    assert twin["snippet"] == snippet and twin["src"] == unescape(src)


def test_builder_joins_checkbox_kinds_like_the_api(client):
    twin = client.get("/embed/builder?kind=farm_shop&kind=farmers_market&format=json"
                      ).get_json()
    assert twin["src"] == "http://localhost/embed?kind=farm_shop%2Cfarmers_market"


@pytest.mark.parametrize("url", [
    "http://localhost/municipalities/GM0363",
    "http://localhost/embed?municipality=GM0363",
    "http://localhost/?municipality=GM0363",
])
def test_oembed_answers_rich_html_for_our_urls(client, url):
    response = client.get("/oembed", query_string={"url": url, "maxwidth": "500"})
    body = response.get_json()
    assert response.status_code == 200
    assert body["type"] == "rich" and body["version"] == "1.0"
    assert body["width"] == 500 and body["height"] > 0
    assert 'src="http://localhost/embed?municipality=GM0363"' in body["html"]
    assert "Amsterdam" in body["title"]


def test_oembed_refuses_other_sites_and_formats(client):
    assert client.get("/oembed", query_string={"url": "https://example.org/embed"}
                      ).status_code == 404
    assert client.get("/oembed", query_string={
        "url": "http://localhost/embed", "format": "xml"}).status_code == 501
    assert client.get("/oembed").status_code == 400


def test_embed_of_several_municipalities_shows_them_all(client):
    both = _list_ids(client.get("/embed?municipality=GM0363,GM0014").get_data(as_text=True))
    amsterdam = _expected(client, "GM0363", ("farm_shop", "vending_machine", "farmers_market",
                                             "beekeeper"))
    groningen = {f["id"] for f in client.get(
        "/api/places?municipality=GM0014&limit=1000").get_json()["features"]}
    assert amsterdam and groningen and (amsterdam | groningen) <= both
    html = client.get("/embed?municipality=GM0363,GM0014").get_data(as_text=True)
    assert ('data-boundary-urls="/api/municipalities/GM0363 /api/municipalities/GM0014"'
            in html)
    assert "Amsterdam, Groningen" in html


def test_embed_speaks_the_language_asked_for(client):
    dutch = client.get("/embed?municipality=GM0363&lang=nl").get_data(as_text=True)
    assert "Open de volledige kaart" in dutch and 'lang="nl"' in dutch
    french = client.get("/embed?municipality=44021&lang=fr").get_data(as_text=True)
    assert "Ouvrir la carte complète" in french and "Circuit court: Gand" in french
