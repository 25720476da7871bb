"""One JSON error shape for the whole API: ``{"error": {"status", "message", "details"}}``."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException


class ApiError(Exception):
    """An error to show the client as it is (4xx), with optional structured details."""

    def __init__(self, status: int, message: str, details: Any = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details


class BadParameter(ApiError):
    """A query parameter that cannot be used; ``details`` names it."""

    def __init__(self, name: str, message: str):
        super().__init__(400, f"{name}: {message}", {"parameter": name})
        self.name = name


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
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
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
