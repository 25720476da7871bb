"""Freshness: when a place was last confirmed, "may be outdated", off the default map, and
the owners' personal confirmation links.

A place's confirmation date is ``last_confirmed`` (set by an owner, a moderator, or a source's
own check date) or, when it was never confirmed, the day it entered the directory. After
``REGIONAL_MAP_STALE_MONTHS`` it may be outdated; after ``REGIONAL_MAP_HIDE_AFTER_MONTHS`` it
drops off the default map and list (``stale=include`` still finds it).
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from datetime import date, datetime, timedelta

from regional_map.places.audit import apply_place_edit
from regional_map.places.store import utcnow
from regional_map.settings import load as load_settings

# The SQL twin of :func:`confirmed_on`; queries._where compares it with a cut-off date.
CONFIRMED_SQL = "COALESCE(p.last_confirmed, substr(p.created_at, 1, 10))"
OWNER_TOKEN_DAYS = 180
OWNER_FIELDS = ("description", "opening_hours", "website", "phone", "email", "status")


def months_before(day: date, months: int) -> date:
    """``day`` moved back by whole months (the 31st becomes the month's last day)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    return date(year, month, 28)


def confirmed_on(place: dict) -> str | None:
    """The date (YYYY-MM-DD) a place was last confirmed, or entered the directory."""
    return place.get("last_confirmed") or (place.get("created_at") or "")[:10] or None


def state(place: dict, today: date, stale_months: int, hide_months: int) -> str:
    """``fresh``, ``stale`` (may be outdated) or ``hidden`` (off the default map)."""
    confirmed = confirmed_on(place)
    if not confirmed:
        return "fresh"
    if hide_months and confirmed < months_before(today, hide_months).isoformat():
        return "hidden"
    if stale_months and confirmed < months_before(today, stale_months).isoformat():
        return "stale"
    return "fresh"


def configured_months() -> tuple[int, int]:
    """(stale, hide) months of the environment's settings, for callers without an app."""
    cfg = load_settings()
    return cfg["STALE_MONTHS"], cfg["HIDE_AFTER_MONTHS"]


def default_hide_before(today: date | None = None, hide_months: int | None = None) -> str | None:
    """The cut-off date the default map uses (None when hiding is switched off)."""
    months = configured_months()[1] if hide_months is None else hide_months
    if not months:
        return None
    return months_before(today or date.today(), months).isoformat()


def stale_places(conn: sqlite3.Connection, before: str, limit: int = 200) -> list[dict]:
    """Open places not confirmed since ``before`` (oldest first), for the moderators' list."""
    return [dict(r) for r in conn.execute(
        f"""SELECT p.id, p.name, p.kind, p.city, p.status, {CONFIRMED_SQL} AS confirmed
            FROM places p WHERE p.status != 'closed' AND {CONFIRMED_SQL} < ?
            ORDER BY confirmed, p.num LIMIT ?""",  # noqa: S608 - fixed SQL text
        (before, limit),
    )]


# --- owner tokens ---------------------------------------------------------------------------

def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_owner_token(conn: sqlite3.Connection, place_id: str, created_by: str,
                       days: int = OWNER_TOKEN_DAYS) -> str:
    """A new personal link token for the place's owner; earlier tokens stop working.

    Only a hash is stored: the token is shown once, to be sent by hand or mail.
    """
    if conn.execute("SELECT 1 FROM places WHERE id = ?", (place_id,)).fetchone() is None:
        raise LookupError(f"no place with id {place_id!r}")
    token = secrets.token_urlsafe(24)
    now = datetime.fromisoformat(utcnow().replace("Z", "+00:00"))
    conn.execute("DELETE FROM owner_tokens WHERE place_id = ?", (place_id,))
    conn.execute(
        """INSERT INTO owner_tokens (token_hash, place_id, created_at, created_by, expires_at)
           VALUES (?, ?, ?, ?, ?)""",
        (_digest(token), place_id, utcnow(), created_by,
         (now + timedelta(days=days)).isoformat().replace("+00:00", "Z")),
    )
    return token


def owner_token_info(conn: sqlite3.Connection, place_id: str) -> dict | None:
    row = conn.execute(
        "SELECT created_at, created_by, expires_at, last_used_at FROM owner_tokens "
        "WHERE place_id = ?", (place_id,)).fetchone()
    return dict(row) if row else None


def place_for_token(conn: sqlite3.Connection, token: str) -> str | None:
    """The place id a valid, unexpired token is for; None otherwise."""
    if not token or len(token) > 100:
        return None
    row = conn.execute(
        "SELECT place_id FROM owner_tokens WHERE token_hash = ? AND expires_at > ?",
        (_digest(token), utcnow()),
    ).fetchone()
    if row:
        conn.execute("UPDATE owner_tokens SET last_used_at = ? WHERE token_hash = ?",
                     (utcnow(), _digest(token)))
    return row["place_id"] if row else None


def confirm_place(conn: sqlite3.Connection, place_id: str, actor: str,
                  today: date | None = None, reason: str = "") -> int | None:
    """Mark a place confirmed today (logged); returns the change id."""

    return apply_place_edit(conn, place_id, {"last_confirmed": (today or date.today()).isoformat()},
                            None, actor=actor, action="confirm",
                            reason=reason or "confirmed as still correct")
