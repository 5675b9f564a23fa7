"""The public transparency summary (COPS principle 7): counts anyone may read, small ones hidden.

Approved contacts by school and calendar quarter — each classification, and
each enforcement action; then, from data dictionary v2, the contacts that were
CRDC referrals to law enforcement or school-related arrests, restraints that
held a student face down, searches that found something and the searches' hit
rate. No officer, no narrative, no student descriptor appears. Every number
published is worked out from the others shown, never from a hidden one:

- a count from 1 to 9 is shown as "<10";
- in a school and quarter where a classification count is hidden, an
  enforcement count (or a v2 count) of 10 or more is shown as "10+" (an action
  happens in a contact, so an exact 18 arrests would say the hidden contacts
  were 9 and 9);
- a v2 count is "not recorded" in a school and quarter with any entry recorded
  under v1, which was never asked these facts; a hit rate is shown only where
  both its counts are exact;
- a total (a school's "All contacts", any "All schools") is exact only when
  everything it adds up is shown exactly; otherwise it adds up what is shown
  ("10+" as 10) and is marked "+", e.g. "44+".

A quarter is counted SETTLE_DAYS after it ends, so that late reviews are in,
and then kept as first counted: recounting it after a late correction would
let anyone compare the two versions and work out a hidden count. Counting is
a write, done when an admin publishes or asks for it and by a daily command;
reading the summary never writes. Off until an admin publishes it.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, literal_column, select

from logger import rules
from logger.core import audit, clock
from logger.core.clock import day_start, to_local
from logger.core.models import ContactRevision, Setting, User
from logger.core.record import count_if, in_record, period_of, schools_by_name
from logger.evaluation import crdc_figures
from logger.evaluation.data_dictionary import spreadsheet_safe
from logger.extensions import db

SETTING = "public_summary"
PUBLISHED, WITHDRAWN = "public_summary.published", "public_summary.withdrawn"  # audit actions
QUARTERS = "public_summary_quarters"  # each quarter's table, as first published
# Of the stored tables; a change of their form starts them again. A measure added later is
# "not recorded" in the quarters counted before it (a recount could reveal a hidden count).
FORMAT = 1
SETTLE_DAYS = 30
SMALLEST_SHOWN = 10
SUPPRESSED = "<10"
AT_LEAST = "10+"
NOT_RECORDED = "not recorded"
NO_RATE = "—"
ALL_CONTACTS = "all_contacts"
MEASURES = (*rules.CLASSIFICATIONS, ALL_CONTACTS, *rules.ENFORCEMENT_ACTIONS)
FACTS = crdc_figures.CONTACT_FACTS  # counted in entries recorded under data dictionary v2
HIT_RATE = "search_hit_rate"
V2_MEASURES = (*FACTS, HIT_RATE)
COLUMNS = (*MEASURES, *V2_MEASURES)  # the CSV's, after the quarter and the school
UNDER_V1 = "recorded_under_v1"  # counted, never published: the facts are then not recorded
MEASURE_LABELS = {
    ALL_CONTACTS: "All contacts",
    crdc_figures.REFERRAL: "Referrals to law enforcement (CRDC)",
    crdc_figures.ARREST: "School-related arrests (CRDC)",
    crdc_figures.PRONE: "Restraints holding a student face down",
    crdc_figures.FOUND: "Searches that found something",
    HIT_RATE: "Share of searches that found something",
}
ALL_SCHOOLS = "All schools"
R = ContactRevision
ACTIONS = rules.ACTION_COLUMNS  # each enforcement action's column on revisions


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
    def following(self) -> Quarter:
        return Quarter(self.year + self.number // 4, self.number % 4 + 1)

    @property
    def key(self) -> str:
        """'2026-Q1', as in the CSV."""
        return f"{self.year}-Q{self.number}"

    @property
    def label(self) -> str:
        """'2026 Q1 (January–March)'."""
        first, last = (
            self.first_day.strftime("%B"),
            date(self.year, 3 * self.number, 1).strftime("%B"),
        )
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


def set_published(
    admin: User, published: bool, client_addr: str | None, at: datetime | None = None
) -> None:
    """Publish or withdraw the summary, on the record (at: when, if not now: the demo's
    history); the caller commits."""
    at = at or clock.utcnow()
    setting = db.session.get(Setting, SETTING) or Setting(name=SETTING)
    setting.value, setting.changed_at, setting.changed_by_id = (
        {"published": published},
        at,
        admin.id,
    )
    db.session.add(setting)
    audit.record(PUBLISHED if published else WITHDRAWN, actor=admin, client_addr=client_addr, at=at)


def shown(count: int) -> int | str:
    """A count as published: 0 and counts of 10 or more as they are, 1 to 9 as '<10'."""
    return count if count == 0 or count >= SMALLEST_SHOWN else SUPPRESSED


def adjusted(values: list[int | str]) -> int | str:
    """The total of published values: exact when all are exact, else what is shown, and '+'
    ("not recorded" when nothing was)."""
    if all(isinstance(value, int) for value in values):
        return sum(values)
    if all(value == NOT_RECORDED for value in values):
        return NOT_RECORDED
    visible = sum(
        value if isinstance(value, int) else SMALLEST_SHOWN if value == AT_LEAST else 0
        for value in values
    )
    return f"{visible}+"


def hit_rate(row: dict[str, int | str]) -> str:
    """The share of searches that found something, where both counts are shown exactly."""
    searches, found = row["search"], row[crdc_figures.FOUND]
    if isinstance(searches, int) and isinstance(found, int) and searches:
        return f"{found * 100 / searches:.1f}%"
    return NO_RATE


def school_row(counts: Counter) -> dict[str, int | str]:
    """One school's quarter as published."""
    row = {kind: shown(counts[kind]) for kind in rules.CLASSIFICATIONS}
    contacts_hidden = SUPPRESSED in row.values()
    for measure in (*rules.ENFORCEMENT_ACTIONS, *FACTS):
        row[measure] = (
            AT_LEAST
            if contacts_hidden and counts[measure] >= SMALLEST_SHOWN
            else shown(counts[measure])
        )
    if counts[UNDER_V1]:
        row.update(dict.fromkeys(FACTS, NOT_RECORDED))
    row[ALL_CONTACTS] = adjusted([row[kind] for kind in rules.CLASSIFICATIONS])
    row[HIT_RATE] = hit_rate(row)
    return row


