"""DFC JSON-LD export: documents expand offline (contexts from the app) to DFC-typed nodes."""

from __future__ import annotations

from pyld import jsonld

from regional_map.formats.dfc_taxonomy import DFC_B, DFC_PT, RM, SKOS, load_taxonomy
from regional_map.places.vocab import load_vocabulary
from tests.dfc_world import app_loader, nodes_by_type

LD = "application/ld+json"


def _expand(client, url):
    response = client.get(url, headers={"Accept": LD})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == LD
    document = response.get_json()
    return document, jsonld.expand(document, {"documentLoader": app_loader(client)})


def test_enterprises_expand_with_the_apps_context_to_dfc_enterprises(client):
    document, expanded = _expand(client, "/api/dfc/enterprises?product=eggs&limit=5")
    assert document["@context"] == "http://localhost/api/dfc/context.jsonld"
    enterprises = nodes_by_type(expanded, DFC_B + "Enterprise")
    assert len(enterprises) == 5
    addresses = {n["@id"]: n for n in nodes_by_type(expanded, DFC_B + "Address")}
    products = nodes_by_type(expanded, DFC_B + "SuppliedProduct")
    for enterprise in enterprises:
        assert enterprise[DFC_B + "name"][0]["@value"]
        address = addresses[enterprise[DFC_B + "hasAddress"][0]["@id"]]
        assert isinstance(address[DFC_B + "latitude"][0]["@value"], float)
        assert 49 < address[DFC_B + "latitude"][0]["@value"] < 54
    # Every one of them offers eggs, typed with the DFC product type of eggs.
    egg_type = load_taxonomy().dfc_type("eggs")
    assert egg_type == DFC_PT + "egg"
    typed = [p for p in products if p.get(DFC_B + "hasType", [{}])[0].get("@id") == egg_type]
    assert len(typed) == 5
    # The licence travels with the data: each enterprise names its dataset, which says ODbL.
    [dataset] = nodes_by_type(expanded, RM + "Dataset")
    assert dataset[RM + "licence"][0]["@value"] == "ODbL-1.0"
    assert "OpenStreetMap" in dataset[RM + "attribution"][0]["@value"]
    assert all(e[RM + "source"][0]["@id"] == dataset["@id"] for e in enterprises)


def test_expand_then_compact_against_the_shipped_context_gives_the_same_graph(client):
    document, expanded = _expand(client, "/api/dfc/enterprises?kind=farm_shop&limit=3")
    loader = app_loader(client)
    compacted = jsonld.compact(expanded, document["@context"], {"documentLoader": loader})
    assert any("dfc-b:name" in node for node in compacted["@graph"])
    again = jsonld.expand(compacted, {"documentLoader": loader})
    assert jsonld.normalize(again, {"algorithm": "URDNA2015", "format": "application/n-quads"}) \
        == jsonld.normalize(expanded, {"algorithm": "URDNA2015",
                                       "format": "application/n-quads"})


def test_one_enterprise_has_its_opening_hours_as_dfc_specifications(client, demo_conn):
    row = demo_conn.execute(
        "SELECT id FROM places WHERE opening_hours = 'Mo-Sa 08:00-20:00' LIMIT 1").fetchone()
    assert row is not None
    _document, expanded = _expand(client, f"/api/dfc/enterprises/{row['id']}")
    specs = nodes_by_type(expanded, DFC_B + "OpeningHoursSpecification")
    assert len(specs) == 6
    days = {s[DFC_B + "dayOfWeek"][0]["@id"].rsplit("#", 1)[1] for s in specs}
    assert "Sunday" not in days and "Saturday" in days
    assert {s[DFC_B + "opens"][0]["@value"] for s in specs} == {"08:00"}
    enterprise = nodes_by_type(expanded, DFC_B + "Enterprise")[0]
    assert enterprise[RM + "openingHours"][0]["@value"] == "Mo-Sa 08:00-20:00"


def test_a_network_is_an_enterprise_group_affiliated_by_its_members(client):
    _document, expanded = _expand(client, "/api/dfc/enterprises/de-goedinge")
    group = nodes_by_type(expanded, DFC_B + "Enterprise")[0]
    members = [m["@id"] for m in group[DFC_B + "affiliatedBy"]]
    assert "http://localhost/api/dfc/enterprises/seed-llabio-de-goedinge" in members
    _document, member = _expand(client, "/api/dfc/enterprises/seed-llabio-de-goedinge")
    enterprise = nodes_by_type(member, DFC_B + "Enterprise")[0]
    assert {"@id": group["@id"]} in enterprise[DFC_B + "affiliates"]
    _document, groups = _expand(client, "/api/dfc/enterprise_groups")
    assert group["@id"] in {n["@id"] for n in nodes_by_type(groups, DFC_B + "Enterprise")}


def test_the_product_taxonomy_is_skos_covering_every_product_code(client):
    _document, expanded = _expand(client, "/api/dfc/product-types.jsonld")
    concepts = nodes_by_type(expanded, SKOS + "Concept")
    assert all(c["@id"].startswith(DFC_PT) for c in concepts)
    codes = {v["@value"] for c in concepts for v in c.get(SKOS + "notation", [])}
    vocabulary = load_vocabulary()
    assert codes == set(vocabulary.products) | set(vocabulary.categories)
    labels = {v["@language"] for c in concepts for v in c[SKOS + "prefLabel"]}
    assert labels == {"en", "fr", "nl"}


def test_content_negotiation_and_revalidation(client):
    plain = client.get("/api/dfc/enterprises?limit=1", headers={"Accept": "application/json"})
    assert plain.mimetype == "application/json" and "@graph" in plain.get_json()
    default = client.get("/api/dfc/enterprises?limit=1")
    assert default.mimetype == LD
    again = client.get("/api/dfc/enterprises?limit=1",
                       headers={"If-None-Match": default.headers["ETag"]})
    assert again.status_code == 304


def test_paging_links_and_errors(client):
    document = client.get("/api/dfc/enterprises?limit=2&kind=farm_shop").get_json()
    page = document["@graph"][0]
    assert page["rm:numberReturned"] == 2 and page["rm:numberMatched"] > 2
    assert "offset=2" in page["rm:next"]["@id"]
    missing = client.get("/api/dfc/enterprises/no-such-place")
    assert missing.status_code == 404 and "no-such-place" in missing.get_json()["error"]["message"]
    bad = client.get("/api/dfc/enterprises?kind=spaceport")
    assert bad.status_code == 400 and bad.get_json()["error"]["details"] == {"parameter": "kind"}
