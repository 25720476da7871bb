"""Evaluate OSM ``opening_hours`` strings server-side, in the region's time zone.

Framework-free: the web layer asks :func:`status` ("open now?", with the next
closing/opening time), renders it with :func:`describe`, and shows a place's week
with :func:`week_table`. Parsing is delegated to ``opening-hours-py`` (import name
``opening_hours``, a binding of the Rust crate ``opening-hours``); this module adds
what the library does not do for us:

* **Time zones.** Every expression is compiled with ``timezone=ZoneInfo(tz)``. The
  library then reads *naive* datetimes as local wall-clock time in that zone and
  converts *aware* ones, and it returns aware datetimes in that zone. It only accepts
  ``ZoneInfo``-aware datetimes, though (``datetime.timezone.utc`` or a fixed offset
  raise ``TypeError``, as does a ``ZoneInfo`` wall time that falls in the spring DST
  gap), so :func:`status` always hands it a normalised ``ZoneInfo``-aware datetime.
  Naive ``at`` values follow PEP 495: an ambiguous autumn time means its first
  occurrence (summer time), a non-existent spring time is shifted forward by an hour.
* **Public holidays.** The library ships its own calendars (``country="BE"`` /
  ``"NL"`` both work; lower-case codes do not, hence the upper-casing). Its BE/NL
  calendars are the days off: unlike the ``holidays`` package they leave out
  Pentecost Sunday (BE), Good Friday (NL) and Liberation Day outside lustrum years
  (NL). For countries the library does not know but ``holidays`` does (e.g. ``BQ``,
  the Caribbean Netherlands) the ``PH`` token is rewritten into explicit dates.
  Holiday *names* always come from ``holidays``.
* **Free text and comments.** The library evaluates a comment without a modifier
  (``"op afspraak"``, ``Mo-Fr "op afspraak"``, ``... || "call us"``, even
  ``Sa 10:00-12:00 "maybe, call us"``) as *open*. The reference implementation,
  opening_hours.js (whose test suite pins exactly these cases), reads them as
  *unknown*, and a place must never be claimed open on the strength of a comment, so
  such comments get an explicit ``unknown`` modifier before parsing; ``open "..."``
  stays open. A value that is nothing but a quoted comment does not count as parsed
  at all (:func:`parse` returns ``None``).
* **Day lists with a space.** ``Mo, Sa 08:30-12:30`` is, to the letter of the spec,
  two rules: ``Mo`` (open all day!) and ``Sa 08:30-12:30``. Mappers mean a day list,
  so the space after a comma between two day tokens is dropped before parsing.
* **Sunrise/sunset.** Without coordinates the library silently uses fixed 07:00 and
  19:00. Solar expressions are therefore compiled with a reference point for the
  country (BE, NL: within ~10-15 minutes of the real time anywhere in the country);
  for other countries such expressions are reported unparseable. Note that passing
  ``auto_timezone=False`` makes the library ignore ``coords`` for solar events.

Parsed values are cached per (text, country): the map asks about the same few hundred
strings for every place; most of a status call is finding the next opening/closing time.

The work is split over four modules; import everything from this one:
:mod:`regional_map.hours.model` (the data classes), :mod:`regional_map.hours.calendar`
(time zones and holiday calendars), :mod:`regional_map.hours.text` (:func:`describe`
and :data:`MESSAGES`) and this module (parsing, :func:`status`, :func:`week_table`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

import opening_hours as _oh

from regional_map.hours.calendar import (
    _calendar_source,
    _holiday_dates,
    _local_midnight,
    _localize,
    _public_holiday,
    _years_around,
    _zone,
)
from regional_map.hours.model import DayHours, Hours, HoursStatus
from regional_map.hours.model import State as State
from regional_map.hours.text import MESSAGES, _lang, describe

__all__ = [
    "DEFAULT_COUNTRY",
    "DEFAULT_TZ",
    "MESSAGES",
    "DayHours",
    "Hours",
    "HoursStatus",
    "describe",
    "is_open",
    "parse",
    "parse_report",
    "status",
    "week_table",
]

DEFAULT_COUNTRY = "BE"
DEFAULT_TZ = "Europe/Brussels"

#: How far ahead :func:`status` looks for the next opening or closing time. A week
#: plus a day, so "closed on Saturday, opens next Saturday" is still found.
LOOKAHEAD = timedelta(days=8)

# A point near the middle of each country for sunrise/sunset. The east-west extent
# of BE and NL is ~4 degrees of longitude, i.e. ~16 minutes of solar time, so the
# error from a central point stays within ~8-10 minutes.
_SOLAR_REFERENCE: dict[str, tuple[float, float]] = {
    "BE": (50.64, 4.67),
    "NL": (52.16, 5.39),
}

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_COMMENT = re.compile(r'"[^"]*"')
_FREE_TEXT = re.compile(r'\s*"([^"]*)"\s*')
_PLACEHOLDER = re.compile(r"\x00(\d+)\x00")
_DAY = r"(?:Mo|Tu|We|Th|Fr|Sa|Su|PH|SH)"
# ", " between two day tokens: a day list, not an additional rule (see module doc).
_DAY_LIST_SPACE = re.compile(rf"(?<![A-Za-z])({_DAY}(?:\[[^\]]*\])?)\s*,\s+(?={_DAY}(?![A-Za-z]))")
# A comment right after one of these belongs to an explicit modifier; any other
# comment (outside a `"...":` selector) is a bare one and means unknown.
_MODIFIER_BEFORE = re.compile(r"(?<![A-Za-z])(?:open|closed|off|unknown)$", re.IGNORECASE)
_SOLAR = re.compile(r"(?<![A-Za-z])(?:sunrise|sunset|dawn|dusk)(?![A-Za-z])", re.IGNORECASE)
_PH = re.compile(r"(?<![A-Za-z])PH(?![A-Za-z])")
_WEEKDAY_ITEM = (
    r"(?:(?:Mo|Tu|We|Th|Fr|Sa|Su)(?:\[[^\]]*\])?(?:\s*-\s*(?:Mo|Tu|We|Th|Fr|Sa|Su))?|PH)"
)
_LEADING_WEEKDAY_SELECTOR = re.compile(
    rf"(\s*)({_WEEKDAY_ITEM}(?:\s*,\s*{_WEEKDAY_ITEM})*)(?![A-Za-z])(.*)", re.DOTALL
)


# ------------------------------------------------------------------- parsing


def parse(text: str | None, country: str = DEFAULT_COUNTRY, tz: str = DEFAULT_TZ) -> Hours | None:
    """Parse an ``opening_hours`` value; ``None`` when it yields no machine-readable hours.

    ``None`` covers empty values, syntax errors and values that are only free text
    (``"op afspraak"``). Results are cached per (text, country, tz) because the same
    few hundred strings recur across thousands of places.

    Raises ``ValueError`` for a country code neither the library nor ``holidays``
    knows, and ``zoneinfo.ZoneInfoNotFoundError`` for an unknown ``tz``.
    """
    return _parse(text, country, tz, date.today())


def parse_report(strings: Iterable[str]) -> tuple[list[str], list[str]]:
    """Split raw values into ``(ok, failed)`` by whether :func:`parse` accepts them.

    Evaluated with the default country and zone; free-text-only values count as failed.
    """
    ok: list[str] = []
    failed: list[str] = []
    for text in strings:
        (ok if parse(text) is not None else failed).append(text)
    return ok, failed


def _parse(text: str | None, country: str, tz: str, around: date) -> Hours | None:
    country = country.upper()
    source = _calendar_source(country)  # validates the code even for empty values
    raw = (text or "").strip()
    if not raw:
        return None
    # Only the rewrite for `holidays`-package countries depends on the date, so keep
    # the cache key date-free for everyone else.
    years = _years_around(around) if source == "holidays" else None
    return _compile(raw, country, tz, years)


@functools.lru_cache(maxsize=8192)
def _compile(raw: str, country: str, tz: str, years: tuple[int, ...] | None) -> Hours | None:
    if _FREE_TEXT.fullmatch(raw):
        return None
    expression = _repair(raw)
    ph_unresolved = False
    if years is not None and _PH.search(_COMMENT.sub("", expression)):
        rewritten = _rewrite_ph(expression, _holiday_dates(country, years))
        if rewritten is None:
            ph_unresolved = True
        else:
            expression = rewritten
    coords = None
    if _SOLAR.search(_COMMENT.sub("", expression)):
        coords = _SOLAR_REFERENCE.get(country)
        if coords is None:
            # The library would silently assume sunrise 07:00 / sunset 19:00.
            return None
    try:
        oh = _oh.OpeningHours(
            expression,
            timezone=_zone(tz),
            country=country if years is None else None,
            coords=coords,
            # Country and zone are given explicitly; never guess them from the
            # reference point. (auto_timezone must stay on: with it off the library
            # ignores coords for sunrise/sunset.)
            auto_country=False,
        )
    except (_oh.ParserError, SyntaxError, ValueError):
        return None
    return Hours(
        raw=raw,
        expression=expression,
        country=country,
        tz=tz,
        warnings=tuple(oh.warnings),
        ph_unresolved=ph_unresolved,
        oh=oh,
    )


def _mask_comments(text: str) -> tuple[str, list[str]]:
    """Swap quoted comments for placeholders so rewrites never touch their text."""
    comments: list[str] = []

    def stash(match: re.Match[str]) -> str:
        comments.append(match.group())
        return f"\x00{len(comments) - 1}\x00"

    return _COMMENT.sub(stash, text), comments


def _unmask_comments(masked: str, comments: list[str]) -> str:
    return _PLACEHOLDER.sub(lambda m: comments[int(m.group(1))], masked)


def _repair(raw: str) -> str:
    """Apply the repairs listed in the module docstring (day lists, bare comments)."""
    masked, comments = _mask_comments(raw)
    masked = _DAY_LIST_SPACE.sub(r"\1,", masked)

    def mark_bare_comment_unknown(match: re.Match[str]) -> str:
        comment = comments[int(match.group(1))]
        before, after = masked[: match.start()], masked[match.end() :]
        if after.lstrip().startswith(":") or _MODIFIER_BEFORE.search(before.rstrip()):
            return comment  # a `"...":` selector, or the comment of an explicit modifier
        return f"{'' if not before or before[-1].isspace() else ' '}unknown {comment}"

    return _PLACEHOLDER.sub(mark_bare_comment_unknown, masked)


def _rewrite_ph(expression: str, dates: list[date]) -> str | None:
    """Replace ``PH`` by explicit dates, for countries the library has no calendar for.

    Only rules whose leading weekday selector contains ``PH`` are supported
    (``PH off``, ``Su,PH 10:00-16:00``, ``PH,Mo-Su 08:00-20:00``); ``Sa,PH x`` becomes
    ``Sa x; <dates> x``, which means the same because both halves share one time
    selector. Returns ``None`` for anything else (offsets, PH after a month range...).
    """
    if not dates:
        return None
    date_selector = ",".join(f"{d.year} {_MONTHS[d.month - 1]} {d.day:02d}" for d in dates)
    masked, comments = _mask_comments(expression)
    parts = re.split(r"(;|\|\|)", masked)
    for i in range(0, len(parts), 2):
        rule = parts[i]
        if not _PH.search(rule):
            continue
        match = _LEADING_WEEKDAY_SELECTOR.fullmatch(rule)
        if not match or not _PH.search(match.group(2)) or re.match(r"\s*[+-]", match.group(3)):
            return None
        lead, selector, tail = match.groups()
        others = [item.strip() for item in selector.split(",") if not _PH.fullmatch(item.strip())]
        rewritten = f"{lead}{date_selector}{tail}"
        if others:
            rewritten = f"{lead}{','.join(others)}{tail}; {date_selector}{tail}"
        parts[i] = rewritten
    return _unmask_comments("".join(parts), comments)


# --------------------------------------------------------------- evaluation


def status(
    text: str | None,
    at: datetime | None = None,
    country: str = DEFAULT_COUNTRY,
    tz: str = DEFAULT_TZ,
) -> HoursStatus:
    """Evaluate ``text`` at ``at`` (default: now) for a place in ``country`` / ``tz``.

    A naive ``at`` is read as wall-clock time in ``tz``; an aware one is converted.
    Empty, unparseable or free-text values give ``state="unknown"``: places without
    usable hours are never claimed open.
    """
    zone = _zone(tz)
    when = _localize(at, zone)
    raw = text or ""
    hours = _parse(raw, country, tz, when.date())
    if hours is None or hours.oh is None:
        free = _FREE_TEXT.fullmatch(raw)
        return HoursStatus("unknown", raw, when, comment=free.group(1) if free else None)

    state, comment = hours.oh.state(when)
    if _unresolved_holiday(hours, when.date()):
        return HoursStatus("unknown", raw, when, comment=comment or None)
    if state == _oh.State.OPEN:
        closes_at = _next_boundary(hours.oh, when, want_open=False)
        return HoursStatus("open", raw, when, closes_at=closes_at, comment=comment or None)
    if state == _oh.State.CLOSED:
        opens_at = _next_boundary(hours.oh, when, want_open=True)
        if opens_at is not None and _unresolved_holiday(hours, opens_at.date()):
            opens_at = None
        return HoursStatus("closed", raw, when, opens_at=opens_at, comment=comment or None)
    return HoursStatus("unknown", raw, when, comment=comment or None)


def is_open(
    text: str | None,
    at: datetime | None = None,
    country: str = DEFAULT_COUNTRY,
    tz: str = DEFAULT_TZ,
) -> bool:
    """True when the hours positively say open at ``at``; False for closed and unknown."""
    return status(text, at, country, tz).is_open


def _unresolved_holiday(hours: Hours, day: date) -> bool:
    """A holiday on which ``hours`` cannot say what ``PH`` rules do (see :class:`Hours`)."""
    return hours.ph_unresolved and day in _holiday_dates(hours.country, _years_around(day))


def _next_boundary(oh: _oh.OpeningHours, when: datetime, *, want_open: bool) -> datetime | None:
    """Start of the first later interval that is (``want_open``) / is not open."""
    # Iterating lazily matters: building a whole 8-day list costs ~6x more.
    for start, _end, state, _comment in oh.intervals(when, when + LOOKAHEAD):
        if start <= when:
            continue  # the current interval; its state is already known
        if (state == _oh.State.OPEN) == want_open:
            return start
    return None


def week_table(
    text: str | None,
    week_of: date,
    country: str = DEFAULT_COUNTRY,
    tz: str = DEFAULT_TZ,
    lang: str = "en",
) -> list[DayHours]:
    """Monday..Sunday of the week containing ``week_of``, with open spans per day.

    Public holidays on which the ``PH`` rules apply are flagged with their name in
    ``lang`` (nl/fr/en, when the ``holidays`` package has it). Unparseable hours give
    seven days marked ``unknown``.
    """
    if isinstance(week_of, datetime):
        week_of = week_of.date()
    zone = _zone(tz)
    monday = week_of - timedelta(days=week_of.weekday())
    days = [monday + timedelta(days=i) for i in range(7)]
    country = country.upper()
    hours = _parse(text, country, tz, week_of)
    names = [_public_holiday(country, day, _lang(lang)) for day in days]
    if hours is None or hours.oh is None:
        return [
            DayHours(day, unknown=True, holiday=name) for day, name in zip(days, names, strict=True)
        ]

    bounds = [_local_midnight(day, zone) for day in [*days, monday + timedelta(days=7)]]
    spans: list[list[tuple[time, time]]] = [[] for _ in days]
    unknown = [False] * 7
    comments: list[list[str]] = [[] for _ in days]
    for start, end, state, comment in hours.oh.intervals(bounds[0], bounds[7]):
        for i in range(7):
            lo, hi = max(start, bounds[i]), min(end, bounds[i + 1])
            if lo >= hi:
                continue
            if comment and comment not in comments[i]:
                comments[i].append(comment)
            if state == _oh.State.UNKNOWN:
                unknown[i] = True
            elif state == _oh.State.OPEN:
                # fold only marks the repeated autumn hour; wall times are what we show.
                span = (
                    lo.time().replace(fold=0),
                    time(0) if hi == bounds[i + 1] else hi.time().replace(fold=0),
                )
                # Adjacent intervals differing only by comment read as one span.
                if spans[i] and spans[i][-1][1] == span[0] and lo != bounds[i]:
                    span = (spans[i].pop()[0], span[1])
                spans[i].append(span)

    table = []
    for i, day in enumerate(days):
        if hours.ph_unresolved and names[i] is not None:
            table.append(DayHours(day, unknown=True, holiday=names[i]))
            continue
        table.append(DayHours(day, tuple(spans[i]), unknown[i], names[i], tuple(comments[i])))
    return table