def quarter_table(quarter: Quarter, schools: list[tuple[str, Counter]]) -> QuarterTable:
    """A quarter's published rows: each school's, then the totals of all schools."""
    rows = [(name, school_row(counts)) for name, counts in schools]
    district = {
        measure: adjusted([row[measure] for _, row in rows])
        for measure in (*MEASURES, *FACTS)
        if measure != ALL_CONTACTS
    }
    district[ALL_CONTACTS] = adjusted(
        [row[kind] for _, row in rows for kind in rules.CLASSIFICATIONS]
    )
    district[HIT_RATE] = hit_rate(district)
    return QuarterTable(quarter, [*rows, (ALL_SCHOOLS, district)])


def counts(start: date | None, end: date) -> dict[Quarter, dict[int, Counter]]:
    """Approved contacts per quarter and school, of each classification, action and v2 fact (and
    how many were recorded under v1), in [start, end): added up by the database."""
    table: dict[Quarter, dict[int, Counter]] = defaultdict(lambda: defaultdict(Counter))
    in_range = in_record(day_start(start) if start else None, day_start(end))
    if start is None:
        first = db.session.scalar(select(func.min(R.occurred_at)).where(*in_range))
        if first is None:
            return table
        start = to_local(first).date()
    quarters = [Quarter.containing(start)]
    while quarters[-1].following.first_day < end:
        quarters.append(quarters[-1].following)
    quarter = period_of(R.occurred_at, [day_start(q.first_day) for q in quarters])
    query = (
        select(
            quarter.label("quarter"),
            R.school_id,
            R.classification,
            (R.dictionary_version >= 2).label("v2"),
            func.count().label("contacts"),
            *(count_if(getattr(R, column)).label(action) for action, column in ACTIONS.items()),
            *(
                count_if(getattr(R, column)).label(fact)
                for fact, column in crdc_figures.FACT_COLUMNS.items()
            ),
        )
        .where(*in_range)
        .group_by(literal_column("quarter"), R.school_id, R.classification, literal_column("v2"))
    )
    for row in db.session.execute(query):
        cell = table[quarters[row.quarter]][row.school_id]
        cell[row.classification] += row.contacts
        if not row.v2:
            cell[UNDER_V1] += row.contacts
        measures = (*ACTIONS, *(FACTS if row.v2 else ()))
        cell.update(
            {measure: getattr(row, measure) for measure in measures if getattr(row, measure)}
        )
    return table


