"""The demo district's enrollment: every school, every school year, every group.

Invented, but in the proportions the demo's officers perceive students in (so the rates
look like a district's), and imported through the same checks as a district's file: each
dimension's groups add up to the school's total, grade band follows the school's level.
"""

from __future__ import annotations

import csv
import io

from logger.admin import enrollment

STUDENTS = {"elementary": 430, "middle": 690, "high": 1240}  # in the earliest year
GROWTH = 0.02  # a year
RACES = {
    "white": 36,
    "hispanic_latino": 26,
    "black": 17,
    "asian": 7.5,
    "middle_eastern_south_asian": 4,
    "native_american": 2,
    "pacific_islander": 1.5,
    "two_or_more": 6,
}
GENDERS = {
    "male": 50.5,
    "female": 47.5,
    "nonconforming": 1,
    "transgender_man": 0.5,
    "transgender_woman": 0.5,
}
DISABILITY = 13  # percent: students with an IEP or a Section 504 plan
LIMITED_ENGLISH = 9  # percent: English learners


def add(schools, first_years) -> None:
    """Import enrollment for each (code, name, level) school in each school year starting in
    one of `first_years`; the caller commits. Raises if the checks refuse it (a bug here)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(enrollment.COLUMNS)
    for back, first in enumerate(sorted(first_years, reverse=True)):
        for code, _, level in schools:
            total = round(STUDENTS[level] * (1 + GROWTH) ** -back)
            writer.writerows(
                (code, first, group, students) for group, students in _groups(total, level).items()
            )
    imported = enrollment.import_file(buffer.getvalue().encode(), admin=None, client_addr=None)
    if not imported.ok:
        raise RuntimeError(imported.problem or imported.bad_rows[0].problem)


def _groups(total: int, level: str) -> dict[str, int]:
    """A school's total and every group, each dimension adding up to the total."""
    shares = {
        "race": RACES,
        "gender": GENDERS,
        "disability": {"yes": DISABILITY, "no": 100 - DISABILITY},
        "limited_english": {"yes": LIMITED_ENGLISH, "no": 100 - LIMITED_ENGLISH},
        "grade_band": {band: 100 * (band == level) for band in ("elementary", "middle", "high")},
    }
    found = {enrollment.TOTAL: total}
    for dimension, weights in shares.items():
        found.update(
            (f"{dimension}:{value}", students) for value, students in _split(total, weights).items()
        )
    return found


def _split(total: int, weights: dict[str, float]) -> dict[str, int]:
    """total shared out in proportion to weights, in whole students adding up to it (the
    largest remainders get the students left over)."""
    exact = {name: total * weight / sum(weights.values()) for name, weight in weights.items()}
    shares = {name: int(value) for name, value in exact.items()}
    for name in sorted(exact, key=lambda n: shares[n] - exact[n])[: total - sum(shares.values())]:
        shares[name] += 1
    return shares
