"""HTTP query parameters → :class:`PlaceFilter`: the place filters' own parser with this app's
settings, so the map page, the API, the embed and the exports read the same names.

Every filter is declared once in :mod:`regional_map.places.filters`; this module only adds
what the web knows (the configured time zone and page size).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from flask import has_app_context

from regional_map.places.filters import (
    MAX_RADIUS_KM,
    PAYMENT_CODES,
    RADII_KM,
    ParseContext,
    PlaceFilter,
    parse,
    parse_bbox,
    parse_bool,
    parse_datetime,
    parse_int,
    parse_latlon,
    parse_number,
)
from regional_map.web.context import settings

__all__ = ["MAX_RADIUS_KM", "PAYMENT_CODES", "RADII_KM", "parse_bbox", "parse_bool",
           "parse_datetime", "parse_int", "parse_latlon", "parse_number", "parse_place_filter"]


def parse_place_filter(args: Mapping[str, str], *, max_limit: int = 1000,
                       default_limit: int = 100, tz: str = "Europe/Brussels",
                       now: datetime | None = None) -> PlaceFilter:
    """Read every place filter from query parameters; raises ``BadParameter``."""
    hide = settings()["HIDE_AFTER_MONTHS"] if has_app_context() else None
    return parse(args, ParseContext(tz=tz, now=now, max_limit=max_limit, hide_after_months=hide),
                 default_limit=default_limit)
