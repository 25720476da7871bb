"""Municipal boundaries in the store, and which municipality each place lies in.

The shipped boundaries (Flanders + Brussels 2025, the Netherlands 2023; see ``data/boundaries``)
are stored as GeoJSON text with their bounding box in ``municipality_boundaries``. A place gets
its municipality by point-in-polygon; where no boundary exists (Wallonia) it falls back to its
own postcode (Statbel postcode → NIS table), then to its town name, and, for a point with
neither, to the nearest postcode place of the same country within ``NEAREST_MAX_KM``. The way a
place was assigned is kept in ``places.municipality_method``:

``polygon`` · ``postcode`` · ``town`` · ``nearest_postcode`` · NULL (unassigned).

A point exactly on a border between two municipalities lies in both polygons; it goes to the
one its postcode names if that is one of them, else to the smaller code (deterministic).

shapely is imported lazily: the web process never loads it for ordinary pages.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from regional_map.db.functions import haversine_m
from regional_map.geocode.gazetteer import Gazetteer, GeocodeError
from regional_map.places.reference import REFERENCE_SOURCES
from regional_map.places.store import ProductTexts, _index_place, upsert_source
from regional_map.resources import resource_dir

METHODS = ("polygon", "postcode", "town", "nearest_postcode")
NEAREST_MAX_KM = 10.0

BOUNDARY_FILES = (
    # (file, source id, country, code property, nl name, fr name)
    ("be_municipalities_flanders_brussels_2025.geojson", "be-boundaries", "BE", "nis_code",
     "name_nl", "name_fr"),
    ("nl_gemeenten_2023.geojson", "nl-boundaries", "NL", "gemeentecode", "gemeentenaam", None),
)

def _bbox(geometry: dict) -> tuple[float, float, float, float]:
    xs: list[float] = []
    ys: list[float] = []

    def walk(coords: Any) -> None:
        if coords and isinstance(coords[0], (int, float)):
            xs.append(coords[0])
            ys.append(coords[1])
        else:
            for part in coords:
                walk(part)

    walk(geometry["coordinates"])
    return min(xs), min(ys), max(xs), max(ys)


@lru_cache(maxsize=4)
def _read_boundaries(path: Path, mtime: float, source_id: str, country: str, code_key: str,
                     nl_key: str, fr_key: str | None) -> tuple[dict, ...]:
    """The rows of one boundary file (cached per file version: tests build many stores)."""
    rows = []
    for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
        props = feature["properties"]
        geometry = feature["geometry"]
        rows.append(dict(
            code=props[code_key], country=country, name_nl=props.get(nl_key),
            name_fr=props.get(fr_key) if fr_key else None, source_id=source_id,
            geometry=json.dumps(geometry, separators=(",", ":")),
            **dict(zip(("minlon", "minlat", "maxlon", "maxlat"), _bbox(geometry), strict=True)),
        ))
    return tuple(rows)


def load_boundaries(conn: sqlite3.Connection, data_dir: Path | None = None) -> int:
    """(Re)load the shipped boundary files into the store; returns the number loaded.

    Municipalities the reference table does not know yet (a gemeente missing from GeoNames)
    are added with the boundary's names.
    """

    data_dir = data_dir or resource_dir("data")
    rows: list[dict] = []
    for filename, source_id, country, code_key, nl_key, fr_key in BOUNDARY_FILES:
        path = data_dir / "boundaries" / filename
        if not path.exists():
            continue
        upsert_source(conn, source_id, **REFERENCE_SOURCES[source_id])
        rows += _read_boundaries(path, path.stat().st_mtime, source_id, country, code_key,
                                 nl_key, fr_key)
    conn.execute("DELETE FROM municipality_boundaries")
    conn.executemany(
        """INSERT INTO municipality_boundaries (code, country, name_nl, name_fr, source_id,
               minlon, minlat, maxlon, maxlat, geometry)
           VALUES (:code, :country, :name_nl, :name_fr, :source_id, :minlon, :minlat, :maxlon,
                   :maxlat, :geometry)""",
        rows,
    )
    conn.executemany(
        """INSERT INTO municipalities (code, country, name_nl, name_fr)
           VALUES (:code, :country, :name_nl, :name_fr) ON CONFLICT (code) DO NOTHING""",
        rows,
    )
    return len(rows)


def boundary(conn: sqlite3.Connection, code: str) -> dict | None:
    """One municipality's boundary as a GeoJSON geometry with its bbox, or None."""
    row = conn.execute(
        "SELECT code, country, minlon, minlat, maxlon, maxlat, geometry, source_id "
        "FROM municipality_boundaries WHERE code = ?", (code,)
    ).fetchone()
    if row is None:
        return None
    return {"code": row["code"], "country": row["country"], "source_id": row["source_id"],
            "bbox": [row["minlon"], row["minlat"], row["maxlon"], row["maxlat"]],
            "geometry": json.loads(row["geometry"])}


