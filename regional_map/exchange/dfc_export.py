"""Places and networks as DFC (Data Food Consortium) JSON-LD: Enterprises with their address,
position, supplied products typed by the DFC product taxonomy and opening hours.

Formatters only: they take the internal place shape (``places.rows``) and plain network
dicts and return JSON-LD nodes in the compact form of the shipped context. Every node id is an
address of this app (``base``), so a document's nodes dereference to the document itself.
A network is an enterprise group: it lists its members with ``dfc-b:affiliatedBy`` and each
member points back with ``dfc-b:affiliates`` (as Open Food Network writes groups).
"""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import quote

from regional_map.formats.dfc_taxonomy import DFC_PT, OWN_CONTEXT_PATH, Taxonomy
from regional_map.hours.opening import week_table

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CONTEXT_PATH = OWN_CONTEXT_PATH


def enterprise_url(base: str, entity_id: str) -> str:
    """The DFC address of a place or a network: ``<base>api/dfc/enterprises/<id>``."""
    return f"{base}api/dfc/enterprises/{quote(entity_id, safe='')}"


def _curie(iri: str) -> str:
    return "dfc-pt:" + iri[len(DFC_PT):] if iri.startswith(DFC_PT) else iri


def opening_specifications(hours: str, country: str, tz: str, today: date) -> list[dict]:
    """Weekly opening spans as ``dfc-b:OpeningHoursSpecification`` values (day, opens, closes).

    Taken from the first week from ``today`` without a public holiday, so holiday rules do not
    masquerade as the usual week; hours that do not parse give none.
    """
    week = week_table(hours, today, country or "BE", tz)
    for offset in range(1, 6):
        if not any(day.holiday for day in week):
            break
        week = week_table(hours, today + timedelta(weeks=offset), country or "BE", tz)
    specs = []
    for day in week:
        for start, end in day.intervals:
            closes = "24:00" if end.hour == 0 and end.minute == 0 else f"{end:%H:%M}"
            specs.append({"day": DAYS[day.weekday], "opens": f"{start:%H:%M}",
                          "closes": closes})
    return specs


def place_nodes(place: dict, base: str, *, taxonomy: Taxonomy, product_names: dict[str, str],
                network_ids: list[str], tz: str, today: date) -> list[dict]:
    """The nodes of one place: its Enterprise, Address, phone, products and opening hours."""
    me = enterprise_url(base, place["id"])
    street = " ".join(v for v in (place["street"], place["housenumber"]) if v)
    address = {"@id": f"{me}#address", "@type": "dfc-b:Address",
               "dfc-b:hasStreet": street, "dfc-b:hasPostalCode": place["postcode"],
               "dfc-b:hasCity": place["city"], "dfc-b:hasCountry": place["country"],
               "dfc-b:latitude": place["lat"], "dfc-b:longitude": place["lon"]}
    enterprise: dict = {
        "@id": me, "@type": "dfc-b:Enterprise", "dfc-b:name": place["name"],
        "dfc-b:hasAddress": address["@id"], "rm:kind": place["kind"],
        "rm:status": place["status"], "rm:licence": place["licence"] or "",
    }
    if place.get("source_id"):
        enterprise["rm:source"] = {"@id": source_url(base, place["source_id"])}
    if place["description"]:
        enterprise["dfc-b:hasDescription"] = place["description"]
    if place["website"]:
        enterprise["dfc-b:websitePage"] = place["website"]
    if place["email"]:
        enterprise["dfc-b:email"] = place["email"]
    nodes = [enterprise, address]
    if place["phone"]:
        enterprise["dfc-b:hasPhoneNumber"] = f"{me}#phone"
        nodes.append({"@id": f"{me}#phone", "@type": "dfc-b:PhoneNumber",
                      "dfc-b:phoneNumber": place["phone"]})
    products = []
    for code in place["products"]:
        node = {"@id": f"{me}#product-{code}", "@type": "dfc-b:SuppliedProduct",
                "dfc-b:name": product_names.get(code, code), "rm:productCode": code}
        dfc_type = taxonomy.dfc_type(code)
        if dfc_type:
            node["dfc-b:hasType"] = _curie(dfc_type)
        products.append(node)
    if products:
        enterprise["dfc-b:supplies"] = [p["@id"] for p in products]
        nodes.extend(products)
    if network_ids:
        enterprise["dfc-b:affiliates"] = [enterprise_url(base, n) for n in network_ids]
    if place["opening_hours"]:
        enterprise["rm:openingHours"] = place["opening_hours"]
        specs = opening_specifications(place["opening_hours"], place["country"], tz, today)
        if specs:
            physical = {"@id": f"{me}#place", "@type": "dfc-b:PhysicalPlace",
                        "dfc-b:hasAddress": address["@id"], "dfc-b:isOpenDuring": []}
            for number, spec in enumerate(specs, start=1):
                spec_id = f"{me}#hours-{number}"
                physical["dfc-b:isOpenDuring"].append(spec_id)
                nodes.append({"@id": spec_id, "@type": "dfc-b:OpeningHoursSpecification",
                              "dfc-b:dayOfWeek": f"dfc-v:{spec['day']}",
                              "dfc-b:opens": spec["opens"], "dfc-b:closes": spec["closes"]})
            enterprise["dfc-b:hasPhysicalPlace"] = physical["@id"]
            nodes.append(physical)
    return nodes


def source_url(base: str, source_id: str) -> str:
    return f"{base}api/sources/{quote(source_id, safe='')}"


def source_nodes(sources: list[dict], base: str, used: set[str]) -> list[dict]:
    """The datasets the places came from, with licence and attribution (ODbL for OSM)."""
    return [{"@id": source_url(base, s["id"]), "@type": "rm:Dataset", "dfc-b:name": s["name"],
             "rm:licence": s["licence"] or "", "rm:attribution": s["attribution"] or s["name"]}
            for s in sources if s["id"] in used]


def network_nodes(network: dict, base: str, member_ids: list[str]) -> list[dict]:
    """A network as an enterprise group: an Enterprise ``affiliatedBy`` its member places."""
    me = enterprise_url(base, network["id"])
    group: dict = {"@id": me, "@type": "dfc-b:Enterprise", "dfc-b:name": network["name"],
                   "rm:kind": "network", "rm:networkType": network["type"]}
    if network.get("description"):
        group["dfc-b:hasDescription"] = network["description"]
    if network.get("website"):
        group["dfc-b:websitePage"] = network["website"]
    if member_ids:
        group["dfc-b:affiliatedBy"] = [enterprise_url(base, m) for m in sorted(member_ids)]
    return [group]


def document(nodes: list[dict], base: str, page: dict | None = None) -> dict:
    """A JSON-LD document referencing the context this app serves.

    ``page`` (``{"url", "matched", "next", "prev"}``) adds a node describing the page, so a
    paged list stays one graph.
    """
    graph = list(nodes)
    if page is not None:
        node = {"@id": page["url"], "@type": "rm:EnterprisePage",
                "rm:numberMatched": page["matched"], "rm:numberReturned": page["returned"]}
        for rel in ("next", "prev"):
            if page.get(rel):
                node[f"rm:{rel}"] = {"@id": page[rel]}
        graph.insert(0, node)
    return {"@context": f"{base}{CONTEXT_PATH}", "@graph": graph}
