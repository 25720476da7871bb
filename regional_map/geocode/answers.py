"""Reading addresses in and geocoder answers out, for :mod:`regional_map.geocode.online`.

Cleans the caller's address fields into a :class:`_Query` (with its cache key), and
checks what a service answered: coordinates, and how precisely the hit matches the
query. An answer of the wrong shape raises :class:`_BadAnswer`.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# Country names as they appear in the spreadsheets we import, mapped to ISO codes.
_COUNTRIES = {
    "be": "be",
    "bel": "be",
    "belgie": "be",
    "belgium": "be",
    "belgique": "be",
    "belgien": "be",
    "nl": "nl",
    "nld": "nl",
    "nederland": "nl",
    "netherlands": "nl",
    "the netherlands": "nl",
    "pays bas": "nl",
    "niederlande": "nl",
}


@dataclass(frozen=True)
class _Query:
    """One address as given by the caller (kept verbatim for the request)."""

    street: str
    housenumber: str
    postcode: str
    city: str
    country: str  # ISO code "be"/"nl", or "" when unknown

    def cache_key(self, service: str) -> str:
        # Case, accents' composition form and spacing do not change what the services answer,
        # so they should not cause a second request either. Field positions are kept (JSON
        # list) so "Gent" as street and as city cannot share a key.
        fields = [
            _normalise(self.street),
            _normalise(self.housenumber).replace(" ", ""),
            _normalise(self.postcode).replace(" ", ""),
            _normalise(self.city),
            self.country,
        ]
        return service + ":" + json.dumps(fields, ensure_ascii=False)


class _BadAnswer(ValueError):
    """The service answered something we cannot read; a failure, not a "no result"."""


def _clean(value: object) -> str:
    """Trim a field; ``None`` and NaN-like blanks from spreadsheets become ``""``."""
    if value is None:
        return ""
    text = " ".join(str(value).split())
    return "" if text.lower() in ("nan", "none", "null") else text


def _normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _country_code(country: str | None) -> str:
    folded = unicodedata.normalize("NFKD", _clean(country))
    folded = "".join(c for c in folded if not unicodedata.combining(c)).casefold()
    folded = " ".join(folded.replace("-", " ").replace(".", " ").split())
    return _COUNTRIES.get(folded, "")


def _same_housenumber(found: object, wanted: str) -> bool:
    """``12A`` equals ``12 a`` and ``12-a``; ``12-14`` does not equal ``12``."""

    def key(value: object) -> str:
        return re.sub(r"[\s\-/]+", "", str(value or "")).casefold()

    return bool(wanted) and key(found) == key(wanted)


def _coordinates(lat: object, lon: object) -> tuple[float, float]:
    try:
        lat_f, lon_f = float(lat), float(lon)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise _BadAnswer(f"coordinates are not numbers: {lat!r}, {lon!r}") from exc
    if not (math.isfinite(lat_f) and math.isfinite(lon_f)):
        raise _BadAnswer("coordinates are not finite")
    if not (-90 <= lat_f <= 90 and -180 <= lon_f <= 180):
        raise _BadAnswer(f"coordinates out of range: {lat_f}, {lon_f}")
    return lat_f, lon_f


def _nominatim_precision(item: Mapping[str, Any], housenumber: str) -> str | None:
    """What a Nominatim hit really matched, from its address details and place rank."""
    address = item.get("address") or {}
    if isinstance(address, dict) and _same_housenumber(address.get("house_number"), housenumber):
        return "address"
    if item.get("addresstype") == "postcode" or item.get("type") == "postcode":
        return "postcode"
    try:
        rank = int(item.get("place_rank") or 0)
    except (TypeError, ValueError):
        rank = 0
    # Nominatim ranks: 26-27 streets, 28-30 houses and POIs (here without our house number),
    # 13-25 municipalities, villages and suburbs, below that provinces and countries.
    if rank >= 26:
        return "street"
    if rank >= 13:
        return "municipality"
    return None


def _pdok_precision(doc: Mapping[str, Any], query: _Query) -> str | None:
    """What a PDOK doc really matched.

    The search is restricted to addresses, so it always returns *some* address: one with
    another house number only places the street, and without a street in the query it only
    stands for the postcode or the town.
    """
    kind = doc.get("type")
    if kind == "adres":
        found = doc.get("huis_nlt") or "".join(
            str(doc.get(k) or "") for k in ("huisnummer", "huisletter", "huisnummertoevoeging")
        )
        if query.street and _same_housenumber(found, query.housenumber):
            return "address"
        if query.street:
            return "street"
        return "postcode" if query.postcode else "municipality"
    if kind == "weg":
        return "street"
    if kind == "postcode":
        return "postcode"
    if kind in ("woonplaats", "gemeente"):
        return "municipality"
    return None
