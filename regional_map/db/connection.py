"""Connections to the SQLite store (pragmas and SQL functions set once) and transactions."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from regional_map.db import functions


def connect(path: str | Path, *, readonly: bool = False) -> sqlite3.Connection:
    """Open the store with the pragmas every connection needs.

    The connection is in autocommit mode (``isolation_level=None``): writers open their
    transaction explicitly with :func:`transaction`, so that an import is exactly one
    transaction and nothing is committed behind their back.
    """
    path = Path(path)
    if readonly:
        conn = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None,
            check_same_thread=False,
        )
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    functions.register(conn)
    conn.execute("PRAGMA foreign_keys = ON")
    # Readers wait for a writer's commit instead of failing with "database is locked".
    conn.execute("PRAGMA busy_timeout = 10000")
    if not readonly:
        # WAL lets the map keep reading the old state while an import writes the new one.
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: committed on success, rolled back on any exception.

    ``BEGIN IMMEDIATE`` takes the write lock up front so that two writers never both read,
    then collide on their first write.
    """
    if conn.in_transaction:
        # Nested use joins the outer transaction; the outer one decides.
        yield conn
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


@contextmanager
def snapshot(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One read snapshot: everything read inside sees the same state of the store (inside a
    caller's transaction it is that transaction's)."""
    if conn.in_transaction:
        yield conn
        return
    conn.execute("BEGIN")
    try:
        yield conn
    finally:
        conn.execute("COMMIT")