def settled_before(today: date) -> Quarter:
    """The first quarter that has not yet ended SETTLE_DAYS ago."""
    return Quarter.containing(today - timedelta(days=SETTLE_DAYS))


def published_summary() -> list[QuarterTable]:
    """Every quarter counted so far, newest first, each as first counted. Reads only."""
    tables, _ = _kept()
    return _newest_first(tables)


def preview(today: date) -> list[QuarterTable]:
    """What the summary will show once the quarters settled by today are counted. Reads only."""
    tables, counted_before = _kept()
    return _newest_first(tables + _settled_since(counted_before, today))


def uncounted(today: date) -> bool:
    """Whether quarters, or a school year, have settled since the last count."""
    from logger.public import program_summary  # it reads the rates, which read this module

    _, counted_before = _kept()
    return counted_before != settled_before(today).first_day or program_summary.year_uncounted(
        today
    )


def count_settled(today: date, actor: User | None, client_addr: str | None) -> None:
    """Count the quarters settled since the last count and keep them for good, on the record;
    then the school year that has settled (program_summary.count_year).

    Done when an admin publishes or asks for it, or by `flask count-public-summary`
    (daily, from cron), never by a page view. The caller commits.
    """
    from logger.public import program_summary  # it reads the rates, which read this module

    tables, counted_before = _kept()
    settled = settled_before(today).first_day
    new = _settled_since(counted_before, today)
    if counted_before != settled:
        stored = db.session.get(Setting, QUARTERS) or Setting(name=QUARTERS)
        stored.value = {
            "format": FORMAT,
            "counted_before": settled.isoformat(),
            "quarters": {
                table.quarter.key: {
                    "quarter": [table.quarter.year, table.quarter.number],
                    "rows": table.rows,
                }
                for table in tables + new
            },
        }
        stored.changed_at = clock.utcnow()
        db.session.add(stored)
    if new:
        audit.record(
            "public_summary.counted",
            actor=actor,
            client_addr=client_addr,
            detail={
                "quarters": [table.quarter.key for table in new],
                "counted_before": settled.isoformat(),
            },
        )
    program_summary.count_year(today, tables + new, actor, client_addr)


def _kept() -> tuple[list[QuarterTable], date | None]:
    """The quarters counted so far, and the day the count reached (None before the first)."""
    stored = db.session.get(Setting, QUARTERS)
    kept = stored.value if stored and stored.value.get("format") == FORMAT else {}
    tables = [
        QuarterTable(
            Quarter(*value["quarter"]),
            [
                (school, {**dict.fromkeys(V2_MEASURES, NOT_RECORDED), **row})
                for school, row in value["rows"]
            ],
        )
        for value in kept.get("quarters", {}).values()
    ]
    return tables, date.fromisoformat(kept["counted_before"]) if kept else None


def _settled_since(counted_before: date | None, today: date) -> list[QuarterTable]:
    """The tables of the quarters with approved contacts settled since counted_before."""
    settled = settled_before(today).first_day
    if counted_before == settled:
        return []
    schools = [(school.id, school.name) for school in schools_by_name()]
    return [
        quarter_table(quarter, [(name, by_school[school_id]) for school_id, name in schools])
        for quarter, by_school in counts(counted_before, settled).items()
    ]


def _newest_first(tables: list[QuarterTable]) -> list[QuarterTable]:
    return sorted(tables, key=lambda table: table.quarter, reverse=True)


def measure_label(measure: str) -> str:
    """The column heading of a measure."""
    return MEASURE_LABELS.get(measure) or rules.label(measure)


def csv_text(tables: list[QuarterTable]) -> str:
    """The summary as CSV: one row per quarter and school, then all schools."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["quarter", "school", *COLUMNS])
    for table in tables:
        for school, row in table.rows:
            writer.writerow(
                [
                    spreadsheet_safe(cell)
                    for cell in (table.quarter.key, school, *(row[measure] for measure in COLUMNS))
                ]
            )
    return buffer.getvalue()
