"""Enrollment: how many students each school has in a school year, in all and by group — the
denominators of the annual assessment's rates (evaluation/denominators.py).

It comes from the district's student records as a CSV file (UTF-8, at most 1 MB and 5,000
rows) whose first line names the columns `school,school_year,group,students`:

- `school`: a school's code, as on the Schools page;
- `school_year`: the calendar year it starts in, like 2025 (or 2025-26), as `--school-year`;
- `group`: `total` (every enrolled student: one row per school and year, required), or
  `dimension:value` for the student groups of the data dictionary: `race:` one of
  rules.RACES or `two_or_more`, `gender:` one of rules.GENDERS, `disability:yes|no`,
  `limited_english:yes|no`, `grade_band:` one of rules.GRADE_BANDS. A student counts in one
  group of each dimension listed (so a dimension's groups add up to at most the total),
  grouped as the assessment groups the students officers describe: two or more races is its
  own group. Dimensions may be left out; a group left out of a dimension that is listed has
  no students;
- `students`: a whole number, 0 or more (1 or more for `total`), at most the school's total.

A file imports whole or not at all: every row is checked first and each bad one named by its
line. For each school and year it holds, it replaces every row stored for that school and
year (a group left out of the new file is gone). On the audit trail as enrollment.imported.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import delete, func, select, tuple_

from logger import rules
from logger.admin import roster
from logger.core import audit
from logger.core.models import Enrollment, School, User
from logger.evaluation.assessment import EQUITY_DIMENSIONS
from logger.evaluation.crdc_worksheet import SCHOOL_YEAR_HELP, parse_school_year, school_year
from logger.extensions import db

COLUMNS = ("school", "school_year", "group", "students")
TOTAL = "total"
DIMENSIONS = {  # as the CSV names it: (its title, the student field it counts, its groups)
    "race": ("Race", "perceived_race", EQUITY_DIMENSIONS["perceived_race"][1]),
    "gender": ("Gender", "perceived_gender", rules.GENDERS),
    "disability": ("Disability", "perceived_disability", ("yes", "no")),
    "limited_english": ("Limited English", "perceived_limited_english", ("yes", "no")),
    "grade_band": ("Grade band", "grade_band", rules.GRADE_BANDS),
}
GROUPS = (
    TOTAL,
    *(
        f"{dimension}:{value}"
        for dimension, (_, _, values) in DIMENSIONS.items()
        for value in values
    ),
)
MAX_STUDENTS = 1_000_000  # more than any school enrolls
WHOLE_NUMBER = re.compile(r"[0-9]+")


class Count(NamedTuple):
    """One good row: a school's students in a group in a school year."""

    school_id: int
    school_year: int
    group: str
    students: int


@dataclass
class EnrollmentFile(roster.CsvFile):
    """An enrollment file read and checked, and what importing it would replace."""

    counts: list[Count] = field(default_factory=list)
    school_years: list[tuple[str, int]] = field(default_factory=list)  # (school code, year)
    replaced: int = 0  # rows stored for those schools and years


def group_label(group: str) -> str:
    """How a person reads a group: 'All students', 'Race: Black', 'Disability: yes'."""
    if group == TOTAL:
        return "All students"
    dimension, _, value = group.partition(":")
    words = {"two_or_more": "Two or more races", "yes": "yes", "no": "no"}
    return f"{DIMENSIONS[dimension][0]}: {words.get(value) or rules.label(value)}"


def year_label(first: int) -> str:
    """A school year as the district writes it: '2025–26'."""
    return school_year(first).label


def check(data: bytes) -> EnrollmentFile:
    """Read and check a file, naming each bad row by its line; nothing is stored."""
    found = roster.read_csv(EnrollmentFile(), data, COLUMNS, len(COLUMNS))
    if found.problem is None:
        _check_rows(found)
    return found


def import_file(data: bytes, *, admin: User | None, client_addr: str | None) -> EnrollmentFile:
    """Store the file if every row is good, replacing each school's year it holds; else store
    nothing. The caller commits."""
    found = check(data)
    if not found.ok:
        return found
    ids = sorted({(count.school_id, count.school_year) for count in found.counts})
    db.session.execute(
        delete(Enrollment).where(tuple_(Enrollment.school_id, Enrollment.school_year).in_(ids))
    )
    db.session.add_all(
        Enrollment(
            school_id=count.school_id,
            school_year=count.school_year,
            student_group=count.group,
            students=count.students,
            imported_by_id=admin.id if admin else None,
        )
        for count in found.counts
    )
    audit.record(
        "enrollment.imported",
        actor=admin,
        client_addr=client_addr,
        detail={
            "school_years": [[code, year] for code, year in found.school_years],
            "rows": len(found.counts),
            "replaced": found.replaced,
        },
    )
    return found


