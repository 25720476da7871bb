"""Request spacing for the online geocoders: at most one call per ``min_interval`` seconds."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

__all__ = ["RateLimiter"]


class RateLimiter:
    """Spaces calls to :meth:`wait` at least ``min_interval`` seconds apart, across threads.

    ``clock`` and ``sleep`` are injectable so tests can check the spacing without waiting.
    """

    def __init__(
        self,
        min_interval: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if min_interval < 0 or not math.isfinite(min_interval):
            raise ValueError(f"min_interval must be a non-negative number, not {min_interval!r}")
        self.min_interval = min_interval
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._last: float | None = None

    def wait(self) -> None:
        """Block until the next call is allowed, then record it as made now."""
        # Sleeping while holding the lock is the point: other threads queue up behind us.
        with self._lock:
            now = self._clock()
            if self._last is not None:
                delay = self._last + self.min_interval - now
                if delay > 0:
                    self._sleep(delay)
                    # Never trust the clock to have moved exactly; the slot is taken either way.
                    now = max(self._clock(), self._last + self.min_interval)
            self._last = now
