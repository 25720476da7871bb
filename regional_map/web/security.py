"""Security headers: a Content-Security-Policy without inline scripts, and friends."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, request


def tile_origin(tile_url: str) -> str:
    """The CSP source of the tile server: ``https://{s}.tile.x.org/…`` → ``https://*.tile.x.org``."""
    parts = urlsplit(tile_url)
    host = parts.netloc.replace("{s}", "*")
    return f"{parts.scheme}://{host}" if parts.scheme and host else ""


def content_security_policy(tile_url: str, frame_ancestors: str = "'none'") -> str:
    images = " ".join(filter(None, ["'self'", "data:", tile_origin(tile_url)]))
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        # Leaflet positions tiles and markers through element.style (CSSOM), which CSP allows
        # without 'unsafe-inline'; no style attribute or <style> block is ever served.
        "style-src 'self'",
        f"img-src {images}",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        f"frame-ancestors {frame_ancestors}",
    ])


def register_security_headers(app: Flask) -> None:
    tile_url = app.config["REGIONAL_MAP"]["TILE_URL"]
    default_policy = content_security_policy(tile_url)
    embed_policy = content_security_policy(tile_url, "*")

    @app.after_request
    def _headers(response: Response) -> Response:
        embeddable = request.path.startswith("/embed") and not request.path.startswith(
            "/embed/builder")
        response.headers.setdefault(
            "Content-Security-Policy", embed_policy if embeddable else default_policy)
        if not embeddable:
            response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response
