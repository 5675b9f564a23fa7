"""The evaluator's screens: exports (the form and its download) and the annual assessment."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, send_file
from flask_login import current_user

from logger import rules
from logger.admin import program_records
from logger.auth.access import client_addr, role_required
from logger.core import clock
from logger.core.clock import DAY_HELP, parse_day
from logger.core.database import writing
from logger.core.models import School
from logger.core.record import record_id, schools_by_name
from logger.evaluation import (
    assessment,
    charts,
    crdc_worksheet,
    denominators,
    exports,
    principles,
    school_rows,
    trend,
)
from logger.officer import entry_times
from logger.public import feedback
from logger.web.responses import error_response

exports_bp = Blueprint("exports", __name__, url_prefix="/export")
assessment_bp = Blueprint("assessment", __name__, url_prefix="/assessment")

MEDIA = {
    "csv": "text/csv",
    "students.csv": "text/csv",
    "jsonl": "application/x-ndjson",
    "sqlite": "application/vnd.sqlite3",
    "crdc": "text/csv",
}


@exports_bp.route("", methods=["GET", "POST"])
@role_required("evaluator", "admin")
def export():
    """Choose filters and a format; a valid post downloads the export."""
    schools = schools_by_name()
    officers = exports.officer_choices(names=current_user.role == "admin")
    if request.method == "GET":
        return _page(schools, officers, [], {})
    choice, export_format, problems = _read(request.form, schools, officers)
    if problems:
        return _page(schools, officers, problems, request.form), 422
    try:
        download = exports.build(choice, export_format)
    except exports.ExportFailed as failure:
        current_app.logger.error("export failed: %s", failure)
        return error_response(409, str(failure))  # the stored record needs fixing first
    with writing():
        exports.record(current_user, choice, export_format, client_addr())
    return send_file(
        download,
        mimetype=MEDIA[export_format],
        as_attachment=True,
        download_name=_download_name(choice, export_format),
    )


def _page(schools, officers, problems: list[str], form):
    return render_template(
        "evaluation/export.html",
        schools=schools,
        officers=officers,
        problems=problems,
        form=form,
        worksheet_label=crdc_worksheet.LABEL,
    )


def _download_name(choice: exports.Choice, export_format: str) -> str:
    if export_format == "crdc":
        year = choice.school_year
        return f"sro-field-log-crdc-{year.first if year else 'worksheet'}.csv"
    return f"sro-field-log-{choice.status}.{'db' if export_format == 'sqlite' else export_format}"


def _read(
    form, schools: list[School], officers: list[tuple[int, str]]
) -> tuple[exports.Choice, str, list[str]]:
    """The export asked for, and what in the form could not be used."""
    problems = []
    export_format = form.get("format", "")
    if export_format not in exports.FORMATS:
        problems.append(
            "Choose a format: CSV, students CSV, JSON Lines, SQLite or the CRDC worksheet."
        )
    date_from = date_to = school_id = None
    try:
        date_from = parse_day(form.get("date_from", ""))
        date_to = parse_day(form.get("date_to", ""))
    except ValueError:
        problems.append(DAY_HELP)
    school = form.get("school_id", "")
    if school:
        school_id = record_id(school)
        if school_id not in {school.id for school in schools}:
            problems.append("Choose a school from the list.")
    if export_format == "crdc":
        return _read_worksheet(form, date_from, date_to, school_id, problems), "crdc", problems
    choice = exports.Choice(
        status=form.get("status", "approved"),
        date_from=date_from,
        date_to=date_to,
        school_id=school_id,
        narratives=form.get("narratives") == "yes",
        names=form.get("names") == "yes" and current_user.role == "admin",
    )
    if choice.status not in exports.STATUSES:
        problems.append("Choose which entries: approved, submitted, returned or all.")
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


def _read_worksheet(form, date_from, date_to, school_id, problems: list[str]) -> exports.Choice:
    """The CRDC worksheet asked for: a school year (or days) and perhaps one school."""
    year = None
    try:
        year = crdc_worksheet.parse_school_year(form.get("school_year", ""))
    except ValueError as problem:
        problems.append(str(problem))
    if year is not None and (date_from or date_to):
        problems.append("Choose a school year or dates for the CRDC worksheet, not both.")
    if (
        form.get("status", "approved") != "approved"
        or form.get("officer_id")
        or form.get("classification")
    ):
        problems.append(
            "The CRDC worksheet counts the record (approved entries) of every "
            "officer and classification: choose Approved, All officers and All "
            "classifications."
        )
    return exports.Choice.worksheet(year, date_from=date_from, date_to=date_to, school_id=school_id)


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
            return render_template(
                "evaluation/assessment.html", years=years, year=None, problem=problem
            ), 404
    else:
        year = assessment.default_year(years, clock.today())
    if year is None:
        return render_template("evaluation/assessment.html", years=years, year=None)
    figures = assessment.assess(year)
    evidence = principles.gather(year, figures)
    previous = (
        assessment.assess(year.previous, key_figures_only=True) if year.previous in years else None
    )
    previous_evidence = (
        principles.gather(year.previous, previous, key_figures_only=True) if previous else None
    )
    return render_template(
        "evaluation/assessment.html",
        years=years,
        year=year,
        figures=figures,
        previous=previous,
        charts=charts.for_year(figures),
        school_rows=school_rows.for_year(figures, evidence),
        today=clock.today(),
        dimensions=assessment.EQUITY_DIMENSIONS,
        trend=trend.key_figures(figures, previous, evidence, previous_evidence) if previous else [],
        evidence=evidence,
        principles=principles.principles(evidence, figures),
        program_label=program_records.label,
        smallest=denominators.SMALLEST,
        feedback_categories=feedback.CATEGORY_LABELS,
        rules=rules,
        rate=assessment.rate,
        entry_time=entry_times.times(year.label, entry_times.between(*year.bounds())),
    )
