"""The requests each benchmark sends, chosen from the generated places, deterministic by seed.

Viewports are the boxes a 1200×800 map shows at a zoom around a place. Places are picked from
the first 1,000 generated rows, which every dataset size contains (the generator is a prefix:
the 1k set is the start of the 10k and 100k sets), so every size answers the same requests.
"""

from __future__ import annotations

import math
import random
import sqlite3
from pathlib import Path
from urllib.parse import urlencode

WIDTH, HEIGHT = 1200, 800
REGION = (2.5, 49.45, 7.25, 53.6)
SEARCH_TERMS = ("eieren", "oeufs", "honey", "aardappelen", "pommes de terre", "kaas", "fromage",
                "melk", "Gent", "Namur", "Utrecht", "Leuven", "hoeve", "boerderij", "ferme",
                "zuivel", "groenten", "asperges", "appels", "vlees")
MAX_VIEW_FEATURES = 500


def viewport(lat: float, lon: float, zoom: int, width: int = WIDTH,
             height: int = HEIGHT) -> tuple[float, float, float, float]:
    """The bbox (minlon, minlat, maxlon, maxlat) a ``width``×``height`` map shows at ``zoom``."""
    world = 256 * 2**zoom
    x = (lon + 180) / 360 * world
    sin = math.sin(math.radians(lat))
    y = (0.5 - math.log((1 + sin) / (1 - sin)) / (4 * math.pi)) * world

    def to_lonlat(px: float, py: float) -> tuple[float, float]:
        lon_ = px / world * 360 - 180
        n = math.pi - 2 * math.pi * py / world
        return lon_, math.degrees(math.atan(math.sinh(n)))

    minlon, minlat = to_lonlat(x - width / 2, y + height / 2)
    maxlon, maxlat = to_lonlat(x + width / 2, y - height / 2)
    return (round(max(minlon, -180), 5), round(max(minlat, -85), 5),
            round(min(maxlon, 180), 5), round(min(maxlat, 85), 5))


def _box(box: tuple[float, ...]) -> str:
    return ",".join(f"{v:.5f}" for v in box)


def sample_places(db: Path, seed: int, count: int = 60) -> list[sqlite3.Row]:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    rows = conn.execute(
        "SELECT id, lat, lon FROM places WHERE status != 'closed' ORDER BY num LIMIT 1000"
    ).fetchall()
    conn.close()
    return random.Random(seed).sample(rows, min(count, len(rows)))


def count_in(db: Path, box: tuple[float, float, float, float]) -> int:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    n = conn.execute(
        "SELECT COUNT(*) FROM places p JOIN places_rtree r ON r.num = p.num WHERE "
        "r.minlon >= ? AND r.maxlon <= ? AND r.minlat >= ? AND r.maxlat <= ? "
        "AND p.status != 'closed'", (box[0], box[2], box[1], box[3])).fetchone()[0]
    conn.close()
    return n


def cluster_paths(places: list[sqlite3.Row]) -> list[str]:
    """/api/clusters for region, province, town and street views around the places."""
    paths = [f"/api/clusters?{urlencode({'bbox': _box(REGION), 'zoom': 7})}",
             f"/api/clusters?{urlencode({'bbox': _box(REGION), 'zoom': 8})}"]
    for i, p in enumerate(places):
        zoom = (9, 10, 11, 12, 13, 14, 15, 16)[i % 8]
        box = _box(viewport(p["lat"], p["lon"], zoom))
        paths.append(f"/api/clusters?{urlencode({'bbox': box, 'zoom': zoom})}")
    return paths


def bbox_boxes(db: Path, places: list[sqlite3.Row]) -> list[tuple[float, float, float, float]]:
    """Town-sized views (zoom 13, else 14, 15) holding at most 500 places, for the peers."""
    boxes = []
    for p in places:
        for zoom in (13, 14, 15, 16):
            box = viewport(p["lat"], p["lon"], zoom)
            if count_in(db, box) <= MAX_VIEW_FEATURES:
                boxes.append(box)
                break
    return boxes


def bbox_paths(boxes) -> list[str]:
    return [f"/api/places?{urlencode({'bbox': _box(b), 'limit': MAX_VIEW_FEATURES})}"
            for b in boxes]


def near_paths(places: list[sqlite3.Row]) -> list[str]:
    return [f"/api/places?{urlencode({'near': f'{lat:.5f},{lon:.5f}', 'limit': 20})}"
            for lat, lon in ((p["lat"], p["lon"]) for p in places)]


def search_paths() -> list[str]:
    return [f"/api/places?{urlencode({'q': term, 'limit': 20})}" for term in SEARCH_TERMS]


def place_paths(places: list[sqlite3.Row]) -> list[str]:
    return [f"/api/places/{p['id']}" for p in places]
