"""Duty assignments (COPS principle 11): which school an officer may log a contact at, by day."""

from __future__ import annotations

from datetime import date

MANY_SCHOOLS = 3  # an officer assigned to (or logging at) more schools than this is spread thin


def period(starts_on: date, ends_on: date | None) -> str:
    """An assignment's days in words: 'from 2026-08-17 to 2026-12-18', or 'from 2026-08-17'."""
    return f"from {starts_on.isoformat()}" + (f" to {ends_on.isoformat()}" if ends_on else "")


def unassigned_day(school_name: str, periods: list[tuple[date, date | None]], day: date) -> str:
    """The message for a contact at a school the officer was assigned to, but not on its day."""
    spans = "; ".join(period(start, end) for start, end in periods)
    return (
        f"You were assigned to {school_name} {spans}, not on {day.isoformat()}. Choose the "
        "school you were assigned to that day, or correct the date."
    )
