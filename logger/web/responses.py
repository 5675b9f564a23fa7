"""Error responses: a short JSON body for API clients, a page for people."""

from __future__ import annotations

from flask import jsonify, render_template, request

MESSAGES = {
    400: "The request could not be understood.",
    401: "Please sign in.",
    403: "Your account does not have access to this page.",
    404: "There is nothing here, or it is not yours to see.",
    405: "That action is not available here.",
    409: "This changed since you opened it.",
    413: "That was too large to accept (an entry's narrative may be at most 4,000 characters). "
    "Go back: your browser still has what you typed.",
    503: "The server is busy; please try again shortly.",
    500: "Something went wrong on the server. Nothing you saved before was lost; please try again.",
}


def wants_json() -> bool:
    """Whether the client is an API client rather than a person's browser."""
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(status: int, message: str | None = None, error: str | None = None):
    """A short page, or for API clients a JSON body {"error": slug, "message": ...}."""
    message = message or MESSAGES.get(status, "The request could not be completed.")
    if wants_json():
        return jsonify(error=error or _slug(status), message=message), status
    return render_template("error.html", status=status, message=message), status


def _slug(status: int) -> str:
    return {
        400: "bad_request",
        401: "login_required",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        413: "too_large",
        503: "busy",
    }.get(status, "error")
