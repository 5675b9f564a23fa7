"""The supervisor's screens: the review queue and the entry under review."""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict

from logger import rules
from logger.auth.access import client_addr, role_required
from logger.core import clock
from logger.core.database import writing
from logger.core.record import RecordFilter, schools_by_name
from logger.extensions import db
from logger.review import workflow
from logger.web import kept_forms
from logger.web.pagination import paginate

bp = Blueprint("review", __name__, url_prefix="/review")


@bp.route("")
@role_required("supervisor")
def queue():
    """Submitted entries of my officers, highest concern first, then the longest waiting."""
    chosen = RecordFilter.from_args(request.args)
    counts, total = workflow.counts(current_user, chosen)
    page = paginate(workflow.queue(current_user, chosen), total=total)
    return render_template(
        "review/queue.html",
        page=page,
        chosen=chosen,
        counts=counts,
        team=workflow.team(current_user),
        # Where the team's entries wait (a state has thousands of schools), and the one chosen.
        schools=schools_by_name({*counts["school_id"], chosen.school_id} - {None}),
        now=clock.utcnow(),
    )


@bp.route("/<uuid:entry_id>")
@role_required("supervisor")
def entry(entry_id: uuid.UUID):
    """One entry laid out for reading, with its revisions and decisions, and the decision form."""
    try:
        contact = workflow.entry_for_review(current_user, entry_id)
    except workflow.ReviewRefused as refusal:
        abort(refusal.status)
    typed, notice = _kept_decision(contact)
    return render_template(
        "review/entry.html", contact=contact, errors={}, typed=typed, notice=notice
    )


CHANGED_WHILE_AWAY = (
    "This entry changed while you were signed out (it is now revision "
    "{revision}, {status}): read it again before deciding. You had written: "
    "“{comment}”"
)


def _kept_decision(contact) -> tuple[MultiDict, str | None]:
    """The decision typed before the session ended, if one waits; never for a revision the
    supervisor did not read."""
    typed = kept_forms.take("review.decide", {"entry_id": contact.id}, current_user)
    if typed is None:
        return MultiDict(), None
    current = contact.current
    if typed.get("revision") == str(current.number) and current.status == "submitted":
        return typed, kept_forms.RESTORED_NOTICE
    return MultiDict({"comment": typed.get("comment", "")}), CHANGED_WHILE_AWAY.format(
        revision=current.number,
        status=rules.label(current.status).lower(),
        comment=typed.get("comment", ""),
    )


def typed_decision_again(notice: str):
    """The decision form as the supervisor posted it (its security token was refused), or
    None when the request was not a decision on an entry they review."""
    if request.endpoint != "review.decide":
        return None
    try:
        contact = workflow.entry_for_review(current_user, request.view_args["entry_id"])
    except workflow.ReviewRefused:
        return None
    return render_template(
        "review/entry.html", contact=contact, errors={}, typed=request.form, notice=notice
    ), 400


@bp.route("/<uuid:entry_id>/decision", methods=["POST"])
@role_required("supervisor")
def decide(entry_id: uuid.UUID):
    """Approve or return the revision the supervisor read."""
    form = request.form
    try:
        with writing():
            workflow.decide(
                current_user,
                entry_id,
                form.get("revision", type=int),
                form.get("decision"),
                form.get("comment"),
                decided_at=clock.utcnow(),
                client_addr=client_addr(),
            )
    except IntegrityError:  # decided at the same moment in another tab
        refusal = workflow.ReviewRefused(409, workflow.STALE)
    except workflow.ReviewRefused as caught:
        refusal = caught
    else:
        flash(
            "Approved." if form.get("decision") == "approve" else "Returned to the officer.",
            "success",
        )
        return redirect(url_for(".queue"))
    if refusal.status in (403, 404):
        abort(refusal.status)
    contact = workflow.entry_for_review(current_user, entry_id)
    flash(refusal.message, "error")
    return render_template(
        "review/entry.html", contact=contact, errors=refusal.errors, typed=form
    ), refusal.status


@bp.route("/bulk-approve", methods=["POST"])
@role_required("supervisor")
def bulk_approve():
    """Approve the ticked entries that carry no flag."""
    picks = []
    for value in request.form.getlist("entry"):
        entry_id, _, revision = value.partition(":")
        try:
            picks.append((uuid.UUID(entry_id), int(revision)))
        except ValueError:
            abort(400)
    try:
        with writing():
            approved = workflow.bulk_approve(
                current_user, picks, decided_at=clock.utcnow(), client_addr=client_addr()
            )
    except IntegrityError:
        flash(workflow.STALE, "error")
        return redirect(url_for(".queue")), 303
    except workflow.ReviewRefused as refusal:
        db.session.rollback()
        if refusal.status in (403, 404):
            abort(refusal.status)
        flash(refusal.message, "error")
        return redirect(url_for(".queue")), 303
    flash(f"Approved {approved} {'entry' if approved == 1 else 'entries'}.", "success")
    return redirect(url_for(".queue"))
