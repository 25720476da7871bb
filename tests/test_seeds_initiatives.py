"""Every initiative the two seed documents (``shared/seeds/*.txt``) name is in the demo,
found by the one search, with its kind, its links and its source — and without invented
points: a network gets an area (or nothing) where its source states one, never a marker."""

from __future__ import annotations

import pytest

# (search text, type, id, kind, source) for each initiative the documents name. ZLTO: the
# session report on farmers' cooperatives; LLABIO: the talk on local food networks.
INITIATIVES = [
    ("Oregional", "network", "oregional", "cooperative", "seed-zlto"),
    ("Boerenhart", "network", "boerenhart", "cooperative", "seed-zlto"),
    ("De Vroente", "network", "de-vroente", "cooperative", "seed-llabio"),
    ("Korte-ketenwinkel van De Vroente", "place", "seed-llabio-de-vroente-winkel",
     "cooperative_shop", "seed-llabio"),
    ("La Fabrique Circuit Court", "network", "la-fabrique-circuit-court", "processing_hub",
     "seed-llabio"),
    ("La Fabrique Circuit Court", "place", "seed-llabio-la-fabrique-circuit-court",
     "processing_hub", "seed-llabio"),
    ("Boer Koos", "place", "seed-llabio-boer-koos", "shortchain_supermarket", "seed-llabio"),
    ("Voedselteams", "network", "voedselteams", "distribution_platform", "seed-llabio"),
    ("Vanier", "network", "vanier", "distribution_platform", "seed-llabio"),
    ("Kortom", "network", "kortom", "distribution_platform", "seed-llabio"),
    ("Paysans-Artisans", "network", "paysans-artisans", "producer_consumer_coop",
     "seed-llabio"),
    ("Lekker Geel", "network", "lekker-geel", "municipal_showcase", "seed-llabio"),
    ("Stad Gent", "network", "stad-gent-korte-keten", "municipal_showcase", "seed-llabio"),
    ("De Goedinge", "network", "de-goedinge", "other", "seed-llabio"),
    ("De Goedinge", "place", "seed-llabio-de-goedinge", "producer", "seed-llabio"),
    ("Veehouder naast De Goedinge", "place", "seed-llabio-veehouder-naast-de-goedinge",
     "producer", "seed-llabio"),
    ("Food Hub Leuven", "network", "food-hub-leuven", "other", "seed-llabio"),
    ("Manger Demain", "network", "manger-demain", "other", "seed-llabio"),
    ("OCMW-keukens", "network", "namur-ocmw-keukens", "other", "seed-llabio"),
    ("OCMW-keukens van Namen", "place", "seed-llabio-ocmw-keukens-namur",
     "institution_kitchen", "seed-llabio"),
]

# Links the documents state, as (from, type, to) — each must be in the demo.
LINKS = [
    ("place:seed-llabio-de-vroente-winkel", "sells_products_of", "network:de-vroente"),
    ("network:de-vroente", "supplies", "network:voedselteams"),
    ("place:seed-llabio-la-fabrique-circuit-court", "processes_for",
     "network:paysans-artisans"),
    ("place:seed-llabio-de-goedinge", "exchanges_with",
     "place:seed-llabio-veehouder-naast-de-goedinge"),
    ("place:osm-node-5924557283", "member_of", "network:paysans-artisans"),
    ("place:seed-llabio-ocmw-keukens-namur", "member_of", "network:namur-ocmw-keukens"),
]


@pytest.mark.parametrize(("q", "kind_of", "ident", "kind", "source"), INITIATIVES,
                         ids=[f"{i[1]}:{i[2]}" for i in INITIATIVES])
def test_every_seed_initiative_is_found_with_its_kind_and_source(client, q, kind_of, ident,
                                                                 kind, source):
    body = client.get("/api/search", query_string={"q": q, "limit": 10}).get_json()
    assert body["corrected"] is False
    group = next(g for g in body["groups"] if g["type"] == kind_of)
    item = next(i for i in group["items"] if i["id"] == ident)
    assert item["kind"] == kind
    record = client.get(item["url"], headers={"Accept": "application/json"}).get_json()
    if kind_of == "network":
        assert record["source_id"] == source and record["type"] == kind
        assert record["lat"] is None  # a network never gets an invented point
    else:
        props = record["properties"]
        assert props["source_id"] == source
        assert props["geocode_precision"] == "municipality"  # the town, as the source says


