"""CSV: UTF-8 with a header, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from regional_map.model import kind_label

CSV_COLUMNS = (
    "id", "name", "kind", "kind_label", "description", "street", "housenumber", "postcode",
    "city", "municipality_code", "country", "lat", "lon", "geocode_precision",
    "opening_hours", "season_months", "products", "organic", "payment", "website", "phone",
    "email", "status", "closed_on", "last_confirmed", "source_id", "licence", "attribution",
    "updated_at",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """Neutralise text a spreadsheet would run as a formula (``=HYPERLINK(…)``).

    A leading apostrophe makes Excel and LibreOffice show the text as text. Numbers are left
    alone so that coordinates stay numeric.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _cell(place: dict, column: str, attributions: dict[str, str], lang: str) -> object:
    if column == "kind_label":
        return kind_label(place["kind"], lang)
    if column == "products":
        return ";".join(place.get("products", []))
    if column == "payment":
        return ";".join(place.get("payment", []))
    if column == "organic":
        return "" if place["organic"] is None else ("yes" if place["organic"] else "no")
    if column == "attribution":
        return attributions.get(place.get("source_id") or "", "")
    value = place.get(column)
    return "" if value is None else value


def flat_row(place: dict, attributions: dict[str, str], lang: str = "en") -> dict[str, object]:
    """One place as flat columns (:data:`CSV_COLUMNS`), the shape of CSV and GeoPackage rows."""
    return {c: _cell(place, c, attributions, lang) for c in CSV_COLUMNS}


def places_csv(places: Iterable[dict], attributions: dict[str, str], lang: str = "en") -> str:
    """CSV text of ``places`` (one row each) with every row's licence and attribution."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for place in places:
        writer.writerow([spreadsheet_safe(_cell(place, c, attributions, lang))
                         for c in CSV_COLUMNS])
    return out.getvalue()
