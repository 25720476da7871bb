"""HTTP caching of read-only resources: ``ETag``, ``Last-Modified``, ``304`` and ``Cache-Control``.

A resource's validator is built from the store's state (the newest ``places.updated_at``, the
number of places and the newest import) and from the request itself (path, query, language),
so any change to the data or the question gives a new ``ETag``. Answers that depend on the clock
(``open_now``, ``in_season``) also carry the current minute or month in their validator and no
``Last-Modified``, since the data alone does not date them.
"""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import UTC, datetime
from email.utils import format_datetime

from flask import Response, request
from werkzeug.http import parse_etags

# Seconds a client or proxy may reuse an answer without asking again, per kind of resource.
MAX_AGE = {
    "data": 60,          # places, clusters, exports: imports may change them at any time
    "reference": 3600,   # products, categories, sources: change with a deployment or import
    "document": 3600,    # OpenAPI, OGC landing page, conformance, docs page
}


def store_state(conn: sqlite3.Connection) -> tuple[str, int, str]:
    """(newest place change, number of places, newest import): changes whenever data does."""
    newest = conn.execute("SELECT MAX(updated_at) FROM places").fetchone()[0]
    try:  # the change counter (pointindex.migrate) costs nothing; COUNT(*) reads every place
        count = conn.execute(
            "SELECT token || ':' || generation FROM places_generation").fetchone()[0]
    except sqlite3.OperationalError:
        count = conn.execute("SELECT COUNT(*) FROM places").fetchone()[0]
    imported = conn.execute("SELECT MAX(imported_at) FROM sources").fetchone()[0]
    return newest or "", count, imported or ""


def _parse_stamp(text: str) -> datetime | None:
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).replace(microsecond=0)


def last_modified(conn: sqlite3.Connection, state: tuple[str, int, str] | None = None
                  ) -> datetime | None:
    """When the data last changed (a place edited or a source imported), in UTC
    (``state``: the :func:`store_state` the caller has read already)."""
    newest, _count, imported = state or store_state(conn)
    stamps = [s for s in (_parse_stamp(newest), _parse_stamp(imported)) if s]
    return max(stamps) if stamps else None


def clock_dependent(args) -> bool:
    """Whether the answer changes with the clock even when the data does not."""
    return bool(args.get("in_season")) or bool(args.get("open_now") and not args.get("open_at"))


def make_etag(*parts: object) -> str:
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return digest[:32]


def conditional(conn: sqlite3.Connection | None, *extra: object,
                lang: str = "") -> tuple[str, datetime | None]:
    """The (ETag, Last-Modified) of the current request's answer.

    ``conn`` None means the answer does not depend on the store (a static document).
    """
    state: tuple = store_state(conn) if conn is not None else ()
    modified = last_modified(conn, state) if conn is not None else None
    query = sorted(request.args.items(multi=True))
    # The day is part of every tag: places drop off the default view as their last
    # confirmation ages (freshness.py), without any change to the data.
    today = datetime.now(UTC).date().isoformat()
    parts: list[object] = [request.path, query, lang, today, *state, *extra]
    if clock_dependent(request.args):
        now = datetime.now(UTC)
        parts.append(now.strftime("%Y-%m-%dT%H:%M"))
        modified = None
    return make_etag(*parts), modified


def not_modified(etag: str, modified: datetime | None) -> bool:
    """True when the client's copy is current (``If-None-Match`` wins over the date)."""
    header = request.headers.get("If-None-Match")
    if header:
        tags = parse_etags(header)
        if tags.star_tag:
            return True
        # Compression appends the coding to the tag ("abc:gzip"); the content is the same.
        return any(tag.split(":")[0] == etag for tag in tags.as_set(include_weak=True))
    since = request.if_modified_since
    return bool(modified and since and modified <= since)


def cached(conn: sqlite3.Connection | None, kind: str, build, *extra: object,
           lang: str = "", public: bool = True) -> Response:
    """Answer with ``304`` when the client has the current version, else ``build()``.

    ``build`` returns the full response; it is only called when needed, so a revalidation
    costs two small queries instead of the whole answer.
    """
    etag, modified = conditional(conn, kind, *extra, lang=lang)
    if not_modified(etag, modified):
        response = Response(status=304)
    else:
        response = build()
    response.set_etag(etag)
    if modified is not None:
        response.headers["Last-Modified"] = format_datetime(modified, usegmt=True)
    max_age = MAX_AGE[kind]
    response.headers["Cache-Control"] = (
        f"{'public' if public else 'private'}, max-age={max_age}, must-revalidate")
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    return response


# Media types worth compressing; small answers (< 500 bytes) are sent as they are.
COMPRESS_MIMETYPES = [
    "application/json", "application/geo+json", "application/vnd.oai.openapi+json",
    "text/csv", "text/html", "text/css", "text/javascript", "application/javascript",
    "application/geopackage+sqlite3", "image/svg+xml",
]


def init_compression(app) -> None:
    """gzip or Brotli for large responses (``Accept-Encoding``), via flask-compress."""
    from flask_compress import Compress

    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESS_MIMETYPES)
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip", "deflate"])
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)
    Compress(app)
