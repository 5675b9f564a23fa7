"""The JSON API the offline client talks to (DESIGN.md, "Sync API")."""

from __future__ import annotations

import uuid
from datetime import timedelta

from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy.exc import OperationalError

from logger import rules
from logger.auth.access import client_addr, role_required
from logger.core import clock
from logger.core.database import writes_throughout, writing
from logger.core.models import ROLES
from logger.extensions import db
from logger.officer import entries, entry_templates
from logger.web.responses import error_response

from . import openapi, wire
from .ingest import ingest

bp = Blueprint("api", __name__, url_prefix="/api/v1")

BUSY_ATTEMPTS = 3
ENTRIES_PAGE_SIZE = 500  # changed entries per response, besides every returned one
CURSOR_HELP = (
    "The cursor (since=…) is not one this server gave out. "
    "Leave it out to fetch your entries from the beginning."
)


@bp.route("/session")
@role_required(*ROLES)
def session_info():
    """The signed-in user, their schools and a fresh CSRF token for the next POST."""
    return jsonify(
        user={"id": current_user.id, "username": current_user.username, "role": current_user.role},
        schools=[
            {"id": s.id, "code": s.code, "name": s.name, "level": s.level}
            for s in current_user.schools
        ],
        csrf_token=generate_csrf(),
    )


@bp.route("/openapi.json")
def openapi_document():
    """This API described in OpenAPI 3.1: public, as it holds no data."""
    return jsonify(openapi.document(current_app.config["SESSION_COOKIE_NAME"]))


@bp.route("/schema")
@role_required(*ROLES)
def schema():
    """The rules of an entry, as data the client validates with offline."""
    return jsonify(rules.describe())


@bp.route("/sync", methods=["POST"])
@writes_throughout
@role_required("officer")
def sync():
    """Store a batch of entries from the officer's outbox, each exactly once."""
    body = _json_body()
    if body is None:
        return error_response(400, "The body must be JSON (Content-Type: application/json).")
    try:
        envelopes = wire.parse_batch(body)
    except wire.BatchRefused as refusal:
        return error_response(refusal.status, refusal.message)
    for attempt in range(BUSY_ATTEMPTS):
        try:
            results = ingest(
                current_user._get_current_object(),  # not the proxy: read for every entry
                envelopes,
                received_at=clock.utcnow(),
                client_addr=client_addr(),
            )
            return jsonify(results=results)
        except OperationalError:  # a deadlock or a lock wait that ran out: nothing was stored
            db.session.rollback()
            current_app.logger.warning("sync batch busy, attempt %d", attempt + 1)
    return error_response(
        503,
        "The server is busy; your entries are safe on the phone and will be sent again shortly.",
    )


@bp.route("/entries", endpoint="entries")
@role_required("officer")
def changed_entries():
    """The officer's entries changed since the cursor, and every returned one, to fix offline."""
    since = request.args.get("since")
    after = entries.START if since is None else _read_cursor(since)
    if after is None:
        return error_response(400, CURSOR_HELP)
    found = entries.changes(current_user, after, now=clock.utcnow(), limit=ENTRIES_PAGE_SIZE)
    return jsonify(
        officer_id=current_user.id,  # whose they are: a shared phone checks
        entries=[_entry_json(contact) for contact in found.entries],
        cursor=_cursor(found.next),
        more=found.more,
    )


@bp.route("/templates")
@role_required("officer")
def templates():
    """The templates this officer may use (their own and the district's), kept offline."""
    return jsonify(
        templates=[entry_templates.as_json(t) for t in entry_templates.offered(current_user)]
    )


@bp.route("/templates", methods=["POST"])
@role_required("officer")
def create_template():
    """Keep the choices the officer sends ({"name", "fields"}) as one of their templates."""
    body = _json_body()
    with writing():
        kept, errors = entry_templates.create(
            current_user, body, actor=current_user, now=clock.utcnow(), client_addr=client_addr()
        )
    if errors:
        return jsonify(error="invalid", errors=errors), 422
    return jsonify(template=entry_templates.as_json(kept)), 201


@bp.route("/templates/<int:template_id>", methods=["DELETE"])
@role_required("officer")
def retire_template(template_id: int):
    """Stop offering one of the officer's own templates (the district's stay)."""
    with writing():
        retired = entry_templates.retire(
            current_user, template_id, now=clock.utcnow(), client_addr=client_addr()
        )
    return ("", 204) if retired else error_response(404)


def _json_body() -> object:
    """The request's JSON, or None when it is not JSON (or absurdly nested)."""
    try:
        return request.get_json(silent=True)
    except RecursionError:
        return None


def _cursor(position: entries.Position) -> str:
    """The text the client sends back as since=: microseconds since 1970, then the entry id."""
    microseconds = (position.updated_at - entries.START.updated_at) // timedelta(microseconds=1)
    return f"{microseconds}-{position.entry_id.hex}"


def _read_cursor(text: str) -> entries.Position | None:
    """The position a cursor from _cursor() names; None for anything else."""
    match = wire.CURSOR.fullmatch(text)
    if match is None:
        return None
    try:
        updated_at = entries.START.updated_at + timedelta(microseconds=int(match[1]))
    except OverflowError:  # past the year 9999
        return None
    return entries.Position(updated_at, uuid.UUID(hex=match[2]))


def _entry_json(contact) -> dict:
    revision = contact.current
    last = contact.decisions[-1] if contact.decisions else None
    return {
        "id": str(contact.id),
        "revision": revision.number,
        "status": revision.status,
        "dictionary_version": revision.dictionary_version,
        "received_at": revision.received_at.isoformat(),
        "flags": revision.flags,
        "contact": revision.content,
        "review": None
        if last is None
        else {
            "decision": last.decision,
            "revision": last.revision,
            "comment": last.comment,
            "decided_at": last.decided_at.isoformat(),
        },
    }
