"""Rates for the annual assessment with enrollment as their denominator (admin/enrollment.py).

Counts come from the record read as the assessment reads it: each contact's latest approved
revision, for contacts that happened in the school year (`core.record.in_record`). A contact
is an enforcement contact when it holds any of the enforcement actions (rules), as in the
assessment's tables.

- `rates`: both of these, added up by the database from the record's queryable facts (a
  contact's `enforcement`, its described students' groups: rules/facts.py); `school_rates`
  and `group_rates` give one each.
- `school_rates`: per school, contacts and enforcement contacts per 1,000 students enrolled.
- `group_rates`: per student group, enforcement per 1,000 students of the group enrolled,
  beside the same rate for all other students, and their ratio (the relative rate). An
  *event* is a student described in an enforcement contact — the assessment's equity count
  ("in enforcement"): the log holds no identities, so a student in two such contacts counts
  twice, and the rate is of events per 1,000 enrolled, not of distinct students. A student is
  put in groups as the assessment puts them (two or more perceived races: `two_or_more`).
  Only schools whose enrollment for the year gives the dimension count, for both the
  enrollment and the events; students whose officer did not record the dimension (limited
  English is optional) are in neither the group nor the others, and counted apart.

The groups of the events are the officer's perception; enrollment is the district's records.
A rate is not worked out (None) where either side of the comparison has fewer than SMALLEST
(10) students enrolled, or from 1 to SMALLEST - 1 events: the public summary's threshold,
which shows 0 and hides 1 to 9. This is for reliability — so few swing too widely to read —
not privacy: the counts stay for the evaluator.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select

from logger.admin import enrollment
from logger.core.clock import SchoolYear
from logger.core.models import ContactRevision, RevisionStudent
from logger.core.record import count_if, in_record, school_names
from logger.evaluation.assessment import rate
from logger.extensions import db
from logger.public.summary import SMALLEST_SHOWN as SMALLEST

PER = 1000


def per_thousand(count: int, students: int | None) -> float | None:
    """count per 1,000 students; None without students."""
    return rate(count, students or 0, PER)


@dataclass(frozen=True)
class SchoolRate:
    """One school's contacts and enforcement contacts in a year, per 1,000 students."""

    school_id: int
    code: str
    name: str
    students: int | None  # total enrollment; None: none imported for the year
    contacts: int
    enforcement: int  # contacts with an enforcement action
    contacts_per_1000: float | None
    enforcement_per_1000: float | None

    @property
    def enrolled(self) -> bool:
        """Whether the school's enrollment for the year was imported."""
        return self.students is not None


@dataclass(frozen=True)
class GroupRate:
    """One student group's enforcement per 1,000 enrolled, beside all other students'."""

    group: str  # as in the enrollment file: "race:black"
    dimension: str  # "race"
    label: str  # "Race: Black"
    schools: int  # schools whose enrollment gives this dimension: the figures are theirs
    enrolled: int
    events: int  # students of the group described in enforcement contacts
    others_enrolled: int
    others_events: int
    unrecorded: int  # students in enforcement contacts whose dimension was not recorded
    rate: float | None  # events per 1,000 enrolled
    others_rate: float | None
    relative_rate: float | None  # rate / others_rate
    suppressed: bool  # fewer than SMALLEST enrolled, or 1 to 9 events, on either side: no rates


@dataclass
class _Counts:
    """What both kinds of rate count from the year's record."""

    contacts: Counter = field(default_factory=Counter)  # school id: contacts
    enforcement: Counter = field(default_factory=Counter)  # school id: enforcement contacts
    events: dict = field(default_factory=lambda: defaultdict(Counter))  # school: by group
    recorded: dict = field(default_factory=lambda: defaultdict(Counter))  # school: by dimension
    described: Counter = field(default_factory=Counter)  # school: students in enforcement


