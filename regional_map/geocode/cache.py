"""SQLite cache of online geocoders' answers, so a batch never asks the same query twice."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

__all__ = ["GeocodeCache"]


class GeocodeCache:
    """Answers of online geocoders, kept in an SQLite file (``None`` path: in memory only).

    Keys are built by the geocoder (service + normalised query); values are the service's JSON
    answer, "no result" included.
    """

    def __init__(self, path: str | os.PathLike[str] | None) -> None:
        if path is None or str(path) in ("", ":memory:"):
            target = ":memory:"
        else:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            target = str(path)
        # One connection shared by the geocoder's threads, serialised by our own lock.
        self._db = sqlite3.connect(target, timeout=30, check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock, self._db:
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS geocode_cache ("
                " key TEXT PRIMARY KEY,"
                " service TEXT NOT NULL,"
                " answer TEXT NOT NULL,"
                " fetched_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))"
                ")"
            )

    def get(self, key: str) -> tuple[bool, Any]:
        """Return ``(True, answer)`` for a cached key, ``(False, None)`` otherwise."""
        with self._lock:
            row = self._db.execute(
                "SELECT answer FROM geocode_cache WHERE key = ?", (key,)
            ).fetchone()
        if row is None:
            return False, None
        return True, json.loads(row[0])

    def put(self, key: str, service: str, answer: Any) -> None:
        """Store (or replace) the answer for ``key``, committed at once so a crash keeps it."""
        text = json.dumps(answer, ensure_ascii=False, separators=(",", ":"))
        with self._lock, self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO geocode_cache (key, service, answer) VALUES (?, ?, ?)",
                (key, service, text),
            )

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT count(*) FROM geocode_cache").fetchone()[0]

    def close(self) -> None:
        """Close the database file."""
        with self._lock:
            self._db.close()
