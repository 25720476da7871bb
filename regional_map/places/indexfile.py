"""The point index saved beside the store, so a worker starts in a second instead of 20.

A full load reads every place (about 20 s at a million places, in each worker, after every
restart). The first worker that loads the index writes its arrays next to the database
(``<db>-pointindex.npz``, written to a temporary name, then renamed); a worker that starts
later reads them back when they describe the store as it is now: same store token, change
counter, last change-log entry and highest place number. Otherwise it loads from the store
and writes the file again. The file is only a cache: deleting it is always safe, and
``regional-map restore`` does.
"""

from __future__ import annotations

import json
import os
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

FORMAT = 1
_ARRAYS = ("nums", "mx", "my", "lat", "lon", "box", "kind", "status", "hours", "confirmed",
           "by_minlon", "minlon_sorted", "name_rank", "updated_rank", "sorted_bounds")


def index_file(db_path: str | os.PathLike) -> Path:
    """Where the point index of the store at ``db_path`` is saved."""
    return Path(f"{db_path}-pointindex.npz")


def forget(db_path: str | os.PathLike) -> None:
    """Delete the saved index (the store was replaced by another file)."""
    index_file(db_path).unlink(missing_ok=True)


def _highest_num(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT COALESCE(MAX(num), 0) FROM places").fetchone()[0]


def save(conn: sqlite3.Connection, index: Any) -> None:
    """Write ``index`` beside its store (read inside the snapshot the index was loaded in).
    A store that cannot be written next to is served all the same."""
    path = index_file(index.key[0])
    codes = sorted(index.product_rows)
    meta = {"format": FORMAT, "key": list(index.key), "touched": index.touched,
            "highest": _highest_num(conn), "kinds": index.kinds, "statuses": index.statuses,
            "hours_texts": index.hours_texts, "codes": codes,
            "category_products": index.category_products}
    arrays = {name: getattr(index, name) for name in _ARRAYS}
    sizes = np.array([len(index.product_rows[c]) for c in codes], np.int64)
    arrays["product_sizes"] = sizes
    arrays["product_rows"] = np.concatenate([index.product_rows[c] for c in codes]) \
        if codes else np.zeros(0, np.int32)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as out:
            np.savez(out, meta=np.frombuffer(json.dumps(meta).encode("utf-8"), np.uint8),
                     **arrays)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)


def load(conn: sqlite3.Connection, key: tuple, touched: int | None) -> dict | None:
    """The saved index's fields when it describes the store as it is now, else None."""
    path = index_file(key[0])
    try:
        with np.load(path, allow_pickle=False) as saved:
            meta = json.loads(saved["meta"].tobytes().decode("utf-8"))
            if meta.get("format") != FORMAT or tuple(meta["key"]) != tuple(key) \
                    or meta["touched"] != touched or meta["highest"] != _highest_num(conn):
                return None
            fields = {name: saved[name] for name in _ARRAYS}
            ends = np.cumsum(saved["product_sizes"])
            rows = saved["product_rows"]
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None  # damaged or of another version: load from the store
    fields["product_rows"] = {code: rows[end - size:end] for code, size, end in
                              zip(meta["codes"], np.diff(np.r_[0, ends]), ends, strict=True)}
    fields["hours_texts"] = [tuple(pair) for pair in meta["hours_texts"]]
    fields.update(key=tuple(key), touched=touched, kinds=meta["kinds"],
                  statuses=meta["statuses"],
                  category_products={c: tuple(v) for c, v in meta["category_products"].items()})
    return fields
