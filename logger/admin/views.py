"""The admin's view of the audit trail: read-only, filterable, newest first."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from logger import rules
from logger.auth.access import role_required
from logger.core.clock import DAY_HELP, parse_day
from logger.core.models import AuditEvent, User
from logger.core.record import within_days
from logger.extensions import db
from logger.web.pagination import paginate

bp = Blueprint("audit", __name__, url_prefix="/audit")

PAGE_SIZE = 100


@bp.route("")
@role_required("admin")
def trail():
    """Every sign-in, submission, revision, decision and amendment, filterable."""
    query = (select(AuditEvent).options(joinedload(AuditEvent.actor))
             .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()))
    problems = []
    action, username = (request.args.get(name, "").strip() for name in ("action", "user"))
    if not all(rules.is_clean_text(text) for text in (action, username)):
        action = username = ""
        problems.append("Ignored a filter holding characters no action or user name has.")
    if action:
        query = query.where(AuditEvent.action == action)
    if username:
        query = query.join(User, AuditEvent.actor_id == User.id).where(
            User.username == username.lower())
    try:
        first, last = (parse_day(request.args.get(name, "")) for name in ("date_from", "date_to"))
    except ValueError:
        first = last = None
        problems.append(DAY_HELP)
    query = query.where(*within_days(AuditEvent.at, first, last))
    actions = db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    return render_template("admin/audit.html", page=paginate(query, per_page=PAGE_SIZE),
                           actions=list(actions), problems=problems)
