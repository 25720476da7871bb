"""Insert many new places at once: the common case of an import (a first import of a country).

:func:`~regional_map.places.store.upsert_place` writes one place with seven statements and
reads it back to index it. For a batch of places none of which is stored yet, this module
writes each table with one ``executemany`` and builds the search rows from the records
themselves. The rows are those ``upsert_place`` writes (``tests/places/test_bulk.py`` compares
the two stores table by table).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

from regional_map.geo import mercator
from regional_map.places.services import services_text
from regional_map.places.store import (
    PLACE_COLUMNS,
    ProductTexts,
    make_place_id,
    searchable_name,
    stored_value,
)
from regional_map.text import fold


def insert_new_places(conn: sqlite3.Connection,
                      items: Sequence[tuple[Mapping[str, Any], Sequence[str]]], *,
                      texts: ProductTexts, towns: Mapping[str, tuple[str, str]], now: str,
                      changes: list | None = None) -> list[int]:
    """Insert ``items`` (record, product codes), none of them stored yet and their ids
    distinct; returns their nums in order. ``towns`` maps a municipality code to its
    (Dutch, French) names, as the search index holds them. With ``changes``, appends each
    creation as :func:`~regional_map.places.store.upsert_place` does."""
    if not items:
        return []
    # The write lock is held (the caller's transaction): these nums are the next rowids.
    first = conn.execute("SELECT COALESCE(MAX(num), 0) + 1 FROM places").fetchone()[0]
    rows: list[dict[str, Any]] = []
    codes_of: list[list[str]] = []
    for num, (record, products) in enumerate(items, first):
        values = {c: stored_value(c, record.get(c)) for c in PLACE_COLUMNS if c in record}
        if "municipality_method" in record:  # assigned with the code, from the same point
            values["municipality_method"] = record["municipality_method"]
        if not values.get("id"):
            values["id"] = make_place_id(record.get("source_id"), record.get("source_ref"),
                                         record["name"], record["lat"], record["lon"])
        values["mx"], values["my"] = mercator(values["lon"], values["lat"])
        values["created_at"] = values["updated_at"] = now
        values["num"] = num
        rows.append(values)
        codes = sorted({c for c in products if c in texts})
        codes_of.append(codes)
        if changes is not None:
            after = {c: values[c] for c in PLACE_COLUMNS if c in values}
            changes.append(("create", values["id"], None, {**after, "products": codes}))
    _insert_grouped(conn, rows)
    conn.executemany("INSERT INTO place_products (place_num, product_code) VALUES (?, ?)",
                     [(v["num"], c) for v, codes in zip(rows, codes_of, strict=True)
                      for c in codes])
    conn.executemany(
        "INSERT INTO places_rtree (num, minlon, maxlon, minlat, maxlat) VALUES (?, ?, ?, ?, ?)",
        [(v["num"], v["lon"], v["lon"], v["lat"], v["lat"]) for v in rows])
    services = _services_of(conn, [v["id"] for v in rows]) if texts.has_services else {}
    conn.executemany(
        "INSERT INTO places_fts (rowid, name, description, products, town) VALUES (?, ?, ?, ?, ?)",
        [_search_row(v, codes, texts, towns, services.get(v["id"], []))
         for v, codes in zip(rows, codes_of, strict=True)])
    return [v["num"] for v in rows]


def _insert_grouped(conn: sqlite3.Connection, rows: list[dict[str, Any]]) -> None:
    """One INSERT per set of columns: a column a record leaves out takes its default."""
    groups: dict[tuple[str, ...], list[list[Any]]] = {}
    for values in rows:
        groups.setdefault(tuple(values), []).append(list(values.values()))
    for columns, params in groups.items():
        conn.executemany(
            "INSERT INTO places ({}) VALUES ({})".format(  # noqa: S608 - fixed column names
                ", ".join(columns), ", ".join("?" for _ in columns)), params)


def _services_of(conn: sqlite3.Connection, ids: list[str]) -> dict[str, list[str]]:
    """Services already recorded for these ids (a place deleted and imported again)."""
    found: dict[str, list[str]] = {}
    for place_id, code in conn.execute(
            "SELECT place_id, code FROM place_services WHERE place_id IN "
            "(SELECT value FROM json_each(?)) ORDER BY place_id, position", (json.dumps(ids),)):
        found.setdefault(place_id, []).append(code)
    return found


def _search_row(values: Mapping[str, Any], codes: list[str], texts: ProductTexts,
                towns: Mapping[str, tuple[str, str]], services: list[str]) -> tuple:
    """The places_fts row of a new place, as ``store._index_place`` builds it."""
    offered = texts.text(codes)
    if texts.has_services:
        offered = f"{offered} {services_text(services)}".strip()
    town_nl, town_fr = towns.get(values.get("municipality_code") or "", ("", ""))
    town = " ".join(v for v in (values.get("city"), values.get("postcode"), town_nl, town_fr)
                    if v)
    return (values["num"], fold(searchable_name(values)), fold(values.get("description")),
            offered, fold(town))


def existing_places(conn: sqlite3.Connection, records: Sequence[Mapping[str, Any]],
                    ids: Sequence[str]) -> list[sqlite3.Row | None]:
    """:func:`~regional_map.places.store.find_existing` of each record (``ids``: the id each
    would have), with one query for the ids and one per source for the source's own ids."""
    by_id = {row["id"]: row for row in conn.execute(
        "SELECT * FROM places WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(list(ids)),))}
    refs: dict[str, list[str]] = {}
    for record in records:
        if record.get("source_ref") is not None and record.get("source_id") is not None:
            refs.setdefault(record["source_id"], []).append(record["source_ref"])
    by_ref = {}
    for source_id, wanted in refs.items():
        for row in conn.execute(
                "SELECT * FROM places WHERE source_id = ? AND source_ref IN "
                "(SELECT value FROM json_each(?))", (source_id, json.dumps(wanted))):
            by_ref[(source_id, row["source_ref"])] = row
    found = []
    for record, place_id in zip(records, ids, strict=True):
        ref = (record.get("source_id"), record.get("source_ref"))
        if ref[0] is None or ref[1] is None:
            found.append(by_id.get(place_id))
        else:
            found.append(by_ref.get(ref) or by_id.get(place_id))
    return found
