"""Opt-in online geocoding (Nominatim or PDOK), for addresses the offline gazetteer cannot place.

Nothing here runs unless the ``GEOCODER`` setting names a service: ``make_geocoder`` returns
``None`` for the default ``none``. A geocoder is polite by construction:

* every request carries the configured User-Agent and explicit timeouts;
* requests are spaced by at least ``GEOCODER_MIN_INTERVAL`` seconds and never run in parallel;
* only 429 and 5xx answers are retried (at most twice, with backoff);
* every answer, including "no result", is kept in an SQLite cache file, so re-running a batch
  never repeats a request. Failures (timeouts, refused connections, 4xx, garbled answers) are
  *not* cached, so the next run tries those rows again.

:meth:`OnlineGeocoder.geocode` never raises on network trouble: it logs, counts the failure in
:attr:`OnlineGeocoder.stats` and returns ``None``.

The parts: :mod:`~regional_map.geocode.ratelimit` spaces the requests,
:mod:`~regional_map.geocode.cache` keeps the answers and :mod:`~regional_map.geocode.answers`
reads addresses and answers; this module asks the services and counts the work.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import requests

from regional_map.geocode.answers import (
    _BadAnswer,
    _clean,
    _country_code,
    _Query,
)
from regional_map.geocode.cache import GeocodeCache
from regional_map.geocode.ratelimit import RateLimiter

__all__ = [
    "DEFAULT_TIMEOUT",
    "MAX_RETRIES",
    "MAX_RETRY_AFTER",
    "GeocodeCache",
    "GeocodeResult",
    "GeocodeStats",
    "OnlineGeocoder",
    "RateLimiter",
]

log = logging.getLogger(__name__)

#: (connect, read) timeouts in seconds for every request.
DEFAULT_TIMEOUT: tuple[float, float] = (5.0, 10.0)
#: Retries after a 429 or 5xx answer (so at most three attempts per query).
MAX_RETRIES = 2
#: A Retry-After header longer than this is not worth blocking a batch for; we give up instead.
MAX_RETRY_AFTER = 60.0



@dataclass(frozen=True)
class GeocodeResult:
    """A point found by an online geocoder.

    ``precision`` says what was actually matched, never more: ``address`` (the house number
    matched), ``street`` (the street, but not that house number), ``postcode`` or
    ``municipality``.
    """

    lat: float
    lon: float
    precision: str
    source: str
    label: str


@dataclass(frozen=True)
class GeocodeStats:
    """Counters of one geocoder's work, for a batch report."""

    requests: int = 0
    cache_hits: int = 0
    found: int = 0
    not_found: int = 0
    failures: int = 0
    #: failures by kind, e.g. ``{"timeout": 2, "http 403": 1}``
    failure_kinds: Mapping[str, int] = field(default_factory=dict)