@dataclass
class AssignmentReport:
    """How many places got their municipality by each method."""

    total: int = 0
    by_method: Counter = field(default_factory=Counter)
    changed: int = 0

    @property
    def unassigned(self) -> int:
        return self.by_method.get(None, 0)

    def as_dict(self) -> dict:
        return {"total": self.total, "changed": self.changed,
                **{m: self.by_method.get(m, 0) for m in METHODS},
                "unassigned": self.unassigned}

    def lines(self) -> list[str]:
        labels = {"polygon": "by polygon", "postcode": "by postcode fallback",
                  "town": "by town name fallback",
                  "nearest_postcode": f"by nearest postcode place (within {NEAREST_MAX_KM:g} km)"}
        out = [f"{self.total} places; {self.changed} changed municipality."]
        out += [f"  {labels[m]:<44} {self.by_method.get(m, 0):>7}" for m in METHODS]
        out.append(f"  {'unassigned':<44} {self.unassigned:>7}")
        return out


class MunicipalityAssigner:
    """Assigns points to municipalities; load once per batch (polygons, postcodes)."""

    def __init__(self, conn: sqlite3.Connection, gazetteer: Gazetteer | None = None):
        self.conn = conn
        self._gazetteer = gazetteer
        self._tree = None
        self._codes: list[str] = []
        self._countries: list[str] = []
        self._postcode_points: dict[str, tuple] | None = None  # country → (lats, lons, codes)

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            self._gazetteer = Gazetteer(self.conn)
        return self._gazetteer

    def _load(self) -> None:
        if self._tree is not None:
            return
        import shapely

        rows = self.conn.execute(
            "SELECT code, country, geometry FROM municipality_boundaries ORDER BY code"
        ).fetchall()
        self._codes = [r["code"] for r in rows]
        self._countries = [r["country"] for r in rows]
        geometries = shapely.from_geojson([r["geometry"] for r in rows]) if rows else []
        self._tree = shapely.STRtree(geometries)

    def polygon_codes(self, lons: Sequence[float], lats: Sequence[float]) -> list[list[str]]:
        """For each point, the codes of every polygon containing it or its border (sorted)."""
        import shapely

        self._load()
        hits: list[list[str]] = [[] for _ in lons]
        if not len(lons) or not self._codes:
            return hits
        points = shapely.points(list(lons), list(lats))
        point_idx, poly_idx = self._tree.query(points, predicate="intersects")
        for p, g in zip(point_idx.tolist(), poly_idx.tolist(), strict=True):
            hits[p].append(self._codes[g])
        return [sorted(h) for h in hits]

    def _address_code(self, postcode: str, country: str, city: str) -> tuple[str | None, str]:
        if postcode:
            try:
                return self.gazetteer.postcode(postcode, country or None, city or None) \
                    .municipality_code, "postcode"
            except GeocodeError:
                pass
        if city:
            try:
                return self.gazetteer.town(city, country or None).municipality_code, "town"
            except GeocodeError:
                pass
        return None, ""

    def _nearest(self, lon: float, lat: float, country: str) -> str | None:
        """The municipality of the nearest postcode place within NEAREST_MAX_KM, or None.

        numpy measures every candidate at once; the few within a metre of the best are then
        measured again with the exact function, in table order, so the answer is the one a
        plain loop over the table gives.
        """
        import numpy as np

        if self._postcode_points is None:
            grouped: dict[str, list[tuple[float, float, str]]] = {}
            for r in self.conn.execute(
                "SELECT country, lat, lon, municipality_code FROM postcodes "
                "WHERE municipality_code IS NOT NULL"
            ):
                grouped.setdefault(r[0], []).append((r[1], r[2], r[3]))
            grouped[""] = [p for pts in list(grouped.values()) for p in pts]
            self._postcode_points = {
                key: (np.array([p[0] for p in pts]), np.array([p[1] for p in pts]),
                      [p[2] for p in pts])
                for key, pts in grouped.items()
            }
        found = self._postcode_points.get(country if country else "")
        if found is None or not len(found[0]):
            return None
        plats, plons, codes = found
        band = np.flatnonzero(np.abs(plats - lat) <= NEAREST_MAX_KM / 111.0)
        if not len(band):
            return None
        p1, p2 = np.radians(lat), np.radians(plats[band])
        a = (np.sin((p2 - p1) / 2) ** 2
             + np.cos(p1) * np.cos(p2) * np.sin(np.radians(plons[band] - lon) / 2) ** 2)
        approx = 2 * 6_371_008.8 * np.arcsin(np.sqrt(np.minimum(1.0, a)))
        best, best_d = None, NEAREST_MAX_KM * 1000
        for i in band[approx <= approx.min() + 1.0]:  # ascending table order
            d = haversine_m(lat, lon, plats[i], plons[i])
            if d < best_d:
                best, best_d = codes[i], d
        return best

    def resolve(self, lons: Sequence[float], lats: Sequence[float],
                addresses: Iterable[tuple[str, str, str]]) -> list[tuple[str | None, str | None]]:
        """(code, method) for each point; ``addresses`` gives (postcode, country, city)."""
        polygons = self.polygon_codes(lons, lats)
        out: list[tuple[str | None, str | None]] = []
        for lon, lat, hits, (postcode, country, city) in zip(lons, lats, polygons, addresses,
                                                             strict=True):
            if len(hits) == 1:
                out.append((hits[0], "polygon"))
                continue
            code, method = self._address_code(postcode or "", country or "", city or "")
            if hits:  # on a border: the postcode's municipality if it is one of them
                out.append((code if code in hits else hits[0], "polygon"))
            elif code:
                out.append((code, method))
            else:
                nearest = self._nearest(lon, lat, country or "")
                out.append((nearest, "nearest_postcode") if nearest else (None, None))
        return out

    def assign_record(self, record: dict) -> str | None:
        """Set an import row's ``municipality_code`` from its point; returns the method."""
        [(code, method)] = self.resolve(
            [record["lon"]], [record["lat"]],
            [(record.get("postcode") or "", record.get("country") or "", record.get("city") or "")],
        )
        record["municipality_code"] = code
        return method


