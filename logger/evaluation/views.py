"""The evaluator's screens: exports (the form and its download) and the annual assessment."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, send_file
from flask_login import current_user

from logger import rules
from logger.auth.access import client_addr, role_required
from logger.core import clock
from logger.core.clock import DAY_HELP, parse_day
from logger.core.database import writing
from logger.core.models import School
from logger.core.record import record_id, schools_by_name
from logger.evaluation import assessment, charts, exports, trend
from logger.web.responses import error_response

exports_bp = Blueprint("exports", __name__, url_prefix="/export")
assessment_bp = Blueprint("assessment", __name__, url_prefix="/assessment")

MEDIA = {"csv": "text/csv", "students.csv": "text/csv", "jsonl": "application/x-ndjson",
         "sqlite": "application/vnd.sqlite3"}


@exports_bp.route("", methods=["GET", "POST"])
@role_required("evaluator", "admin")
def export():
    """Choose filters and a format; a valid post downloads the export."""
    schools = schools_by_name()
    officers = exports.officer_choices(names=current_user.role == "admin")
    if request.method == "GET":
        return render_template("evaluation/export.html", schools=schools, officers=officers,
                               problems=[], form={})
    choice, export_format, problems = _read(request.form, schools, officers)
    if problems:
        return render_template("evaluation/export.html", schools=schools, officers=officers,
                               problems=problems, form=request.form), 422
    try:
        download = exports.build(choice, export_format)
    except exports.ExportFailed as failure:
        current_app.logger.error("export failed: %s", failure)
        return error_response(409, str(failure))  # the stored record needs fixing first
    with writing():
        exports.record(current_user, choice, export_format, client_addr())
    name = f"sro-field-log-{choice.status}.{'db' if export_format == 'sqlite' else export_format}"
    return send_file(download, mimetype=MEDIA[export_format], as_attachment=True,
                     download_name=name)


def _read(form, schools: list[School], officers: list[tuple[int, str]]
          ) -> tuple[exports.Choice, str, list[str]]:
    """The export asked for, and what in the form could not be used."""
    problems = []
    export_format = form.get("format", "")
    if export_format not in exports.FORMATS:
        problems.append("Choose a format: CSV, students CSV, JSON Lines or SQLite.")
    choice = exports.Choice(status=form.get("status", "approved"),
                            narratives=form.get("narratives") == "yes",
                            names=form.get("names") == "yes" and current_user.role == "admin")
    if choice.status not in exports.STATUSES:
        problems.append("Choose which entries: approved, submitted, returned or all.")
    try:
        choice.date_from = parse_day(form.get("date_from", ""))
        choice.date_to = parse_day(form.get("date_to", ""))
    except ValueError:
        problems.append(DAY_HELP)
    school = form.get("school_id", "")
    if school:
        choice.school_id = record_id(school)
        if choice.school_id not in {school.id for school in schools}:
            problems.append("Choose a school from the list.")
    officer = form.get("officer_id", "")
    if officer:
        choice.officer_id = record_id(officer)
        if choice.officer_id not in {officer_id for officer_id, _ in officers}:
            problems.append("Choose an officer from the list.")
    classification = form.get("classification", "")
    if classification:
        if classification not in rules.CLASSIFICATIONS:
            problems.append("Choose a classification from the list.")
        choice.classification = classification
    return choice, export_format, problems



@assessment_bp.route("")
@role_required("evaluator", "admin")
def report():
    """One school year read against the COPS principles, ready to print."""
    years = assessment.available_years(assessment.start_month())
    asked = request.args.get("year", "")
    if asked:
        year = next((year for year in years if str(year.first) == asked), None)
        if year is None:
            problem = "No entries fall in that school year. Choose a school year from the list."
            return render_template("evaluation/assessment.html", years=years, year=None,
                                   problem=problem), 404
    else:
        year = assessment.default_year(years, clock.today())
    if year is None:
        return render_template("evaluation/assessment.html", years=years, year=None)
    figures = assessment.assess(year)
    previous = assessment.assess(year.previous) if year.previous in years else None
    return render_template(
        "evaluation/assessment.html", years=years, year=year, figures=figures, previous=previous,
        charts=charts.for_year(figures), today=clock.today(),
        dimensions=assessment.EQUITY_DIMENSIONS,
        trend=trend.key_figures(figures, previous) if previous else [],
        rules=rules, rate=assessment.rate)
