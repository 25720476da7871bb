"""Servers the deployment tests start themselves on loopback: gunicorn, nginx, Litestream.

Every port is chosen free at run time; every file (configs, pid, logs, caches) lives in the
test's temporary folder; every process is stopped by the test that started it.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(url: str, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    """Until ``url`` answers (any status); fails early if the process has died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with status {proc.returncode} before {url}")
        try:
            requests.get(url, timeout=5)
            return
        except (requests.ConnectionError, requests.Timeout):  # not listening, or booting
            time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer in {timeout} s")


def start_gunicorn(db_path: Path, port: int, *, workers: int = 2, log_dir: Path,
                   env: dict[str, str] | None = None) -> subprocess.Popen:
    """``gunicorn app:app`` from the checkout (its gunicorn.conf.py too), access log with pids."""
    environment = {**os.environ, "REGIONAL_MAP_DB": str(db_path),
                   "REGIONAL_MAP_SESSION_COOKIE_SECURE": "false", **(env or {})}
    environment["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads", "1",
         "--bind", f"127.0.0.1:{port}", "--access-logfile", str(log_dir / "access.log"),
         "--access-logformat", "%(p)s %(m)s %(U)s %(s)s",
         "--error-logfile", str(log_dir / "gunicorn.log"), "app:app"],
        cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    wait_for_http(f"http://127.0.0.1:{port}/api/sources", proc)
    return proc


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists()
                                      else None)
    if found is None:
        raise RuntimeError("nginx is not installed: apt-get install nginx (./dev test does)")
    return found


def nginx_main_conf(prefix: Path, http_body: str) -> Path:
    """A main nginx.conf whose every path is under ``prefix`` (no root paths, no daemon)."""
    for sub in ("logs", "temp/client", "temp/proxy", "temp/fastcgi", "temp/uwsgi", "temp/scgi"):
        (prefix / sub).mkdir(parents=True, exist_ok=True)
    # As root, nginx's workers would drop to "nobody", who cannot read pytest's 0700 folders.
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf = prefix / "nginx.conf"
    conf.write_text(f"""{user}daemon off;
worker_processes 2;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {prefix}/logs/access.log;
    client_body_temp_path {prefix}/temp/client;
    proxy_temp_path {prefix}/temp/proxy;
    fastcgi_temp_path {prefix}/temp/fastcgi;
    uwsgi_temp_path {prefix}/temp/uwsgi;
    scgi_temp_path {prefix}/temp/scgi;
{http_body}
}}
""")
    return conf


def start_nginx(prefix: Path, http_body: str, port: int) -> subprocess.Popen:
    conf = nginx_main_conf(prefix, http_body)
    binary = nginx_binary()
    check = subprocess.run([binary, "-t", "-p", str(prefix), "-e", str(prefix / "logs/error.log"),
                            "-c", str(conf)], capture_output=True, text=True)
    if check.returncode != 0:
        raise RuntimeError(f"nginx -t failed:\n{check.stderr}")
    proc = subprocess.Popen([binary, "-p", str(prefix), "-e", str(prefix / "logs/error.log"),
                             "-c", str(conf)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_http(f"http://127.0.0.1:{port}/", proc)
    return proc


def stop(proc: subprocess.Popen | None, sig: int = signal.SIGTERM) -> None:
    """Stop one process we started (and wait for it)."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)
