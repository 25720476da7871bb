"""Turn the shipped real OSM elements into the other OSM formats people download.

``data/osm/be_nl_shortchain_osm.geojson`` holds 1,703 real elements (data we did not design).
These helpers write them as overpass turbo GeoJSON, Overpass API JSON, OSM XML and PBF (with
pyosmium's writer), optionally shifted into another region and with some elements as ways,
so every reader is tested on real tags.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from xml.sax.saxutils import quoteattr

import osmium

from regional_map.resources import resource_dir

SAMPLE = resource_dir("data") / "osm" / "be_nl_shortchain_osm.geojson"
COPYRIGHT = ("The data included in this document is from www.openstreetmap.org. "
             "The data is made available under ODbL.")
# Keys the farmshops.eu export added that are not OSM tags.
_NOT_TAGS = {"osm_id", "_country", "_category"}


def real_elements(limit: int | None = None) -> list[dict]:
    """``[{"type", "id", "lon", "lat", "tags"}]`` from the shipped sample, in file order."""
    features = json.loads(SAMPLE.read_text(encoding="utf-8"))["features"][:limit]
    out = []
    for feature in features:
        osm_type, osm_id = feature["id"].split("/")
        lon, lat = feature["geometry"]["coordinates"]
        tags = {k: v for k, v in feature["properties"].items() if k not in _NOT_TAGS}
        out.append({"type": osm_type, "id": int(osm_id), "lon": lon, "lat": lat, "tags": tags})
    return out


def shifted(elements: list[dict], dlon: float, dlat: float, copies: int = 1,
            seed: int = 15, jitter: float = 0.01) -> list[dict]:
    """``copies`` jittered copies of every element moved by (dlon, dlat), with new ids.

    Addresses are dropped (they name Belgian and Dutch towns) and the country tag with them.
    """
    rng = random.Random(seed)
    out = []
    next_id = 1
    for _copy in range(copies):
        for element in elements:
            tags = {k: v for k, v in element["tags"].items()
                    if not k.startswith("addr:")}
            out.append({"type": "node", "id": next_id,
                        "lon": round(element["lon"] + dlon + rng.uniform(-jitter, jitter), 7),
                        "lat": round(element["lat"] + dlat + rng.uniform(-jitter, jitter), 7),
                        "tags": tags})
            next_id += 1
    return out


def _square(lon: float, lat: float, d: float = 0.0003) -> list[tuple[float, float]]:
    return [(lon - d, lat - d), (lon + d, lat - d), (lon + d, lat + d), (lon - d, lat + d),
            (lon - d, lat - d)]


def write_overpass_turbo_geojson(path: Path, elements: list[dict]) -> Path:
    """overpass turbo's export: ``id: "node/1"``, ``@id`` and tags as properties."""
    features = []
    for e in elements:
        ref = f"{e['type']}/{e['id']}"
        if e["type"] == "way":
            geometry = {"type": "Polygon", "coordinates": [_square(e["lon"], e["lat"])]}
        else:
            geometry = {"type": "Point", "coordinates": [e["lon"], e["lat"]]}
        features.append({"type": "Feature", "id": ref,
                         "properties": {"@id": ref, **e["tags"]}, "geometry": geometry})
    path.write_text(json.dumps({
        "type": "FeatureCollection", "generator": "overpass-turbo", "copyright": COPYRIGHT,
        "timestamp": "2026-11-30T10:00:00Z", "features": features}, ensure_ascii=False),
        encoding="utf-8")
    return path


def write_overpass_json(path: Path, elements: list[dict]) -> Path:
    """Overpass API JSON: nodes; ways alternately with ``center``, ``geometry`` and ``nodes``."""
    out: list[dict] = []
    node_id = 10**12
    for index, e in enumerate(elements):
        if e["type"] != "way":
            out.append({"type": "node", "id": e["id"], "lat": e["lat"], "lon": e["lon"],
                        "tags": e["tags"]})
            continue
        way = {"type": "way", "id": e["id"], "tags": e["tags"]}
        ring = _square(e["lon"], e["lat"])
        if index % 3 == 0:
            way["center"] = {"lat": e["lat"], "lon": e["lon"]}
        elif index % 3 == 1:
            way["geometry"] = [{"lat": lat, "lon": lon} for lon, lat in ring]
        else:
            ids = []
            for lon, lat in ring[:-1]:
                node_id += 1
                ids.append(node_id)
                out.append({"type": "node", "id": node_id, "lat": lat, "lon": lon})
            way["nodes"] = [*ids, ids[0]]
        out.append(way)
    path.write_text(json.dumps({"version": 0.6, "generator": "Overpass API",
                                "osm3s": {"copyright": COPYRIGHT}, "elements": out}),
                    encoding="utf-8")
    return path


