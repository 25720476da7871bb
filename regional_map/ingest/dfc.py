"""Read a DFC (Data Food Consortium) JSON-LD file, e.g. an Open Food Network export, into raw
rows: one per ``dfc-b:Enterprise`` that has an address or a position.

The document is expanded and flattened with pyld against the shipped DFC context (no network:
``exchange.dfc_taxonomy.offline_loader``), so prefixes, nesting and compaction do not matter:
only full IRIs are read. Rows carry the importer's canonical column names and go through the
same validation, report, dry-run and re-import rules as a spreadsheet. A row's line is the
enterprise's position among the file's enterprises.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pyld import jsonld

from regional_map.formats.dfc_taxonomy import DFC_B, RM, ContextUnavailable, load_taxonomy
from regional_map.formats.dfc_taxonomy import offline_loader as dfc_loader
from regional_map.ingest.readers import RawRow, ReadError, SourceFile
from regional_map.places.vocab import load_vocabulary

SUFFIXES = (".jsonld",)
COLUMNS = ["id", "name", "kind", "description", "address", "postcode", "city", "country",
           "opening_hours", "products", "website", "phone", "email", "status"]
_DAYS = {"monday": "Mo", "tuesday": "Tu", "wednesday": "We", "thursday": "Th",
         "friday": "Fr", "saturday": "Sa", "sunday": "Su"}
_ENTERPRISE = DFC_B + "Enterprise"


def is_dfc_file(path: Path) -> bool:
    """Whether the importer should read ``path`` as DFC JSON-LD (by its extension)."""
    return path.suffix.lower() in SUFFIXES


def _values(node: dict, iri: str) -> list:
    return node.get(iri, [])


def _text(node: dict, *iris: str) -> str:
    for iri in iris:
        for value in _values(node, iri):
            if "@value" in value and value["@value"] not in (None, ""):
                return str(value["@value"]).strip()
    return ""


def _refs(node: dict, iri: str) -> list[str]:
    return [v["@id"] for v in _values(node, iri) if "@id" in v]


def _number(node: dict, iri: str) -> float | None:
    for value in _values(node, iri):
        try:
            return float(value.get("@value"))
        except (TypeError, ValueError):
            continue
    return None


def _flatten(document: object) -> list[dict]:
    try:
        flat = jsonld.flatten(document, None, {"documentLoader": dfc_loader()})
    except jsonld.JsonLdError as exc:
        cause: BaseException | None = exc
        while cause is not None:  # pyld wraps the loader's error in its own, twice
            if isinstance(cause, ContextUnavailable):
                raise ReadError(str(cause)) from exc
            cause = cause.__cause__ or cause.__context__
        raise ReadError(f"not valid JSON-LD: {exc.args[0] if exc.args else exc}") from exc
    return flat if isinstance(flat, list) else flat.get("@graph", [])


def _source_ref(iri: str) -> str:
    """The last path segment of an enterprise's IRI: ``…/enterprises/10000`` → ``10000``."""
    parts = urlsplit(iri)
    segment = unquote(parts.path.rstrip("/").rsplit("/", 1)[-1]) if parts.path else ""
    return segment or iri


def _product_terms(nodes: dict[str, dict], enterprise: dict) -> str:
    """The supplied products as terms the vocabulary knows: our code, the DFC type, the name."""
    vocab, taxonomy = load_vocabulary(), load_taxonomy()
    terms: list[str] = []
    for ref in _refs(enterprise, DFC_B + "supplies"):
        product = nodes.get(ref, {})
        code = _text(product, RM + "productCode")
        if code in vocab.products:
            terms.append(_matching_term(code, vocab))
            continue
        codes = [c for type_iri in _refs(product, DFC_B + "hasType")
                 for c in taxonomy.codes(type_iri)]
        if codes:
            terms.append(_matching_term(codes[0], vocab))
        elif _text(product, DFC_B + "name"):
            terms.append(_text(product, DFC_B + "name"))
        else:  # an unknown DFC type: its name ("non-local-vegetable") still says something
            for type_iri in _refs(product, DFC_B + "hasType"):
                terms.append(type_iri.rsplit("#", 1)[-1].replace("-", " "))
    return "; ".join(terms)


def _matching_term(code: str, vocab) -> str:
    # The importer reads products as free text; give a term that reads back as this code.
    product = vocab.products[code]
    for term in (code, product.name("en"), product.name("nl"), product.name("fr")):
        if vocab.match(term) == [code]:
            return term
    return code


