"""Online geocoders against a fake Nominatim/PDOK server on 127.0.0.1 (no other address is used)."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from regional_map.geocode.online import GeocodeResult, OnlineGeocoder, RateLimiter
from regional_map.geocode.services import NominatimGeocoder, PdokGeocoder, make_geocoder

USER_AGENT = "RegionalMapTests/0.1 (test@example.org)"

# A realistic Nominatim jsonv2 answer (addressdetails=1) for a house-number hit in Gent.
NOMINATIM_HIT = [
    {
        "place_id": 102841276,
        "licence": "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright",
        "osm_type": "node",
        "osm_id": 2815473321,
        "lat": "51.0535170",
        "lon": "3.7236420",
        "category": "place",
        "type": "house",
        "place_rank": 30,
        "importance": 7.500038147008352e-05,
        "addresstype": "place",
        "name": "",
        "display_name": "1, Veldstraat, Gent, Oost-Vlaanderen, Vlaanderen, 9000, "
        "België / Belgique / Belgien",
        "address": {
            "house_number": "1",
            "road": "Veldstraat",
            "city_district": "Gent",
            "city": "Gent",
            "county": "Oost-Vlaanderen",
            "state": "Vlaanderen",
            "ISO3166-2-lvl4": "BE-VLG",
            "postcode": "9000",
            "country": "België / Belgique / Belgien",
            "country_code": "be",
        },
        "boundingbox": ["51.0534670", "51.0535670", "3.7235920", "3.7236920"],
    }
]

# A realistic PDOK Locatieserver v3_1 "free" answer for a BAG address (fields trimmed a little).
PDOK_HIT = {
    "response": {
        "numFound": 1,
        "start": 0,
        "maxScore": 17.38,
        "numFoundExact": True,
        "docs": [
            {
                "bron": "BAG",
                "woonplaatscode": "3594",
                "type": "adres",
                "woonplaatsnaam": "Amsterdam",
                "wijkcode": "WK036300",
                "huis_nlt": "1",
                "openbareruimtetype": "Weg",
                "buurtnaam": "Burgwallen-Oude Zijde",
                "gemeentecode": "0363",
                "weergavenaam": "Damrak 1, 1012LG Amsterdam",
                "straatnaam_verkort": "Damrak",
                "id": "adr-d4b0f4a9e5b7e0b2e5b0c8e2e9a4c1f3",
                "gemeentenaam": "Amsterdam",
                "identificatie": "0363010000758545-0363200000218908",
                "provinciecode": "PV27",
                "postcode": "1012LG",
                "provincienaam": "Noord-Holland",
                "centroide_ll": "POINT(4.89451641 52.37531015)",
                "nummeraanduiding_id": "0363200000218908",
                "adresseerbaarobject_id": "0363010000758545",
                "huisnummer": 1,
                "provincieafkorting": "NH",
                "centroide_rd": "POINT(121538.018 487632.563)",
                "straatnaam": "Damrak",
                "score": 17.38,
            }
        ],
    }
}
PDOK_EMPTY = {"response": {"numFound": 0, "start": 0, "maxScore": 0.0, "docs": []}}


@dataclass
class Seen:
    path: str
    params: dict[str, str]
    headers: dict[str, str]


@dataclass
class FakeServer:
    """State of the fake geocoding server: the requests it saw and scripted answers."""

    url: str
    seen: list[Seen] = field(default_factory=list)
    #: answers (status, JSON body) served first, in order; then the default routes answer
    script: list[tuple[int, Any]] = field(default_factory=list)

    def answer(self, path: str, params: dict[str, str]) -> tuple[int, Any]:
        if self.script:
            return self.script.pop(0)
        if path == "/search":
            return 200, NOMINATIM_HIT if "Veldstraat" in params.get("street", "") else []
        if path == "/bzk/locatieserver/search/v3_1/free":
            return 200, PDOK_HIT if "Damrak" in params.get("q", "") else PDOK_EMPTY
        return 404, {"error": "not found"}


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep requests from sending our loopback traffic to a proxy from the environment."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@pytest.fixture
def server() -> Iterator[FakeServer]:
    """A fake Nominatim + PDOK on 127.0.0.1 at a free port."""
    state: FakeServer

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            parts = urlsplit(self.path)
            params = {k: v[0] for k, v in parse_qs(parts.query).items()}
            state.seen.append(Seen(parts.path, params, dict(self.headers.items())))
            status, body = state.answer(parts.path, params)
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass  # keep test output clean

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state = FakeServer(url=f"http://127.0.0.1:{httpd.server_address[1]}")
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


class FakeClock:
    """A clock that only moves when the code under test sleeps (or the test advances it)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def nominatim(server: FakeServer, tmp_path: Path, **kwargs: Any) -> NominatimGeocoder:
    clock = kwargs.pop("clock", None) or FakeClock()
    options: dict[str, Any] = {
        "base_url": server.url,
        "user_agent": USER_AGENT,
        "cache_path": tmp_path / "cache" / "geocoder.sqlite",
        "min_interval": 0.0,
        "clock": clock,
        "sleep": clock.sleep,
    }
    options.update(kwargs)
    return NominatimGeocoder(**options)


