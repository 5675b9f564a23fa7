"""Time in the district: UTC in storage, the district's zone on screens and forms, and its
school years."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LOCAL_INPUT_FORMAT = "%Y-%m-%dT%H:%M"


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def district_zone() -> ZoneInfo:
    """The district's time zone (core/settings.py)."""
    from logger.core import settings  # settings read the database, which reads the clock

    return ZoneInfo(settings.current()["timezone"])


def to_local(moment: datetime) -> datetime:
    """An aware time in the district's zone."""
    return moment.astimezone(district_zone())


def today() -> date:
    """Today in the district."""
    return to_local(utcnow()).date()


def local_input_value(moment: datetime) -> str:
    """The value of a datetime-local input showing this time."""
    return to_local(moment).strftime(LOCAL_INPUT_FORMAT)


def from_local_input(text: str) -> str:
    """ISO 8601 with offset for a datetime-local value; the text unchanged when it is not one."""
    try:
        naive = datetime.fromisoformat(text.strip())
    except ValueError:
        return text
    if naive.tzinfo is not None:
        return naive.isoformat()
    return naive.replace(tzinfo=district_zone()).isoformat()


DAY_HELP = "Dates are written like 2026-11-28, from 2000 to 2100."


def parse_day(text: str) -> date | None:
    """A calendar day written like 2026-11-28 (None when blank); ValueError when unreadable."""
    if not text:
        return None
    day = date.fromisoformat(text)
    if not date(2000, 1, 1) <= day <= date(2100, 12, 31):
        raise ValueError("day out of range")
    return day


def day_start(day: date) -> datetime:
    """The first moment of a day in the district."""
    return datetime.combine(day, time(), district_zone())


def day_end(day: date) -> datetime:
    """The first moment after a day in the district: days are [day_start, day_end)."""
    return day_start(day + timedelta(days=1))


@dataclass(frozen=True)
class SchoolYear:
    """A school year: twelve months from the district's start month."""

    first: int  # the calendar year it starts in
    start_month: int

    @classmethod
    def containing(cls, day: date, start_month: int) -> SchoolYear:
        return cls(day.year if day.month >= start_month else day.year - 1, start_month)

    @property
    def label(self) -> str:
        """'2025–26', or '2026' for a year that starts in January."""
        if self.start_month == 1:
            return str(self.first)
        return f"{self.first}–{(self.first + 1) % 100:02d}"

    @property
    def first_day(self) -> date:
        return date(self.first, self.start_month, 1)

    @property
    def last_day(self) -> date:
        return self.following.first_day - timedelta(days=1)

    @property
    def following(self) -> SchoolYear:
        return SchoolYear(self.first + 1, self.start_month)

    @property
    def previous(self) -> SchoolYear:
        return SchoolYear(self.first - 1, self.start_month)

    def months(self) -> list[date]:
        """The first day of each of its twelve months."""
        return [
            date(
                self.first + (self.start_month - 1 + n) // 12,
                (self.start_month - 1 + n) % 12 + 1,
                1,
            )
            for n in range(12)
        ]

    def bounds(self) -> tuple[datetime, datetime]:
        """Its first moment and the first moment after it, in the district."""
        return day_start(self.first_day), day_start(self.following.first_day)