def _hours(nodes: dict[str, dict], enterprise: dict) -> str:
    """``rm:openingHours`` (OSM syntax) if given, else one built from the DFC specifications."""
    text = _text(enterprise, RM + "openingHours")
    if text:
        return text
    spans: dict[str, list[str]] = {}
    for place_ref in _refs(enterprise, DFC_B + "hasPhysicalPlace"):
        for spec_ref in _refs(nodes.get(place_ref, {}), DFC_B + "isOpenDuring"):
            spec = nodes.get(spec_ref, {})
            opens, closes = _text(spec, DFC_B + "opens"), _text(spec, DFC_B + "closes")
            for day_iri in _refs(spec, DFC_B + "dayOfWeek"):
                day = _DAYS.get(day_iri.rsplit("#", 1)[-1].rsplit(":", 1)[-1].lower())
                if day and opens and closes:
                    spans.setdefault(day, []).append(f"{opens[:5]}-{closes[:5]}")
    return "; ".join(f"{day} {','.join(spans[day])}" for day in _DAYS.values() if day in spans)


def _country(address: dict) -> str:
    """A country name or code, or the code at the end of a country IRI (DFC 1.8 writes
    ``…/authority/country/BEL``); the importer's gazetteer reads names, ISO2 and ISO3."""
    value = _text(address, DFC_B + "hasCountry") or next(
        iter(_refs(address, DFC_B + "hasCountry")), "")
    return value.rstrip("/").rsplit("/", 1)[-1] if "/" in value else value


def _row(line: int, nodes: dict[str, dict], enterprise: dict) -> RawRow:
    address = next((nodes.get(r, {}) for r in _refs(enterprise, DFC_B + "hasAddress")), {})
    phone = _text(enterprise, DFC_B + "phoneNumber")
    for ref in _refs(enterprise, DFC_B + "hasPhoneNumber"):
        phone = phone or _text(nodes.get(ref, {}), DFC_B + "phoneNumber")
    values = {
        "id": _source_ref(enterprise["@id"]),
        "name": _text(enterprise, DFC_B + "name"),
        "kind": _text(enterprise, RM + "kind"),
        "description": _text(enterprise, DFC_B + "hasDescription", DFC_B + "description"),
        "address": _text(address, DFC_B + "hasStreet"),
        "postcode": _text(address, DFC_B + "hasPostalCode"),
        "city": _text(address, DFC_B + "hasCity"),
        "country": _country(address),
        "opening_hours": _hours(nodes, enterprise),
        "products": _product_terms(nodes, enterprise),
        "website": _text(enterprise, DFC_B + "websitePage"),
        "phone": phone,
        "email": _text(enterprise, DFC_B + "email"),
        "status": _text(enterprise, RM + "status"),
    }
    row = RawRow(line, {k: v for k, v in values.items() if v})
    lat, lon = _number(address, DFC_B + "latitude"), _number(address, DFC_B + "longitude")
    if lat is not None and lon is not None:
        row.point = (lon, lat)
    elif (lat is None) != (lon is None):
        row.problems.append("the address has a latitude or a longitude, not both")
    return row


def read_dfc(path: str | Path) -> SourceFile:
    """Open a DFC JSON-LD file as a :class:`SourceFile` of enterprise rows."""
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise ReadError(f"no such file: {path}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReadError(f"not valid JSON-LD: {exc}") from exc
    flat = _flatten(document)
    nodes = {node["@id"]: node for node in flat if "@id" in node}
    enterprises = [n for n in flat if _ENTERPRISE in n.get("@type", [])]
    # Groups (networks) have members, not a place of their own: they are not rows.
    groups = [n for n in enterprises if _text(n, RM + "kind") == "network"
              or (_refs(n, DFC_B + "affiliatedBy") and not _refs(n, DFC_B + "hasAddress"))]
    places = [n for n in enterprises if n not in groups]
    if not places:
        raise ReadError("no dfc-b:Enterprise with a place in the file"
                        + (f" ({len(groups)} enterprise groups only)" if groups else ""))
    note = (f"{len(groups)} enterprise group(s) skipped: networks are not imported as places"
            if groups else "")

    def rows() -> Iterator[RawRow]:
        for line, enterprise in enumerate(places, start=1):
            row = _row(line, nodes, enterprise)
            if line == 1 and note:  # the importer reports row warnings, not file ones
                row.warnings.append(note)
            yield row

    return SourceFile("dfc", list(COLUMNS), rows(), metadata={}, warnings=[note] if note else [])