def by_school(first: int) -> dict[int, dict[str, int]]:
    """One school year's enrollment: for each school id, its students by group."""
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for school_id, group, students in db.session.execute(
        select(Enrollment.school_id, Enrollment.student_group, Enrollment.students).where(
            Enrollment.school_year == first
        )
    ):
        found[school_id][group] = students
    return dict(found)


def years() -> list[int]:
    """The school years with enrollment, newest first."""
    return list(
        db.session.scalars(
            select(Enrollment.school_year).distinct().order_by(Enrollment.school_year.desc())
        )
    )


def _check_rows(found: EnrollmentFile) -> None:
    """Check each row, then each school's year as a whole; keep the good rows' counts."""
    schools = {school.code: school for school in db.session.scalars(select(School))}
    seen: dict[tuple[int, int, str], int] = {}
    lines: dict[tuple[int, int], list[tuple[roster.Row, Count]]] = defaultdict(list)
    for row in found.rows:
        try:
            count = _count(row.values, schools)
        except ValueError as problem:
            row.problem = rules.sentence(str(problem))
            continue
        key = (count.school_id, count.school_year, count.group)
        if key in seen:
            row.problem = f"Repeats line {seen[key]}: one row per school, year and group."
            continue
        seen[key] = row.line
        lines[count.school_id, count.school_year].append((row, count))
    codes = {school.id: code for code, school in schools.items()}
    for (school_id, first), rows in lines.items():
        _check_year(codes[school_id], first, rows)
    found.counts = [count for rows in lines.values() for _, count in rows]
    found.school_years = sorted({(codes[school_id], first) for school_id, first in lines})
    if found.ok:
        found.replaced = db.session.scalar(
            select(func.count())
            .select_from(Enrollment)
            .where(tuple_(Enrollment.school_id, Enrollment.school_year).in_(list(lines)))
        )


def _count(values: dict[str, str], schools: dict[str, School]) -> Count:
    """A row read, or ValueError saying what is wrong with it."""
    for name in COLUMNS:
        problem = rules.text_problem(values[name], name)
        if problem:
            raise ValueError(problem)
    code, year, group, students = (values[name] for name in COLUMNS)
    if code.upper() not in schools:
        raise ValueError(
            f"unknown school {_quoted(code)}: use a code from the Schools page"
            if code
            else "give the school's code"
        )
    try:
        first = parse_school_year(year)
    except ValueError:
        first = None
    if first is None:
        raise ValueError(SCHOOL_YEAR_HELP)
    if group.lower() not in GROUPS:
        raise ValueError(
            f"unknown group {_quoted(group)}: use total or one of the groups "
            "listed on the upload page, like race:black or gender:female"
        )
    if students.startswith("-") and WHOLE_NUMBER.fullmatch(students[1:]):
        raise ValueError("students cannot be a negative number")
    if not WHOLE_NUMBER.fullmatch(students):
        raise ValueError(
            f"students must be a whole number like 420, not {_quoted(students)}"
            if students
            else "give the number of students"
        )
    if len(students.lstrip("0")) > len(str(MAX_STUDENTS)) or int(students) > MAX_STUDENTS:
        raise ValueError(f"more than {MAX_STUDENTS:,} students: no school has that many")
    number = int(students)
    if number == 0 and group.lower() == TOTAL:
        raise ValueError(
            "a school's total enrollment cannot be 0: leave the school out of the file instead"
        )
    return Count(schools[code.upper()].id, first, group.lower(), number)


def _check_year(code: str, first: int, rows: list[tuple[roster.Row, Count]]) -> None:
    """A school's year as a whole: it has a total, and no group or dimension is larger."""
    total = next((count.students for _, count in rows if count.group == TOTAL), None)
    if total is None:
        rows[0][0].problem = (
            f"{code} has no total row for {year_label(first)}: add one "
            "(group total) with every student enrolled."
        )
        return
    added: dict[str, int] = defaultdict(int)
    for row, count in rows:
        if count.group == TOTAL:
            continue
        dimension = count.group.partition(":")[0]
        added[dimension] += count.students
        if count.students > total:
            row.problem = (
                f"{count.students:,} students in {count.group} is more than "
                f"{code}'s total of {total:,}."
            )
        elif added[dimension] > total:
            row.problem = (
                f"{code}'s {dimension} groups add up to {added[dimension]:,} here, "
                f"more than its total of {total:,}: a student counts in one group."
            )


def _quoted(text: str) -> str:
    """A cell quoted in a message, cut short if it is long."""
    return repr(text if len(text) <= 40 else text[:40] + "…")
