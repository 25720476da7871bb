"""The OpenAPI document: valid, complete, and true (every endpoint answers as it says)."""

from __future__ import annotations

import re

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from regional_map.web import openapi


@pytest.fixture(scope="module")
def document(demo_app):
    with demo_app.test_client() as client:
        response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.oai.openapi+json"
    return response.get_json()


def test_openapi_document_validates(document):
    validate(document)  # raises on any error
    assert document["openapi"].startswith("3.")


def test_every_api_and_ogc_route_is_documented(demo_app, document):
    assert openapi.undocumented_routes(demo_app, document) == []


def test_every_place_filter_of_the_map_is_a_documented_parameter(document):
    from regional_map.places.filters import FILTERS, paging_params

    params = document["components"]["parameters"]
    read = {p.name for d in FILTERS for p in d.params} | {p.name for p in paging_params(1)}
    assert {"q", "kind", "product", "bbox", "near", "open_at", "limit"} <= read
    for name in read | {"lang"}:
        assert name in params, name
        assert params[name]["description"]
    assert params["limit"]["schema"]["maximum"] == 1000


def _operations(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def _parameters(document, operation):
    for p in operation.get("parameters", []):
        if "$ref" in p:
            p = document["components"]["parameters"][p["$ref"].rsplit("/", 1)[1]]
        yield p


def _example_url(document, path, operation) -> str:
    query = []
    for p in _parameters(document, operation):
        if p["in"] == "path":
            assert "example" in p, f"{path}: path parameter {p['name']} needs an example"
            path = path.replace("{" + p["name"] + "}", str(p["example"]))
        elif p.get("required"):
            query.append(f"{p['name']}={p['example']}")
    return path + ("?" + "&".join(query) if query else "")


def _validator(document, schema):
    return Draft202012Validator({**schema, "components": document["components"]})


def test_every_documented_endpoint_answers_as_documented(client, document):
    checked = 0
    for path, method, operation in _operations(document):
        assert method == "get"
        url = _example_url(document, path, operation)
        response = client.get(url, headers={"Accept": "application/json"})
        assert response.status_code == 200, (url, response.get_data(as_text=True)[:300])
        content = operation["responses"]["200"]["content"]
        assert response.mimetype in content, (url, response.mimetype, list(content))
        schema = content[response.mimetype]["schema"]
        if response.mimetype.endswith("json"):
            errors = list(_validator(document, schema).iter_errors(response.get_json()))
            assert not errors, (url, [e.message for e in errors[:3]])
        checked += 1
    assert checked >= 15


def test_documented_errors_have_the_error_shape(client, document):
    schema = document["components"]["schemas"]["Error"]
    for url in ("/api/places?bbox=1,2,3", "/api/places/nope", "/api/products/plutonium",
                "/api/sources/nope", "/ogc/collections/nope", "/api/export?format=pdf"):
        response = client.get(url)
        assert response.status_code in (400, 404), url
        assert not list(_validator(document, schema).iter_errors(response.get_json())), url


def test_register_path_documents_another_features_endpoint(demo_app):
    operation = openapi.list_operation("Test widgets", tag="test", item_schema={"type": "object"},
                                       parameters=[openapi.param("colour", "A colour.")])
    openapi.register_path("/api/widgets/<widget_id>", "GET", operation)
    try:
        document = openapi.build_document()
        validate(document)
        assert document["paths"]["/api/widgets/{widget_id}"]["get"]["summary"] == "Test widgets"
    finally:
        openapi._REGISTERED.pop("/api/widgets/{widget_id}")


def test_docs_page_describes_every_endpoint_with_local_assets_only(client, document):
    response = client.get("/api")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    for path in document["paths"]:
        assert path in html, path
    assert "radius_km" in html and "/api/openapi.json" in html
    external = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(https?:[^"]+)"', html)
    assert external == []
    assert "<script>" not in html and ' style="' not in html
