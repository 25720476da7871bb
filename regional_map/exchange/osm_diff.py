"""Places whose local fields disagree with what the last OSM import said.

Imports log every place they create or update in the change log (``trust.audit``): the
``after`` of an ``import:<source>`` entry is what OSM said. Replaying a place's entries in order
gives the OSM values of its last import, and who changed each field locally since; a field
whose current value differs is a difference to take back to OSM by hand (a CSV, or a
MapRoulette-style GeoJSON challenge: one task per place). Nothing is written to OSM.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from dataclasses import dataclass, field

from regional_map.exchange.osm_links import osm_element, osm_links
from regional_map.ingest.dedupe import haversine_m

# Fields OSM holds and a person may correct here; products come from OSM's free-text tags.
FIELDS = ("name", "kind", "description", "street", "housenumber", "postcode", "city",
          "opening_hours", "website", "phone", "email", "organic", "payment", "status",
          "products")
MOVED_METRES = 10.0  # a pin moved less than this is the same position


@dataclass
class Difference:
    field: str
    local: object
    osm: object
    changed_by: str = ""
    changed_at: str = ""


@dataclass
class PlaceDifferences:
    place: dict
    osm_type: str
    osm_id: int
    differences: list[Difference] = field(default_factory=list)


def _current(conn: sqlite3.Connection, place_id: str) -> dict | None:
    row = conn.execute("SELECT * FROM places WHERE id = ?", (place_id,)).fetchone()
    if row is None:
        return None
    current = dict(row)
    current["products"] = [r[0] for r in conn.execute(
        "SELECT product_code FROM place_products WHERE place_num = ? ORDER BY product_code",
        (row["num"],))]
    return current


def _replay(conn: sqlite3.Connection, source: str) -> dict[str, tuple[dict, dict]]:
    """place id → (OSM values of its imports, {field: (actor, at) of its last local change})."""
    states: dict[str, tuple[dict, dict]] = {}
    actor = f"import:{source}"
    rows = conn.execute(
        """SELECT c.entity_id, c.actor, c.at, c.after FROM changes c
           WHERE c.entity = 'place' AND c.after IS NOT NULL
             AND c.entity_id IN (SELECT entity_id FROM changes
                                 WHERE entity = 'place' AND actor = ?)
           ORDER BY c.id""", (actor,))
    for place_id, who, at, after in rows:
        osm, local = states.setdefault(place_id, ({}, {}))
        values = json.loads(after)
        if who == actor:
            osm.update(values)
            for column in values:
                local.pop(column, None)  # the import set it again: local and OSM agree
        else:
            for column in values:
                local[column] = (who, at)
    return states


def _same(column: str, local: object, osm: object) -> bool:
    if column == "products":
        return sorted(local or []) == sorted(osm or [])
    return (local if local is not None else "") == (osm if osm is not None else "")


def find_differences(conn: sqlite3.Connection, source: str = "osm") -> list[PlaceDifferences]:
    """Every place of ``source`` (an OSM import) with fields that differ from its last import."""
    out = []
    for place_id, (osm, local) in sorted(_replay(conn, source).items()):
        current = _current(conn, place_id)
        if current is None or osm_element(current) is None:
            continue
        kind, number = osm_element(current)
        found = PlaceDifferences(current, kind, number)
        for column in FIELDS:
            if column in osm and not _same(column, current[column], osm[column]):
                who, at = local.get(column, ("", ""))
                found.differences.append(Difference(column, current[column], osm[column],
                                                    who, at))
        if "lat" in osm and "lon" in osm:
            moved = haversine_m(current["lat"], current["lon"], osm["lat"], osm["lon"])
            if moved > MOVED_METRES:
                who, at = local.get("lat", local.get("lon", ("", "")))
                found.differences.append(Difference(
                    "position", f"{current['lat']:.6f},{current['lon']:.6f}",
                    f"{osm['lat']:.6f},{osm['lon']:.6f} ({moved:.0f} m away)", who, at))
        if found.differences:
            out.append(found)
    return out


def _text(value: object) -> str:
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return "" if value is None else str(value)


CSV_COLUMNS = ("place_id", "name", "osm_type", "osm_id", "field", "local_value", "osm_value",
               "changed_by", "changed_at", "osm_url", "edit_url")


def differences_csv(found: list[PlaceDifferences]) -> str:
    """One row per differing field (formula-safe: a leading ``= + - @`` gets a quote)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for item in found:
        links = osm_links(item.place)
        for diff in item.differences:
            cells = [item.place["id"], item.place["name"], item.osm_type, item.osm_id,
                     diff.field, _text(diff.local), _text(diff.osm), diff.changed_by,
                     diff.changed_at, links["element"], links["edit"]]
            writer.writerow(["'" + c if isinstance(c, str) and c[:1] in "=+-@" else c
                             for c in cells])
    return buffer.getvalue()


def challenge_geojson(found: list[PlaceDifferences], place_url=None) -> dict:
    """A MapRoulette-style challenge: one Point task per place, its OSM element as the id.

    ``place_url(place_id)`` gives the place's page on this site, for the task's description.
    """
    features = []
    for item in found:
        links = osm_links(item.place)
        element = f"{item.osm_type}/{item.osm_id}"
        lines = [f"{d.field}: here {_text(d.local)!r}, on OSM {_text(d.osm)!r}"
                 for d in item.differences]
        properties = {
            "@id": element, "osmid": element, "name": item.place["name"],
            "place_id": item.place["id"],
            "task_instructions": "Check these fields against OpenStreetMap and correct "
                                 "whichever side is wrong: " + "; ".join(lines),
            "osm_url": links["element"], "edit_url": links["edit"],
            "differences": [{"field": d.field, "local": d.local, "osm": d.osm,
                             "changed_by": d.changed_by, "changed_at": d.changed_at}
                            for d in item.differences],
        }
        if place_url is not None:
            properties["regional_map_url"] = place_url(item.place["id"])
        features.append({"type": "Feature", "id": element,
                         "geometry": {"type": "Point",
                                      "coordinates": [item.place["lon"], item.place["lat"]]},
                         "properties": properties})
    return {"type": "FeatureCollection", "features": features,
            "license": "ODbL-1.0", "attribution": "© OpenStreetMap contributors"}
