"""The annual program assessment: one school year of the record, read against the COPS principles.

The record is each entry's latest approved revision (an amendment waiting
for review, or returned, does not displace it), for contacts that happened
in the school year — the same entries an approved export for those dates
holds. The database adds them up: a few GROUP BY queries over the record's
queryable facts (rules/facts.py: columns of each revision, and its choice and
student rows), never every entry read into Python. Review figures come from the
decisions on the year's entries; the facts of data dictionary v2 are counted
from the entries recorded under it (crdc_figures.py). The previous school year
is read the same way for the trend.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import and_, case, func, literal, literal_column, or_, select, union_all

from logger import rules
from logger.core import settings
from logger.core.clock import SchoolYear, day_end, day_start, to_local
from logger.core.models import (
    Assignment,
    ContactRevision,
    RevisionChoice,
    RevisionStudent,
    User,
)
from logger.core.record import (
    count_if,
    in_record,
    period_of,
    school_names,
    sum_of,
)
from logger.evaluation.crdc_figures import CrdcFigures, SchoolCrdc
from logger.evaluation.exports import pseudonym
from logger.extensions import db

TWO_OR_MORE = rules.TWO_OR_MORE
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


def percentile_rank(count: int, share: float) -> int:
    """The nearest rank of a percentile among `count` values (1 = the smallest): the smallest
    value with at least `share` of the values at or below it."""
    return max(math.ceil(share * count), 1)


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
    band_counts: list[int] = field(default_factory=lambda: [0] * len(TURNAROUND_BANDS))
    hours_at: dict[int, float] = field(default_factory=dict)  # rank (1 = quickest): hours
    waiting: int = 0  # current revision waits for a supervisor
    with_officer: int = 0  # current revision returned, waiting for the officer
    oldest_waiting: datetime | None = None

    @property
    def median_hours(self) -> float | None:
        """The median hours from an entry reaching its supervisor to the decision."""
        if not self.decisions:
            return None
        middle = {(self.decisions + 1) // 2, self.decisions // 2 + 1}
        return statistics.mean(self.hours_at[rank] for rank in sorted(middle))

    @property
    def p90_hours(self) -> float | None:
        """The 90th percentile of those hours (nearest rank)."""
        return self.hours_at[percentile_rank(self.decisions, 0.9)] if self.decisions else None

    @property
    def bands(self) -> list[tuple[str, int]]:
        """How many decisions came within a day, 1 to 3 days, 3 to 7 days, or later."""
        return [
            (text, count)
            for (_, text), count in zip(TURNAROUND_BANDS, self.band_counts, strict=True)
        ]


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


def assess(year: SchoolYear, *, key_figures_only: bool = False) -> YearFigures:
    """Every figure of the assessment for one school year, added up by the database (key
    figures only: what trend.key_figures reads of the year before, not the months, the
    alternatives, restraint types or equity tables)."""
    figures = YearFigures(year=year, by_month={month: Counter() for month in year.months()})
    figures.equity = {
        dimension: {group: GroupFigures.named(group) for group in groups}
        for dimension, (_, groups) in EQUITY_DIMENSIONS.items()
    }
    assigned = _assignments(year)
    in_year = in_record(*year.bounds())
    _contacts(figures, in_year)
    _details(figures, in_year)
    if not key_figures_only:
        _months(figures, in_year)
        _choices(figures, in_year)
        _students(figures, in_year)
    _where_logged(figures, assigned, in_year)
    figures.crdc.schools = {
        key: figures.crdc.schools[key] for key in figures.schools if key in figures.crdc.schools
    }  # by name, as every table
    figures.review = _review(year)
    _officers(figures, assigned)
    return figures


R = ContactRevision
V2 = R.dictionary_version >= 2
ACTION_SUMS = {
    action: count_if(getattr(R, column)) for action, column in rules.ACTION_COLUMNS.items()
}


def _contacts(figures: YearFigures, in_year: list) -> None:
    """The counts of contacts by school and classification (and dictionary version)."""
    query = (
        select(
            R.school_id,
            R.classification,
            V2.label("v2"),
            func.count().label("contacts"),
            sum_of(R.students_involved).label("students_involved"),
            *(total.label(action) for action, total in ACTION_SUMS.items()),
            count_if(R.enforcement).label("enforcement"),
            count_if(R.justified).label("justified"),
            count_if(R.action_restraint | R.action_use_of_force).label("injury_possible"),
            count_if(~R.enforcement & (R.students_described > 0)).label("unenforced_described"),
            sum_of(R.students_described).label("described"),
            sum_of(case((R.enforcement, R.students_described), else_=0)).label("in_enforcement"),
            count_if(R.crdc_referral).label("referrals"),
            count_if(R.crdc_arrest).label("crdc_arrests"),
            count_if(R.restraint_prone).label("prone"),
            count_if(R.parent_notified).label("parent_told"),
            count_if(R.principal_notified).label("principal_told"),
        )
        .where(*in_year)
        .group_by(R.school_id, R.classification, literal_column("v2"))
    )
    crdc = figures.crdc
    rows = db.session.execute(query).all()
    figures.schools = {  # by name; only the schools with contacts (a state has thousands)
        school.id: SchoolFigures(school.name)
        for school in school_names({row.school_id for row in rows})
    }
    for row in rows:
        school, classification, contacts = (
            figures.schools[row.school_id],
            row.classification,
            row.contacts,
        )
        for counts in (figures, school):
            counts.contacts += contacts
            counts.by_classification[classification] += contacts
            counts.actions.update({a: getattr(row, a) for a in ACTION_SUMS if getattr(row, a)})
            counts.enforcement += row.enforcement
            counts.discipline_enforcement += row.enforcement * (classification == "disciplinary")
        figures.students_involved += row.students_involved
        figures.justified += row.justified
        figures.injury_contacts += row.injury_possible
        figures.unenforced += contacts - row.enforcement
        figures.unenforced_described += row.unenforced_described
        figures.students_described += row.described
        figures.students_in_enforcement += row.in_enforcement
        if not row.v2:
            crdc.v1_entries += contacts
            continue
        counted = crdc.schools.setdefault(row.school_id, SchoolCrdc(school.name))
        counted.contacts += contacts
        counted.referrals += row.referrals
        counted.arrests += row.crdc_arrests
        crdc.restraints += row.restraint
        crdc.prone += row.prone
        crdc.enforcement += row.enforcement
        crdc.parent_told += row.parent_told
        crdc.principal_told += row.principal_told


def _months(figures: YearFigures, in_year: list) -> None:
    """The contacts by month and classification: a query of their own, not grouped with the
    schools', because the database cannot foresee how few months there are, and would plan
    (and spill to disk) for far more groups than the year has."""
    months = sorted(figures.by_month)
    month = period_of(R.occurred_at, [day_start(first) for first in months]).label("month")
    for classification, index, contacts in db.session.execute(
        select(R.classification, month, func.count())
        .where(*in_year)
        .group_by(R.classification, literal_column("month"))
    ):
        figures.by_month[months[index]][classification] += contacts


def _details(figures: YearFigures, in_year: list) -> None:
    """Injuries in restraints and uses of force; v2's search bases and detention lengths."""
    query = (
        select(
            V2.label("v2"),
            R.injuries,
            R.action_search,
            R.search_basis,
            R.action_detention,
            R.detention_minutes,
            func.count().label("contacts"),
            count_if(R.search_found_something).label("found"),
        )
        .where(*in_year, R.injuries.is_not(None) | R.action_search | R.action_detention)
        .group_by(
            literal_column("v2"),
            R.injuries,
            R.action_search,
            R.search_basis,
            R.action_detention,
            R.detention_minutes,
        )
    )
    crdc = figures.crdc
    for row in db.session.execute(query):
        if row.injuries is not None:
            figures.injuries[row.injuries] += row.contacts
        if not row.v2:
            continue
        if row.action_search:
            basis = row.search_basis or "not_recorded"
            crdc.searches[basis] += row.contacts
            crdc.hits[basis] += row.found
        if row.action_detention and row.detention_minutes:
            crdc.detention_minutes.extend([row.detention_minutes] * row.contacts)


