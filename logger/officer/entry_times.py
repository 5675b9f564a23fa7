"""Seconds per entry: how long new entries took on the phone, kept as durations only, and
their medians by week and by officer (under the exports' pseudonym) for the admin and the
assessment."""

from __future__ import annotations

import statistics
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from logger import rules
from logger.core import clock
from logger.core.models import EntryTiming, User
from logger.extensions import db

WEEKS_SHOWN = 12


def record(
    contact_id: uuid.UUID, officer_id: int, timing: object, *, saved_at: datetime
) -> str | None:
    """Keep a new entry's timing; say why when it cannot be true (the entry is kept anyway)."""
    kept, problem = rules.check_timing(timing)
    if kept is not None:
        db.session.add(
            EntryTiming(contact_id=contact_id, officer_id=officer_id, saved_at=saved_at, **kept)
        )
    return problem


@dataclass(frozen=True)
class Times:
    """The median seconds of a set of entries, how many, and how many came from a template."""

    label: str
    entries: int
    median_seconds: float | None
    from_template: int
    median_with_template: float | None
    median_without_template: float | None


def times(label: str, timings: list[EntryTiming]) -> Times:
    """The medians of some timings."""
    with_template = [t.seconds for t in timings if t.template_used]
    without = [t.seconds for t in timings if not t.template_used]
    return Times(
        label,
        len(timings),
        _median([t.seconds for t in timings]),
        len(with_template),
        _median(with_template),
        _median(without),
    )


def between(start: datetime, end: datetime) -> list[EntryTiming]:
    """The timings of entries saved from start to before end."""
    return db.session.scalars(
        select(EntryTiming).where(EntryTiming.saved_at >= start, EntryTiming.saved_at < end)
    ).all()


def by_week(now: datetime, weeks: int = WEEKS_SHOWN) -> list[Times]:
    """The last weeks (Monday to Sunday in the district), newest first."""
    this_monday = _monday(clock.to_local(now).date())
    first = this_monday - timedelta(weeks=weeks - 1)
    timings = between(clock.day_start(first), now + timedelta(seconds=1))
    weeks_of: dict[date, list[EntryTiming]] = {}
    for timing in timings:
        weeks_of.setdefault(_monday(clock.to_local(timing.saved_at).date()), []).append(timing)
    return [
        times(f"Week of {monday:%d %b %Y}", weeks_of.get(monday, []))
        for monday in (this_monday - timedelta(weeks=n) for n in range(weeks))
    ]


def by_officer(timings: list[EntryTiming], pseudonym) -> list[Times]:
    """Per officer, under the name `pseudonym(user)` gives, most entries first."""
    officers: dict[int, list[EntryTiming]] = {}
    for timing in timings:
        officers.setdefault(timing.officer_id, []).append(timing)
    users = {
        user.id: user for user in db.session.scalars(select(User).where(User.id.in_(officers)))
    }  # one query for every officer, not one each
    rows = [times(pseudonym(users[officer_id]), kept) for officer_id, kept in officers.items()]
    return sorted(rows, key=lambda row: (-row.entries, row.label))


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _median(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None