def rates(
    year: SchoolYear, *, groups: bool = True, counted: dict[int, tuple[int, int]] | None = None
) -> tuple[list[SchoolRate], list[GroupRate]]:
    """The school rates and the group rates of a year, added up by the database; without
    `groups`, no group rates (their students are not counted). `counted`: each school's
    contacts and enforcement contacts in the year's record, when the caller has them already
    (the assessment has), so the year is not read again for them."""
    enrolled = enrollment.by_school(year.first)
    counts = _Counts()
    in_year = in_record(*year.bounds())
    R = ContactRevision
    if counted is None:
        counted = {
            school_id: (contacts, enforcement)
            for school_id, contacts, enforcement in db.session.execute(
                select(R.school_id, func.count(), count_if(R.enforcement))
                .where(*in_year)
                .group_by(R.school_id)
            )
        }
    for school_id, (contacts, enforcement) in counted.items():
        counts.contacts[school_id] += contacts
        counts.enforcement[school_id] += enforcement
    if not groups:
        return _school_rates(enrolled, counts), []
    by_group = [getattr(RevisionStudent, dimension) for dimension in enrollment.DIMENSIONS]
    events = (
        select(R.school_id, *by_group, func.count().label("students"))
        .join(R, R.id == RevisionStudent.revision_id)
        .where(*in_year, R.enforcement, R.school_id.in_(list(enrolled)))
        .group_by(R.school_id, *by_group)
    )
    for row in db.session.execute(events) if enrolled else ():
        counts.described[row.school_id] += row.students
        for dimension in enrollment.DIMENSIONS:
            value = getattr(row, dimension)
            if value is not None:
                counts.events[row.school_id][f"{dimension}:{value}"] += row.students
                counts.recorded[row.school_id][dimension] += row.students
    return _school_rates(enrolled, counts), _group_rates(enrolled, counts)


def school_rates(year: SchoolYear) -> list[SchoolRate]:
    """Each school with contacts or enrollment in the year, by name."""
    return rates(year, groups=False)[0]


def group_rates(year: SchoolYear) -> list[GroupRate]:
    """Each group of each dimension that some school's enrollment for the year gives, in the
    enrollment file's order."""
    return rates(year)[1]


def _school_rates(enrolled: dict, counts: _Counts) -> list[SchoolRate]:
    return [
        school_rate(
            school.id,
            school.code,
            school.name,
            enrolled.get(school.id, {}).get(enrollment.TOTAL),
            counts.contacts[school.id],
            counts.enforcement[school.id],
        )
        for school in school_names(_with_enrollment_or_contacts(enrolled, counts))
    ]


def _with_enrollment_or_contacts(enrolled: dict, counts: _Counts) -> set[int]:
    """The schools a year's rates list: a state has thousands, most with neither."""
    return set(enrolled) | {school_id for school_id, n in counts.contacts.items() if n}


def school_rate(
    school_id: int, code: str, name: str, students: int | None, contacts: int, enforcement: int
) -> SchoolRate:
    """A school's row, its rates worked out from its counts."""
    return SchoolRate(
        school_id,
        code,
        name,
        students,
        contacts,
        enforcement,
        per_thousand(contacts, students),
        per_thousand(enforcement, students),
    )


def _group_rates(enrolled: dict, counts: _Counts) -> list[GroupRate]:
    events, recorded, described = counts.events, counts.recorded, counts.described
    found = []
    for dimension, (_, _, values) in enrollment.DIMENSIONS.items():
        covering = [
            school_id
            for school_id, counts in enrolled.items()
            if any(group.startswith(f"{dimension}:") for group in counts)
        ]
        if not covering:
            continue
        total = sum(enrolled[school_id][enrollment.TOTAL] for school_id in covering)
        in_dimension = sum(recorded[school_id][dimension] for school_id in covering)
        unrecorded = sum(described[school_id] for school_id in covering) - in_dimension
        for value in values:
            group = f"{dimension}:{value}"
            students = sum(enrolled[school_id].get(group, 0) for school_id in covering)
            count = sum(events[school_id][group] for school_id in covering)
            found.append(
                group_rate(
                    group,
                    len(covering),
                    students,
                    count,
                    total - students,
                    in_dimension - count,
                    unrecorded,
                )
            )
    return found


def group_rate(
    group: str,
    schools: int,
    enrolled: int,
    events: int,
    others_enrolled: int,
    others_events: int,
    unrecorded: int = 0,
) -> GroupRate:
    """A group's row, its rates worked out from its counts (None where suppressed)."""
    suppressed = min(enrolled, others_enrolled) < SMALLEST or any(
        0 < count < SMALLEST for count in (events, others_events)
    )
    mine, theirs = per_thousand(events, enrolled), per_thousand(others_events, others_enrolled)
    relative = mine / theirs if mine is not None and theirs else None
    if suppressed:
        mine = theirs = relative = None
    return GroupRate(
        group,
        group.partition(":")[0],
        enrollment.group_label(group),
        schools,
        enrolled,
        events,
        others_enrolled,
        others_events,
        unrecorded,
        mine,
        theirs,
        relative,
        suppressed,
    )
