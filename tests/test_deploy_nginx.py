"""The shipped nginx config (deploy/nginx.conf) in front of gunicorn, both on loopback."""

from __future__ import annotations

import re
import time

import pytest
import requests

from regional_map.db.connection import connect
from regional_map.publish.edition import EditionOptions, publish_edition
from tests.processes import DEPLOY, ROOT, free_port, start_gunicorn, start_nginx, stop
from tests.trust_world import writable_demo


def shipped_front(app_port: int, port: int, cache: str, edition: str = "/nonexistent") -> str:
    """deploy/nginx.conf with this machine's ports and folders, nothing else changed."""
    text = (DEPLOY / "nginx.conf").read_text()
    for old, new in (("127.0.0.1:8000", f"127.0.0.1:{app_port}"),
                     ("127.0.0.1:8080", f"127.0.0.1:{port}"),
                     ("/var/cache/nginx/regional-map", cache),
                     ("/srv/regional-map/app/static/", f"{ROOT}/static/"),
                     ("/srv/regional-map/edition/", f"{edition}/")):
        assert old in text, old
        text = text.replace(old, new)
    return text


@pytest.fixture(scope="module")
def front(demo_db_path, tmp_path_factory):
    work = tmp_path_factory.mktemp("front")
    db = writable_demo(demo_db_path, work)
    conn = connect(db)
    try:
        publish_edition(conn, work / "edition", EditionOptions(tile_url=""))
    finally:
        conn.close()
    app_port, port = free_port(), free_port()
    app = start_gunicorn(db, app_port, workers=1, log_dir=work)
    try:
        conf = shipped_front(app_port, port, str(work / "cache"), str(work / "edition"))
        nginx = start_nginx(work / "nginx", conf, port)
    except Exception:
        stop(app)
        raise
    yield f"http://127.0.0.1:{port}", work / "access.log"
    stop(nginx)
    stop(app)


def _app_saw(log, method: str, path: str, expected: int) -> int:
    """Requests gunicorn logged for ``path`` (it logs just after answering: wait a little)."""
    deadline = time.monotonic() + 3
    while True:
        count = sum(1 for line in log.read_text().splitlines()
                    if line.split()[1:3] == [method, path])
        if count >= expected or time.monotonic() > deadline:
            time.sleep(0.2)  # and no more come in after
            return sum(1 for line in log.read_text().splitlines()
                       if line.split()[1:3] == [method, path])
        time.sleep(0.05)


def test_a_second_identical_api_request_is_a_cache_hit(front):
    base, log = front
    url = f"{base}/api/clusters?bbox=2.5,49.5,7.2,53.5&zoom=8"
    first = requests.get(url, timeout=10)
    second = requests.get(url, timeout=10)
    assert first.status_code == second.status_code == 200
    assert first.headers["X-Cache-Status"] == "MISS"
    assert second.headers["X-Cache-Status"] == "HIT"
    assert second.json() == first.json()
    assert second.headers["ETag"] == first.headers["ETag"]  # the app's own validators
    assert _app_saw(log, "GET", "/api/clusters", 1) == 1
    other = requests.get(url.replace("zoom=8", "zoom=9"), timeout=10)  # the key: full URL
    assert other.headers["X-Cache-Status"] == "MISS"


def test_answers_are_compressed_for_clients_that_ask(front):
    base, _ = front
    answer = requests.get(f"{base}/api/places?limit=50", timeout=10,
                          headers={"Accept-Encoding": "gzip"})
    assert answer.headers.get("Content-Encoding") == "gzip"
    assert answer.json()["type"] == "FeatureCollection"


def test_posts_and_admin_pages_are_never_cached(front):
    base, log = front
    for _ in range(2):
        page = requests.get(f"{base}/admin/login", timeout=10)
        assert page.status_code == 200 and page.headers.get("X-Cache-Status") is None
        assert page.headers["Cache-Control"] == "no-store"
    assert _app_saw(log, "GET", "/admin/login", 2) == 2
    with requests.Session() as session:
        form = session.get(f"{base}/admin/login", timeout=10).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        for _ in range(2):
            answer = session.post(f"{base}/admin/login", timeout=10,
                                  data={"username": "nobody", "password": "wrong password!",
                                        "csrf_token": token})
            assert answer.status_code == 401
            assert answer.headers.get("X-Cache-Status") in (None, "BYPASS")
    assert _app_saw(log, "POST", "/admin/login", 2) == 2
    # A POST to a cached location is passed through too, never answered from the cache.
    for _ in range(2):
        assert requests.post(f"{base}/api/places", timeout=10).status_code in (403, 405)
    assert _app_saw(log, "POST", "/api/places", 2) == 2


def test_static_files_are_served_by_nginx_without_the_application(front):
    base, log = front
    answer = requests.get(f"{base}/static/js/map.js", timeout=10)
    assert answer.status_code == 200 and "Leaflet" in answer.text
    assert _app_saw(log, "GET", "/static/js/map.js", 0) == 0


def test_the_published_edition_is_served_by_nginx_with_range_requests(front):
    base, log = front
    answer = requests.get(f"{base}/edition/places.pmtiles", timeout=10,
                          headers={"Range": "bytes=0-126"})
    assert answer.status_code == 206 and answer.content[:7] == b"PMTiles"
    assert answer.headers["Content-Range"].startswith("bytes 0-126/")
    assert requests.get(f"{base}/edition/", timeout=10).text.count("edition.js") == 1
    assert _app_saw(log, "GET", "/edition/places.pmtiles", 0) == 0
