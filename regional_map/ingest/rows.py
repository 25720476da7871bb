"""Validate and normalise one source row into a place record, or say why it is rejected.

Pure functions over plain data: a row in, a record (or a :class:`RowError` with a reason a
person can act on) out. The importer decides what to do with both.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from regional_map.geocode.gazetteer import Gazetteer, GeocodeError, normalise_country
from regional_map.ingest.derived import derive_names
from regional_map.ingest.fields import (  # noqa: F401 - parse_* re-exported for callers
    Faults,
    RowError,
    normalise_website,
    optional_fields,
    parse_bool,
    parse_date,
    parse_payment,
)
from regional_map.model import PLACE_KINDS
from regional_map.places.vocab import Vocabulary
from regional_map.text import fold

# Belgium and the Netherlands: the area whose languages (nl, fr) the interface speaks.
_BE_NL = (2.5, 49.45, 7.25, 53.6)
MAX_NAME_LENGTH = 200
# Kinds a source may leave unnamed; their name is derived from kind, product and town.
ANONYMOUS_KINDS = ("vending_machine", "farmers_market", "pickup_point")
MAX_DESCRIPTION_LENGTH = 5000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ADDRESS = re.compile(
    r"^\s*(?P<street>.*?\D)\s*(?P<number>\d+\s*[A-Za-z]?(?:\s*[-/]\s*\w+)?)?\s*"
    r"(?:,\s*(?P<postcode>\d{4}(?:\s?[A-Za-z]{2})?)\s+(?P<city>.+))?\s*$"
)
# ``=HYPERLINK(…)``, ``=cmd|…``, ``@SUM(…)``: formulas a spreadsheet left in a cell.
_FORMULA = re.compile(r"^[=@]\s*[A-Za-z_][\w.]*\s*[(|!]")
_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z][^>]*>")

KIND_ALIASES = {
    "hoevewinkel": "farm_shop", "boerderijwinkel": "farm_shop", "hofwinkel": "farm_shop",
    "boerenwinkel": "farm_shop", "magasin a la ferme": "farm_shop", "farm shop": "farm_shop",
    "vente a la ferme": "farm_shop", "boerenmarkt": "farmers_market", "markt": "farmers_market",
    "marche": "farmers_market", "marche fermier": "farmers_market", "market": "farmers_market",
    "afhaalpunt": "pickup_point", "point de retrait": "pickup_point", "pickup": "pickup_point",
    "point d enlevement": "pickup_point", "automaat": "vending_machine",
    "aardappelautomaat": "vending_machine", "melkautomaat": "vending_machine",
    "eierautomaat": "vending_machine", "distributeur": "vending_machine",
    "csa": "csa_farm", "zelfoogst": "csa_farm", "zelfoogstboerderij": "csa_farm",
    "producent": "producer", "producteur": "producer", "landbouwer": "producer",
    "boer": "producer", "farm": "producer", "imker": "beekeeper", "apiculteur": "beekeeper",
    "supermarkt": "shortchain_supermarket", "restaurant": "restaurant",
    "horeca": "restaurant", "grootkeuken": "institution_kitchen",
    "ziekenhuiskeuken": "institution_kitchen", "winkel": "retail_shop", "shop": "retail_shop",
    "magasin": "retail_shop", "buurtwinkel": "retail_shop",
}
for _code, _term in PLACE_KINDS.items():
    for _label in (_code, _term.nl, _term.fr, _term.en):
        KIND_ALIASES.setdefault(fold(_label), _code)
    KIND_ALIASES[fold(_code.replace("_", " "))] = _code





@dataclass
class RowContext:
    """What validation needs besides the row itself."""

    gazetteer: Gazetteer
    vocabulary: Vocabulary
    region: tuple[float, float, float, float] | None
    source_id: str
    licence: str = ""
    default_kind: str | None = None
    is_osm: bool = False
    # Online geocoder (opt-in by REGIONAL_MAP_GEOCODER): asked only when the offline gazetteer
    # cannot place a row that has a street address.
    online: Any = None
    # Faults in optional fields keep the row (a warning) instead of rejecting it; imports
    # are lenient unless --strict, the contribution form is not.
    lenient: bool = False


@dataclass
class PlaceRow:
    record: dict[str, Any]
    products: list[str]
    warnings: list[str] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)  # optional fields that did not parse
    local_lang: str = "nl"  # the language of the place's area (for derived names)


def clean_text(value: str | None) -> str:
    """Strip control characters and surrounding white space (keeps every printable char)."""
    return _CONTROL.sub("", value or "").strip()


def parse_coordinate(text: str) -> float:
    """``"50.85"``, ``"50,85"`` (decimal comma) or ``" 4.3 "`` → float; anything else raises."""
    value = text.strip().replace("\u2212", "-")
    if value.count(",") == 1 and "." not in value:
        value = value.replace(",", ".")
    number = float(value)  # raises ValueError on garbage
    if not math.isfinite(number):
        raise ValueError("not a finite number")
    return number


def in_region(lon: float, lat: float, region: tuple[float, float, float, float] | None) -> bool:
    if region is None:
        return -180 <= lon <= 180 and -90 <= lat <= 90
    minlon, minlat, maxlon, maxlat = region
    return minlon <= lon <= maxlon and minlat <= lat <= maxlat




def _local_language(fields: dict[str, str], point: tuple[float, float] | None) -> str:
    """French in Wallonia (postcodes 1300-1499 and 4000-7999, or south of the language
    border when only a point is known), Dutch elsewhere in Belgium and the Netherlands,
    English elsewhere (the interface has no other languages)."""
    country = normalise_country(fields.get("country"))
    if country is None and point is not None and not in_region(*point, _BE_NL):
        return "en"
    if fields.get("country") and country is None:
        return "en"
    digits = fields.get("postcode", "")[:4]
    if digits.isdigit() and normalise_country(fields.get("country")) != "NL":
        number = int(digits)
        return "fr" if 1300 <= number < 1500 or 4000 <= number < 8000 else "nl"
    if point is not None and country in ("BE", None):  # NL lies north of 50.75° too
        return "fr" if point[1] < 50.75 else "nl"
    return "nl"


def _kind(fields: dict[str, str], ctx: RowContext) -> str:
    raw = fields.get("kind", "")
    if raw:
        code = KIND_ALIASES.get(fold(raw))
        if code:
            return code
        if not ctx.default_kind:
            raise RowError(f"unknown kind {raw!r}; known kinds: {', '.join(PLACE_KINDS)}")
    if ctx.default_kind:
        return ctx.default_kind
    raise RowError("no kind given (use --kind for rows that have none)")


def _split_address(fields: dict[str, str]) -> None:
    address = fields.get("address", "")
    if not address or fields.get("street"):
        return
    match = _ADDRESS.match(address)
    if not match:
        fields["street"] = address
        return
    fields["street"] = match.group("street").strip(" ,")
    fields["housenumber"] = fields.get("housenumber") or (match.group("number") or "").strip()
    if match.group("postcode") and not fields.get("postcode"):
        fields["postcode"] = match.group("postcode")
    if match.group("city") and not fields.get("city"):
        fields["city"] = match.group("city").strip()


def _position(fields: dict[str, str], point: tuple[float, float] | None, ctx: RowContext,
              warnings: list[str]) -> dict[str, Any]:
    """Coordinates from the source, else the gazetteer; with precision and municipality."""
    country = normalise_country(fields.get("country"))
    if fields.get("country") and country is None and len(fields["country"]) > 3:
        warnings.append(f"country {fields['country']!r} not recognised")
    lat_text, lon_text = fields.get("lat", ""), fields.get("lon", "")
    lonlat: tuple[float, float] | None = None
    if lat_text or lon_text:
        try:
            lat, lon = parse_coordinate(lat_text), parse_coordinate(lon_text)
        except ValueError:
            raise RowError(f"unparseable coordinates lat={lat_text!r} lon={lon_text!r}") from None
        lonlat = (lon, lat)
    elif point is not None:
        lonlat = point
        if not all(math.isfinite(v) for v in lonlat):
            raise RowError("point has coordinates that are not finite numbers")

    result: dict[str, Any] = {}
    if lonlat is not None:
        lon, lat = lonlat
        if not in_region(lon, lat, ctx.region):
            if in_region(lat, lon, ctx.region):
                warnings.append("latitude and longitude were swapped; corrected")
                lon, lat = lat, lon
            else:
                raise RowError(
                    f"coordinates lat={lat:g} lon={lon:g} are outside the configured region"
                )
        result.update(lat=round(lat, 7), lon=round(lon, 7), geocode_precision="source",
                      geocode_source=ctx.source_id)
        postcode = fields.get("postcode")
        if postcode:
            try:
                hit = ctx.gazetteer.postcode(postcode, country, fields.get("city"))
                result["municipality_code"] = hit.municipality_code
                country = country or hit.country
            except GeocodeError as exc:
                warnings.append(str(exc))
        result["country"] = country or ""
        return result

    try:
        if fields.get("postcode"):
            hit = ctx.gazetteer.postcode(fields["postcode"], country, fields.get("city"))
        elif fields.get("city"):
            hit = ctx.gazetteer.town(fields["city"], country)
        else:
            raise RowError("no coordinates, postcode or town to place it on the map")
    except GeocodeError as exc:
        online = _online_position(fields, country, ctx)
        if online is None:
            raise RowError(str(exc)) from None
        warnings.append(f"{exc}; placed by the online geocoder")
        return online
    if not in_region(hit.lon, hit.lat, ctx.region):
        raise RowError(f"{hit.place_name} is outside the configured region")
    result.update(lat=hit.lat, lon=hit.lon, geocode_precision=hit.precision,
                  geocode_source="gazetteer", municipality_code=hit.municipality_code,
                  country=hit.country)
    if hit.postcode and not fields.get("postcode"):
        result["postcode"] = hit.postcode
    return result


def _online_position(fields: dict[str, str], country: str | None,
                     ctx: RowContext) -> dict[str, Any] | None:
    if ctx.online is None or not fields.get("street"):
        return None
    hit = ctx.online.geocode(fields.get("street"), fields.get("housenumber"),
                             fields.get("postcode"), fields.get("city"), country)
    if hit is None or not in_region(hit.lon, hit.lat, ctx.region):
        return None
    code = ctx.gazetteer.municipality_code_for(fields.get("postcode"), country,
                                               fields.get("city"))
    return dict(lat=round(hit.lat, 7), lon=round(hit.lon, 7), geocode_precision=hit.precision,
                geocode_source=hit.source, municipality_code=code, country=country or "")


def normalise_row(fields: dict[str, str], point: tuple[float, float] | None,
                  ctx: RowContext) -> PlaceRow:
    """Turn canonical text fields into a place record; raises :class:`RowError`.

    A missing name is derived (``derived.py``) for OSM elements and for rows whose kind and
    town are known; the record then carries ``extra.name_derived``.
    """
    fields = {k: clean_text(v) for k, v in fields.items()}
    warnings: list[str] = []
    for column, value in fields.items():
        if _FORMULA.match(value):
            raise RowError(f"{column} holds a spreadsheet formula {value[:40]!r}, not data")
    _split_address(fields)

    kind = _kind(fields, ctx)
    name = fields.get("name", "")
    extra: dict[str, Any] = {}
    local_lang = _local_language(fields, point)
    if not name:
        # OSM leaves machines and markets unnamed as a rule; a spreadsheet only them.
        if not ctx.is_osm and (kind not in ANONYMOUS_KINDS
                               or not (fields.get("city") or fields.get("postcode"))):
            raise RowError("missing name")
        towns = {lang: fields.get("city", "") for lang in ("nl", "fr", "en")}
        name = derive_names(kind, None, towns)[local_lang]
        extra["name_derived"] = True
    if len(name) > MAX_NAME_LENGTH:
        raise RowError(f"name is {len(name)} characters long, more than {MAX_NAME_LENGTH}")
    if _MARKUP.search(name):
        warnings.append("name contains HTML markup; kept as plain text")
    description = fields.get("description", "")
    if len(description) > MAX_DESCRIPTION_LENGTH:
        raise RowError(f"description is longer than {MAX_DESCRIPTION_LENGTH} characters")

    record: dict[str, Any] = dict(
        name=name, kind=kind, description=description,
        street=fields.get("street", ""), housenumber=fields.get("housenumber", ""),
        postcode=fields.get("postcode", "").upper(), city=fields.get("city", ""),
        source_id=ctx.source_id, source_ref=fields.get("source_ref") or None,
        licence=ctx.licence,
    )
    record.update(_position(fields, point, ctx, warnings))
    faults = Faults(ctx.lenient, warnings, extra)
    products = optional_fields(fields, record, ctx.vocabulary, is_osm=ctx.is_osm,
                               faults=faults)
    for key in ("operator", "brand", "network"):
        if fields.get(key):
            extra[key] = fields[key]
    record["extra"] = extra
    return PlaceRow(record, products, warnings, faults=faults.found, local_lang=local_lang)