def test_nominatim_hit_sends_user_agent_and_structured_query(
    server: FakeServer, tmp_path: Path
) -> None:
    with nominatim(server, tmp_path) as geocoder:
        result = geocoder.geocode("Veldstraat", "1", "9000", "Gent", "BE")

    assert result == GeocodeResult(
        lat=51.053517,
        lon=3.723642,
        precision="address",
        source="nominatim",
        label=NOMINATIM_HIT[0]["display_name"],
    )
    [request] = server.seen
    assert request.path == "/search"
    assert request.headers["User-Agent"] == USER_AGENT
    assert request.params["format"] == "jsonv2"
    assert request.params["street"] == "1 Veldstraat"
    assert request.params["postalcode"] == "9000"
    assert request.params["city"] == "Gent"
    assert request.params["countrycodes"] == "be"
    assert request.params["limit"] == "1"


def test_second_identical_call_is_served_from_disk_cache(
    server: FakeServer, tmp_path: Path
) -> None:
    with nominatim(server, tmp_path) as geocoder:
        first = geocoder.geocode("Veldstraat", "1", "9000", "Gent", "BE")
        # Same address, spelt a little differently: still the same query.
        second = geocoder.geocode(" veldstraat ", "1", "9000", "GENT", "België")
        assert geocoder.stats.cache_hits == 1
    assert first == second
    assert len(server.seen) == 1

    # A new geocoder on the same file (the next batch run) does not ask again either.
    with nominatim(server, tmp_path) as geocoder:
        assert geocoder.geocode("Veldstraat", "1", "9000", "Gent", "BE") == first
    assert len(server.seen) == 1


def test_no_result_is_cached_too(server: FakeServer, tmp_path: Path) -> None:
    with nominatim(server, tmp_path) as geocoder:
        assert geocoder.geocode("Nergensstraat", "99", "9000", "Gent", "BE") is None
        assert geocoder.geocode("Nergensstraat", "99", "9000", "Gent", "BE") is None
        stats = geocoder.stats
    assert len(server.seen) == 1
    assert (stats.not_found, stats.cache_hits, stats.failures) == (1, 1, 0)


def test_street_level_hit_is_not_called_an_address(server: FakeServer, tmp_path: Path) -> None:
    street = {
        **NOMINATIM_HIT[0],
        "category": "highway",
        "type": "residential",
        "place_rank": 26,
        "addresstype": "road",
        "display_name": "Veldstraat, Gent, 9000, België",
        "address": {"road": "Veldstraat", "city": "Gent", "postcode": "9000"},
    }
    server.script.append((200, [street]))
    with nominatim(server, tmp_path) as geocoder:
        result = geocoder.geocode("Veldstraat", "1000", "9000", "Gent", "BE")
    assert result is not None and result.precision == "street"


