"""``GET /api/search``: one search for places, networks, municipalities, services and
products, grouped by type (:mod:`regional_map.search.everything`)."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from regional_map.search.everything import DEFAULT_LIMIT, GROUP_ORDER, MAX_LIMIT, search_everything
from regional_map.web.context import current_language, get_db
from regional_map.web.errors import BadParameter
from regional_map.web.openapi import ERROR_RESPONSES, json_response, param, register_path
from regional_map.web.params import parse_int

bp = Blueprint("search", __name__)


def parse_types(text: str) -> tuple[str, ...]:
    """``type=network,place`` → those groups; empty → every group."""
    types = tuple(t.strip() for t in (text or "").split(",") if t.strip())
    unknown = [t for t in types if t not in GROUP_ORDER]
    if unknown:
        raise BadParameter("type", f"unknown type {unknown[0]!r}; known: {', '.join(GROUP_ORDER)}")
    return types or GROUP_ORDER


@bp.get("/api/search")
def api_search():
    """Everything matching ``q``, grouped by type, an exact name first."""
    q = request.args.get("q", "")
    if not q.strip():
        raise BadParameter("q", "give something to search for")
    if len(q) > 200:
        raise BadParameter("q", "at most 200 characters")
    limit = parse_int(request.args.get("limit", str(DEFAULT_LIMIT)), "limit", 1, MAX_LIMIT)
    types = parse_types(request.args.get("type", ""))
    answer = search_everything(get_db(), q, lang=current_language(), limit=limit, types=types)
    return jsonify(answer.as_dict())


def _document_api() -> None:
    """Describe ``/api/search`` in the OpenAPI document."""

    item = {"type": "object", "required": ["type", "id", "name", "url"],
            "properties": {"type": {"type": "string", "enum": list(GROUP_ORDER)},
                           "id": {"type": "string"}, "name": {"type": "string"},
                           "url": {"type": "string"}}}
    group = {"type": "object", "required": ["type", "label", "total", "items"],
             "properties": {"type": {"type": "string", "enum": list(GROUP_ORDER)},
                            "label": {"type": "string"}, "total": {"type": "integer"},
                            "best_match": {"type": "string", "enum": ["exact", "name", "text"]},
                            "items": {"type": "array", "items": item}}}
    register_path("/api/search", "get", {
        "summary": "One search for places, networks, municipalities, services and products",
        "description": "Results grouped by type; the group holding an exact name comes first "
                       "(a network named in the query before places that mention it). Typo "
                       "tolerance applies only when nothing matches as typed: then "
                       "corrected is true and showing_results_for gives the text searched.",
        "tags": ["places"],
        "parameters": [
            param("q", "Search text, in nl, fr or en.", required=True, example="Voedselteams"),
            param("type", "Only these groups (comma list).", {"type": "string"},
                  example=None),
            param("limit", f"Items per group (1 to {MAX_LIMIT}, default {DEFAULT_LIMIT}).",
                  {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}),
            {"$ref": "#/components/parameters/lang"}],
        "responses": {"200": json_response("Groups of results", {
            "type": "object", "required": ["query", "corrected", "groups"],
            "properties": {"query": {"type": "string"}, "corrected": {"type": "boolean"},
                           "showing_results_for": {"type": ["string", "null"]},
                           "numberMatched": {"type": "integer"},
                           "groups": {"type": "array", "items": group}}}),
            **ERROR_RESPONSES},
    })


_document_api()
