"""Data classes of :mod:`regional_map.hours`: a parsed value, a status and a week-table row.

Kept apart so the evaluation (:mod:`regional_map.hours`) and the wording
(:mod:`regional_map.hours_text`) can both use them without importing each other.
Import them from :mod:`regional_map.hours`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Literal

import opening_hours as _oh

__all__ = ["DayHours", "Hours", "HoursStatus", "State"]

State = Literal["open", "closed", "unknown"]


@dataclass(frozen=True)
class Hours:
    """A successfully parsed ``opening_hours`` value, bound to a country and time zone.

    ``expression`` is what was handed to the library after the repairs described in
    the :mod:`regional_map.hours` docstring; ``raw`` is the value as tagged.
    ``ph_unresolved`` is set when the country's holidays come from the ``holidays``
    package and a ``PH`` rule could not be rewritten into dates: public holidays then
    evaluate as unknown.
    """

    raw: str
    expression: str
    country: str
    tz: str
    warnings: tuple[str, ...] = ()
    ph_unresolved: bool = False
    oh: _oh.OpeningHours | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class HoursStatus:
    """State of a place at one moment, as returned by :func:`~regional_map.hours.status`.

    ``closes_at`` is set when open and the place closes within
    :data:`~regional_map.hours.LOOKAHEAD` (``None`` for 24/7); ``opens_at`` is set when
    closed and it opens within that look-ahead. Both, and ``at``, are aware datetimes
    in the place's zone.
    ``comment`` is the mapper's comment for the current rule, or the free text when
    the whole value is a quoted comment.
    """

    state: State
    raw: str
    at: datetime
    closes_at: datetime | None = None
    opens_at: datetime | None = None
    comment: str | None = None

    @property
    def is_open(self) -> bool:
        """True only when the hours positively say open."""
        return self.state == "open"


@dataclass(frozen=True)
class DayHours:
    """One row of :func:`~regional_map.hours.week_table`.

    ``intervals`` are the open spans within this calendar day as ``(start, end)``
    local wall times; an ``end`` of ``00:00`` means "until midnight" (spans crossing
    midnight are split at it). ``unknown`` is True when part of the day (or, for
    unparseable hours, the whole day) has no known state. ``holiday`` is the public
    holiday's name when the ``PH`` rules apply that day.
    """

    day: date
    intervals: tuple[tuple[time, time], ...] = ()
    unknown: bool = False
    holiday: str | None = None
    comments: tuple[str, ...] = ()

    @property
    def weekday(self) -> int:
        """0 = Monday ... 6 = Sunday."""
        return self.day.weekday()

    @property
    def is_closed(self) -> bool:
        """Known to be closed the whole day."""
        return not self.intervals and not self.unknown

    @property
    def label(self) -> str:
        """Language-neutral hours text, e.g. ``"08:00–12:00, 13:00–18:00"``; ``""`` if none."""
        return ", ".join(
            f"{start:%H:%M}–{'24:00' if end == time(0) else f'{end:%H:%M}'}"
            for start, end in self.intervals
        )
