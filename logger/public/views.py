"""The public summary, open to anyone once an admin publishes it, and the admin's switch."""

from __future__ import annotations

import functools

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from logger.auth.access import client_addr, role_required
from logger.core import clock
from logger.core.database import writing
from logger.public import summary
from logger.web.responses import error_response

bp = Blueprint("transparency", __name__)

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
    return render_template("public/summary.html", tables=summary.published_summary(),
                           preview=False, **_vocabulary())


@bp.route("/public-summary.csv")
@published_only
def summary_csv():
    """The same counts as CSV."""
    return Response(summary.csv_text(summary.published_summary()),
                    mimetype="text/csv",
                    headers={"Content-Disposition":
                             'attachment; filename="sro-public-summary.csv"'})


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
        flash("The public summary is published." if choice == "yes"
              else "The public summary is withdrawn: the public page and its CSV are gone.",
              "success")
        return redirect(url_for(".publishing"))
    return render_template("public/summary.html", tables=summary.preview(clock.today()),
                           preview=True, published=summary.is_published(),
                           uncounted=summary.uncounted(clock.today()), **_vocabulary())


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
    return {"measures": summary.MEASURES, "v2_measures": summary.V2_MEASURES,
            "measure_label": summary.measure_label,
            "settle_days": summary.SETTLE_DAYS}