def test_rate_limit_spaces_requests(server: FakeServer, tmp_path: Path) -> None:
    clock = FakeClock()
    with nominatim(server, tmp_path, clock=clock, min_interval=1.0) as geocoder:
        geocoder.geocode("Veldstraat", "1", "9000", "Gent", "BE")
        geocoder.geocode("Veldstraat", "2", "9000", "Gent", "BE")
        clock.now += 0.25  # the caller spent some time between rows
        geocoder.geocode("Veldstraat", "3", "9000", "Gent", "BE")
        geocoder.geocode("Veldstraat", "3", "9000", "Gent", "BE")  # cached: no wait
    assert len(server.seen) == 3
    assert clock.sleeps == [1.0, pytest.approx(0.75)]


def test_rate_limiter_is_shared_by_threads() -> None:
    clock = FakeClock()
    lock = threading.Lock()

    def sleep(seconds: float) -> None:
        with lock:
            clock.sleep(seconds)

    limiter = RateLimiter(2.0, clock=clock, sleep=sleep)
    threads = [threading.Thread(target=limiter.wait) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert clock.sleeps == [2.0, 2.0, 2.0]


def test_server_error_is_retried_with_backoff(server: FakeServer, tmp_path: Path) -> None:
    server.script.append((500, {"error": "Internal Server Error"}))
    clock = FakeClock()
    with nominatim(server, tmp_path, clock=clock, backoff=0.5) as geocoder:
        result = geocoder.geocode("Veldstraat", "1", "9000", "Gent", "BE")
        stats = geocoder.stats
    assert result is not None and result.lat == pytest.approx(51.053517)
    assert len(server.seen) == 2
    assert clock.sleeps == [0.5]
    assert (stats.requests, stats.failures) == (2, 0)


def test_persistent_errors_give_up_count_a_failure_and_are_not_cached(
    server: FakeServer, tmp_path: Path
) -> None:
    server.script.extend([(503, {}), (429, {}), (502, {})])
    clock = FakeClock()
    with nominatim(server, tmp_path, clock=clock) as geocoder:
        assert geocoder.geocode("Veldstraat", "1", "9000", "Gent", "BE") is None
        assert len(server.seen) == 3  # one try and two retries, no more
        assert clock.sleeps == [1.0, 2.0]
        assert geocoder.failures == 1
        assert geocoder.stats.failure_kinds == {"http 502": 1}
        # Not cached: the next call asks again (and now gets the default answer).
        assert geocoder.geocode("Veldstraat", "1", "9000", "Gent", "BE") is not None
    assert len(server.seen) == 4


def test_client_error_is_not_retried(server: FakeServer, tmp_path: Path) -> None:
    server.script.append((403, {"error": "blocked"}))
    with nominatim(server, tmp_path) as geocoder:
        assert geocoder.geocode("Veldstraat", "1", "9000", "Gent", "BE") is None
        assert geocoder.stats.failure_kinds == {"http 403": 1}
    assert len(server.seen) == 1


def test_silent_server_times_out_and_returns_none(tmp_path: Path) -> None:
    # A socket that listens but never accepts: the connection opens, no answer ever comes.
    silent = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    try:
        geocoder = NominatimGeocoder(
            base_url=f"http://127.0.0.1:{silent.getsockname()[1]}",
            user_agent=USER_AGENT,
            cache_path=tmp_path / "geocoder.sqlite",
            min_interval=0.0,
            timeout=(0.5, 0.3),
        )
        with geocoder:
            assert geocoder.geocode("Veldstraat", "1", "9000", "Gent", "BE") is None
            stats = geocoder.stats
            assert len(geocoder.cache) == 0
    finally:
        silent.close()
    assert (stats.failures, stats.requests) == (1, 1)
    assert stats.failure_kinds == {"timeout": 1}


def test_refused_connection_returns_none(tmp_path: Path) -> None:
    # Bind a port and close it again: nothing listens there any more.
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    with NominatimGeocoder(
        base_url=f"http://127.0.0.1:{port}",
        user_agent=USER_AGENT,
        cache_path=None,
        min_interval=0.0,
        timeout=(0.5, 0.5),
    ) as geocoder:
        assert geocoder.geocode("Veldstraat", "1", "9000", "Gent", "BE") is None
        assert geocoder.stats.failure_kinds == {"connection": 1}


def test_pdok_parses_centroide_ll_and_skips_belgian_rows(
    server: FakeServer, tmp_path: Path
) -> None:
    with PdokGeocoder(
        base_url=server.url,
        user_agent=USER_AGENT,
        cache_path=tmp_path / "geocoder.sqlite",
        min_interval=0.0,
    ) as geocoder:
        assert geocoder.geocode("Veldstraat", "1", "9000", "Gent", "BE") is None
        assert geocoder.geocode("Kerkstraat", "1", "2000", "Antwerpen", None) is None
        assert server.seen == []  # Belgian rows never reach PDOK

        result = geocoder.geocode("Damrak", "1", "1012 LG", "Amsterdam", "NL")
        assert geocoder.geocode("Onbekendweg", "5", "1012 LG", "Amsterdam", "NL") is None

    assert result == GeocodeResult(
        lat=52.37531015,
        lon=4.89451641,
        precision="address",
        source="pdok",
        label="Damrak 1, 1012LG Amsterdam",
    )
    first = server.seen[0]
    assert first.path == "/bzk/locatieserver/search/v3_1/free"
    assert first.params == {"q": "Damrak 1 1012 LG Amsterdam", "fq": "type:adres", "rows": "1"}
    assert first.headers["User-Agent"] == USER_AGENT
    assert len(server.seen) == 2


def test_pdok_other_house_number_is_only_street_precision(
    server: FakeServer, tmp_path: Path
) -> None:
    with PdokGeocoder(base_url=server.url, user_agent=USER_AGENT, min_interval=0.0) as geocoder:
        result = geocoder.geocode("Damrak", "1000", "1012LG", "Amsterdam", "Nederland")
    assert result is not None and result.precision == "street"


def test_make_geocoder_none_and_unknown(tmp_path: Path) -> None:
    assert make_geocoder({"GEOCODER": "none"}) is None
    assert make_geocoder({}) is None  # the default is off
    with pytest.raises(ValueError, match="unknown GEOCODER"):
        make_geocoder({"GEOCODER": "google"})


def test_make_geocoder_builds_from_settings(server: FakeServer, tmp_path: Path) -> None:
    settings = {
        "GEOCODER": "pdok",
        "GEOCODER_URL": server.url + "/",
        "GEOCODER_USER_AGENT": USER_AGENT,
        "GEOCODER_CACHE": str(tmp_path / "c.sqlite"),
        "GEOCODER_MIN_INTERVAL": 0.0,
    }
    geocoder = make_geocoder(settings)
    assert isinstance(geocoder, PdokGeocoder)
    with geocoder:
        assert geocoder.base_url == server.url
        assert geocoder.geocode("Damrak", "1", "1012LG", "Amsterdam", "NL") is not None
    assert (tmp_path / "c.sqlite").exists()

    # The public Nominatim is never asked more than once a second (built, not contacted).
    public = make_geocoder({"GEOCODER": "Nominatim", "GEOCODER_MIN_INTERVAL": 0.1}, cache_path=None)
    assert isinstance(public, OnlineGeocoder)
    with public:
        assert public.base_url == "https://nominatim.openstreetmap.org"
        assert public.limiter.min_interval == 1.0

    with pytest.raises(ValueError, match="User-Agent"):
        make_geocoder({"GEOCODER": "nominatim", "GEOCODER_USER_AGENT": " "})


def test_threads_asking_the_same_address_send_one_request(
    server: FakeServer, tmp_path: Path
) -> None:
    results: list[GeocodeResult | None] = []
    with nominatim(server, tmp_path) as geocoder:

        def work() -> None:
            results.append(geocoder.geocode("Veldstraat", "1", "9000", "Gent", "BE"))

        threads = [threading.Thread(target=work) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        stats = geocoder.stats
    assert len(server.seen) == 1
    assert len(results) == 6 and all(r is not None and r.precision == "address" for r in results)
    assert (stats.found, stats.cache_hits) == (1, 5)
