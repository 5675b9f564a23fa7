"""The annual program assessment: one school year of the record, read against the COPS principles.

The record is each entry's latest approved revision (an amendment waiting
for review, or returned, does not displace it), for contacts that happened
in the school year — the same entries an approved export for those dates
holds. One pass over them
fills every count; review figures come from the decisions on the year's
entries; the facts of data dictionary v2 are counted from the entries recorded
under it (crdc_figures.py). The previous school year is read the same way for
the trend.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select

from logger import rules
from logger.core import settings
from logger.core.clock import SchoolYear, to_local
from logger.core.models import (
    CURRENT_REVISION,
    Assignment,
    Contact,
    ContactRevision,
    ReviewDecision,
    User,
)
from logger.core.record import approved, schools_by_name
from logger.evaluation.crdc_figures import CrdcFigures
from logger.evaluation.exports import pseudonym
from logger.extensions import db

TWO_OR_MORE = "two_or_more"
TURNAROUND_BANDS = (
    (24, "Within a day"),
    (72, "1 to 3 days"),
    (168, "3 to 7 days"),
    (math.inf, "More than a week"),
)
EQUITY_DIMENSIONS = {  # dimension: (title, groups in order)
    "perceived_race": ("Perceived race", (*rules.RACES, TWO_OR_MORE)),
    "perceived_gender": ("Perceived gender", rules.GENDERS),
    "perceived_disability": ("Perceived disability", ("yes", "no")),
    "grade_band": ("Grade band", rules.GRADE_BANDS),
}
GROUP_LABELS = {
    TWO_OR_MORE: "Two or more races",
    "yes": "Perceived disability",
    "no": "No perceived disability",
}


def rate(part: float, whole: float, per: int = 100) -> float | None:
    """part per `per` of whole (a percentage by default); None when there is no whole."""
    return part * per / whole if whole else None


def percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile: the smallest value with at least `share` of values at or
    below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)), 1) - 1]


@dataclass
class SchoolFigures:
    """One school's row in the activity, principle 3 and principle 4 tables."""

    name: str
    contacts: int = 0
    by_classification: Counter = field(default_factory=Counter)
    actions: Counter = field(default_factory=Counter)
    enforcement: int = 0  # contacts with any enforcement action
    discipline_enforcement: int = 0  # disciplinary contacts with an enforcement action


@dataclass
class GroupFigures:
    """Students of one group: described in contacts, and in contacts with enforcement."""

    label: str
    students: int = 0
    in_enforcement: int = 0
    arrested: int = 0
    force: int = 0

    @classmethod
    def named(cls, group: str) -> GroupFigures:
        """Empty figures for a group, labelled as a person reads it."""
        return cls(GROUP_LABELS.get(group) or rules.label(group))


@dataclass
class ReviewFigures:
    """Principle 6: how the year's entries were reviewed."""

    decisions: int = 0
    returns: int = 0
    entries_returned: int = 0  # entries returned at least once
    hours: list[float] = field(default_factory=list)
    waiting: int = 0  # current revision waits for a supervisor
    with_officer: int = 0  # current revision returned, waiting for the officer
    oldest_waiting: datetime | None = None

    @property
    def median_hours(self) -> float | None:
        return statistics.median(self.hours) if self.hours else None

    @property
    def p90_hours(self) -> float | None:
        return percentile(self.hours, 0.9)

    @property
    def bands(self) -> list[tuple[str, int]]:
        """How many decisions came within a day, 1 to 3 days, 3 to 7 days, or later."""
        counts = Counter(
            next(text for limit, text in TURNAROUND_BANDS if value < limit) for value in self.hours
        )
        return [(text, counts[text]) for _, text in TURNAROUND_BANDS]