class OnlineGeocoder(ABC):
    """Common machinery of online geocoders: session, rate limit, retries, cache and counters.

    Subclasses say how to ask (:meth:`_build_request`) and how to read the answer
    (:meth:`_parse`). Use one instance per batch (it is thread-safe) and :meth:`close` it after.
    """

    #: short name, used as ``GeocodeResult.source`` and in cache keys
    service: ClassVar[str]
    #: base URL of the public service, used when no ``base_url`` is given
    public_url: ClassVar[str]

    def __init__(
        self,
        *,
        user_agent: str,
        base_url: str = "",
        cache_path: str | os.PathLike[str] | None = None,
        min_interval: float = 1.0,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        max_retries: int = MAX_RETRIES,
        backoff: float = 1.0,
        session: requests.Session | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not user_agent or not user_agent.strip():
            # Public services block anonymous clients; an empty header would get us banned.
            raise ValueError("a User-Agent identifying this application is required")
        if not 0 <= max_retries <= MAX_RETRIES:
            raise ValueError(f"max_retries must be between 0 and {MAX_RETRIES}")
        self.base_url = (base_url or self.public_url).rstrip("/")
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self._sleep = sleep
        self.limiter = RateLimiter(min_interval, clock=clock, sleep=sleep)
        self.cache = GeocodeCache(cache_path)
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = user_agent.strip()
        self.session.headers["Accept"] = "application/json"
        # Only one request in flight at a time: the public services ask for no parallel use,
        # and requests.Session is not documented as thread-safe.
        self._request_lock = threading.Lock()
        self._stats_lock = threading.Lock()
        self._counts = {"requests": 0, "cache_hits": 0, "found": 0, "not_found": 0, "failures": 0}
        self._failure_kinds: dict[str, int] = {}

    # -- public API -------------------------------------------------------------------------

    def geocode(
        self,
        street: str | None,
        housenumber: str | None,
        postcode: str | None,
        city: str | None,
        country: str | None,
    ) -> GeocodeResult | None:
        """Geocode one address; ``None`` for no result, an unsupported row or any failure.

        ``country`` is an ISO code (``BE``/``NL``) or a common name (``België``, ``Nederland``).
        Failures are logged and counted in :attr:`stats`; they are not cached, so a later run
        retries them. Answers (including "no result") are cached and never requested twice.
        """
        query = _Query(
            street=_clean(street),
            housenumber=_clean(housenumber),
            postcode=_clean(postcode),
            city=_clean(city),
            country=_country_code(country),
        )
        request = self._build_request(query)
        if request is None:
            return None
        key = query.cache_key(self.service)

        hit, answer = self._cache_get(key)
        if not hit:
            with self._request_lock:
                # Another thread may have fetched the same query while we waited for the lock.
                hit, answer = self._cache_get(key)
                if not hit:
                    answer = self._fetch(*request)
                    if answer is None:
                        return None  # failure, already logged and counted
                    try:
                        result = self._parse(answer, query)
                    except _BadAnswer as exc:
                        self._fail("bad answer", f"{exc}")
                        return None
                    self._cache_put(key, answer)
                    self._count("found" if result else "not_found")
                    return result
        self._count("cache_hits")
        try:
            return self._parse(answer, query)
        except _BadAnswer:
            # Only readable answers are cached, so this means the parser changed; re-ask later.
            log.warning("%s: unreadable cached answer for %s", self.service, key)
            return None

    @property
    def stats(self) -> GeocodeStats:
        """A snapshot of the counters (requests sent, cache hits, found, failures …)."""
        with self._stats_lock:
            return GeocodeStats(**self._counts, failure_kinds=dict(self._failure_kinds))

    @property
    def failures(self) -> int:
        """How many geocode calls failed (network error, timeout, HTTP error, bad answer)."""
        with self._stats_lock:
            return self._counts["failures"]

    def close(self) -> None:
        """Close the HTTP session and the cache file."""
        self.session.close()
        self.cache.close()

    def __enter__(self) -> OnlineGeocoder:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- for subclasses ---------------------------------------------------------------------

    @abstractmethod
    def _build_request(self, query: _Query) -> tuple[str, dict[str, str]] | None:
        """URL and query parameters for ``query``, or ``None`` to skip it without a request."""

    @abstractmethod
    def _parse(self, answer: Any, query: _Query) -> GeocodeResult | None:
        """Read the service's JSON answer; ``None`` for no (usable) result.

        Raise :class:`_BadAnswer` when the answer does not have the expected shape.
        """

    # -- internals --------------------------------------------------------------------------

    def _fetch(self, url: str, params: dict[str, str]) -> Any | None:
        """GET with rate limit and retries; the decoded JSON, or ``None`` after a failure."""
        for attempt in range(self.max_retries + 1):
            self.limiter.wait()
            self._count("requests")
            try:
                response = self.session.get(url, params=params, timeout=self.timeout)
            except requests.Timeout:
                self._fail("timeout", f"no answer from {url} within {self.timeout} s")
                return None
            except requests.RequestException as exc:
                self._fail("connection", f"{type(exc).__name__}: {exc}")
                return None

            status = response.status_code
            retryable = status == 429 or 500 <= status < 600
            if retryable and attempt < self.max_retries:
                delay = self._retry_delay(response, attempt)
                if delay is not None:
                    log.info("%s: HTTP %s, retrying in %.1f s", self.service, status, delay)
                    response.close()
                    self._sleep(delay)
                    continue
            if status != 200:
                self._fail(f"http {status}", f"HTTP {status} from {url}")
                return None
            try:
                return response.json()
            except ValueError:
                self._fail("bad answer", f"answer from {url} is not JSON")
                return None
        return None  # not reached: the last attempt always returns above

    def _retry_delay(self, response: requests.Response, attempt: int) -> float | None:
        """Seconds to wait before the next attempt; ``None`` when the server asks for too long."""
        delay = self.backoff * (2**attempt)
        retry_after = response.headers.get("Retry-After", "").strip()
        if retry_after:
            try:
                delay = max(delay, float(retry_after))
            except ValueError:
                pass  # an HTTP date; our own backoff will do
        return delay if delay <= MAX_RETRY_AFTER else None

    def _cache_get(self, key: str) -> tuple[bool, Any]:
        try:
            return self.cache.get(key)
        except (sqlite3.Error, ValueError) as exc:
            # A broken cache costs a request, not the batch.
            log.warning("%s: geocoder cache unreadable: %s", self.service, exc)
            return False, None

    def _cache_put(self, key: str, answer: Any) -> None:
        try:
            self.cache.put(key, self.service, answer)
        except sqlite3.Error as exc:
            log.warning("%s: could not write geocoder cache: %s", self.service, exc)

    def _count(self, name: str) -> None:
        with self._stats_lock:
            self._counts[name] += 1

    def _fail(self, kind: str, message: str) -> None:
        log.warning("%s geocoder failed (%s): %s", self.service, kind, message)
        with self._stats_lock:
            self._counts["failures"] += 1
            self._failure_kinds[kind] = self._failure_kinds.get(kind, 0) + 1
