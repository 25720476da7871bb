"""Public contributions: "suggest a place" and "report a problem", into a moderation queue.

Nothing a visitor sends is published unreviewed. A suggestion is validated by the importer's
own row rules (``ingest.rows.normalise_row``: kinds, postcodes, opening hours, region), checked
for likely duplicates (a similar name within ``REGIONAL_MAP_DUPLICATE_DISTANCE_M``), and
rate-limited per client; a honeypot field catches simple bots. Moderators approve (the place
is written and logged, attributed to the moderator) or reject.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from regional_map.db.connection import transaction
from regional_map.geocode.gazetteer import Gazetteer
from regional_map.ingest.dedupe import nearby_similar
from regional_map.ingest.rows import RowContext, RowError, normalise_row
from regional_map.places.audit import record, record_place_changes
from regional_map.places.store import upsert_place, upsert_source, utcnow
from regional_map.places.vocab import load_vocabulary

SOURCE_ID = "contributions"
SUGGESTION_FIELDS = ("name", "kind", "description", "street", "housenumber", "postcode",
                     "city", "lat", "lon", "opening_hours", "products", "organic", "payment",
                     "website", "phone", "email")
HONEYPOT_FIELD = "homepage"  # hidden from people by CSS; bots fill every field
MAX_MESSAGE = 4000
MAX_CONTACT = 200


class SubmissionError(ValueError):
    """The submission cannot be accepted; ``message`` is shown to the visitor."""


class RateLimited(SubmissionError):
    pass


@dataclass
class Received:
    id: int | None  # None: dropped silently (honeypot)
    duplicates: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def client_key(address: str | None, secret: str) -> str:
    """A keyed hash of the client's IP address: rate limits work, raw IPs are not stored."""
    return hashlib.sha256(f"{secret}|{address or '-'}".encode()).hexdigest()[:32]