@dataclass
class YearFigures:
    """Every figure of the assessment for one school year."""

    year: SchoolYear
    contacts: int = 0
    students_involved: int = 0
    by_classification: Counter = field(default_factory=Counter)
    by_month: dict[date, Counter] = field(default_factory=dict)
    schools: dict[int, SchoolFigures] = field(default_factory=dict)
    actions: Counter = field(default_factory=Counter)  # contacts with each enforcement action
    enforcement: int = 0
    discipline_enforcement: int = 0
    justified: int = 0  # enforcement contacts whose justification is complete
    alternatives: Counter = field(default_factory=Counter)
    injury_contacts: int = 0  # contacts with restraint or use of force
    injuries: Counter = field(default_factory=Counter)
    students_described: int = 0
    students_in_enforcement: int = 0
    equity: dict[str, dict[str, GroupFigures]] = field(default_factory=dict)
    unenforced: int = 0  # contacts without enforcement
    unenforced_described: int = 0  # ... whose students the officer described
    at_assigned_school: int = 0  # at a school the officer was assigned to on the contact's day
    review: ReviewFigures = field(default_factory=ReviewFigures)
    schools_logged: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    spread_officers: list[str] = field(default_factory=list)  # logged at > MANY_SCHOOLS
    officers_assigned: int = 0  # officers assigned to a school at some time in the year
    spread_assigned: list[str] = field(default_factory=list)  # at some time, > MANY_SCHOOLS at once
    moved_officers: int = 0  # officers with an assignment that ended during the year
    crdc: CrdcFigures = field(default_factory=CrdcFigures)  # the facts of data dictionary v2

    def share(self, part: float) -> float | None:
        """part as a percentage of the year's contacts."""
        return rate(part, self.contacts)

    @property
    def disciplinary(self) -> int:
        return self.by_classification["disciplinary"]

    @property
    def officers_by_schools(self) -> dict[int, int]:
        """How many officers logged contacts at 1, 2, 3... schools this year."""
        return dict(
            sorted(Counter(len(schools) for schools in self.schools_logged.values()).items())
        )

    @property
    def students_unenforced(self) -> int:
        """Students described in contacts without enforcement: the equity baseline's own."""
        return self.students_described - self.students_in_enforcement

    @property
    def thin_baseline(self) -> bool:
        """Whether fewer students were described outside enforcement than in it."""
        return self.students_unenforced < self.students_in_enforcement

    @property
    def injured(self) -> int:
        """Contacts where someone was hurt."""
        return sum(count for injury, count in self.injuries.items() if injury != "none")


def available_years(start_month: int) -> list[SchoolYear]:
    """The school years that hold entries, newest first."""
    first, last = db.session.execute(
        select(func.min(ContactRevision.occurred_at), func.max(ContactRevision.occurred_at))
    ).one()
    if first is None:
        return []
    newest = SchoolYear.containing(to_local(last).date(), start_month)
    oldest = SchoolYear.containing(to_local(first).date(), start_month)
    return [SchoolYear(year, start_month) for year in range(newest.first, oldest.first - 1, -1)]


def default_year(years: list[SchoolYear], today: date) -> SchoolYear | None:
    """The latest school year that has ended, else the one under way."""
    return next((year for year in years if year.last_day < today), years[0] if years else None)


def assess(year: SchoolYear) -> YearFigures:
    """Every figure of the assessment for one school year."""
    figures = YearFigures(year=year, by_month={month: Counter() for month in year.months()})
    figures.schools = {school.id: SchoolFigures(school.name) for school in schools_by_name()}
    figures.equity = {
        dimension: {group: GroupFigures.named(group) for group in groups}
        for dimension, (_, groups) in EQUITY_DIMENSIONS.items()
    }
    assigned = _assignments(year)
    start, end = year.bounds()
    for row in approved(
        ContactRevision.content,
        ContactRevision.school_id,
        ContactRevision.occurred_at,
        ContactRevision.dictionary_version,
        Contact.officer_id,
        start=start,
        end=end,
    ):
        occurred = to_local(row.occurred_at)
        _count(
            figures,
            row.content,
            row.school_id,
            occurred,
            any(
                school_id == row.school_id and assignment.covers(occurred.date())
                for school_id, assignment in assigned[row.officer_id]
            ),
        )
        figures.crdc.add(
            row.content, row.dictionary_version, row.school_id, figures.schools[row.school_id].name
        )
        figures.schools_logged[row.officer_id].add(row.school_id)
    figures.schools = {key: school for key, school in figures.schools.items() if school.contacts}
    figures.crdc.schools = {
        key: figures.crdc.schools[key] for key in figures.schools if key in figures.crdc.schools
    }  # by name, as every table
    figures.review = _review(year)
    _officers(figures, assigned)
    return figures


def _count(
    figures: YearFigures, entry: dict, school_id: int, occurred: datetime, at_assigned_school: bool
) -> None:
    """Add one approved entry to every count it belongs in."""
    classification = entry["classification"]
    actions = [a for a in rules.ENFORCEMENT_ACTIONS if a in entry.get("actions", ())]
    school = figures.schools[school_id]
    figures.contacts += 1
    figures.students_involved += entry.get("students_involved", 0)
    figures.by_classification[classification] += 1
    figures.by_month[occurred.date().replace(day=1)][classification] += 1
    figures.at_assigned_school += at_assigned_school
    school.contacts += 1
    school.by_classification[classification] += 1
    figures.actions.update(actions)
    school.actions.update(actions)
    if actions:
        figures.enforcement += 1
        school.enforcement += 1
        if classification == "disciplinary":
            figures.discipline_enforcement += 1
            school.discipline_enforcement += 1
        figures.justified += not rules.missing(entry, "justification.")
        figures.alternatives.update(
            (entry.get("justification") or {}).get("alternatives_tried", ())
        )
    if set(actions) & set(rules.INJURY_ACTIONS):
        figures.injury_contacts += 1
        figures.injuries[(entry.get("justification") or {}).get("injuries") or "not_recorded"] += 1
    students = entry.get("students") or ()
    if not actions:
        figures.unenforced += 1
        figures.unenforced_described += bool(students)
    for student in students:
        figures.students_described += 1
        figures.students_in_enforcement += bool(actions)
        for dimension, group in _groups(student):
            counts = figures.equity[dimension].setdefault(  # a value from older rules
                group, GroupFigures.named(group)
            )
            counts.students += 1
            counts.in_enforcement += bool(actions)
            counts.arrested += "arrest" in actions
            counts.force += "use_of_force" in actions


