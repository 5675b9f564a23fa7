"""The public transparency summary (COPS principle 7): counts anyone may read, small ones hidden.

Approved contacts by school and calendar quarter — each classification, and
each enforcement action — for every quarter that has ended. No officer, no
narrative, no student descriptor appears. A count from 1 to 9 is shown as
"<10", and totals never give a hidden count away:

- a school's "All contacts" is exact only when its three classification
  counts are all shown; otherwise it adds up the shown ones and is marked
  "+" (e.g. "44+");
- an "All schools" total is exact (or "<10") only when every hidden count it
  adds up could still be any of at least PROTECTION values (1 to 9) given the
  total and the shown counts; otherwise it too adds up the shown ones, "+".

Each hidden count is then in at most one exact sum (its column's), so no
subtraction, alone or combined with others, pins it down. Off until an admin
publishes it.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError

from . import audit, rules
from .clock import day_start, to_local, utcnow
from .database import begin_writing
from .extensions import db
from .models import Contact, ContactRevision, ReviewDecision, School, Setting, User

SETTING = "public_summary"
CACHE = "public_summary_cache"
SMALLEST_SHOWN = 10
SUPPRESSED = "<10"
PROTECTION = 5  # a hidden count must stay among at least this many possible values
BATCH = 1000
ALL_CONTACTS = "all_contacts"
MEASURES = (*rules.CLASSIFICATIONS, ALL_CONTACTS, *rules.ENFORCEMENT_ACTIONS)
MEASURE_LABELS = {ALL_CONTACTS: "All contacts"}
ALL_SCHOOLS = "All schools"


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter."""

    year: int
    number: int  # 1 to 4

    @classmethod
    def containing(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def label(self) -> str:
        """'2026 Q1 (January–March)'."""
        first, last = self.first_day.strftime("%B"), date(self.year, 3 * self.number, 1).strftime("%B")
        return f"{self.year} Q{self.number} ({first}–{last})"


@dataclass
class QuarterTable:
    """One quarter's published rows: each school, then all schools."""

    quarter: Quarter
    rows: list[tuple[str, dict[str, int | str]]]


def is_published() -> bool:
    """Whether an admin has published the summary."""
    setting = db.session.get(Setting, SETTING)
    return bool(setting and setting.value.get("published"))


def set_published(admin: User, published: bool, client_addr: str | None) -> None:
    """Publish or withdraw the summary, on the record; the caller commits."""
    setting = db.session.get(Setting, SETTING) or Setting(name=SETTING)
    setting.value, setting.changed_at, setting.changed_by_id = (
        {"published": published}, utcnow(), admin.id)
    db.session.add(setting)
    audit.record("public_summary.published" if published else "public_summary.withdrawn",
                 actor=admin, client_addr=client_addr)


def shown(count: int) -> int | str:
    """A count as published: 0 and counts of 10 or more as they are, 1 to 9 as '<10'."""
    return count if count == 0 or count >= SMALLEST_SHOWN else SUPPRESSED


def adjusted(counts: list[int]) -> int | str:
    """The exact sum if every count is shown, else the sum of those shown, marked '+'."""
    visible = sum(count for count in counts if shown(count) != SUPPRESSED)
    return visible if visible == sum(counts) else f"{visible}+"


def protected(counts: list[int]) -> int | str:
    """The sum as published (exact, or '<10'), unless that would narrow a hidden count to fewer
    than PROTECTION possible values; then adjusted()."""
    hidden = sum(shown(count) == SUPPRESSED for count in counts)
    exact = sum(counts)
    if not hidden:
        return exact
    remainder = exact - sum(count for count in counts if shown(count) != SUPPRESSED)
    low, high = (1, SMALLEST_SHOWN - 1) if shown(exact) == SUPPRESSED else (remainder, remainder)
    if possible_values(hidden, low, high) >= PROTECTION:
        return shown(exact)
    return adjusted(counts)


def possible_values(hidden: int, low: int, high: int) -> int:
    """How many values one of `hidden` counts, each 1 to 9, can take when they add up to
    something from low to high."""
    smallest = max(1, low - (SMALLEST_SHOWN - 1) * (hidden - 1))
    largest = min(SMALLEST_SHOWN - 1, high - (hidden - 1))
    return max(largest - smallest + 1, 0)


def counts(before: date) -> dict[Quarter, dict[int, Counter]]:
    """Approved contacts per quarter and school, of each classification and action, before a day."""
    table: dict[Quarter, dict[int, Counter]] = defaultdict(lambda: defaultdict(Counter))
    result = db.session.execute(
        select(ContactRevision.school_id, ContactRevision.occurred_at, ContactRevision.content)
        .join(Contact, and_(Contact.id == ContactRevision.contact_id,
                            Contact.current_revision == ContactRevision.number))
        .where(ContactRevision.status == "approved", ContactRevision.occurred_at < day_start(before))
        .execution_options(yield_per=BATCH))
    for school_id, occurred_at, content in result:
        cell = table[Quarter.containing(to_local(occurred_at).date())][school_id]
        cell[content["classification"]] += 1
        cell.update(a for a in rules.ENFORCEMENT_ACTIONS if a in content.get("actions", ()))
    return table


def summary(today: date) -> list[QuarterTable]:
    """Every quarter that has ended, newest first, as published (suppressed and adjusted)."""
    schools = db.session.execute(select(School.id, School.name).order_by(School.name)).all()
    tables = []
    for quarter, by_school in sorted(counts(Quarter.containing(today).first_day).items(),
                                     reverse=True):
        rows = []
        for school_id, name in schools:
            cell = by_school[school_id]
            row = {measure: shown(cell[measure]) for measure in MEASURES if measure != ALL_CONTACTS}
            row[ALL_CONTACTS] = adjusted([cell[kind] for kind in rules.CLASSIFICATIONS])
            rows.append((name, row))
        district = {measure: protected([by_school[school_id][measure] for school_id, _ in schools])
                    for measure in MEASURES if measure != ALL_CONTACTS}
        district[ALL_CONTACTS] = _sum_of_published([district[k] for k in rules.CLASSIFICATIONS])
        tables.append(QuarterTable(quarter, [*rows, (ALL_SCHOOLS, district)]))
    return tables


def _sum_of_published(values: list[int | str]) -> int | str:
    """The sum of published totals: exact when all are exact, else the exact part and '+'."""
    exact = sum(value if isinstance(value, int) else int(value.removesuffix("+"))
                for value in values if value != SUPPRESSED)
    return exact if all(isinstance(value, int) for value in values) else f"{exact}+"


def published_summary(today: date) -> list[QuarterTable]:
    """summary(), kept in the database and made again only when what it counts has changed.

    The public page may be opened often; the record changes only through new
    revisions and decisions (never an update in place or a delete), so their
    highest ids, the schools and the quarter say whether the stored one holds.
    """
    version = _record_version(today)
    stored = db.session.get(Setting, CACHE)
    if stored is not None and stored.value.get("version") == version:
        return [QuarterTable(Quarter(*table["quarter"]), [tuple(row) for row in table["rows"]])
                for table in stored.value["tables"]]
    tables = summary(today)
    begin_writing()
    stored = db.session.get(Setting, CACHE) or Setting(name=CACHE)
    stored.value = {"version": version, "tables": [
        {"quarter": [table.quarter.year, table.quarter.number], "rows": table.rows}
        for table in tables]}
    stored.changed_at = utcnow()
    db.session.add(stored)
    try:
        db.session.commit()
    except IntegrityError:  # another request stored it at the same moment
        db.session.rollback()
    return tables


def _record_version(today: date) -> list:
    schools = db.session.execute(select(School.id, School.name).order_by(School.id)).all()
    return [Quarter.containing(today).first_day.isoformat(),
            db.session.scalar(select(func.max(ContactRevision.id))),
            db.session.scalar(select(func.max(ReviewDecision.id))),
            [list(school) for school in schools]]


def measure_label(measure: str) -> str:
    """The column heading of a measure."""
    return MEASURE_LABELS.get(measure) or rules.label(measure)


def csv_text(tables: list[QuarterTable]) -> str:
    """The summary as CSV: one row per quarter and school, then all schools."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["quarter", "school", *MEASURES])
    for table in tables:
        for school, row in table.rows:
            writer.writerow([f"{table.quarter.year}-Q{table.quarter.number}", school,
                             *(row[measure] for measure in MEASURES)])
    return buffer.getvalue()