def _check_rate(conn: sqlite3.Connection, client: str, per_hour: int,
                now: datetime) -> None:
    since = (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    count = conn.execute(
        "SELECT COUNT(*) FROM submissions WHERE client = ? AND created_at >= ?",
        (client, since),
    ).fetchone()[0]
    if count >= per_hour:
        raise RateLimited("You have sent many suggestions in the last hour; "
                          "please try again later.")


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def _stamp(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def validate_suggestion(conn: sqlite3.Connection, form: dict[str, str],
                        region: tuple[float, float, float, float] | None) -> dict:
    """The place record and product codes a suggestion would create; raises SubmissionError."""
    fields = {name: (form.get(name) or "").strip() for name in SUGGESTION_FIELDS}
    fields = {k: v for k, v in fields.items() if v}
    ctx = RowContext(gazetteer=Gazetteer(conn), vocabulary=load_vocabulary(), region=region,
                     source_id=SOURCE_ID, licence="")
    try:
        row = normalise_row(fields, None, ctx)
    except RowError as exc:
        raise SubmissionError(str(exc)) from None
    row.record["source_ref"] = None
    return {"record": row.record, "products": row.products, "warnings": row.warnings}


def suggest_place(conn: sqlite3.Connection, form: dict[str, str], *, client: str,
                  region: tuple[float, float, float, float] | None, per_hour: int = 5,
                  duplicate_distance_m: float = 200.0,
                  now: datetime | None = None) -> Received:
    """Queue a suggested new place for moderation."""
    if (form.get(HONEYPOT_FIELD) or "").strip():
        return Received(None)
    when = _now(now)
    with transaction(conn):
        _check_rate(conn, client, per_hour, when)
        payload = validate_suggestion(conn, form, region)
        record_ = payload["record"]
        duplicates = nearby_similar(conn, record_["name"], record_["lat"], record_["lon"],
                                    duplicate_distance_m)
        cursor = conn.execute(
            """INSERT INTO submissions (type, payload, message, contact, client, duplicates,
                                        created_at)
               VALUES ('new_place', ?, ?, ?, ?, ?, ?)""",
            (json.dumps(payload, ensure_ascii=False),
             (form.get("message") or "").strip()[:MAX_MESSAGE],
             (form.get("contact") or "").strip()[:MAX_CONTACT], client,
             json.dumps(duplicates, ensure_ascii=False), _stamp(when)),
        )
    return Received(cursor.lastrowid, duplicates, payload["warnings"])


def report_problem(conn: sqlite3.Connection, place_id: str, form: dict[str, str], *,
                   client: str, per_hour: int = 5, now: datetime | None = None) -> Received:
    """Queue a problem report or suggested change about an existing place."""
    if (form.get(HONEYPOT_FIELD) or "").strip():
        return Received(None)
    message = (form.get("message") or "").strip()
    if not message:
        raise SubmissionError("Please describe the problem or the change.")
    problem = (form.get("problem") or "other").strip()
    if problem not in ("closed", "moved", "hours", "details", "duplicate", "other"):
        problem = "other"
    when = _now(now)
    with transaction(conn):
        _check_rate(conn, client, per_hour, when)
        if conn.execute("SELECT 1 FROM places WHERE id = ?", (place_id,)).fetchone() is None:
            raise SubmissionError("There is no such place.")
        cursor = conn.execute(
            """INSERT INTO submissions (type, place_id, payload, message, contact, client,
                                        created_at)
               VALUES ('problem', ?, ?, ?, ?, ?, ?)""",
            (place_id, json.dumps({"problem": problem}), message[:MAX_MESSAGE],
             (form.get("contact") or "").strip()[:MAX_CONTACT], client, _stamp(when)),
        )
    return Received(cursor.lastrowid)


def _submission(row: sqlite3.Row) -> dict:
    item = dict(row)
    item["payload"] = json.loads(item["payload"] or "{}")
    item["duplicates"] = json.loads(item["duplicates"] or "[]")
    return item


def pending(conn: sqlite3.Connection, limit: int = 200) -> list[dict]:
    return [_submission(r) for r in conn.execute(
        "SELECT * FROM submissions WHERE status = 'pending' ORDER BY id LIMIT ?", (limit,))]


def get_submission(conn: sqlite3.Connection, submission_id: int) -> dict | None:
    row = conn.execute("SELECT * FROM submissions WHERE id = ?", (submission_id,)).fetchone()
    return _submission(row) if row else None


def approve(conn: sqlite3.Connection, submission_id: int, *, actor: str,
            note: str = "") -> str | None:
    """Publish a suggested place (or mark a report handled); returns the new place id."""
    with transaction(conn):
        item = get_submission(conn, submission_id)
        if item is None or item["status"] != "pending":
            raise SubmissionError("This submission is not pending.")
        place_id = item["place_id"]
        if item["type"] == "new_place":
            upsert_source(conn, SOURCE_ID, name="Contributions",
                          attribution="Regional Map contributors")
            record_ = dict(item["payload"]["record"])
            record_["last_confirmed"] = utcnow()[:10]
            changes: list = []
            _, num = upsert_place(conn, record_, item["payload"].get("products", []),
                                  changes=changes)
            place_id = conn.execute("SELECT id FROM places WHERE num = ?", (num,)).fetchone()[0]
            record_place_changes(conn, actor, [(a, i, b, c) for a, i, b, c in changes],
                                 reason=f"suggestion {submission_id} approved. {note}".strip())
        else:
            record(conn, actor=actor, action="report_handled", entity="place",
                   entity_id=place_id, after={"submission": submission_id},
                   reason=note or item["message"][:200])
        conn.execute(
            """UPDATE submissions SET status = 'approved', reviewed_by = ?, reviewed_at = ?,
               review_note = ?, result_place_id = ? WHERE id = ?""",
            (actor, utcnow(), note, place_id, submission_id),
        )
    return place_id


def reject(conn: sqlite3.Connection, submission_id: int, *, actor: str, note: str = "") -> None:
    with transaction(conn):
        cursor = conn.execute(
            """UPDATE submissions SET status = 'rejected', reviewed_by = ?, reviewed_at = ?,
               review_note = ? WHERE id = ? AND status = 'pending'""",
            (actor, utcnow(), note, submission_id),
        )
        if cursor.rowcount == 0:
            raise SubmissionError("This submission is not pending.")


def counts(conn: sqlite3.Connection) -> dict[str, Any]:
    return dict(conn.execute("SELECT status, COUNT(*) FROM submissions GROUP BY status"))
