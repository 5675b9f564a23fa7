"""The record and the filters every screen narrows it with, written once.

"The record" is each contact's latest approved revision (models.RECORD_REVISION).
The review queue, the exports (web and command line), the audit trail, the annual
assessment and the public summary all narrow it, or the entries waiting for review,
with one `RecordFilter`, and bound days the same way: a day is the district's day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import Row, case, func, select

from logger import rules
from logger.core.clock import DAY_HELP, day_end, day_start, parse_day
from logger.core.models import ContactRevision, RevisionFlag, School
from logger.extensions import db

BATCH = 1000  # rows streamed at a time
MAX_ID_DIGITS = 9  # any id this long fits a database integer on every engine
FILTERS = ("date_from", "date_to", "school_id", "officer_id", "classification", "flag")


def record_id(text: str) -> int | None:
    """An id as typed in a query or a form (plain digits that fit the database), else None."""
    return int(text) if text.isdecimal() and len(text) <= MAX_ID_DIGITS else None


def within_days(column, first: date | None, last: date | None) -> list:
    """SQL conditions: `column` falls on one of the district's days from first to last."""
    found = []
    if first:
        found.append(column >= day_start(first))
    if last:
        found.append(column < day_end(last))
    return found


@dataclass
class RecordFilter:
    """Which entries: by the day they happened, school, officer, classification, flag.

    Every filter is optional; `problems` says what a query string held that could
    not be read, and so was not applied.
    """

    date_from: date | None = None
    date_to: date | None = None
    school_id: int | None = None
    officer_id: int | None = None
    classification: str | None = None
    flag: str | None = None
    problems: list[str] = field(default_factory=list, compare=False)

    @classmethod
    def from_args(cls, args) -> RecordFilter:
        """Read a query string; what cannot be read is reported, not applied."""
        chosen = cls()
        for name in ("officer_id", "school_id"):
            value = args.get(name, "")
            if record_id(value) is not None:
                setattr(chosen, name, record_id(value))
            elif value:
                chosen.problems.append(f"Ignored an unknown {name.split('_')[0]}.")
        if args.get("flag") in rules.FLAGS:
            chosen.flag = args["flag"]
        if args.get("classification") in rules.CLASSIFICATIONS:
            chosen.classification = args["classification"]
        for name in ("date_from", "date_to"):
            try:
                setattr(chosen, name, parse_day(args.get(name, "")))
            except ValueError:
                chosen.problems.append(DAY_HELP)
        return chosen

    def conditions(self, without: tuple[str, ...] = ()) -> list:
        """SQL conditions on revisions for every filter but those `without` (so counts can
        show what each choice would give)."""
        found = within_days(ContactRevision.occurred_at, self.date_from, self.date_to)
        if self.officer_id and "officer_id" not in without:
            found.append(ContactRevision.officer_id == self.officer_id)
        if self.school_id and "school_id" not in without:
            found.append(ContactRevision.school_id == self.school_id)
        if self.classification and "classification" not in without:
            found.append(ContactRevision.classification == self.classification)
        if self.flag and "flag" not in without:
            found.append(
                ContactRevision.id.in_(
                    select(RevisionFlag.revision_id).where(RevisionFlag.flag == self.flag)
                )
            )
        return found

    def chosen(self) -> dict:
        """The filters in use, as plain values (dates as ISO text), for the audit trail."""
        return {
            name: value.isoformat() if isinstance(value, date) else value
            for name in FILTERS
            if (value := getattr(self, name)) is not None
        }


def in_record(start: datetime | None, end: datetime) -> list:
    """SQL conditions on revisions: the record, for contacts that happened from start to end."""
    found = [ContactRevision.is_record, ContactRevision.occurred_at < end]
    if start is not None:
        found.append(ContactRevision.occurred_at >= start)
    return found


def count_if(condition):
    """SQL: how many rows of the group meet the condition (NULL counts as not)."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def sum_of(column):
    """SQL: the sum of a column over the group, 0 for none."""
    return func.coalesce(func.sum(column), 0)


def period_of(column, starts: list[datetime]):
    """SQL: the index of the period a moment falls in, periods starting at each of `starts`
    (sorted; the first is 0, a moment before it too)."""
    if len(starts) == 1:
        return sa.literal_column("0")
    return case(
        *((column < start, index) for index, start in enumerate(starts[1:])), else_=len(starts) - 1
    )


def schools_by_name(ids: Iterable[int] | None = None) -> list[School]:
    """Every school (or those of `ids`), by name, as every list and filter of schools shows
    them."""
    chosen = select(School) if ids is None else select(School).where(School.id.in_(list(ids)))
    return db.session.scalars(chosen.order_by(School.name)).all()


def school_names(ids: Iterable[int]) -> list[Row]:
    """(id, code, name) of these schools, by name: plain rows, for the tables that list a
    year's schools (a state's thousands, no need of their objects)."""
    return db.session.execute(
        select(School.id, School.code, School.name)
        .where(School.id.in_(list(ids)))
        .order_by(School.name)
    ).all()
