"""A network, or a place's links, as data: GeoJSON (places and networks as points, links as
LineStrings with their type), CSV (places; links in the form ``import-links`` reads back) and
GeoPackage (a ``places`` and a ``links`` layer)."""

from __future__ import annotations

import csv
import io
import sqlite3
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from regional_map.formats.csv import places_csv, spreadsheet_safe
from regional_map.formats.geojson import feature_collection, place_feature
from regional_map.formats.gpkg import places_gpkg
from regional_map.model import LINK_TYPES, NETWORK_TYPES
from regional_map.networks.areas import area_feature, area_geometry
from regional_map.networks.records import (
    ALL_STATUSES,
    endpoint_names,
    endpoint_url,
    get_network,
    link_label,
    network_links,
    network_places,
    places_by_ids,
)
from regional_map.places.exports import licence_note
from regional_map.places.stats import attributions

LINK_CSV_COLUMNS = ("from", "type", "to", "schedule", "note", "from_name", "to_name")
EXPORT_FORMATS = {
    "geojson": ("application/geo+json", "geojson"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "links-csv": ("text/csv; charset=utf-8", "links.csv"),
    "gpkg": ("application/geopackage+sqlite3", "gpkg"),
}


def network_point_feature(network: dict, lang: str = "en") -> dict[str, Any]:
    term = NETWORK_TYPES.get(network["kind"] if "kind" in network else network["type"])
    return {
        "type": "Feature", "id": f"network:{network['id']}",
        "geometry": {"type": "Point", "coordinates": [network["lon"], network["lat"]]},
        "properties": {
            "feature_type": "network", "id": network["id"], "name": network["name"],
            "type": term.code if term else network.get("type", ""),
            "type_label": term.label(lang) if term else "",
            "status": network.get("status"), "page": endpoint_url("network", network["id"]),
            # "area": the network has no place of its own; its links end inside its area.
            "at": network.get("at", "point"),
        },
    }


def links_collection(conn: sqlite3.Connection, links: Iterable[dict], *, lang: str = "en",
                     extra_place_ids: Iterable[str] = (), this: tuple[str, str] | None = None,
                     **members: Any) -> dict[str, Any]:
    """Links as LineStrings between their ends' points, and every end as a Point.

    Ends without a point (a network with no anchor) are listed in ``unplaced``; a link from
    ``this`` end carries ``direction`` ``out``, a link to it ``in``.
    """
    links = list(links)
    refs = {(link["from_kind"], link["from_id"]) for link in links}
    refs |= {(link["to_kind"], link["to_id"]) for link in links}
    refs |= {("place", pid) for pid in extra_place_ids}
    if this:
        refs.add(this)
    ends = endpoint_names(conn, refs)
    for (kind, ref), info in ends.items():
        if kind == "network" and info["lat"] is None:
            found = area_geometry(conn, ref)
            if found is not None:
                inside = found[0].representative_point()
                info.update(lat=inside.y, lon=inside.x, at="area")
    features: list[dict] = []
    place_ids = [ref for kind, ref in refs if kind == "place" and ("place", ref) in ends]
    for place in sorted(places_by_ids(conn, place_ids), key=lambda p: p["name"].lower()):
        feature = place_feature(place, lang)
        feature["properties"]["feature_type"] = "place"
        feature["properties"]["page"] = endpoint_url("place", place["id"])
        features.append(feature)
    unplaced = []
    for (kind, ref), info in sorted(ends.items()):
        if kind != "network":
            continue
        if info["lat"] is None or info["lon"] is None:
            unplaced.append({"kind": "network", "id": ref, "name": info["name"]})
            continue
        features.append(network_point_feature(info, lang))
    for link in links:
        a = ends.get((link["from_kind"], link["from_id"]))
        b = ends.get((link["to_kind"], link["to_id"]))
        if not a or not b or a["lat"] is None or b["lat"] is None:
            continue
        props = {
            "feature_type": "link", "link_id": link["id"], "type": link["type"],
            "type_label": link_label(link["type"], "out", lang),
            "from_kind": link["from_kind"], "from_id": link["from_id"], "from_name": a["name"],
            "to_kind": link["to_kind"], "to_id": link["to_id"], "to_name": b["name"],
            "schedule": link["schedule"], "note": link["note"],
        }
        if this:
            props["direction"] = "out" if (link["from_kind"], link["from_id"]) == this else "in"
            props["label"] = link_label(link["type"], props["direction"], lang)
        features.append({
            "type": "Feature", "id": f"link:{link['id']}",
            "geometry": {"type": "LineString",
                         "coordinates": [[a["lon"], a["lat"]], [b["lon"], b["lat"]]]},
            "properties": props,
        })
    return feature_collection(features, link_types={code: term.label(lang)
                                                    for code, term in LINK_TYPES.items()},
                              unplaced=unplaced, **members)


def network_collection(conn: sqlite3.Connection, network_id: str, lang: str = "en",
                       statuses: tuple[str, ...] = ALL_STATUSES) -> dict[str, Any]:
    """A network's places, its anchor and its links as one FeatureCollection."""
    places = network_places(conn, network_id, lang=lang, statuses=statuses)
    links = network_links(conn, network_id)
    keep = {p["id"] for p in places}
    links = [link for link in links if all(
        kind != "place" or ref in keep
        for kind, ref in ((link["from_kind"], link["from_id"]), (link["to_kind"], link["to_id"]))
    )]
    sources = {s["id"]: s for s in attributions(conn)}
    used = sorted({p["source_id"] for p in places if p["source_id"]})
    network = get_network(conn, network_id, lang)
    area = area_feature(conn, network) if network else None
    return links_collection(
        conn, links, lang=lang, extra_place_ids=keep, this=None, network=network_id,
        attribution=[{"source": s, "licence": sources[s]["licence"],
                      "attribution": sources[s]["attribution"]} for s in used if s in sources],
        area=area,
    )


def links_csv(conn: sqlite3.Connection, links: Iterable[dict]) -> str:
    """Links as CSV in the form ``import-links`` reads (``from,type,to,schedule,note``)."""
    links = list(links)
    refs = {(lk["from_kind"], lk["from_id"]) for lk in links}
    refs |= {(lk["to_kind"], lk["to_id"]) for lk in links}
    names = endpoint_names(conn, refs)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(LINK_CSV_COLUMNS)
    for lk in links:
        a, b = (lk["from_kind"], lk["from_id"]), (lk["to_kind"], lk["to_id"])
        writer.writerow([spreadsheet_safe(v) for v in (
            f"{a[0]}:{a[1]}", lk["type"], f"{b[0]}:{b[1]}", lk["schedule"], lk["note"],
            names.get(a, {}).get("name", ""), names.get(b, {}).get("name", ""))])
    return out.getvalue()


def export_network(conn: sqlite3.Connection, network_id: str, fmt: str,
                   lang: str = "en") -> bytes:
    """The network in ``fmt`` (see :data:`EXPORT_FORMATS`); KeyError for an unknown one."""
    import json

    if fmt not in EXPORT_FORMATS:
        raise KeyError(fmt)
    if fmt == "geojson":
        body = network_collection(conn, network_id, lang)
        network = get_network(conn, network_id, lang)
        body["name"] = network["name"] if network else network_id
        return json.dumps(body, ensure_ascii=False).encode("utf-8")
    if fmt == "csv":
        places = network_places(conn, network_id, lang=lang)
        sources = {s["id"]: s["attribution"] for s in attributions(conn)}
        return places_csv(places, sources, lang).encode("utf-8")
    if fmt == "links-csv":
        return links_csv(conn, network_links(conn, network_id)).encode("utf-8")
    return network_gpkg(conn, network_id, lang)


def network_gpkg(conn: sqlite3.Connection, network_id: str, lang: str = "en") -> bytes:
    """A GeoPackage: the ``places`` layer and ``sources`` table of :func:`places_gpkg`, plus
    a ``links`` layer (LineStrings with their type) and a ``networks`` layer (anchors)."""
    import geopandas as gpd
    from pyogrio import write_dataframe
    from shapely.geometry import shape


    places = network_places(conn, network_id, lang=lang)
    sources = attributions(conn)
    used = [s for s in sources if s["id"] in {p["source_id"] for p in places}]
    data = places_gpkg(places, {s["id"]: s["attribution"] for s in sources}, used,
                       licence_note(used), lang)
    collection = network_collection(conn, network_id, lang)
    layers: dict[str, list[dict]] = {"links": [], "networks": [], "areas": []}
    features = collection["features"] + ([collection["area"]] if collection.get("area") else [])
    for feature in features:
        props = feature["properties"]
        layer = {"link": "links", "network": "networks",
                 "area": "areas"}.get(props.get("feature_type"))
        if layer:
            row = {k: _flat(v) for k, v in props.items()}
            row["geometry"] = shape(feature["geometry"])
            layers[layer].append(row)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "network.gpkg"
        path.write_bytes(data)
        for name, rows in layers.items():
            if rows:
                frame = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
                write_dataframe(frame, path, layer=name, driver="GPKG", append=True)
        return path.read_bytes()


def _flat(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    if isinstance(value, dict):
        import json

        return json.dumps(value, ensure_ascii=False)
    return value
