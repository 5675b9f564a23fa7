"""The annual program assessment page, for evaluators and admins."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from . import assessment, rules
from .auth import role_required
from .clock import today

bp = Blueprint("assessment", __name__, url_prefix="/assessment")


@bp.route("")
@role_required("evaluator", "admin")
def report():
    """One school year read against the COPS principles, ready to print."""
    years = assessment.available_years(assessment.start_month())
    asked = request.args.get("year", "")
    if asked:
        year = next((year for year in years if str(year.first) == asked), None)
        if year is None:
            problem = "No entries fall in that school year. Choose a school year from the list."
            return render_template("assessment.html", years=years, year=None, problem=problem), 404
    else:
        year = assessment.default_year(years, today())
    if year is None:
        return render_template("assessment.html", years=years, year=None)
    figures = assessment.assess(year)
    previous = assessment.assess(year.previous) if year.previous in years else None
    return render_template(
        "assessment.html", years=years, year=year, figures=figures, previous=previous,
        charts=assessment.charts(figures), today=today(),
        dimensions=assessment.EQUITY_DIMENSIONS,
        trend=assessment.trend(figures, previous) if previous else [],
        rules=rules, rate=assessment.rate)
