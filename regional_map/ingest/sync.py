"""Re-import as a sync: update in place, insert the new, retire the gone, keep local edits.

``place_sync`` keeps, per place, what its source last gave (``imported``). On the next import
a field whose stored value differs from that snapshot was edited in Regional Map (by a
moderator, an owner, a network editor): it is kept, and when the source changed it too the
conflict is reported. A place of the source that the file no longer has is marked as having
left the source: off the map (status ``closed``, the status it had is kept), still in the
store and its history, listed in the report; it comes back if the source has it again.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from regional_map.ingest.osm import osm_ref
from regional_map.places.store import (
    find_existing,
    make_place_id,
    set_place_fields,
    stored_value,
)

LOOK_UP = object()  # prepare looks the stored place up itself

# Bookkeeping columns that are not the source's statements about the place.
_NOT_COMPARED = {"id", "source_id", "source_ref", "licence", "geocode_source",
                 "municipality_code", "municipality_method"}  # assigned from the point


@dataclass
class SyncOutcome:
    """What the sync did besides create/update: conflicts, places gone and back."""

    conflicts: list[dict] = field(default_factory=list)
    left: list[dict] = field(default_factory=list)
    returned: int = 0


@dataclass
class Prepared:
    """A record ready to write, and what the sync needs to remember after writing it."""

    record: dict[str, Any]
    products: list[str]
    snapshot: dict[str, Any]
    state: Any  # the place_sync row, or None
    existing: Any  # the stored place, or None


class SourceSync:
    """The sync of one import of one source (create it inside the import's transaction)."""

    def __init__(self, conn: sqlite3.Connection, source_id: str, now: str):
        self.conn = conn
        self.source_id = source_id
        self.now = now
        self.outcome = SyncOutcome()
        self._seen: set[int] = set()
        self._seen_refs: set[str] = set()
        self._pending: dict[int, tuple[str, int, dict]] = {}
        self._unwritten: list[tuple] = []  # place_sync rows, written a batch at a time

    def saw_ref(self, source_ref: str | None) -> None:
        """A row of this element was in the file, even if it was rejected: not gone."""
        if source_ref:
            self._seen_refs.add(source_ref)

    def prepare(self, record: dict[str, Any], products: list[str], line: int,
                found: Any = LOOK_UP) -> Prepared:
        """Drop locally edited fields from ``record``; the snapshot is what the source says
        now, ``existing`` the stored place (for ``upsert_place``). ``found``: the stored
        place (or None) when the caller looked it up (for many rows at once)."""
        snapshot = {c: stored_value(c, v) for c, v in record.items() if c not in _NOT_COMPARED}
        snapshot["products"] = sorted(products)
        place_id = record.get("id") or make_place_id(
            record.get("source_id"), record.get("source_ref"), record["name"], record["lat"],
            record["lon"])
        existing = find_existing(self.conn, record, place_id) if found is LOOK_UP else found
        if existing is None:  # the id computed once, for upsert_place too
            return Prepared(dict(record, id=place_id), products, snapshot, None, None)
        state = self.conn.execute("SELECT * FROM place_sync WHERE place_num = ?",
                                  (existing["num"],)).fetchone()
        if state is None:
            return Prepared(record, products, snapshot, None, existing)
        last = json.loads(state["imported"] or "{}")
        record = dict(record, id=existing["id"])  # a kept local name must not change the id
        if state["left_source_at"]:
            self.outcome.returned += 1
            record["status"] = record.get("status") or state["status_before"] or "active"
        for column, incoming in snapshot.items():
            if column == "products" or column not in last:
                continue
            if column == "status" and state["left_source_at"]:
                continue  # we closed it when it left the source; the source decides again
            local = existing[column]
            if local != last[column]:  # changed here since the last import: keep it
                record.pop(column, None)
                if incoming != last[column] and incoming != local:
                    self._conflict(line, existing, column, local, incoming)
        if "products" in last:
            local_codes = [r[0] for r in self.conn.execute(
                "SELECT product_code FROM place_products WHERE place_num = ? "
                "ORDER BY product_code", (existing["num"],))]
            if local_codes != last["products"]:
                if snapshot["products"] not in (last["products"], local_codes):
                    self._conflict(line, existing, "products", local_codes,
                                   snapshot["products"])
                products = local_codes
        return Prepared(record, products, snapshot, state, existing)

    def _conflict(self, line: int, existing: sqlite3.Row, column: str, local: Any,
                  incoming: Any) -> None:
        self.outcome.conflicts.append({
            "line": line, "id": existing["id"], "field": column,
            "kept": local, "source": incoming})

    def written(self, num: int, prepared: Prepared) -> None:
        """Remember the source's values for ``num`` (written only when they changed)."""
        self._seen.add(num)
        record, state = prepared.record, prepared.state
        text = json.dumps(prepared.snapshot, ensure_ascii=False, sort_keys=True)
        if state is not None and state["imported"] == text and not state["left_source_at"]:
            return
        ref = osm_ref(record.get("source_ref") or "")
        self._unwritten.append(
            (num, self.source_id, ref[0] if ref else None, ref[1] if ref else None, text,
             self.now))

    def flush(self) -> None:
        """Write the remembered values (call before reading ``place_sync`` again)."""
        if not self._unwritten:
            return
        self.conn.executemany(
            """INSERT INTO place_sync (place_num, source_id, osm_type, osm_id, imported,
                                       seen_at, left_source_at, status_before)
               VALUES (?, ?, ?, ?, ?, ?, NULL, NULL)
               ON CONFLICT (place_num) DO UPDATE SET source_id = excluded.source_id,
                 osm_type = excluded.osm_type, osm_id = excluded.osm_id,
                 imported = excluded.imported, seen_at = excluded.seen_at,
                 left_source_at = NULL, status_before = NULL""", self._unwritten)
        self._unwritten.clear()

    def retire_missing(self, bbox: tuple[float, float, float, float] | None = None,
                       changes: list | None = None) -> list[dict]:
        """Mark the source's places that this import did not see as having left it.

        ``bbox`` limits this to an area (an import of one area says nothing about others).
        """
        self.flush()
        sql = ["""SELECT p.num, p.id, p.name, p.status, p.source_ref, p.lon, p.lat
                  FROM places p LEFT JOIN place_sync s ON s.place_num = p.num
                  WHERE p.source_id = ? AND s.left_source_at IS NULL"""]
        params: list[Any] = [self.source_id]
        if bbox is not None:
            sql.append("AND p.lon BETWEEN ? AND ? AND p.lat BETWEEN ? AND ?")
            params += [bbox[0], bbox[2], bbox[1], bbox[3]]
        for row in self.conn.execute(" ".join(sql), params).fetchall():
            if row["num"] in self._seen or (row["source_ref"] or "") in self._seen_refs:
                continue
            diff = set_place_fields(self.conn, row["id"], {"status": "closed"}, now=self.now)
            self.conn.execute(
                """INSERT INTO place_sync (place_num, source_id, imported, seen_at,
                                           left_source_at, status_before)
                   VALUES (?, ?, '{}', ?, ?, ?)
                   ON CONFLICT (place_num) DO UPDATE SET left_source_at = excluded.left_source_at,
                     status_before = excluded.status_before""",
                (row["num"], self.source_id, self.now, self.now, row["status"]))
            if changes is not None and diff and diff[1]:
                changes.append(("update", row["id"], diff[0], diff[1]))
            self.outcome.left.append({"id": row["id"], "name": row["name"],
                                      "status_before": row["status"]})
        return self.outcome.left
