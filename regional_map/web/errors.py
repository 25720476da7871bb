"""The one handler that maps every layer's errors to HTTP, and the API's one error shape.

Every JSON error is ``{"error": {"status", "message", "details"}}``; the status comes from the
error's class (:mod:`regional_map.errors`), never from the layer that raised it.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from regional_map.errors import BadParameter, RegionalMapError

__all__ = ["ApiError", "BadParameter", "error_response", "register_error_handlers"]


class ApiError(RegionalMapError):
    """An error the web layer itself raises, with the HTTP status given."""

    def __init__(self, status: int, message: str, details: Any = None):
        super().__init__(message, details)
        self.status = status


def error_response(status: int, message: str, details: Any = None) -> Response:
    response = jsonify({"error": {"status": status, "message": message, "details": details}})
    response.status_code = status
    return response


def _wants_json() -> bool:
    if request.path.startswith(("/api", "/collections", "/conformance")):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(RegionalMapError)
    def _api_error(exc: RegionalMapError):
        return error_response(exc.status, exc.message, exc.details)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if _wants_json():
            return error_response(exc.code or 500, exc.description or exc.name)
        return exc

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("unhandled error on %s", request.path)
        if _wants_json():
            return error_response(500, "internal error")
        return "Internal error", 500
