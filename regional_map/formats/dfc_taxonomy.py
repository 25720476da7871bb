"""The shipped DFC context and product-type taxonomy, and an offline JSON-LD document loader.

``data/dfc/context.jsonld`` maps the ``dfc-b:`` (business ontology) and ``dfc-pt:`` (product
types) prefixes; ``data/dfc/productTypes.jsonld`` is a SKOS concept scheme whose concepts carry
``skos:notation`` with the Regional Map product codes they stand for. Expanding a DFC document
never needs the internet: :func:`offline_loader` answers the DFC's public context addresses
with the shipped copy and refuses everything else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from regional_map.resources import resource_dir

DFC_B = ("https://github.com/datafoodconsortium/ontology/releases/latest/download/"
         "DFC_BusinessOntology.owl#")
DFC_PT = ("https://github.com/datafoodconsortium/taxonomies/releases/latest/download/"
          "productTypes.rdf#")
RM = "urn:regional-map:"
SKOS = "http://www.w3.org/2004/02/skos/core#"

# Addresses under which DFC documents name their context (OFN uses the first). They all
# resolve to the shipped copy: a document written against any of them expands offline.
KNOWN_CONTEXTS = (
    "https://www.datafoodconsortium.org",
    "https://www.datafoodconsortium.org/",
    "http://www.datafoodconsortium.org",
    "http://static.datafoodconsortium.org/ontologies/context.json",
    "https://github.com/datafoodconsortium/ontology/releases/latest/download/context.json",
)


OWN_CONTEXT_PATH = "api/dfc/context.jsonld"  # where this app serves it (views/dfc.py)


class ContextUnavailable(ValueError):
    """A JSON-LD document names a remote context that is not shipped (no network is used)."""


def dfc_dir() -> Path:
    return resource_dir("data") / "dfc"


@cache
def context_document() -> dict:
    """The shipped JSON-LD context (``{"@context": {...}}``)."""
    return json.loads((dfc_dir() / "context.jsonld").read_text(encoding="utf-8"))


@cache
def taxonomy_document() -> dict:
    """The shipped product-type taxonomy as SKOS JSON-LD (compact, against the context)."""
    return json.loads((dfc_dir() / "productTypes.jsonld").read_text(encoding="utf-8"))


def offline_loader(own_context_urls: tuple[str, ...] = ()):
    """A pyld ``documentLoader`` that serves the shipped context and taxonomy, never the web.

    ``own_context_urls`` are this app's own addresses of the context (the URL the exported
    documents reference), so our documents and the DFC's expand alike.
    """
    context_urls = set(KNOWN_CONTEXTS) | set(own_context_urls)

    def load(url: str, options: dict | None = None) -> dict:
        # Any Regional Map's context (whatever its host) is this one: exports re-import.
        if (url in context_urls or url.rstrip("/") in context_urls
                or url.endswith("/" + OWN_CONTEXT_PATH)):
            document = context_document()
        elif url.endswith("/productTypes.jsonld"):
            document = taxonomy_document()
        else:
            raise ContextUnavailable(f"remote JSON-LD context {url!r} is not shipped; "
                                     "only the DFC context is known offline")
        return {"contextUrl": None, "documentUrl": url, "document": document}

    return load


@dataclass(frozen=True)
class Taxonomy:
    """Product codes ↔ DFC product types (full IRIs)."""

    type_of_code: dict[str, str]
    codes_of_type: dict[str, tuple[str, ...]]
    labels: dict[str, dict[str, str]]

    def dfc_type(self, code: str) -> str | None:
        """The DFC product type of one of our product codes (specific, else its category)."""
        return self.type_of_code.get(code)

    def codes(self, type_iri: str) -> tuple[str, ...]:
        """Our product codes for a DFC type IRI: the specific one first (empty if unknown)."""
        return self.codes_of_type.get(type_iri, ())


def _expand_curie(value: str) -> str:
    if value.startswith("dfc-pt:"):
        return DFC_PT + value[len("dfc-pt:"):]
    return value


@cache
def load_taxonomy() -> Taxonomy:
    """Read the shipped taxonomy once per process."""
    type_of_code: dict[str, str] = {}
    codes_of_type: dict[str, tuple[str, ...]] = {}
    labels: dict[str, dict[str, str]] = {}
    for node in taxonomy_document()["@graph"]:
        if node.get("@type") != "skos:Concept":
            continue
        iri = _expand_curie(node["@id"])
        notations = tuple(node.get("skos:notation", ()))
        codes_of_type[iri] = notations
        labels[iri] = {label["@language"]: label["@value"]
                       for label in node.get("skos:prefLabel", ())}
        for code in notations:
            # A product's own concept wins over the category concept that also lists it.
            if code not in type_of_code or len(notations) == 1:
                type_of_code[code] = iri
    return Taxonomy(type_of_code, codes_of_type, labels)
