"""The seed initiatives of the demo (``data/seeds/``): networks, their places, services and
links, each citing the seed document it comes from. Town-level places are placed at their
municipality (precision ``municipality``); networks get no point at all, only the area of
activity their source states (``activity_area``, municipalities by name)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from regional_map.db.connection import transaction
from regional_map.geocode.gazetteer import Gazetteer
from regional_map.networks.areas import save_area
from regional_map.networks.link_import import import_links
from regional_map.networks.records import save_network, save_services
from regional_map.places.store import make_place_id, upsert_place, upsert_source
from regional_map.resources import resource_dir


def load_seeds(conn: sqlite3.Connection, seeds_dir: Path | None = None) -> dict[str, int]:
    """Load (or refresh) the seed initiatives in one transaction; returns counts."""
    seeds_dir = seeds_dir or resource_dir("data") / "seeds"
    data = json.loads((seeds_dir / "initiatives.json").read_text(encoding="utf-8"))
    gazetteer = Gazetteer(conn)
    counts = {"networks": 0, "places": 0, "services": 0, "links": 0}
    with transaction(conn):
        for source in data["sources"]:
            upsert_source(conn, source["id"], name=source["name"], licence=source["licence"],
                          attribution=source["attribution"])
        conn.execute("DELETE FROM network_areas WHERE source_id IN (SELECT id FROM sources "
                     "WHERE id LIKE 'seed-%')")
        for network in data["networks"]:
            record = {k: v for k, v in network.items() if k not in ("town", "activity_area")}
            record["licence"] = _licence(data, network["source_id"])
            save_network(conn, record)
            if network.get("activity_area"):
                save_area(conn, network["id"],
                          _area_spec(conn, gazetteer, network["activity_area"]),
                          network["source_id"])
            counts["networks"] += 1
        for place in data["places"]:
            hit = gazetteer.town(place["town"], "BE")
            stated = place.get("stated_figures") or []
            record = {
                "id": make_place_id(place["source_id"], place["ref"], place["name"], hit.lat,
                                    hit.lon),
                "name": place["name"], "kind": place["kind"],
                "description": place.get("description", ""),
                "city": hit.place_name, "municipality_code": hit.municipality_code,
                "country": hit.country, "lat": hit.lat, "lon": hit.lon,
                "geocode_precision": hit.precision, "geocode_source": "gazetteer",
                "status": place.get("status", "active"), "closed_on": place.get("closed_on"),
                "sells_to_consumers": place.get("sells_to_consumers", True),
                "sells_to_business": place.get("sells_to_business", False),
                "source_id": place["source_id"], "source_ref": place["ref"],
                "licence": _licence(data, place["source_id"]),
                "extra": {**({"stated_figures": stated} if stated else {}),
                          **({"description_lang": place["description_lang"]}
                             if place.get("description_lang") else {})},
            }
            _, _num = upsert_place(conn, record, place.get("products", []))
            counts["places"] += 1
            if place.get("services"):
                counts["services"] += save_services(conn, record["id"], place["services"],
                                                    place["source_id"])
        report = import_links(conn, seeds_dir / "links.csv", source_id="seed-llabio")
        # Links to OpenStreetMap places hold only where the store has them (the demo does; a
        # store of another region's OSM does not); every other seed link must resolve.
        problems = [p for p in report.rejected if "'osm-" not in p.reason]
        if problems:
            text = "; ".join(f"line {p.line}: {p.reason}" for p in problems)
            raise ValueError(f"seed links do not resolve: {text}")
        counts["links"] = report.created + report.updated
    return counts


def _area_spec(conn: sqlite3.Connection, gazetteer: Gazetteer, area: dict) -> dict:
    """An area with its municipalities (or whole provinces) named as in the source, resolved
    to municipality codes."""
    spec = {k: v for k, v in area.items() if k not in ("municipalities", "provinces")}
    codes = []
    for province in area.get("provinces", []):
        found = [r[0] for r in conn.execute(
            "SELECT code FROM municipalities WHERE province = ? ORDER BY code", (province,))]
        if not found:
            raise ValueError(f"seed area: unknown province {province!r}")
        codes.extend(found)
    for name in area.get("municipalities", []):
        hit = gazetteer.town(name, area.get("country", "BE"))
        if hit is None or not hit.municipality_code:
            raise ValueError(f"seed area: unknown municipality {name!r}")
        codes.append(hit.municipality_code)
    if codes:
        spec["municipalities"] = codes
    return spec


def _licence(data: dict, source_id: str) -> str:
    return next((s["licence"] for s in data["sources"] if s["id"] == source_id), "")
