"""Each place's rank in the SQL path's two list orders, for the point index.

``name COLLATE NOCASE, num`` and ``updated_at DESC, num``: a page of any view is then a
partial sort of the matched rows' ranks (:mod:`regional_map.places.paths.rank`). A full load
lets SQLite sort every place (so the collation is SQLite's own). After an edit only the touched
places move: the others keep their relative order, and each touched place is placed among them
by a binary search that reads the few names it compares with (NOCASE folds ASCII letters only
and compares UTF-8 bytes, which ``_nocase`` reproduces exactly).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import numpy as np

ORDERS = {"name": "name COLLATE NOCASE, num", "updated": "updated_at DESC, num"}
MAX_MOVED = 200  # more touched places than this: one SQL sort is cheaper than the searches
_ASCII_LOWER = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"abcdefghijklmnopqrstuvwxyz")


def full_ranks(conn: sqlite3.Connection, nums: np.ndarray, order: str) -> np.ndarray:
    """The rank of each row (row ``i`` is place ``nums[i]``) in SQL's ``order``."""
    cursor = conn.execute(f"SELECT num FROM places ORDER BY {ORDERS[order]}")  # noqa: S608
    parts = []
    while chunk := cursor.fetchmany(50_000):
        parts.append(np.fromiter((r[0] for r in chunk), np.int64, len(chunk)))
    ordered = np.concatenate(parts) if parts else np.zeros(0, np.int64)
    if len(ordered) != len(nums):  # a place without its R*Tree row is not in the index
        ordered = ordered[np.isin(ordered, nums)]
    rank = np.empty(len(nums), np.int32)
    rank[np.searchsorted(nums, ordered)] = np.arange(len(ordered), dtype=np.int32)
    return rank


def _nocase(text: str) -> bytes:
    return text.encode("utf-8").translate(_ASCII_LOWER)


def _sort_key(conn: sqlite3.Connection, order: str) -> Callable[[int], tuple]:
    """A function giving a place's sort key in ``order`` (smaller comes first)."""
    if order == "name":
        def key(num: int) -> tuple:
            name = conn.execute("SELECT name FROM places WHERE num = ?", (num,)).fetchone()[0]
            return (_nocase(name), num)
    else:
        def key(num: int) -> tuple:
            at = conn.execute("SELECT updated_at FROM places WHERE num = ?",
                              (num,)).fetchone()[0]
            # DESC on the text: invert each byte so a plain comparison runs backwards.
            return (bytes(255 - b for b in at.encode("utf-8")) + b"\xff", num)
    return key


def patched_ranks(conn: sqlite3.Connection, nums: np.ndarray, kept: np.ndarray,
                  old_rank: np.ndarray, moved: np.ndarray, order: str) -> np.ndarray:
    """Ranks of the new rows ``nums`` in ``order``, where rows ``kept`` carry their old ranks
    ``old_rank`` (their relative order is unchanged) and rows ``moved`` were touched."""
    if len(moved) > MAX_MOVED:
        return full_ranks(conn, nums, order)
    key = _sort_key(conn, order)
    sequence = kept[np.argsort(old_rank, kind="stable")]  # kept rows, in order
    sequence_nums = nums[sequence]
    keys: dict[int, tuple] = {}

    def key_at(i: int) -> tuple:
        n = int(sequence_nums[i])
        if n not in keys:
            keys[n] = key(n)
        return keys[n]

    placed = []
    for row in moved.tolist():
        mine = key(int(nums[row]))
        lo, hi = 0, len(sequence)
        while lo < hi:  # how many kept rows come before it
            mid = (lo + hi) // 2
            if key_at(mid) < mine:
                lo = mid + 1
            else:
                hi = mid
        placed.append((lo, mine, row))
    placed.sort()
    positions = np.array([p[0] for p in placed], np.int64)
    rank = np.empty(len(nums), np.int32)
    before = np.arange(len(sequence))
    rank[sequence] = before + np.searchsorted(positions, before, side="right")
    rank[np.array([p[2] for p in placed], np.int64)] = positions + np.arange(len(placed))
    return rank
