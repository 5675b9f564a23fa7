"""The public summary's part on the program as a whole (issue 13): the MOU in force, training,
outreach and feedback in the school year under way and the last one, and enforcement per
1,000 students by school in each school year that has ended.

What is counted, and what is hidden (summary.SMALLEST_SHOWN):

- Counts of people outside the program — outreach attendance, school staff trained, feedback
  received, answered and resolved — are shown like every count on the page: 1 to 9 as "<10".
  The median time to a first answer is shown only when 10 or more items were answered.
- The program's own acts are exact: the MOU, outreach events held, training hours and how
  many officers were trained on each topic. Officers are public employees and their training
  is the evidence principle 8 asks for; in a district of four officers "<10" would hide
  whether all were trained while "0" still said none was, so it would protect no one. No
  officer is named: hours are given in total and per officer on average.
- Enforcement contacts per 1,000 students are counted from the record once a school year's
  last quarter has settled, and kept as first counted, like the quarters: a count that
  followed the record day by day would show each new or corrected contact. A school's count
  is exact only when it is 10 or more and every enforcement count of the school's quarters
  in that year is shown exactly — otherwise the year's total, less the quarters shown, would
  give a hidden quarter away — and its rate is shown only where its count is. Enrollment is
  public and read as imported now, so a late import still gives the rate.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from logger import rules
from logger.admin import enrollment, program_records
from logger.core import audit, clock
from logger.core.clock import SchoolYear
from logger.core.models import Setting, User
from logger.evaluation.assessment import start_month
from logger.evaluation.denominators import per_thousand, school_rates
from logger.extensions import db
from logger.public import summary
from logger.public.feedback import feedback_figures
from logger.public.summary import AT_LEAST, NO_RATE, SMALLEST_SHOWN, Quarter, QuarterTable, shown

YEARS = "public_summary_years"  # each school year's enforcement counts, as first counted
FORMAT = 1
NOT_IMPORTED = "enrollment not imported"


@dataclass
class ProgramYear:
    """One school year of the program as published."""

    year: SchoolYear
    mous: list[dict]  # in force today (the year under way) or on any day of it
    mou_all_year: bool
    officers: int  # assigned to a school in the year, or trained in it
    training_hours: str
    hours_per_officer: str
    topic_officers: dict[str, int]  # exact: see the module's docstring
    staff_trained: int | str
    outreach_events: int
    outreach_attended: int | str
    feedback_received: int | str
    feedback_answered: int | str
    feedback_resolved: int | str
    first_answer: str  # the median time to a first answer, in words, or NO_RATE


@dataclass
class SchoolEnforcement:
    """One school's enforcement contacts in a school year, per 1,000 students."""

    school: str
    students: int | None  # None: no enrollment imported for the year
    enforcement: int | str  # as published
    per_1000: str


@dataclass
class EnforcementYear:
    """A school year's enforcement by school, as first counted."""

    year: SchoolYear
    schools: list[SchoolEnforcement]


def program_years(today: date) -> list[ProgramYear]:
    """The school year under way (so far) and the last one, as published. Reads only."""
    under_way = SchoolYear.containing(today, start_month())
    return [program_year(under_way, today), program_year(under_way.previous, None)]


def program_year(year: SchoolYear, today: date | None) -> ProgramYear:
    """A school year's program figures, suppressed; `today` for the year under way."""
    figures, feedback = program_records.program_figures(year), feedback_figures(year)
    hours = sum(figures.training_hours.values())
    officers = len(figures.training_hours)
    mous = [
        mou
        for mou in figures.mous
        if today is None or mou["effective_on"] <= today <= mou["expires_on"]
    ]
    median = feedback["median_hours_to_first_response"]
    return ProgramYear(
        year,
        mous,
        figures.mou_all_year,
        officers,
        _number(hours),
        _number(hours / officers) if officers else NO_RATE,
        figures.topic_officers,
        shown(figures.staff_trained),
        figures.outreach_events,
        shown(figures.outreach_attended),
        shown(feedback["received"]),
        shown(feedback["answered"]),
        shown(feedback["resolved"]),
        duration(median) if feedback["answered"] >= SMALLEST_SHOWN else NO_RATE,
    )