ALTERNATIVES, RESTRAINT_TYPES = "justification.alternatives_tried", "restraint_types"


def _choices(figures: YearFigures, in_year: list) -> None:
    """The alternatives tried before enforcement, and v2's restraint types."""
    query = (
        select(RevisionChoice.field, RevisionChoice.choice, func.count())
        .join(R, R.id == RevisionChoice.revision_id)
        .where(
            *in_year,
            or_(
                and_(RevisionChoice.field == ALTERNATIVES, R.enforcement),
                and_(RevisionChoice.field == RESTRAINT_TYPES, R.action_restraint, V2),
            ),
        )
        .group_by(RevisionChoice.field, RevisionChoice.choice)
    )
    for name, choice, count in db.session.execute(query):
        counter = figures.alternatives if name == ALTERNATIVES else figures.crdc.restraint_types
        counter[choice] += count


STUDENT_DIMENSIONS = {  # the assessment's dimension: the student rows' column
    "perceived_race": RevisionStudent.race,
    "perceived_gender": RevisionStudent.gender,
    "perceived_disability": RevisionStudent.disability,
    "grade_band": RevisionStudent.grade_band,
}


def _students(figures: YearFigures, in_year: list) -> None:
    """The equity tables: described students by group, in enforcement, arrested, in force."""
    query = (
        select(
            *STUDENT_DIMENSIONS.values(),
            R.enforcement,
            R.action_arrest,
            R.action_use_of_force,
            func.count().label("students"),
        )
        .join(R, R.id == RevisionStudent.revision_id)
        .where(*in_year)
        .group_by(
            *STUDENT_DIMENSIONS.values(), R.enforcement, R.action_arrest, R.action_use_of_force
        )
    )
    for row in db.session.execute(query):
        for dimension, student_column in STUDENT_DIMENSIONS.items():
            group = getattr(row, student_column.key)
            if group is None:
                continue
            counts = figures.equity[dimension].setdefault(  # a value from older rules
                group, GroupFigures.named(group)
            )
            counts.students += row.students
            counts.in_enforcement += row.students * row.enforcement
            counts.arrested += row.students * row.action_arrest
            counts.force += row.students * row.action_use_of_force


