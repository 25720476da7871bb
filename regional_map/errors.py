"""Errors that carry their meaning, raised by every layer below the web.

Each says what went wrong in the caller's terms (a parameter that cannot be used, a record
that does not exist, a store that is not ready); ``web.errors`` alone maps them to HTTP statuses
and the API's one JSON error shape. Nothing here knows about Flask.
"""

from __future__ import annotations

from typing import Any


class RegionalMapError(Exception):
    """Base of the errors below; ``status`` is the HTTP status the web layer answers with."""

    status = 500

    def __init__(self, message: str, details: Any = None):
        super().__init__(message)
        self.message = message
        self.details = details


class BadParameter(RegionalMapError):
    """A parameter that cannot be used; ``details`` names it."""

    status = 400

    def __init__(self, name: str, message: str):
        super().__init__(f"{name}: {message}", {"parameter": name})
        self.name = name


class NotFound(RegionalMapError):
    """The record asked for does not exist."""

    status = 404


class Conflict(RegionalMapError):
    """The request contradicts the stored state (a duplicate, a stale edit)."""

    status = 409


class StoreNotReady(RegionalMapError):
    """The database is missing or older than this program; the message says what to run."""

    status = 503
