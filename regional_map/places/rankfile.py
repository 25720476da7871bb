"""Ranked search matches saved beside the store, so each expression is ranked once per store
state for every worker and every restart, not once per worker process.

FTS5 ranks every match of an expression (bm25): at a million places a product word
("eieren": ~50 terms in three languages) costs 1–4 s, and each worker paid it again, after
every restart. The ranked index rows of an expression are written to
``<db>-rankings/<state>-<hash>.npy`` (a temporary name, then renamed) by the first worker
that ranks it; the others read them in about a millisecond. ``<state>`` names the store as it
is (token, change counter, last change-log entry, number of places and highest place
number), so a file never answers for another state; files of other states are deleted when a
new one is written. Only a cache: deleting the folder is always safe, and ``regional-map
restore`` does.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np

MAX_FILES = 512  # expressions kept per store state (a file holds 4 bytes per match)


def rankings_dir(db_path: str | os.PathLike) -> Path:
    """Where the ranked matches of the store at ``db_path`` are saved."""
    return Path(f"{db_path}-rankings")


def forget(db_path: str | os.PathLike) -> None:
    """Delete every saved ranking (the store was replaced by another file)."""
    shutil.rmtree(rankings_dir(db_path), ignore_errors=True)


def _state(index: Any) -> str:
    _path, token, generation = index.key
    highest = int(index.nums[-1]) if len(index.nums) else 0
    return f"{token}.{generation}.{index.touched}.{len(index.nums)}.{highest}"


def _file(index: Any, expression: str) -> Path:
    digest = hashlib.sha256(expression.encode("utf-8")).hexdigest()[:32]
    return rankings_dir(index.key[0]) / f"{_state(index)}-{digest}.npy"


def load(index: Any, expression: str) -> np.ndarray | None:
    """The saved ranked rows of ``expression`` for this state of the index, else None."""
    try:
        rows = np.load(_file(index, expression), allow_pickle=False)
    except (OSError, ValueError, EOFError):
        return None  # not saved, damaged or of another version: rank again
    if rows.dtype != np.int32 or rows.ndim != 1 or (
            len(rows) and (int(rows.max()) >= len(index.nums) or int(rows.min()) < 0)):
        return None
    return rows


def save(index: Any, expression: str, rows: np.ndarray) -> None:
    """Write the ranked rows of ``expression``; a store that cannot be written next to is
    served all the same."""
    path = _file(index, expression)
    folder = path.parent
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        folder.mkdir(exist_ok=True)
        state = _state(index)
        saved = sorted(folder.glob("*.npy"), key=lambda p: p.stat().st_mtime)
        for old in saved:
            if not old.name.startswith(f"{state}-"):
                old.unlink(missing_ok=True)  # another state of the store: never asked again
        current = [p for p in saved if p.name.startswith(f"{state}-")]
        for old in current[:max(0, len(current) - MAX_FILES + 1)]:
            old.unlink(missing_ok=True)
        with open(tmp, "wb") as out:
            np.save(out, rows.astype(np.int32, copy=False), allow_pickle=False)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
