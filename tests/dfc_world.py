"""Helpers of the DFC tests: a pyld document loader that reads only from the test app."""

from __future__ import annotations

from urllib.parse import urlsplit

from pyld import jsonld


def app_loader(client):
    """Resolve every JSON-LD URL through the Flask test client; anything else is refused."""

    def load(url: str, options=None):
        parts = urlsplit(url)
        if parts.netloc != "localhost":
            raise jsonld.JsonLdError(f"refused to fetch {url}: not the test app",
                                     "loading document failed", code="loading document failed")
        response = client.get(parts.path, headers={"Accept": "application/ld+json"})
        assert response.status_code == 200, (url, response.status_code)
        return {"contextUrl": None, "documentUrl": url, "document": response.get_json()}

    return load


def nodes_by_type(expanded: list[dict], type_iri: str) -> list[dict]:
    flat = jsonld.flatten(expanded)
    return [n for n in flat if type_iri in n.get("@type", [])]