def assign_municipalities(conn: sqlite3.Connection, nums: Iterable[int] | None = None, *,
                          assigner: MunicipalityAssigner | None = None) -> AssignmentReport:
    """Assign places (all, or the given internal ``nums``) to municipalities, in batch.

    Writes ``municipality_code`` and ``municipality_method`` where they differ and refreshes
    the search index (the FTS ``town`` column) of places whose municipality changed. Runs in the
    caller's transaction; the places' ``updated_at`` is not touched (this is derived data).
    """

    assigner = assigner or MunicipalityAssigner(conn)
    if nums is None:
        rows = conn.execute(
            "SELECT num, lon, lat, postcode, country, city, municipality_code, "
            "municipality_method FROM places ORDER BY num").fetchall()
    else:
        wanted = sorted(set(nums))
        rows = []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            marks = ", ".join("?" * len(chunk))
            rows += conn.execute(
                "SELECT num, lon, lat, postcode, country, city, municipality_code, "  # noqa: S608
                f"municipality_method FROM places WHERE num IN ({marks})", chunk).fetchall()
    report = AssignmentReport(total=len(rows))
    if not rows:
        return report
    results = assigner.resolve([r["lon"] for r in rows], [r["lat"] for r in rows],
                               [(r["postcode"], r["country"], r["city"]) for r in rows])
    texts = None
    for row, (code, method) in zip(rows, results, strict=True):
        report.by_method[method] += 1
        if row["municipality_code"] == code and row["municipality_method"] == method:
            continue
        conn.execute(
            "UPDATE places SET municipality_code = ?, municipality_method = ? WHERE num = ?",
            (code, method, row["num"]))
        if row["municipality_code"] != code:
            report.changed += 1
            texts = texts or ProductTexts(conn)
            _index_place(conn, row["num"], texts)
    return report

