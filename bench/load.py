"""The one load tool every server is measured with: keep-alive HTTP/1.1 connections, a fixed
concurrency and a fixed duration, the connections walking the same list of request paths, so
all servers answer the same requests.

Two drivers send the same requests and report the same figures. ``wrk`` (Debian's package,
written in C, one event-loop thread) is used when it is installed: the load tool shares the
machine's two cores with the servers, and Python client threads (GIL hand-offs, parsing 300 KB
bodies) spent a core of their own and put their own scheduling delays into every measured
latency. The Python driver remains for requests wrk's script does not send (range requests with
their own headers) and for machines without wrk; ``BENCH_LOAD_TOOL=python`` forces it.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path


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
    tool: str = "python"

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


def load_tool(paths: list) -> str:
    """``wrk`` when it is installed and every request is a plain path, else ``python``."""
    wanted = os.environ.get("BENCH_LOAD_TOOL", "auto")
    if wanted == "python" or not all(isinstance(p, str) for p in paths):
        return "python"
    if shutil.which("wrk"):
        return "wrk"
    if wanted == "wrk":
        raise RuntimeError("BENCH_LOAD_TOOL=wrk but wrk is not installed (apt-get install wrk)")
    return "python"


def run_load(name: str, host: str, port: int, paths: list[str], *, concurrency: int = 8,
             duration: float = 8.0, warmup: float = 1.0) -> LoadResult:
    """Drive ``paths`` with ``concurrency`` clients for ``duration`` seconds (after a warm-up
    that is not counted)."""
    if load_tool(paths) == "wrk":
        return run_wrk(name, host, port, paths, concurrency=concurrency, duration=duration,
                       warmup=warmup)
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


# wrk's script: the connections take the paths in turn from one cursor (the requests of a run
# are the Python driver's, in another interleaving); ``done`` prints the figures as one JSON
# line. Latency is wrk's own per-request record (request written to response read), in µs.
_WRK_SCRIPT = """
local paths = {}
for line in io.lines(os.getenv("BENCH_WRK_PATHS")) do paths[#paths + 1] = line end
local next_offset = 0

function request()
  next_offset = next_offset + 1
  local path = paths[(next_offset - 1) % #paths + 1]
  return wrk.format("GET", path, {["Accept-Encoding"] = "identity"})
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d, "p50_us": %d, "p95_us": %d}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(95)))
end
"""


def run_wrk(name: str, host: str, port: int, paths: list[str], *, concurrency: int = 8,
            duration: float = 8.0, warmup: float = 1.0) -> LoadResult:
    """The same load with ``wrk``: one thread, ``concurrency`` keep-alive connections."""
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as tmp:
        script, listed = Path(tmp) / "paths.lua", Path(tmp) / "paths.txt"
        script.write_text(_WRK_SCRIPT)
        listed.write_text("".join(p + "\n" for p in paths))
        env = {**os.environ, "BENCH_WRK_PATHS": str(listed)}

        def drive(seconds: float) -> dict:
            args = ["wrk", "-t1", f"-c{concurrency}", f"-d{max(1, round(seconds))}s",
                    "--timeout", "30s", "-s", str(script), f"http://{host}:{port}"]
            out = subprocess.run(args, env=env, capture_output=True, text=True, check=True,
                                 timeout=seconds + 90).stdout
            return json.loads(next(ln for ln in out.splitlines() if ln.startswith("{")))

        if warmup:
            drive(warmup)
        figures = drive(duration)
    errors = sum(figures[k] for k in ("connect", "read", "write", "status", "timeout"))
    ok = max(0, figures["requests"] - figures["status"])
    seconds = figures["duration_us"] / 1e6
    return LoadResult(
        name=name, requests=ok, errors=errors, seconds=round(seconds, 2),
        median_ms=round(figures["p50_us"] / 1000, 2), p95_ms=round(figures["p95_us"] / 1000, 2),
        req_per_s=round(ok / seconds, 1) if seconds else 0.0,
        # wrk counts the bytes read, headers included (about 250 B a response)
        mean_bytes=round(figures["bytes"] / figures["requests"]) if figures["requests"] else 0,
        tool="wrk",
    )
