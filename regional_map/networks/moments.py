"""Delivery and pickup moments of a network: OSM weekday codes (``Tu,Fr``), read from an
OSM-syntax schedule when the source gives one, and their names in nl/fr/en."""

from __future__ import annotations

import re

import opening_hours

# OSM weekday codes, for delivery moments ("Tu,Fr").
WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_DAY_SPAN = re.compile(r"\b(Mo|Tu|We|Th|Fr|Sa|Su)(?:\s*-\s*(Mo|Tu|We|Th|Fr|Sa|Su))?\b")


def days_in_schedule(schedule: str) -> list[str]:
    """The weekdays an OSM-syntax schedule names ("Tu,Fr 17:00-19:00" → Tu, Fr); [] for free
    text ("two moments a week"), which says how often but not when."""
    if not schedule or not opening_hours.validate(schedule):
        return []
    days: set[str] = set()
    for first, last in _DAY_SPAN.findall(schedule):
        start = WEEKDAYS.index(first)
        end = WEEKDAYS.index(last) if last else start
        span = range(start, end + 1) if end >= start else [*range(start, 7), *range(end + 1)]
        days.update(WEEKDAYS[i] for i in span)
    return [d for d in WEEKDAYS if d in days]


_DAY_NAMES = {
    "nl": ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}


def day_name(code: str, lang: str) -> str:
    """``Tu`` → "dinsdag" / "mardi" / "Tuesday"."""
    names = _DAY_NAMES.get(lang, _DAY_NAMES["en"])
    return names[WEEKDAYS.index(code)] if code in WEEKDAYS else code