def write_osm_xml(path: Path, elements: list[dict]) -> Path:
    """OSM XML with nodes and (for ``type == "way"``) closed ways of four nodes."""
    nodes, ways = [], []
    node_id = 10**12
    for e in elements:
        tags = "".join(f"<tag k={quoteattr(k)} v={quoteattr(str(v))}/>"
                       for k, v in e["tags"].items())
        if e["type"] != "way":
            nodes.append(f'<node id="{e["id"]}" version="1" lat="{e["lat"]}" '
                         f'lon="{e["lon"]}">{tags}</node>')
            continue
        ids = []
        for lon, lat in _square(e["lon"], e["lat"])[:-1]:
            node_id += 1
            ids.append(node_id)
            nodes.append(f'<node id="{node_id}" version="1" lat="{lat}" lon="{lon}"/>')
        refs = "".join(f'<nd ref="{i}"/>' for i in [*ids, ids[0]])
        ways.append(f'<way id="{e["id"]}" version="1">{refs}{tags}</way>')
    nodes.sort(key=lambda n: int(n.split('"')[1]))  # OSM files are sorted by type and id
    ways.sort(key=lambda w: int(w.split('"')[1]))
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" '
                    'generator="regional-map tests">' + "".join(nodes) + "".join(ways)
                    + "</osm>", encoding="utf-8")
    return path


def write_pbf(path: Path, elements: list[dict]) -> Path:
    """A PBF written with pyosmium: nodes first (sorted), then ways of four nodes each."""
    nodes: list[tuple[int, float, float, dict]] = []
    ways: list[tuple[int, list[int], dict]] = []
    node_id = 10**12
    for e in elements:
        if e["type"] != "way":
            nodes.append((e["id"], e["lon"], e["lat"], e["tags"]))
            continue
        ids = []
        for lon, lat in _square(e["lon"], e["lat"])[:-1]:
            node_id += 1
            ids.append(node_id)
            nodes.append((node_id, lon, lat, {}))
        ways.append((e["id"], [*ids, ids[0]], e["tags"]))
    if path.exists():
        path.unlink()
    writer = osmium.SimpleWriter(str(path))
    try:
        for nid, lon, lat, tags in sorted(nodes, key=lambda n: n[0]):
            writer.add_node(osmium.osm.mutable.Node(id=nid, location=(lon, lat), tags=tags,
                                                    version=1))
        for wid, refs, tags in sorted(ways, key=lambda w: w[0]):
            writer.add_way(osmium.osm.mutable.Way(id=wid, nodes=refs, tags=tags, version=1))
    finally:
        writer.close()
    return path


def as_ways(elements: list[dict], every: int = 5) -> list[dict]:
    """Every ``every``-th element as a way (a shop mapped as a building)."""
    return [{**e, "type": "way"} if i % every == 0 else e for i, e in enumerate(elements)]


_GERMAN_VENDING = {"milk": "Milch", "eggs": "Eier", "potatoes": "Kartoffeln",
                   "honey": "Honig", "cheese": "Käse", "meat": "Fleisch"}


def germanised(elements: list[dict], seed: int = 16) -> list[dict]:
    """Real tags as German mappers write them: products, free-text hours, loose flags."""
    rng = random.Random(seed)
    out = []
    for index, e in enumerate(elements):
        tags = dict(e["tags"])
        if tags.get("vending"):
            tags["vending"] = ";".join(_GERMAN_VENDING.get(v.strip(), v.strip())
                                       for v in tags["vending"].split(";"))
        roll = rng.random()
        if roll < 0.03:
            tags["opening_hours"] = "nach Vereinbarung"
        elif roll < 0.05:
            tags["opening_hours"] = "Selbstbedienung"
        elif roll < 0.06:
            tags["organic"] = "limited"
        elif roll < 0.07:
            tags["website"] = "siehe Aushang"
        if index % 9 == 0:
            tags.pop("name", None)
        out.append({**e, "tags": tags})
    return out