FOREVER = datetime(9999, 1, 1, tzinfo=UTC)


def _where_logged(
    figures: YearFigures, assigned: dict[int, list[tuple[int, Assignment]]], in_year: list
) -> None:
    """Principle 11: the schools each officer logged contacts at, and how many contacts were at
    a school the officer was assigned to on the contact's day.

    An officer's contacts at a school all fall in one assignment (the usual case), or in none,
    by their first and last; only the contacts of an officer moved in the middle of them are
    counted one by one, by a second query.
    """
    spans = _assigned_spans(assigned)
    unsure = []
    for officer_id, school_id, contacts, first, last in db.session.execute(
        select(
            R.officer_id,
            R.school_id,
            func.count(),
            func.min(R.occurred_at),
            func.max(R.occurred_at),
        )
        .where(*in_year)
        .group_by(R.officer_id, R.school_id)
    ):
        figures.schools_logged[officer_id].add(school_id)
        held = spans.get((officer_id, school_id), [])
        if any(starts <= first and last < ends for starts, ends in held):
            figures.at_assigned_school += contacts
        elif any(starts <= last and first < ends for starts, ends in held):
            unsure.append((officer_id, school_id))
    if unsure:
        within = or_(
            *(
                and_(
                    R.officer_id == officer_id,
                    R.school_id == school_id,
                    or_(
                        *(
                            and_(R.occurred_at >= starts, R.occurred_at < ends)
                            for starts, ends in spans[officer_id, school_id]
                        )
                    ),
                )
                for officer_id, school_id in unsure
            )
        )
        figures.at_assigned_school += db.session.scalar(
            select(func.count()).where(*in_year, within)
        )


