"""DFC JSON-LD under ``/api/dfc``: enterprises (places), enterprise groups (networks), and the
context and product-type taxonomy the documents use, served by this app so that a JSON-LD
processor expands them without the internet.

Content negotiation: ``application/ld+json`` by default; a client that prefers
``application/json`` gets the same document under that type.
"""

from __future__ import annotations

import json
from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, request

from regional_map.exchange import dfc_export
from regional_map.exchange.dfc_records import network_members, networks_of_places
from regional_map.formats.dfc_taxonomy import context_document, load_taxonomy, taxonomy_document
from regional_map.networks.records import get_network, list_networks
from regional_map.places.engine import find_places
from regional_map.places.rows import get_place
from regional_map.places.stats import attributions
from regional_map.places.vocab import load_vocabulary
from regional_map.web import openapi
from regional_map.web.context import current_language, get_db, settings
from regional_map.web.errors import ApiError
from regional_map.web.httpcache import cached
from regional_map.web.openapi_schemas import ERROR_RESPONSES
from regional_map.web.params import parse_place_filter

LD_JSON = "application/ld+json"
bp = Blueprint("dfc", __name__, url_prefix="/api/dfc")


def _media_type() -> str:
    best = request.accept_mimetypes.best_match([LD_JSON, "application/json"], default=LD_JSON)
    return best or LD_JSON


def _json_ld(body: dict) -> Response:
    response = Response(json.dumps(body, ensure_ascii=False) + "\n", mimetype=_media_type())
    response.vary.add("Accept")
    return response


def _base() -> str:
    return request.url_root


def _place_nodes(places: list[dict], lang: str) -> list[dict]:
    conn = get_db()
    vocab = load_vocabulary()
    names = {code: product.name(lang) for code, product in vocab.products.items()}
    memberships = networks_of_places(conn, [p["id"] for p in places])
    tz = settings()["TIMEZONE"]
    today = datetime.now(ZoneInfo(tz)).date()
    nodes: list[dict] = []
    for place in places:
        nodes.extend(dfc_export.place_nodes(
            place, _base(), taxonomy=load_taxonomy(), product_names=names,
            network_ids=memberships.get(place["id"], []), tz=tz, today=today))
    used = {p["source_id"] for p in places if p["source_id"]}
    nodes.extend(dfc_export.source_nodes(attributions(conn), _base(), used))
    return nodes


def _page_url(offset: int) -> str:
    args = request.args.to_dict()
    args["offset"] = str(offset)
    return f"{request.base_url}?{urlencode(args)}"


@bp.get("/context.jsonld")
def context():
    """The JSON-LD context of every DFC document here (the DFC prefixes and term types)."""
    return cached(None, "document", lambda: _json_ld(context_document()), _media_type())


@bp.get("/product-types.jsonld")
def product_types():
    """The product-type taxonomy (SKOS) that products are typed with."""
    # The shipped file names its context relative to itself; served here it names ours.
    body = {**taxonomy_document(), "@context": f"{_base()}{dfc_export.CONTEXT_PATH}"}
    return cached(None, "document", lambda: _json_ld(body), _media_type(), _base())


@bp.get("/enterprises")
def enterprises():
    """Places matching the place filters, one page at a time, as DFC Enterprises."""
    f = parse_place_filter(request.args, max_limit=settings()["MAX_PAGE_SIZE"],
                           default_limit=100, tz=settings()["TIMEZONE"])
    lang = current_language()

    def build() -> Response:
        page = find_places(get_db(), f)  # names as stored: an exchange format, not a display
        info = {"url": request.url, "matched": page.total, "returned": len(page.items),
                "next": (_page_url(f.offset + f.limit)
                         if f.offset + len(page.items) < page.total else None),
                "prev": _page_url(max(0, f.offset - f.limit)) if f.offset > 0 else None}
        return _json_ld(dfc_export.document(_place_nodes(page.items, lang), _base(), info))

    return cached(get_db(), "data", build, _media_type(), lang=lang)


@bp.get("/enterprise_groups")
def enterprise_groups():
    """Every network as an enterprise group with its members."""
    lang = current_language()

    def build() -> Response:
        conn = get_db()
        nodes: list[dict] = []
        for network in list_networks(conn, lang):
            nodes.extend(dfc_export.network_nodes(network, _base(),
                                                  network_members(conn, network["id"])))
        return _json_ld(dfc_export.document(nodes, _base()))

    return cached(get_db(), "data", build, _media_type(), lang=lang)


@bp.get("/enterprises/<entity_id>")
def enterprise(entity_id: str):
    """One place as a DFC Enterprise, or one network as an enterprise group."""
    lang = current_language()

    def build() -> Response:
        conn = get_db()
        place = get_place(conn, entity_id)
        if place is not None:
            nodes = _place_nodes([place], lang)
        else:
            network = get_network(conn, entity_id, lang)
            if network is None:
                raise ApiError(404, f"no place or network with id {entity_id!r}")
            nodes = dfc_export.network_nodes(network, _base(), network_members(conn, entity_id))
        return _json_ld(dfc_export.document(nodes, _base()))

    return cached(get_db(), "data", build, _media_type(), lang=lang)


def _ld_response(summary: str) -> dict:
    schema = {"type": "object", "required": ["@context"],
              "properties": {"@context": {}, "@graph": {"type": "array",
                                                        "items": {"type": "object"}}}}
    return {"description": summary, "content": {LD_JSON: {"schema": schema},
                                                "application/json": {"schema": schema}}}


def _operation(summary: str, description: str, parameters: list | None = None) -> dict:
    return {"summary": summary, "description": description, "tags": ["exchange"],
            "parameters": parameters or [],
            "responses": {"200": _ld_response(summary), **ERROR_RESPONSES}}


def _filter_refs() -> list[dict]:
    names = ("q", "kind", "product", "category", "bbox", "near", "radius_km", "municipality",
             "network", "status", "organic", "updated_since", "limit", "offset", "lang")
    return [{"$ref": f"#/components/parameters/{n}"} for n in names]


openapi.register_path("/api/dfc/context.jsonld", "get", _operation(
    "The DFC JSON-LD context", "The context every DFC document of this API references "
    "(dfc-b: business ontology, dfc-pt: product types, rm: Regional Map terms)."))
openapi.register_path("/api/dfc/product-types.jsonld", "get", _operation(
    "The DFC product-type taxonomy (SKOS)", "Product types as skos:Concept, each with the "
    "Regional Map product codes (skos:notation) it stands for."))
openapi.register_path("/api/dfc/enterprises", "get", _operation(
    "Places as DFC Enterprises, paged", "JSON-LD (application/ld+json, or application/json "
    "by Accept): each place as a dfc-b:Enterprise with its dfc-b:Address (latitude, "
    "longitude), supplied products typed with dfc-pt: product types, opening hours "
    "(dfc-b:OpeningHoursSpecification) and the networks it belongs to (dfc-b:affiliates). "
    "The first node describes the page (rm:numberMatched, rm:next).", _filter_refs()))
openapi.register_path("/api/dfc/enterprise_groups", "get", _operation(
    "Networks as DFC enterprise groups", "Each network as a dfc-b:Enterprise whose members "
    "are listed with dfc-b:affiliatedBy."))
openapi.register_path("/api/dfc/enterprises/<entity_id>", "get", _operation(
    "One place or network as DFC JSON-LD", "A place as a dfc-b:Enterprise, or a network as "
    "an enterprise group.", [openapi.param("entity_id", "A place or network id.",
                                           where="path", example="{place_id}")]))
