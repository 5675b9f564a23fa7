"""The request size limit, whether a client states its body's length or streams it chunked.

Werkzeug checks a stated Content-Length against MAX_CONTENT_LENGTH itself, but
quietly cuts a chunked body at the limit. This reads such a body (up to one
byte past the limit) before the app sees it: a body that fits is handed on
with its length stated; one that does not is answered 413 like any other.
"""

from __future__ import annotations

import io

from flask import Flask, abort, request

TOO_LARGE = "sro.body_too_large"


def register(app: Flask) -> None:
    """Wrap the app so chunked bodies are measured, and refuse those over the limit (413)."""
    inner = app.wsgi_app

    def measured(environ, start_response):
        limit = app.config["MAX_CONTENT_LENGTH"]
        if limit and not environ.get("CONTENT_LENGTH") and environ.get("wsgi.input_terminated"):
            body = _read_at_most(environ["wsgi.input"], limit + 1)
            environ[TOO_LARGE] = len(body) > limit
            environ["wsgi.input"] = io.BytesIO(b"" if environ[TOO_LARGE] else body)
            environ["CONTENT_LENGTH"] = "0" if environ[TOO_LARGE] else str(len(body))
            environ.pop("wsgi.input_terminated")
        return inner(environ, start_response)

    app.wsgi_app = measured

    @app.before_request
    def refuse_oversized_streams():
        if request.environ.get(TOO_LARGE):
            abort(413)


def _read_at_most(stream, size: int) -> bytes:
    out = bytearray()
    while len(out) < size:
        chunk = stream.read(min(64 * 1024, size - len(out)))
        if not chunk:
            break
        out.extend(chunk)
    return bytes(out)
