"""Settings, declared once: name, default, help text and parser.

Every setting is read from an environment variable with the ``REGIONAL_MAP_`` prefix.
``regional-map settings`` prints them all, and a test checks that the README documents each one.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from regional_map.resources import default_data_home

PREFIX = "REGIONAL_MAP_"

# Belgium and the Netherlands, with a small margin.
DEFAULT_REGION = (2.5, 49.45, 7.25, 53.6)


class SettingError(ValueError):
    """A setting's value cannot be parsed."""


def parse_region(text: str) -> tuple[float, float, float, float] | None:
    """Parse ``minlon,minlat,maxlon,maxlat`` or ``none`` (no region check)."""
    if text.strip().lower() in ("none", ""):
        return None
    parts = text.split(",")
    if len(parts) != 4:
        raise SettingError("region must be minlon,minlat,maxlon,maxlat or 'none'")
    try:
        minlon, minlat, maxlon, maxlat = (float(p) for p in parts)
    except ValueError as exc:
        raise SettingError("region must be four numbers") from exc
    if not (-180 <= minlon < maxlon <= 180 and -90 <= minlat < maxlat <= 90):
        raise SettingError("region must have minlon < maxlon and minlat < maxlat, in degrees")
    return (minlon, minlat, maxlon, maxlat)


def parse_bool(text: str) -> bool:
    value = text.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise SettingError(f"not a boolean: {text!r}")


def parse_int(text: str) -> int:
    try:
        return int(text)
    except ValueError as exc:
        raise SettingError(f"not a whole number: {text!r}") from exc


def parse_float(text: str) -> float:
    try:
        return float(text)
    except ValueError as exc:
        raise SettingError(f"not a number: {text!r}") from exc


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str
    parse: Callable[[str], Any] = str

    @property
    def env(self) -> str:
        return PREFIX + self.name


SETTINGS: tuple[Setting, ...] = (
    Setting("DATA_DIR", "", "Folder of the database and caches (empty: data/ in a source "
            "checkout, else the platform's user data folder, ~/.local/share/regional-map)."),
    Setting("DB", "", "Path of the SQLite database (empty: regional_map.db in DATA_DIR)."),
    Setting(
        "REGION",
        ",".join(str(v) for v in DEFAULT_REGION),
        "Bounding box minlon,minlat,maxlon,maxlat that imported points must fall in, "
        "and the map's initial view; 'none' accepts the whole world.",
        parse_region,
    ),
    Setting("HOST", "127.0.0.1", "Address `regional-map serve` listens on."),
    Setting("PORT", "5000", "Port `regional-map serve` listens on.", parse_int),
    Setting("TIMEZONE", "Europe/Brussels", "Time zone in which opening hours are evaluated."),
    Setting(
        "TILE_URL",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "Base-map tile URL template (the one network resource the map page loads).",
    ),
    Setting(
        "TILE_ATTRIBUTION",
        "© OpenStreetMap contributors",
        "Attribution of the base-map tiles, shown on the map.",
    ),
    Setting(
        "GEOCODER",
        "none",
        "Online geocoder used after the offline gazetteer: none, nominatim or pdok. "
        "Off by default: nothing leaves the machine unless you set it.",
    ),
    Setting(
        "GEOCODER_URL",
        "",
        "Base URL of the online geocoder (empty: the service's public address).",
    ),
    Setting(
        "GEOCODER_USER_AGENT",
        "RegionalMap/0.1 (+https://example.org/regional-map)",
        "User-Agent sent to online geocoders; put your contact address in it.",
    ),
    Setting(
        "GEOCODER_CACHE",
        "",
        "On-disk cache of online geocoder answers (empty: cache/geocoder.sqlite in DATA_DIR).",
    ),
    Setting(
        "GEOCODER_MIN_INTERVAL",
        "1.0",
        "Minimum seconds between two requests to the online geocoder.",
        parse_float,
    ),
    Setting("SECRET_KEY", "", "Secret for session cookies; set it in production."),
    Setting("MAX_PAGE_SIZE", "1000", "Largest `limit` the API accepts.", parse_int),
    Setting(
        "DUPLICATE_DISTANCE_M",
        "200",
        "Distance in metres within which places with similar names count as likely duplicates.",
        parse_float,
    ),
    Setting(
        "STALE_MONTHS",
        "12",
        "Months after its last confirmation that a place is marked 'may be outdated'.",
        parse_int,
    ),
    Setting(
        "HIDE_AFTER_MONTHS",
        "24",
        "Months after its last confirmation that a place drops off the default map and list "
        "(0: never); `stale=include` still finds it.",
        parse_int,
    ),
    Setting(
        "SESSION_COOKIE_SECURE",
        "true",
        "Send the login session cookie over HTTPS only; turn off only for local plain-HTTP use.",
        parse_bool,
    ),
    Setting(
        "PROXY_HOPS",
        "0",
        "Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host to trust "
        "(client addresses for rate limits, https for cookies); 0 trusts none.",
        parse_int,
    ),
    Setting(
        "SUBMISSIONS_PER_HOUR",
        "5",
        "Suggestions and problem reports one client (IP address) may send per hour.",
        parse_int,
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def load(environ: Mapping[str, str] | None = None, **overrides: Any) -> dict[str, Any]:
    """Read every setting from ``environ`` (default ``os.environ``); overrides win.

    Returns a dict keyed by setting name (``DB``, ``REGION`` …), values parsed.
    """
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = environ.get(setting.env, setting.default)
        try:
            values[setting.name] = setting.parse(raw)
        except SettingError as exc:
            raise SettingError(f"{setting.env}: {exc}") from exc
    for name, value in overrides.items():
        if name not in _BY_NAME:
            raise KeyError(f"unknown setting {name}")
        values[name] = value
    # Paths left empty follow the data folder, so one setting moves everything.
    home = Path(values["DATA_DIR"]) if values["DATA_DIR"] else default_data_home()
    values["DATA_DIR"] = str(home)
    values["DB"] = values["DB"] or str(home / "regional_map.db")
    values["GEOCODER_CACHE"] = values["GEOCODER_CACHE"] or str(home / "cache" / "geocoder.sqlite")
    return values
