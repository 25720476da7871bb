"""Offline geocoding from the shipped postcode gazetteer (GeoNames + Statbel + CBS).

A postcode gives a place centroid (precision ``postcode``); a town or municipality name alone
gives the municipality centroid (precision ``municipality``). Belgian and Dutch postcodes are
both four digits, so a bare ``9000`` may exist in both countries: the country column, a Dutch
``1234 AB`` letter suffix or the town name decides, and a tie is reported rather than guessed.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from regional_map.text import fold

_NL_POSTCODE = re.compile(r"^\s*(\d{4})\s*([A-Za-z]{2})\s*$")
_FOUR_DIGITS = re.compile(r"^\s*(?:(?:B|BE|NL)\s*-?\s*)?(\d{4})\s*$", re.IGNORECASE)

COUNTRY_ALIASES = {
    "be": "BE", "bel": "BE", "belgie": "BE", "belgium": "BE", "belgique": "BE", "belgien": "BE",
    "nl": "NL", "nld": "NL", "nederland": "NL", "netherlands": "NL", "the netherlands": "NL",
    "pays bas": "NL", "holland": "NL",
}


def normalise_country(text: str | None) -> str | None:
    """``"België"`` → ``"BE"``; unknown or empty → None."""
    return COUNTRY_ALIASES.get(fold(text)) if text else None


@dataclass(frozen=True)
class GazetteerHit:
    lat: float
    lon: float
    precision: str  # "postcode" or "municipality"
    country: str
    postcode: str
    place_name: str
    municipality_code: str | None


class GeocodeError(ValueError):
    """The gazetteer cannot place this address; the message says why (shown to the user)."""


def split_postcode(text: str | None) -> tuple[str | None, str | None]:
    """Return ``(four_digits, country_hint)`` of a written postcode, or ``(None, None)``."""
    if not text:
        return None, None
    match = _NL_POSTCODE.match(text)
    if match:
        return match.group(1), "NL"
    match = _FOUR_DIGITS.match(text)
    if match:
        prefix = text.strip().upper()
        hint = "NL" if prefix.startswith("NL") else "BE" if prefix.startswith("B") else None
        return match.group(1), hint
    return None, None


class Gazetteer:
    """Postcode and municipality look-ups against the store's reference tables."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self._by_postcode: dict[tuple[str, str], list[sqlite3.Row]] = {}
        for row in conn.execute(
            "SELECT country, postcode, place_name, lat, lon, municipality_code FROM postcodes"
        ):
            self._by_postcode.setdefault((row["country"], row["postcode"]), []).append(row)
        self._municipalities = {
            row["code"]: row for row in conn.execute("SELECT * FROM municipalities")
        }
        # Folded town names → (country, rows): sub-municipality places and municipality names.
        self._by_name: dict[str, list[tuple[str, float, float, str | None]]] = {}
        for rows in self._by_postcode.values():
            for row in rows:
                self._by_name.setdefault(fold(row["place_name"]), []).append(
                    (row["country"], row["lat"], row["lon"], row["municipality_code"])
                )
        self._municipality_by_name: dict[str, list[sqlite3.Row]] = {}
        for row in self._municipalities.values():
            for name in {row["name_nl"], row["name_fr"]} - {None, ""}:
                self._municipality_by_name.setdefault(fold(name), []).append(row)

    def municipality(self, code: str | None) -> sqlite3.Row | None:
        return self._municipalities.get(code) if code else None

    def postcode(self, postcode: str | None, country: str | None = None,
                 city: str | None = None) -> GazetteerHit:
        """Geocode a postcode, using country and town to pick among candidates.

        Raises :class:`GeocodeError` for an unknown postcode or an unresolvable ambiguity.
        """
        digits, hint = split_postcode(postcode)
        if digits is None:
            raise GeocodeError(f"unreadable postcode {postcode!r}")
        country = country or hint
        countries = [country] if country else ["BE", "NL"]
        candidates = [(c, row) for c in countries for row in self._by_postcode.get((c, digits), [])]
        if not candidates:
            where = f" in {country}" if country else ""
            raise GeocodeError(f"unknown postcode {digits}{where}")
        folded_city = fold(city)
        if folded_city:
            # A sub-municipality's own name beats its municipality's ("Gierle" within Lille).
            matching = [(c, row) for c, row in candidates
                        if fold(row["place_name"]) == folded_city]
            if not matching:
                matching = [(c, row) for c, row in candidates
                            if self._municipality_matches(row["municipality_code"], folded_city)]
            if matching:
                candidates = matching
        if len({c for c, _ in candidates}) > 1:
            raise GeocodeError(
                f"postcode {digits} exists in Belgium and the Netherlands; give a country or town"
            )
        country, row = candidates[0]
        return GazetteerHit(row["lat"], row["lon"], "postcode", country, digits,
                            row["place_name"], row["municipality_code"])

    def _municipality_matches(self, code: str | None, folded_name: str) -> bool:
        row = self._municipalities.get(code) if code else None
        return bool(row) and folded_name in (fold(row["name_nl"]), fold(row["name_fr"]))

    def town(self, name: str | None, country: str | None = None) -> GazetteerHit:
        """Geocode a town or municipality name to its municipality (precision municipality)."""
        folded = fold(name)
        if not folded:
            raise GeocodeError("no town given")
        rows = [r for r in self._municipality_by_name.get(folded, [])
                if not country or r["country"] == country]
        rows = [r for r in rows if r["lat"] is not None]
        if len(rows) == 1:
            row = rows[0]
            return GazetteerHit(row["lat"], row["lon"], "municipality", row["country"], "",
                                row["name_nl"] or row["name_fr"], row["code"])
        places = [p for p in self._by_name.get(folded, []) if not country or p[0] == country]
        codes = {p[3] for p in places}
        if places and len(codes) == 1:
            code = codes.pop()
            muni = self._municipalities.get(code) if code else None
            if muni is not None and muni["lat"] is not None:
                return GazetteerHit(muni["lat"], muni["lon"], "municipality", muni["country"], "",
                                    name or "", code)
        if rows or places:
            raise GeocodeError(f"town {name!r} is ambiguous; give a postcode or country")
        raise GeocodeError(f"unknown town {name!r}")

    def municipality_code_for(self, postcode: str | None, country: str | None,
                              city: str | None = None) -> str | None:
        """The municipality of a postcode, or None when the postcode is unknown."""
        try:
            return self.postcode(postcode, country, city).municipality_code
        except GeocodeError:
            return None
