"""The public summary, open to anyone once an admin publishes it, and the admin's switch;
public feedback, open to anyone, and the admin's queue of it."""

from __future__ import annotations

import functools

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from logger.admin import district, program_records
from logger.auth.access import client_addr, role_required
from logger.core import clock
from logger.core.database import writing
from logger.public import feedback, program_summary, summary
from logger.web.pagination import paginate
from logger.web.responses import error_response

bp = Blueprint("transparency", __name__)
feedback_bp = Blueprint("feedback", __name__)

NOT_PUBLISHED = "The district has not published a public summary of its SRO program."


def published_only(view):
    """Let anyone through once an admin has published the summary; before that, 404."""

    @functools.wraps(view)
    def wrapped():
        if not summary.is_published():
            return error_response(404, NOT_PUBLISHED)
        return view()

    return wrapped


@bp.route("/public-summary", endpoint="summary")
@published_only
def public_summary():
    """Counts by school and quarter, small ones suppressed; no sign-in needed."""
    return render_template(
        "public/summary.html",
        tables=summary.published_summary(),
        program=program_summary.program_years(clock.today()),
        enforcement=program_summary.enforcement_years(),
        preview=False,
        **_vocabulary(),
    )


@bp.route("/public-summary.csv")
@published_only
def summary_csv():
    """The same counts as CSV."""
    return Response(
        summary.csv_text(summary.published_summary()),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="sro-public-summary.csv"'},
    )


@bp.route("/public-summary/publishing", methods=["GET", "POST"])
@role_required("admin")
def publishing():
    """Publish or withdraw the public summary, seeing exactly what the public would see."""
    if request.method == "POST":
        choice = request.form.get("published")
        if choice not in ("yes", "no"):
            abort(400)
        with writing():
            summary.set_published(current_user, choice == "yes", client_addr())
            if choice == "yes":
                summary.count_settled(clock.today(), current_user, client_addr())
        flash(
            "The public summary is published."
            if choice == "yes"
            else "The public summary is withdrawn: the public page and its CSV are gone.",
            "success",
        )
        return redirect(url_for(".publishing"))
    return render_template(
        "public/summary.html",
        tables=summary.preview(clock.today()),
        program=program_summary.program_years(clock.today()),
        enforcement=program_summary.enforcement_years(clock.today()),
        preview=True,
        published=summary.is_published(),
        uncounted=summary.uncounted(clock.today()),
        **_vocabulary(),
    )


@bp.route("/public-summary/count", methods=["POST"])
@role_required("admin")
def count_quarters():
    """Count the quarters settled since the last count, so the public summary shows them."""
    try:
        with writing():
            summary.count_settled(clock.today(), current_user, client_addr())
    except IntegrityError:  # another admin counted at the same moment: the count stands
        pass
    flash("The quarters that have settled are counted and kept as they are now.", "success")
    return redirect(url_for(".publishing"))


def _vocabulary() -> dict:
    return {
        "measures": summary.MEASURES,
        "v2_measures": summary.V2_MEASURES,
        "measure_label": summary.measure_label,
        "settle_days": summary.SETTLE_DAYS,
        "topic_label": program_records.label,
        "not_imported": program_summary.NOT_IMPORTED,
    }


@feedback_bp.route("/feedback", methods=["GET", "POST"])
def give():
    """Feedback or a concern about the SRO program, from anyone, without signing in."""
    now = clock.utcnow()
    if request.method == "GET":
        return _feedback_form(feedback.blank_form(now))
    checked = feedback.check(request.form, now)
    if not checked.ok:
        return _feedback_form(checked), 422
    try:
        with writing():
            feedback.receive(checked, client_addr(), now)
    except feedback.TooMany as limit:
        checked.refusal = str(limit)
        return _feedback_form(checked), 429, {"Retry-After": str(limit.wait_seconds)}
    return redirect(url_for(".thanks"))


def typed_feedback_again(notice: str):
    """The feedback form shown again as it was posted, with a fresh security token and a notice
    (its token was refused: the sender's session ended, in a private window say); None when
    the request was not the feedback form."""
    if request.endpoint != "feedback.give":
        return None
    checked = feedback.check(request.form, clock.utcnow())
    checked.refusal = notice
    return _feedback_form(checked), 400


@feedback_bp.route("/feedback/thanks")
def thanks():
    """Where feedback lands once it is kept."""
    return render_template("public/feedback_thanks.html")


@feedback_bp.route("/admin/feedback")
@role_required("admin")
def queue():
    """The feedback received, newest first, by status and kind."""
    status, category = request.args.get("status"), request.args.get("category")
    return render_template(
        "admin/feedback_queue.html",
        page=paginate(feedback.queue(status, category)),
        now=clock.utcnow(),
        **_feedback_vocabulary(),
    )


@feedback_bp.route("/admin/feedback/<int:feedback_id>")
@role_required("admin")
def item(feedback_id: int):
    """One item of feedback: read it, answer it, mark it resolved."""
    return _feedback_item(feedback.item_with_answers(feedback_id) or abort(404))


@feedback_bp.route("/admin/feedback/<int:feedback_id>/answers", methods=["POST"])
@role_required("admin")
def answer(feedback_id: int):
    """Record an answer and how it reached the person (e-mailing it first, if so chosen)."""
    found = feedback.item_with_answers(feedback_id) or abort(404)
    way = request.form.get("way", "")
    try:
        reply = feedback.prepare_answer(found, request.form.get("answer", ""), way)
    except feedback.Refused as refusal:
        return _feedback_item(found, str(refusal)), 422
    with writing():
        feedback.record_answer(
            found, reply, way, admin=current_user, client_addr=client_addr(), now=clock.utcnow()
        )
    flash("Your answer is recorded.", "success")
    return redirect(url_for(".item", feedback_id=feedback_id))


@feedback_bp.route("/admin/feedback/<int:feedback_id>/resolved", methods=["POST"])
@role_required("admin")
def resolve(feedback_id: int):
    """Mark an item resolved."""
    found = feedback.item_with_answers(feedback_id) or abort(404)
    try:
        with writing():
            feedback.resolve(
                found, admin=current_user, client_addr=client_addr(), now=clock.utcnow()
            )
    except feedback.Refused as refusal:
        return _feedback_item(found, str(refusal)), 409
    flash("The feedback is marked resolved.", "success")
    return redirect(url_for(".item", feedback_id=feedback_id))


def _feedback_form(checked: feedback.Checked):
    return render_template(
        "public/feedback.html",
        form=checked,
        schools=district.schools_in_service(),
        **_feedback_vocabulary(),
    )


def _feedback_item(found, problem: str | None = None):
    return render_template(
        "admin/feedback_item.html",
        item=found,
        problem=problem,
        ways=feedback.ways_for(found),
        now=clock.utcnow(),
        **_feedback_vocabulary(),
    )


def _feedback_vocabulary() -> dict:
    return {
        "categories": feedback.CATEGORY_LABELS,
        "statuses": feedback.STATUS_LABELS,
        "way_labels": feedback.WAY_LABELS,
        "not_about_one_school": feedback.NOT_ABOUT_ONE_SCHOOL,
        "honeypot": feedback.HONEYPOT,
        "max_text": feedback.MAX_TEXT,
        "max_answer": feedback.MAX_ANSWER,
    }
