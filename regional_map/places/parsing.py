"""Reading parameter texts: numbers, boxes, points, booleans, dates and lists, each with a
:class:`~regional_map.errors.BadParameter` that names the parameter and says what to give."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from regional_map.errors import BadParameter

__all__ = ["parse_bbox", "parse_bool", "parse_datetime", "parse_int", "parse_latlon",
           "parse_number"]


def _list(args: Mapping[str, str], name: str) -> list[str]:
    return [part.strip() for part in args.get(name, "").split(",") if part.strip()]


def _known(name: str, values: list[str], known, hint: str = "") -> tuple[str, ...]:
    unknown = [v for v in values if v not in known]
    if unknown:
        raise BadParameter(name, f"unknown {name} {', '.join(unknown)}; "
                                 f"known: {hint or ', '.join(known)}")
    return tuple(values)


def parse_number(name: str, text: str) -> float:
    """A finite number, or :class:`BadParameter` naming ``name``."""
    try:
        value = float(text)
    except ValueError:
        raise BadParameter(name, f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise BadParameter(name, "must be a finite number")
    return value


def parse_bbox(text: str, name: str = "bbox") -> tuple[float, float, float, float]:
    """``minlon,minlat,maxlon,maxlat`` in WGS84 (no antimeridian boxes)."""
    parts = text.split(",")
    if len(parts) != 4:
        raise BadParameter(name, "give four numbers: minlon,minlat,maxlon,maxlat")
    minlon, minlat, maxlon, maxlat = (parse_number(name, p) for p in parts)
    if not (-180 <= minlon <= 180 and -180 <= maxlon <= 180):
        raise BadParameter(name, "longitudes must lie between -180 and 180")
    if not (-90 <= minlat <= 90 and -90 <= maxlat <= 90):
        raise BadParameter(name, "latitudes must lie between -90 and 90")
    if minlat > maxlat:
        raise BadParameter(name, "minlat must not be larger than maxlat")
    if minlon > maxlon:
        raise BadParameter(name, "minlon must not be larger than maxlon (no antimeridian boxes)")
    return minlon, minlat, maxlon, maxlat


def parse_latlon(text: str, name: str = "near") -> tuple[float, float]:
    """``lat,lon`` in WGS84."""
    parts = text.split(",")
    if len(parts) != 2:
        raise BadParameter(name, "give lat,lon")
    lat, lon = (parse_number(name, p) for p in parts)
    if not -90 <= lat <= 90:
        raise BadParameter(name, f"latitude {lat:g} is not between -90 and 90")
    if not -180 <= lon <= 180:
        raise BadParameter(name, f"longitude {lon:g} is not between -180 and 180")
    return lat, lon


def parse_bool(text: str, name: str) -> bool:
    """true/false, 1/0, yes/no, on/off."""
    value = text.strip().lower()
    if value in ("true", "1", "yes", "on"):
        return True
    if value in ("false", "0", "no", "off"):
        return False
    raise BadParameter(name, "use true or false")


def parse_int(text: str, name: str, low: int, high: int) -> int:
    """A whole number between ``low`` and ``high``."""
    try:
        value = int(text)
    except ValueError:
        raise BadParameter(name, f"{text!r} is not a whole number") from None
    if not low <= value <= high:
        raise BadParameter(name, f"must be between {low} and {high}")
    return value


def parse_datetime(text: str, name: str, tz: str) -> datetime:
    """ISO 8601; a time without zone is read in ``tz``."""
    try:
        parsed = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise BadParameter(name, f"{text!r} is not an ISO 8601 date-time") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=ZoneInfo(tz))


def bool_field(param: str, attr: str):
    """A filter's parser that reads the boolean ``param`` into the field ``attr``."""
    def parse(args, f, _ctx):
        if args.get(param):
            setattr(f, attr, parse_bool(args[param], param))
    return parse
