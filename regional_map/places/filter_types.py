"""The shapes a place filter is declared in (:mod:`regional_map.places.filters` declares them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np


@dataclass(frozen=True)
class Param:
    """A query parameter, as the OpenAPI document describes it."""

    name: str
    description: str
    schema: dict = field(default_factory=lambda: {"type": "string"})
    example: Any = None


@dataclass(frozen=True)
class ParseContext:
    """What parsing needs besides the parameters: the clock, time zone and hiding rule."""

    tz: str = "Europe/Brussels"
    now: datetime | None = None
    hide_after_months: int | None = None  # None: the configured REGIONAL_MAP_HIDE_AFTER_MONTHS
    max_limit: int = 1000

    def current(self) -> datetime:
        return self.now or datetime.now(ZoneInfo(self.tz))


@dataclass
class SqlPart:
    """One filter's contribution to the SQL: a condition on ``p``, or a join (full text)."""

    clause: str | None = None
    params: list[Any] = field(default_factory=list)
    join: str | None = None


@dataclass(frozen=True)
class Filter:
    """One way to narrow the places."""

    name: str
    params: tuple[Param, ...]
    parse: Callable[[Mapping[str, str], Any, ParseContext], None]
    active: Callable[[Any], bool]
    sql: Callable[[Any], SqlPart] | None = None
    # Narrows rows of a point index (``places.pointindex.PointIndex``) like ``sql`` does.
    mask: Callable[[Any, np.ndarray, Any], np.ndarray] | None = None
    # A test of one place row that SQL cannot do (opening hours), applied after SQL.
    test: Callable[[Any, Any], bool] | None = None


def placeholders(values) -> str:
    """``?, ?, ?``: one bound parameter per value, for an ``IN (…)``."""
    return ", ".join("?" * len(values))
