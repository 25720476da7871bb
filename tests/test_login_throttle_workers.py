"""The login throttle is kept in the store, so it holds with any number of gunicorn workers."""

from __future__ import annotations

import re

import requests

from regional_map.db.connection import connect
from regional_map.trust.auth import LoginThrottle
from tests.processes import free_port, start_gunicorn, stop
from tests.trust_world import add_user, writable_demo

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _try_login(base: str, username: str, password: str) -> int:
    # A new session and connection each time: the next attempt may reach the other worker.
    with requests.Session() as session:
        form = session.get(f"{base}/admin/login", timeout=10)
        token = _TOKEN.search(form.text).group(1)
        answer = session.post(f"{base}/admin/login", timeout=10, allow_redirects=False,
                              data={"username": username, "password": password,
                                    "csrf_token": token},
                              headers={"Connection": "close"})
        return answer.status_code


def test_two_gunicorn_workers_share_one_limit_of_failed_logins(demo_db_path, tmp_path):
    db = writable_demo(demo_db_path, tmp_path)
    add_user(db, "alice", "moderator")
    port = free_port()
    proc = start_gunicorn(db, port, workers=2, log_dir=tmp_path)
    base = f"http://127.0.0.1:{port}"
    try:
        statuses = [_try_login(base, "alice", "wrong password!") for _ in range(16)]
    finally:
        stop(proc)
    posts = [line.split() for line in (tmp_path / "access.log").read_text().splitlines()
             if " POST /admin/login " in line]
    workers = {pid for pid, *_ in posts}
    # With a throttle in each worker's memory, two workers would allow up to 20 failures.
    assert statuses[:10] == [401] * 10, statuses
    assert statuses[10:] == [429] * 6, statuses
    assert len(workers) == 2, f"every attempt reached one worker: {workers}"


def test_the_throttle_forgets_failures_older_than_its_window(empty_db_path):
    conn = connect(empty_db_path)
    throttle = LoginThrottle(limit=3, window=60)
    for second in range(3):
        throttle.failed(conn, "k", now=1000.0 + second)
    assert throttle.blocked(conn, "k", now=1010.0)
    assert not throttle.blocked(conn, "other", now=1010.0)
    assert not throttle.blocked(conn, "k", now=1070.0)
    throttle.failed(conn, "k", now=1070.0)  # and the old rows are cleaned up on the way
    assert conn.execute("SELECT COUNT(*) FROM login_failures").fetchone()[0] == 1
    conn.close()
