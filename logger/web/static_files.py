"""Static files named by their content: `url_for('static', ...)` adds `?v=<hash of the file>`,
and a request carrying the file's current hash may be kept by browsers for a year.

Their text (scripts and styles) is sent brotli-compressed at the highest level, compressed
once per file per process: what Flask-Compress does for every other answer at a level cheap
enough to pay on each request (logger/extensions.py)."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

import brotli
from flask import Flask, current_app, request

IMMUTABLE = "public, max-age=31536000, immutable"
TEXT = ("text/css", "text/javascript", "application/javascript")
REVALIDATE = "no-cache"  # unversioned or an old version: kept, but checked (ETag) before use


@functools.cache
def version(static_folder: str, filename: str) -> str | None:
    """A short hash of one static file's bytes, read once per process; None if there is none."""
    path = Path(static_folder, filename)
    return hashlib.sha256(path.read_bytes()).hexdigest()[:10] if path.is_file() else None


@functools.cache
def brotli_body(static_folder: str, filename: str, version: str | None) -> bytes:
    """One static file compressed at brotli's highest level, once per file and version."""
    return brotli.compress(Path(static_folder, filename).read_bytes(), quality=11)


def _compressed_once(response):
    """A static script or style in brotli at its best, for a browser that takes brotli."""
    if (
        response.status_code != 200
        or response.mimetype not in TEXT
        or "br" not in request.accept_encodings
        or "Content-Encoding" in response.headers
    ):
        return response
    filename = request.view_args["filename"]
    static_folder = current_app.static_folder
    body = brotli_body(static_folder, filename, version(static_folder, filename))
    response.direct_passthrough = False
    response.set_data(body)
    response.headers["Content-Encoding"] = "br"
    response.vary.add("Accept-Encoding")
    return response


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
            fixed = (
                not current_app.debug and current is not None and request.args.get("v") == current
            )
            response.headers["Cache-Control"] = IMMUTABLE if fixed else REVALIDATE
            return _compressed_once(response)
        return response