def _assigned_spans(
    assigned: dict[int, list[tuple[int, Assignment]]],
) -> dict[tuple[int, int], list[tuple[datetime, datetime]]]:
    """The times each officer was assigned to each school, by (officer, school): a day's
    assignment covers the district's whole day; overlapping ones are merged."""
    found = {}
    for officer_id, held in assigned.items():
        by_school = defaultdict(list)
        for school_id, assignment in held:
            ends = day_end(assignment.ends_on) if assignment.ends_on else FOREVER
            by_school[school_id].append((day_start(assignment.starts_on), ends))
        for school_id, spans in by_school.items():
            merged: list[list[datetime]] = []
            for starts, ends in sorted(spans):
                if merged and starts <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], ends)
                else:
                    merged.append([starts, ends])
            found[officer_id, school_id] = [(starts, ends) for starts, ends in merged]
    return found


HOUR = 3600  # seconds; the turnaround bands are whole hours


def _review(year: SchoolYear) -> ReviewFigures:
    """Principle 6: the decisions on the year's entries, and what still waits.

    Read from the year's revisions alone (each decided one keeps its wait): one count by
    status and hour of waiting gives the totals, the bands and which hour holds each rank the
    percentiles need; one more reads the exact wait at each of those ranks.
    """
    start, end = year.bounds()
    in_year = (R.occurred_at >= start, R.occurred_at < end)
    hour = (R.seconds_to_decision // HOUR).label("hour")
    review, by_hour = ReviewFigures(), Counter()
    for status, current, hours, count, oldest in db.session.execute(
        select(R.status, R.is_current, hour, func.count(), func.min(R.received_at))
        .where(
            *in_year,
            or_(R.seconds_to_decision.is_not(None), R.is_current & (R.status == "submitted")),
        )
        .group_by(R.status, R.is_current, hour)
    ):
        if hours is None:  # its current revision waits for a supervisor
            review.waiting, review.oldest_waiting = count, oldest
            continue
        by_hour[hours] += count
        review.decisions += count
        if status == "returned":
            review.returns += count
            review.with_officer += count * current  # waiting for the officer to fix it
    if not review.decisions:
        return review
    review.entries_returned = db.session.scalar(
        select(func.count(func.distinct(R.contact_id))).where(*in_year, R.status == "returned")
    )
    for hours, count in by_hour.items():
        band = next(i for i, (limit, _) in enumerate(TURNAROUND_BANDS) if hours < limit)
        review.band_counts[band] += count
    review.hours_at = _nearest_ranks(by_hour, review.decisions, in_year)
    return review


def _nearest_ranks(by_hour: Counter, decisions: int, in_year: tuple) -> dict[int, float]:
    """The waits (in hours) at the ranks the median and the 90th percentile need, 1 = quickest:
    each rank's hour of waiting from the counts by hour, then its place among that hour's
    waits, read from the index of waits (one short range a rank)."""
    wanted = {(decisions + 1) // 2, decisions // 2 + 1, percentile_rank(decisions, 0.9)}
    seconds, below, places = R.seconds_to_decision, 0, []
    for hours in sorted(by_hour):
        for rank in wanted:
            if below < rank <= below + by_hour[hours]:
                places.append(
                    select(literal(rank).label("rank"), seconds.label("wait"))
                    .where(*in_year, seconds.between(hours * HOUR, hours * HOUR + HOUR - 1))
                    .order_by(seconds)
                    .offset(rank - below - 1)
                    .limit(1)
                    .subquery()
                )
        below += by_hour[hours]
    ranked = union_all(*(select(place) for place in places))
    return {rank: wait / HOUR for rank, wait in db.session.execute(ranked)}


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
    officers = {  # plain rows: a state has thousands of officers, and a pseudonym needs two columns
        officer.id: officer
        for officer in db.session.execute(
            select(User.id, User.username).where(User.role == "officer").order_by(User.id)
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
