"""Start and stop the servers under test: gunicorn on 127.0.0.1, a free port, a fixed number
of workers for every server, and the memory (RSS) of its workers."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

WORKERS = 2
# gunicorn's sync worker, as deployed (deploy/regional-map.service: ``--threads 1`` is the
# sync worker): each worker takes one connection at a time, so the two share the load. A
# gthread worker with one thread keeps every keep-alive connection it accepted: when the
# kernel hands most of the load tool's connections to one worker, that worker serves them on
# one core while the other idles, and a run measures half the throughput (seen: 632 against
# 1,300 req/s in consecutive runs of the same server).
WORKER_CLASS = os.environ.get("BENCH_WORKER_CLASS", "sync")
# Threads per worker when BENCH_WORKER_CLASS=gthread: 1 keeps GIL hand-offs out of the p95.
THREADS = int(os.environ.get("BENCH_THREADS", "1"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A gunicorn process group that this benchmark started (and only that one is stopped)."""

    def __init__(self, name: str, gunicorn: Path, app: str, *, env: dict | None = None,
                 cwd: Path | None = None, worker_class: str | None = None,
                 ready_path: str = "/", log: Path | None = None):
        self.name = name
        self.port = free_port()
        self.ready_path = ready_path
        worker_class = worker_class or WORKER_CLASS
        args = [str(gunicorn), "--workers", str(WORKERS), "--bind", f"127.0.0.1:{self.port}",
                "--worker-class", worker_class, "--log-level", "warning",
                "--timeout", "60"]
        if worker_class == "gthread":
            args += ["--threads", str(THREADS)]
        args.append(app)
        self._log = open(log or os.devnull, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            args, env={**os.environ, **(env or {})}, cwd=cwd, stdout=self._log,
            stderr=subprocess.STDOUT, start_new_session=True,
        )

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", self.ready_path)
                status = conn.getresponse().status
                conn.close()
                if status < 500:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer within {timeout:.0f} s")

    def worker_rss_mb(self) -> float:
        """The largest resident memory of one worker (children of the gunicorn master)."""
        rss = []
        for pid in _children(self.process.pid) or [self.process.pid]:
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        rss.append(int(line.split()[1]) / 1024)
            except OSError:
                pass
        return round(max(rss), 1) if rss else float("nan")

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        self._log.close()

    def __enter__(self) -> Server:
        self.wait_ready()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        return [int(p) for p in path.read_text().split()]
    except OSError:
        return []
