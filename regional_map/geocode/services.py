"""The online geocoding services (Nominatim, PDOK) and the one function that picks the
configured one; the polite request machinery they share is :mod:`regional_map.geocode.online`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from regional_map.geocode.answers import (
    _BadAnswer,
    _coordinates,
    _nominatim_precision,
    _pdok_precision,
    _Query,
)
from regional_map.geocode.online import GeocodeResult, OnlineGeocoder
from regional_map.settings import SETTINGS

log = logging.getLogger(__name__)
_DUTCH_POSTCODE = re.compile(r"^\d{4}\s?[A-Za-z]{2}$")
_WKT_POINT = re.compile(r"^\s*POINT\s*\(\s*(\S+)\s+(\S+)\s*\)\s*$", re.IGNORECASE)

class NominatimGeocoder(OnlineGeocoder):
    """Nominatim structured search (OpenStreetMap), for Belgium and the Netherlands.

    The public instance allows at most one request per second; a shorter interval is raised to
    one second there. Own instances (``base_url``) may go faster.
    """

    service = "nominatim"
    public_url = "https://nominatim.openstreetmap.org"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if self.base_url == self.public_url and self.limiter.min_interval < 1.0:
            log.warning("nominatim: the public instance allows 1 request/s; using 1.0 s")
            self.limiter.min_interval = 1.0

    def _build_request(self, query: _Query) -> tuple[str, dict[str, str]] | None:
        if not (query.street or query.postcode or query.city):
            return None
        params = {
            "format": "jsonv2",
            # addressdetails tell us whether the house number really matched.
            "addressdetails": "1",
            "limit": "1",
            # An unknown country still stays within the region this project maps.
            "countrycodes": query.country or "be,nl",
        }
        street = f"{query.housenumber} {query.street}".strip() if query.street else ""
        for name, value in (
            ("street", street),
            ("postalcode", query.postcode),
            ("city", query.city),
        ):
            if value:
                params[name] = value
        return f"{self.base_url}/search", params

    def _parse(self, answer: Any, query: _Query) -> GeocodeResult | None:
        if not isinstance(answer, list):
            raise _BadAnswer("Nominatim answer is not a list")
        if not answer:
            return None
        item = answer[0]
        if not isinstance(item, dict):
            raise _BadAnswer("Nominatim result is not an object")
        lat, lon = _coordinates(item.get("lat"), item.get("lon"))
        precision = _nominatim_precision(item, query.housenumber)
        if precision is None:
            return None  # a province or country: no use on a map of places
        return GeocodeResult(
            lat=lat,
            lon=lon,
            precision=precision,
            source=self.service,
            label=str(item.get("display_name") or ""),
        )


class PdokGeocoder(OnlineGeocoder):
    """PDOK Locatieserver (Dutch BAG addresses); rows outside the Netherlands are skipped."""

    service = "pdok"
    public_url = "https://api.pdok.nl"

    def _build_request(self, query: _Query) -> tuple[str, dict[str, str]] | None:
        # PDOK only knows Dutch addresses; asking it about a Belgian one would at best waste a
        # request and at worst return a Dutch namesake street.
        if query.country != "nl":
            if query.country or not _DUTCH_POSTCODE.match(query.postcode):
                return None
        parts = [f"{query.street} {query.housenumber}".strip(), query.postcode, query.city]
        q = " ".join(p for p in parts if p)
        if not q:
            return None
        return (
            f"{self.base_url}/bzk/locatieserver/search/v3_1/free",
            {"q": q, "fq": "type:adres", "rows": "1"},
        )

    def _parse(self, answer: Any, query: _Query) -> GeocodeResult | None:
        try:
            docs = answer["response"]["docs"]
        except (KeyError, TypeError) as exc:
            raise _BadAnswer("PDOK answer has no response.docs") from exc
        if not isinstance(docs, list):
            raise _BadAnswer("PDOK response.docs is not a list")
        if not docs:
            return None
        doc = docs[0]
        if not isinstance(doc, dict):
            raise _BadAnswer("PDOK doc is not an object")
        match = _WKT_POINT.match(str(doc.get("centroide_ll", "")))
        if not match:
            raise _BadAnswer(f"PDOK centroide_ll is not a POINT: {doc.get('centroide_ll')!r}")
        lat, lon = _coordinates(match.group(2), match.group(1))  # WKT order is lon lat
        precision = _pdok_precision(doc, query)
        if precision is None:
            return None
        return GeocodeResult(
            lat=lat,
            lon=lon,
            precision=precision,
            source=self.service,
            label=str(doc.get("weergavenaam") or ""),
        )


GEOCODERS: dict[str, type[OnlineGeocoder]] = {
    NominatimGeocoder.service: NominatimGeocoder,
    PdokGeocoder.service: PdokGeocoder,
}


def make_geocoder(settings: Mapping[str, Any], **options: Any) -> OnlineGeocoder | None:
    """Build the geocoder the settings ask for, or ``None`` when ``GEOCODER`` is ``none``.

    ``settings`` is the dict of :func:`regional_map.settings.load`; missing ``GEOCODER_*`` keys
    take their declared defaults. ``options`` go to the geocoder's constructor (``timeout``,
    ``clock``, ``sleep`` …). Raises ``ValueError`` for an unknown geocoder name.
    """
    values = {s.name: s.parse(s.default) for s in SETTINGS if s.name.startswith("GEOCODER")}
    values.update({k: v for k, v in settings.items() if k.startswith("GEOCODER")})
    name = str(values["GEOCODER"] or "none").strip().lower()
    if name == "none":
        return None
    try:
        cls = GEOCODERS[name]
    except KeyError:
        known = ", ".join(["none", *GEOCODERS])
        raise ValueError(f"unknown GEOCODER {name!r}; choose one of {known}") from None
    kwargs: dict[str, Any] = {
        "base_url": str(values["GEOCODER_URL"] or ""),
        "user_agent": str(values["GEOCODER_USER_AGENT"] or ""),
        "cache_path": values["GEOCODER_CACHE"] or None,
        "min_interval": float(values["GEOCODER_MIN_INTERVAL"]),
    }
    kwargs.update(options)
    return cls(**kwargs)