def duration(hours: float) -> str:
    """A time in words: 'under an hour', '5 hours', '3.5 days'."""
    if hours < 1:
        return "under an hour"
    if hours < 48:
        return f"{round(hours)} hour{'s' if round(hours) > 1 else ''}"
    return f"{_number(hours / 24)} days"


def _number(value: float) -> str:
    """1,234.5; a whole number without its '.0'."""
    return f"{value:,.1f}".removesuffix(".0")


# Enforcement per 1,000 students, by school year, kept as first counted.


def year_to_count(today: date) -> SchoolYear:
    """The latest school year whose last quarter has settled."""
    year = SchoolYear.containing(today, start_month()).previous
    if Quarter.containing(year.last_day) >= summary.settled_before(today):
        year = year.previous
    return year


def enforcement_years(today: date | None = None) -> list[EnforcementYear]:
    """Each school year counted so far, newest first; with `today`, the admin's preview: the
    year that has settled too, counted as it would be. Reads only."""
    kept = _kept_years()
    if today is not None and (year := year_to_count(today)).first not in kept:
        kept[year.first] = (year, _counted(year, summary.preview(today)))
    return [
        EnforcementYear(year, _with_rates(year, rows))
        for _, (year, rows) in sorted(kept.items(), reverse=True)
        if rows
    ]


def year_uncounted(today: date) -> bool:
    """Whether a school year has settled since the last count."""
    return year_to_count(today).first not in _kept_years()


def count_year(
    today: date, tables: list[QuarterTable], actor: User | None, client_addr: str | None
) -> None:
    """Count the school year that has settled, once, on the record, beside the quarters counted
    (`tables`, whose hidden counts it keeps hidden); the caller commits."""
    year = year_to_count(today)
    kept = _kept_years()
    if year.first in kept:
        return
    kept[year.first] = (year, rows := _counted(year, tables))
    stored = db.session.get(Setting, YEARS) or Setting(name=YEARS)
    stored.value = {
        "format": FORMAT,
        "years": {
            str(first): {"start_month": year.start_month, "schools": schools}
            for first, (year, schools) in kept.items()
        },
    }
    stored.changed_at = clock.utcnow()
    db.session.add(stored)
    if rows:
        audit.record(
            "public_summary.year_counted",
            actor=actor,
            client_addr=client_addr,
            detail={"school_year": year.label, "schools": len(rows)},
        )


def _kept_years() -> dict[int, tuple[SchoolYear, list]]:
    stored = db.session.get(Setting, YEARS)
    kept = stored.value if stored and stored.value.get("format") == FORMAT else {}
    return {
        int(first): (SchoolYear(int(first), value["start_month"]), value["schools"])
        for first, value in kept.get("years", {}).items()
    }


def _counted(year: SchoolYear, tables: list[QuarterTable]) -> list[list]:
    """[school id, name, enforcement as published] for each school with contacts in the year;
    none when the record holds no contact of it."""
    exact = _exact_in_quarters(year, tables)
    return [
        [school.school_id, school.name, _published(school.enforcement, school.name not in exact)]
        for school in school_rates(year)
        if school.contacts
    ]


def _published(count: int, quarter_hidden: bool) -> int | str:
    if quarter_hidden and count >= SMALLEST_SHOWN:
        return AT_LEAST
    return shown(count)


def _exact_in_quarters(year: SchoolYear, tables: list[QuarterTable]) -> set[str]:
    """The schools whose every enforcement count in the quarters of the year is shown exactly
    (a school renamed since is not among them: its quarters cannot be told)."""
    first, last = Quarter.containing(year.first_day), Quarter.containing(year.last_day)
    exact = defaultdict(lambda: True)
    for table in tables:
        if first <= table.quarter <= last:
            for school, row in table.rows:
                exact[school] &= all(
                    isinstance(row[action], int) for action in rules.ENFORCEMENT_ACTIONS
                )
    return {school for school, is_exact in exact.items() if is_exact}


def _with_rates(year: SchoolYear, rows: list[list]) -> list[SchoolEnforcement]:
    """The kept counts beside the enrollment imported for the year."""
    enrolled = enrollment.by_school(year.first)
    found = []
    for school_id, name, count in rows:
        students = enrolled.get(school_id, {}).get(enrollment.TOTAL)
        rate = per_thousand(count, students) if isinstance(count, int) else None
        found.append(
            SchoolEnforcement(name, students, count, NO_RATE if rate is None else _number(rate))
        )
    return found
