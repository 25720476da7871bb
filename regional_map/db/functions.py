"""SQL functions every connection has, registered once when it opens (``connection.connect``).

Their Python implementations live here too, so a fast path that measures in Python measures
with exactly the function SQL uses. Pure functions of the standard library: ``db`` imports
nothing else of Regional Map.
"""

from __future__ import annotations

import math
import re
import sqlite3

EARTH_RADIUS_M = 6_371_008.8
_MONTH_PART = re.compile(r"^(\d{1,2})(?:\s*-\s*(\d{1,2}))?$")


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a)))


def parse_months(text: str | None) -> tuple[int, ...]:
    """Parse a month list such as ``"1-12"``, ``"5-6"`` or ``"11-12,1-3"``.

    Parts are single months or ranges separated by commas; a range may wrap around the end
    of the year (``"11-3"`` is November to March). Returns the sorted unique month numbers
    (1 = January). A blank text means no months and gives ``()``.

    Raises ``ValueError`` on anything else (months outside 1-12, empty parts, other
    separators).
    """
    if text is None or not text.strip():
        return ()
    months: set[int] = set()
    for part in text.split(","):
        found = _MONTH_PART.match(part.strip())
        if not found:
            raise ValueError(f"not a month or month range: {part.strip()!r} in {text!r}")
        start = int(found.group(1))
        end = int(found.group(2)) if found.group(2) else start
        for month in (start, end):
            if not 1 <= month <= 12:
                raise ValueError(f"month {month} is not between 1 and 12 in {text!r}")
        if start <= end:
            months.update(range(start, end + 1))
        else:  # wraps around the new year
            months.update(range(start, 13))
            months.update(range(1, end + 1))
    return tuple(sorted(months))


def in_months(months: str | None, month: int) -> bool:
    """Whether ``month`` is in the month list ``months``; a blank or bad list holds none."""
    if not months:
        return False
    try:
        return month in parse_months(months)
    except ValueError:
        return False


def register(conn: sqlite3.Connection) -> None:
    """Add the functions to ``conn`` (deterministic, so SQLite may cache their results)."""
    conn.create_function("haversine_m", 4, haversine_m, deterministic=True)
    conn.create_function("in_months", 2, in_months, deterministic=True)
