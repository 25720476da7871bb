"""The built wheel works anywhere: installed into a fresh virtual environment and run from
another folder, it finds its data, templates and static files, and keeps the user's database
in the platform's data folder.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    # No build isolation: the build backend comes from the test environment, not a download.
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "--wheel-dir", str(dist), str(PROJECT)],
                   check=True, capture_output=True)
    (found,) = dist.glob("regional_map-*.whl")
    return found


def test_the_wheel_carries_data_templates_and_static_files_but_no_database(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for expected in ("regional_map/_bundled/data/products.csv",
                     "regional_map/_bundled/data/osm/be_nl_shortchain_osm.geojson",
                     "regional_map/_bundled/templates/index.html",
                     "regional_map/_bundled/static/js/map.js",
                     "regional_map/db/schema/001_core.sql",
                     "regional_map/translations/nl/LC_MESSAGES/messages.mo"):
        assert expected in names
    assert not [n for n in names if n.endswith((".db", ".secret")) or "/cache/" in n]


def test_an_installed_wheel_builds_the_demo_and_serves_from_another_folder(wheel, tmp_path):
    venv = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"),
                    "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True)
    # The dependencies come from the test environment (no downloads in tests); the package
    # itself only from the wheel: a .pth line adds a folder, but not that folder's .pth files
    # (where the checkout's editable install lives).
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = Path(subprocess.run([str(venv / "bin" / "python"), "-c", purelib], check=True,
                               capture_output=True, text=True).stdout.strip())
    (site / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REGIONAL_MAP_", "PYTHON"))}
    env["HOME"] = str(tmp_path / "home")
    env.pop("XDG_DATA_HOME", None)

    def run(*args: str) -> str:
        result = subprocess.run([str(venv / "bin" / "regional-map"), *args], cwd=elsewhere,
                                env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    where = subprocess.run([str(venv / "bin" / "python"), "-c",
                            "import regional_map; print(regional_map.__file__)"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, check=True)
    assert where.stdout.strip().startswith(str(site))
    run("init-db")
    run("load-demo")
    database = tmp_path / "home" / ".local" / "share" / "regional-map" / "regional_map.db"
    assert database.is_file()
    port = _free_port()
    server = subprocess.Popen([str(venv / "bin" / "regional-map", ), "serve", "--port",
                               str(port)], cwd=elsewhere, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                page = urllib.request.urlopen(f"{base}/", timeout=5).read().decode()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the installed server did not answer")
        assert "leaflet" in page.lower() and "<html" in page.lower()
        with urllib.request.urlopen(f"{base}/api/places?limit=3", timeout=5) as response:
            body = json.loads(response.read())
        assert body["type"] == "FeatureCollection"
        assert body["numberMatched"] > 1000 and len(body["features"]) == 3
        css = urllib.request.urlopen(f"{base}/static/css/site.css", timeout=5)
        assert css.status == 200
    finally:
        server.terminate()
        server.wait(timeout=10)
