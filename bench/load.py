"""The one load tool every server is measured with: threads, keep-alive HTTP/1.1 connections,
a fixed concurrency and a fixed duration. Each thread walks the same list of request paths
(from a different starting point), so all servers answer the same requests."""

from __future__ import annotations

import http.client
import statistics
import threading
import time
from dataclasses import asdict, dataclass


@dataclass
class LoadResult:
    name: str
    requests: int
    errors: int
    seconds: float
    median_ms: float
    p95_ms: float
    req_per_s: float
    mean_bytes: int

    def as_dict(self) -> dict:
        return asdict(self)


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def _worker(host: str, port: int, paths: list, start: int, deadline: float,
            out: list[tuple[float, int, int]]) -> None:
    conn = http.client.HTTPConnection(host, port, timeout=30)
    i = start
    while time.perf_counter() < deadline:
        item = paths[i % len(paths)]
        # A path, or (path, headers): the static edition's tiles are range requests.
        path, extra = (item, {}) if isinstance(item, str) else item
        i += 1
        began = time.perf_counter()
        try:
            conn.request("GET", path, headers={"Accept-Encoding": "identity", **extra})
            response = conn.getresponse()
            body = response.read()
            status = response.status
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=30)
            out.append((time.perf_counter() - began, 0, 599))
            continue
        out.append((time.perf_counter() - began, len(body), status))
    conn.close()


def run_load(name: str, host: str, port: int, paths: list[str], *, concurrency: int = 8,
             duration: float = 8.0, warmup: float = 1.0) -> LoadResult:
    """Drive ``paths`` with ``concurrency`` clients for ``duration`` seconds (after a warm-up
    that is not counted)."""
    if warmup:
        _drive(host, port, paths, concurrency, warmup)
    samples, elapsed = _drive(host, port, paths, concurrency, duration)
    ok = [s for s in samples if 200 <= s[2] < 300]
    latencies = [s[0] * 1000 for s in ok]
    return LoadResult(
        name=name, requests=len(ok), errors=len(samples) - len(ok), seconds=round(elapsed, 2),
        median_ms=round(statistics.median(latencies), 2) if latencies else float("nan"),
        p95_ms=round(percentile(latencies, 0.95), 2),
        req_per_s=round(len(ok) / elapsed, 1) if elapsed else 0.0,
        mean_bytes=round(statistics.fmean(s[1] for s in ok)) if ok else 0,
    )


def _drive(host: str, port: int, paths: list[str], concurrency: int,
           duration: float) -> tuple[list[tuple[float, int, int]], float]:
    outs: list[list[tuple[float, int, int]]] = [[] for _ in range(concurrency)]
    began = time.perf_counter()
    deadline = began + duration
    step = max(1, len(paths) // concurrency)
    threads = [threading.Thread(target=_worker, args=(host, port, paths, k * step, deadline,
                                                      outs[k]), daemon=True)
               for k in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(duration + 60)
    elapsed = time.perf_counter() - began
    return [s for out in outs for s in out], elapsed
