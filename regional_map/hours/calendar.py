"""Time zones and public-holiday calendars for :mod:`regional_map.hours`.

Turns the caller's datetimes into the ``ZoneInfo``-aware ones the ``opening_hours``
library accepts, decides whose calendar supplies ``PH`` for a country (the library's
own, or the ``holidays`` package) and names the public holidays. See the module
docstring of :mod:`regional_map.hours` for why each of these is needed.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import holidays
import opening_hours as _oh


@functools.lru_cache(maxsize=64)
def _zone(tz: str) -> ZoneInfo:
    return ZoneInfo(tz)


def _localize(at: datetime | None, zone: ZoneInfo) -> datetime:
    """Aware datetime in ``zone`` that the library accepts (see :mod:`regional_map.hours`)."""
    if at is None:
        return datetime.now(zone)
    if at.tzinfo is None:
        at = at.replace(tzinfo=zone)
    # The UTC round trip maps a spring-gap wall time onto a real instant and turns
    # any other tzinfo into the ZoneInfo the library insists on.
    return at.astimezone(UTC).astimezone(zone)


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return _localize(datetime.combine(day, time(0)), zone)


def _years_around(day: date) -> tuple[int, ...]:
    return (day.year - 1, day.year, day.year + 1)


@functools.lru_cache(maxsize=64)
def _calendar_source(country: str) -> Literal["library", "holidays"]:
    try:
        _oh.OpeningHours("24/7", country=country)
        return "library"
    except _oh.UnknownCountryError:
        pass
    try:
        holidays.country_holidays(country)
    except NotImplementedError:
        raise ValueError(f"Unknown country code {country!r}") from None
    return "holidays"


@functools.lru_cache(maxsize=256)
def _holiday_dates(country: str, years: tuple[int, ...]) -> list[date]:
    return sorted(holidays.country_holidays(country, years=years))


@functools.lru_cache(maxsize=256)
def _library_ph_dates(country: str, year: int) -> frozenset[date]:
    """The days the library's own calendar treats as ``PH``."""
    oh = _oh.OpeningHours("PH", country=country)
    days: set[date] = set()
    for start, end, state, _comment in oh.intervals(datetime(year, 1, 1), datetime(year + 1, 1, 1)):
        if state == _oh.State.OPEN:
            day = start.date()
            while datetime.combine(day, time(0)) < end.replace(tzinfo=None):
                days.add(day)
                day += timedelta(days=1)
    return frozenset(days)


@functools.lru_cache(maxsize=256)
def _holiday_names(country: str, year: int, lang: str) -> dict[date, str]:
    calendar = holidays.country_holidays(country, years=year)
    wanted = {"en": "en_US"}.get(lang, lang)
    supported = calendar.supported_languages or ()
    language = wanted if wanted in supported else ("en_US" if "en_US" in supported else None)
    return dict(holidays.country_holidays(country, years=year, language=language))


def _public_holiday(country: str, day: date, lang: str) -> str | None:
    """Name of the holiday on ``day`` if ``PH`` rules apply then, else ``None``."""
    names = _holiday_names(country, day.year, lang)
    if _calendar_source(country) == "library":
        if day not in _library_ph_dates(country, day.year):
            return None
        return names.get(day, "PH")
    return names.get(day)
