"""The one owner of every table: numbered schema steps and the runner that applies them.

Each step is a file ``schema/NNN_name.sql`` beside this module (the tables, indexes, triggers
and their comments). A database records its schema version in ``PRAGMA user_version``;
:func:`migrate` applies the missing steps in order, each in its own transaction, so an
existing database is upgraded and never thrown away. Add a step as the next numbered file;
never edit one that has shipped.

Steps are SQL only. Work a step leaves to the layers above (the search index of places that
existed before step 2, the services of places indexed since step 9) is reported by
:func:`migrate` (the versions it applied) and done by ``provision.init_store``.
"""

from __future__ import annotations

import sqlite3
from functools import cache
from pathlib import Path

from regional_map.db.connection import transaction

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
REINDEX_AFTER = 2  # the step that created the search and spatial indexes
SERVICES_SEARCHABLE_AFTER = 9  # services became part of their place's search text


@cache
def steps() -> tuple[Path, ...]:
    """The step files in order; their numbers run 1, 2, 3 … without a gap."""
    files = tuple(sorted(SCHEMA_DIR.glob("[0-9][0-9][0-9]_*.sql")))
    numbers = [int(f.name[:3]) for f in files]
    if numbers != list(range(1, len(files) + 1)):
        raise RuntimeError(f"schema steps are not numbered 1..n: {numbers}")
    return files


def statements(script: str) -> list[str]:
    """The SQL statements of ``script``, split where SQLite sees a complete statement (so a
    trigger's ``BEGIN … ; END`` stays whole)."""
    found, pending = [], ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            if pending.strip():
                found.append(pending.strip())
            pending = ""
    if pending.strip() and not all(
            not ln.strip() or ln.strip().startswith("--") for ln in pending.splitlines()):
        raise ValueError(f"incomplete SQL statement at the end: {pending.strip()[:80]!r}")
    return found


def latest_version() -> int:
    return len(steps())


LATEST_VERSION = latest_version()


def version(conn: sqlite3.Connection) -> int:
    """The schema version of the database behind ``conn`` (0: empty)."""
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection, target: int = LATEST_VERSION) -> list[int]:
    """Bring the database to ``target`` (default: latest). Returns the versions applied.

    Idempotent: on an up-to-date database it does nothing.
    """
    current = version(conn)
    if current > LATEST_VERSION:
        raise RuntimeError(
            f"database schema version {current} is newer than this program ({LATEST_VERSION})"
        )
    applied = []
    for number in range(current + 1, target + 1):
        with transaction(conn):
            # executescript() would COMMIT the surrounding transaction: one statement at a time.
            for statement in statements(steps()[number - 1].read_text(encoding="utf-8")):
                conn.execute(statement)
            # PRAGMA does not accept bound parameters; ``number`` is an int we control.
            conn.execute(f"PRAGMA user_version = {int(number)}")
        applied.append(number)
    return applied
