"""Static files named by their content: `url_for('static', ...)` adds `?v=<hash of the file>`,
and a request carrying the file's current hash may be kept by browsers for a year."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from flask import Flask, current_app, request

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"  # unversioned or an old version: kept, but checked (ETag) before use


@functools.cache
def version(static_folder: str, filename: str) -> str | None:
    """A short hash of one static file's bytes, read once per process; None if there is none."""
    path = Path(static_folder, filename)
    return hashlib.sha256(path.read_bytes()).hexdigest()[:10] if path.is_file() else None


def register(app: Flask) -> None:
    """Version the static URLs the app builds and give versioned answers a long lifetime."""

    @app.url_defaults
    def static_version(endpoint, values):
        # An explicit v=None builds the plain URL (what an ES module's relative import asks for).
        if endpoint == "static" and "v" not in values:
            values["v"] = version(current_app.static_folder, values["filename"])

    @app.after_request
    def static_lifetime(response):
        if request.endpoint == "static" and response.status_code in (200, 304):
            # Under the debugger a file may be edited in place: the version read at start lies.
            current = version(current_app.static_folder, request.view_args["filename"])
            fixed = (not current_app.debug and current is not None
                     and request.args.get("v") == current)
            response.headers["Cache-Control"] = IMMUTABLE if fixed else REVALIDATE
        return response
