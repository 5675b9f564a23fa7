"""The enrollment pages: the admin uploads a CSV (every row checked and shown before anything is
kept); the admin and evaluators read each school's enrollment by school year."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from logger.admin import enrollment, roster
from logger.auth.access import client_addr, role_required
from logger.core.database import writing
from logger.core.record import schools_by_name
from logger.evaluation.crdc_worksheet import SCHOOL_YEAR_HELP, parse_school_year
from logger.extensions import db

bp = Blueprint("enrollment", __name__, url_prefix="/admin/enrollment")


@bp.route("")
@role_required("admin", "evaluator")
def by_school():
    """Each school's enrollment in one school year (the latest imported unless chosen)."""
    stored, problem = enrollment.years(), None
    try:
        first = parse_school_year(request.args.get("school_year", ""))
    except ValueError:
        first, problem = None, SCHOOL_YEAR_HELP
    first = first or (stored[0] if stored else None)
    counts = enrollment.by_school(first) if first else {}
    schools = [(school, counts[school.id]) for school in schools_by_name() if school.id in counts]
    return render_template(
        "admin/enrollment.html",
        years=stored,
        first=first,
        schools=schools,
        problem=problem,
        groups=enrollment.GROUPS[1:],
        group_label=enrollment.group_label,
        year_label=enrollment.year_label,
    )


@bp.route("/upload", methods=["GET", "POST"])
@role_required("admin")
def upload():
    """Upload a CSV of enrollment: every row is checked and shown before anything is kept."""
    if request.method == "GET":
        return _upload_page(None)
    file = request.files.get("file")
    data = file.read(roster.MAX_BYTES + 1) if file else b""
    checked = enrollment.check(data)
    db.session.rollback()
    return _upload_page(
        checked, data.decode("utf-8-sig") if checked.ok else ""
    ), 200 if checked.ok else 422


@bp.route("/import", methods=["POST"])
@role_required("admin")
def import_checked():
    """Keep the checked file: all its rows, or none (it is checked again)."""
    try:
        with writing():
            imported = enrollment.import_file(
                request.form.get("content", "").encode(),
                admin=current_user,
                client_addr=client_addr(),
            )
    except IntegrityError:  # the same school's year imported at the same moment
        return _upload_page(
            None,
            problem="Another import of the same schools and years "
            "finished first: check the list, then upload the file again.",
        ), 409
    if not imported.ok:
        return _upload_page(imported), 422
    flash(
        f"Imported {len(imported.counts):,} enrollment rows"
        + (f", replacing {imported.replaced:,} stored rows." if imported.replaced else "."),
        "success",
    )
    return redirect(url_for(".by_school", school_year=max(y for _, y in imported.school_years)))


def _upload_page(
    checked: enrollment.EnrollmentFile | None, content: str = "", problem: str | None = None
):
    return render_template(
        "admin/enrollment_upload.html",
        checked=checked,
        content=content,
        problem=problem,
        dimensions=enrollment.DIMENSIONS,
        year_label=enrollment.year_label,
    )