def _groups(student: dict):
    """(dimension, group) for each descriptor of a student that was recorded."""
    races = student.get("perceived_race") or []
    if races:
        yield "perceived_race", races[0] if len(races) == 1 else TWO_OR_MORE
    if student.get("perceived_gender"):
        yield "perceived_gender", student["perceived_gender"]
    if isinstance(student.get("perceived_disability"), bool):
        yield "perceived_disability", "yes" if student["perceived_disability"] else "no"
    if student.get("grade_band"):
        yield "grade_band", student["grade_band"]


def _review(year: SchoolYear) -> ReviewFigures:
    """Principle 6: the decisions on the year's entries, and what still waits."""
    start, end = year.bounds()
    review = ReviewFigures()
    in_year = and_(ContactRevision.occurred_at >= start, ContactRevision.occurred_at < end)
    returned_entries = set()
    for decision, decided_at, received_at, contact_id in db.session.execute(
        select(
            ReviewDecision.decision,
            ReviewDecision.decided_at,
            ContactRevision.received_at,
            ReviewDecision.contact_id,
        )
        .join(
            ContactRevision,
            and_(
                ContactRevision.contact_id == ReviewDecision.contact_id,
                ContactRevision.number == ReviewDecision.revision,
            ),
        )
        .where(in_year)
    ):
        review.decisions += 1
        review.hours.append((decided_at - received_at).total_seconds() / 3600)
        if decision == "return":
            review.returns += 1
            returned_entries.add(contact_id)
    review.entries_returned = len(returned_entries)
    for status, count, oldest in db.session.execute(
        select(ContactRevision.status, func.count(), func.min(ContactRevision.received_at))
        .join(Contact, CURRENT_REVISION)
        .where(in_year, ContactRevision.status != "approved")
        .group_by(ContactRevision.status)
    ):
        if status == "submitted":
            review.waiting, review.oldest_waiting = count, oldest
        else:
            review.with_officer = count
    return review


def _assignments(year: SchoolYear) -> dict[int, list[tuple[int, Assignment]]]:
    """Each officer's assignments that overlap the year: (school id, assignment)."""
    found = defaultdict(list)
    for assignment in db.session.scalars(
        select(Assignment).where(
            Assignment.starts_on <= year.last_day,
            or_(Assignment.ends_on.is_(None), Assignment.ends_on >= year.first_day),
        )
    ):
        found[assignment.officer_id].append((assignment.school_id, assignment))
    return found


def _most_at_once(assignments: list[Assignment], year: SchoolYear) -> int:
    """The most schools an officer was assigned to on any one day of the year."""
    days = {max(a.starts_on, year.first_day) for a in assignments}  # the count rises only here
    return max(
        (len({a.school_id for a in assignments if a.covers(day)}) for day in days), default=0
    )


def _officers(figures: YearFigures, assigned: dict[int, list[tuple[int, Assignment]]]) -> None:
    """Principle 11 from the assignments' history: officers spread over many schools, in the
    year's contacts and in their assignments, and officers moved during the year."""
    officers = {
        officer.id: officer
        for officer in db.session.scalars(
            select(User).where(User.role == "officer").order_by(User.id)
        )
    }
    figures.spread_officers = [
        pseudonym(officers[officer_id], names=False)
        for officer_id, schools in sorted(figures.schools_logged.items())
        if len(schools) > rules.MANY_SCHOOLS
    ]
    year = figures.year
    assigned = {officer_id: held for officer_id, held in assigned.items() if officer_id in officers}
    figures.officers_assigned = len(assigned)
    figures.spread_assigned = [
        pseudonym(officers[officer_id], names=False)
        for officer_id in sorted(assigned)
        if _most_at_once([a for _, a in assigned[officer_id]], year) > rules.MANY_SCHOOLS
    ]
    figures.moved_officers = sum(
        any(a.ends_on is not None and a.ends_on <= year.last_day for _, a in held)
        for held in assigned.values()
    )


def start_month() -> int:
    """The month the district's school year starts (core/settings.py)."""
    return settings.current()["school_year_start_month"]