def test_seed_links_are_all_there(demo_conn):
    rows = {(f"{r['from_kind']}:{r['from_id']}", r["type"], f"{r['to_kind']}:{r['to_id']}")
            for r in demo_conn.execute("SELECT * FROM links")}
    missing = [link for link in LINKS if link not in rows]
    assert not missing


def test_networks_with_a_stated_area_have_one_and_the_others_say_none(client):
    areas = {f["properties"]["network"]: f["properties"] for f in
             client.get("/api/areas").get_json()["features"]}
    assert {"kortom", "de-vroente", "paysans-artisans", "lekker-geel", "de-goedinge",
            "stad-gent-korte-keten", "namur-ocmw-keukens"} <= set(areas)
    assert areas["kortom"]["approximate"] is False  # Leuven's boundary is shipped
    assert areas["paysans-artisans"]["approximate"] is True  # Namur: no Walloon boundary
    assert "does not name them" in areas["paysans-artisans"]["note"]
    assert areas["manger-demain"]["approximate"] is True  # Wallonia, from its 5 provinces
    assert len(areas["manger-demain"]["municipalities"]) == 261
    for none in ("oregional", "boerenhart", "voedselteams", "vanier"):
        assert none not in areas
        page = client.get(f"/networks/{none}?lang=en").get_data(as_text=True)
        assert "not stated in the source" in page


def test_seed_record_pages_cite_their_source_and_mark_english_text(client):
    page = client.get("/networks/kortom?lang=nl").get_data(as_text=True)
    assert 'class="network-description" lang="en"' in page
    assert "LLABIO" in page  # the source on the record
    place = client.get("/places/seed-llabio-boer-koos?lang=fr").get_data(as_text=True)
    assert 'class="place-description" lang="en"' in place
    assert 'data-precision="municipality"' in place


def test_the_demo_has_the_kinds_the_seeds_are_about(demo_conn):
    kinds = dict(demo_conn.execute("SELECT kind, COUNT(*) FROM places GROUP BY kind"))
    assert kinds.get("institution_kitchen", 0) >= 1
    assert kinds.get("processing_hub", 0) >= 1 and kinds.get("cooperative_shop", 0) >= 1


def test_empty_sections_are_hidden_and_an_empty_area_says_so(client):
    # Oregional states no place, area or link: no empty "Places" or "In the data" headings.
    page = client.get("/networks/oregional?lang=en").get_data(as_text=True)
    assert "<h2>Places</h2>" not in page and "<h2>In the data</h2>" not in page
    assert "No places of this network are on the map yet." in page
    # Brugge (West Flanders): the demo's OSM sample stops at 4.26°E.
    brugge = client.get("/municipalities/31005?lang=en").get_data(as_text=True)
    assert "No open data loaded for this area yet" in brugge
    assert "Markets this week" not in brugge and "None recorded yet." not in brugge
    gent = client.get("/municipalities/44021?lang=en").get_data(as_text=True)
    assert "No open data loaded" not in gent and "By kind" in gent


def test_english_fragments_on_dutch_pages_carry_lang(client):
    page = client.get("/?q=Voedselteams&lang=nl").get_data(as_text=True)
    assert '<span class="schedule" lang="en">two moments a week' in page
    network = client.get("/networks/paysans-artisans?lang=nl").get_data(as_text=True)
    assert '<span class="figure-what" lang="en">producers</span>' in network
    assert '<q lang="nl">' in network  # the quoted source text is Dutch
    english = client.get("/networks/paysans-artisans?lang=en").get_data(as_text=True)
    assert 'class="network-description" lang=' not in english


def test_a_municipality_lists_the_networks_whose_area_covers_it(client):
    leuven = client.get("/municipalities/24062?lang=en").get_data(as_text=True)
    assert 'data-id="kortom"' in leuven and "area of activity" in leuven
    assert 'data-id="food-hub-leuven"' not in leuven  # closed
    body = client.get("/municipalities/24062.json").get_json()
    kortom = next(n for n in body["networks"] if n["id"] == "kortom")
    assert kortom["by_area"] is True and kortom["places"] == 0
