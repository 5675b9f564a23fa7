"""Security headers on every response."""

from flask import Flask, request
from flask_login import current_user

# Everything is served from this site: no inline script or style, no frames, no plug-ins.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def register(app: Flask) -> None:
    """Add the headers after every request."""

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if (response.mimetype == "text/html" and current_user.is_authenticated) or _private_data(
            response
        ):
            response.headers["Cache-Control"] = "no-store"  # Back after sign-out shows nothing
        return response


def _private_data(response) -> bool:
    """API answers and downloads: never kept in a browser's or a proxy's cache."""
    return (
        request.path.startswith("/api/")
        or response.mimetype == "application/json"
        or response.headers.get("Content-Disposition", "").startswith("attachment")
    )
