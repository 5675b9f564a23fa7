"""The CRDC worksheet: per school, the students the Civil Rights Data Collection counts.

For one school year (the district's, from its start month) or a span of days, one row per
school and a total row, counting the students described in the record's entries that meet
each CRDC derivation of `rules.crdc()`: referred to law enforcement, school-related arrest,
physically restrained, mechanically restrained, secluded. Every figure is
**officer-perceived** (the officer's perception of each student, never asked of the
student), a worksheet to reconcile against the district's student records, never the
official CRDC submission: the file's first line and every row say so.

What is counted:

- The record only: each entry's latest approved revision (DESIGN.md, "The record"). Entries
  waiting for review or returned, and amendments not yet approved, are not counted.
- Only revisions checked under data dictionary v2: v1 entries never recorded the setting
  or the kinds of restraint, so their CRDC facts are unknown. They are not counted, and
  each row says how many there were (`v1_entries_not_counted`).
- Per student described in an entry ("Both apply per student described in the entry"):
  an entry meeting a derivation counts each of its students once. The log holds no
  student identities, so a student in two entries counts twice: the CRDC's counts are of
  distinct students, another reason to reconcile against the student records.
- Students involved but not described (descriptions are optional without an enforcement
  action) are counted in `<measure>_not_described`, never in a group or the total.

Columns per measure (`referred_to_law_enforcement`, `school_related_arrest`,
`physical_restraint`, `mechanical_restraint`, `seclusion`): `<measure>_total`, then the
groups of each dimension, each of which sums to the total:

- Race, as the CRDC reports it: `race_hispanic_latino` for a student perceived as Hispanic
  or Latino, of any race (whatever else was ticked); otherwise a student perceived as two
  or more races counts in `race_two_or_more_races`; otherwise the one perceived race,
  `race_<value>` for each of the log's races (rules.RACES). The log's
  `middle_eastern_south_asian` has no CRDC category of its own (under the 1997 OMB
  standards the CRDC follows, Middle Eastern counts as White and South Asian as Asian), and
  one perception cannot be split between them: it keeps its own column, for the district to
  fold in when reconciling.
- Sex: `sex_male` and `sex_female`, as the CRDC; a student perceived as a transgender man, a
  transgender woman or gender nonconforming counts in `sex_other_perceived_gender`, never
  dropped and never guessed into male or female.
- Disability as perceived: `disability_yes`, `disability_no` (the CRDC's IDEA and Section
  504 categories come from the student records).
- Limited English as perceived, where the officer recorded it (v2, optional):
  `limited_english_yes`, `limited_english_no`, `limited_english_not_recorded`.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter

from sqlalchemy import select

from logger import rules
from logger.core import clock, settings
from logger.core.clock import SchoolYear
from logger.core.models import RECORD_REVISION, Contact, ContactRevision
from logger.core.record import BATCH, RecordFilter, schools_by_name
from logger.evaluation.data_dictionary import spreadsheet_safe
from logger.extensions import db

LABEL = (
    "officer-perceived counts to reconcile against the district's student records; "
    "not the official CRDC submission"
)
# (the worksheet's name for it, the rules' CRDC derivation)
MEASURES = (
    ("referred_to_law_enforcement", "crdc_referral_to_law_enforcement"),
    ("school_related_arrest", "crdc_school_related_arrest"),
    ("physical_restraint", "crdc_physical_restraint"),
    ("mechanical_restraint", "crdc_mechanical_restraint"),
    ("seclusion", "crdc_seclusion"),
)
HISPANIC, TWO_OR_MORE = "hispanic_latino", "two_or_more_races"
OTHER_GENDER = "other_perceived_gender"
CRDC_SEXES = ("male", "female")
DIMENSIONS = (
    ("race", (HISPANIC, *(race for race in rules.RACES if race != HISPANIC), TWO_OR_MORE)),
    ("sex", (*CRDC_SEXES, OTHER_GENDER)),
    ("disability", ("yes", "no")),
    ("limited_english", ("yes", "no", "not_recorded")),
)
GROUPS = tuple(f"{dimension}_{group}" for dimension, groups in DIMENSIONS for group in groups)
COLUMNS = (
    "label",
    "period",
    "school",
    "school_name",
    "v2_entries_counted",
    "v1_entries_not_counted",
    *(
        f"{measure}_{part}"
        for measure, _ in MEASURES
        for part in ("total", *GROUPS, "not_described")
    ),
)
TOTAL = "total"
SCHOOL_YEAR_HELP = (
    "Write the school year as the year it starts, like 2026 (or 2026-27), from 2000 to 2099."
)
SCHOOL_YEAR = re.compile(r"(\d{4})(?:[-–](\d{2}))?")


def parse_school_year(text: str) -> int | None:
    """The first calendar year of a school year as typed (like 2026, or 2026-27); None when
    blank, ValueError with SCHOOL_YEAR_HELP when it cannot be read."""
    text = text.strip()
    if not text:
        return None
    match = SCHOOL_YEAR.fullmatch(text)
    if (
        not match
        or not 2000 <= int(match[1]) <= 2099
        or (match[2] and int(match[2]) != (int(match[1]) + 1) % 100)
    ):
        raise ValueError(SCHOOL_YEAR_HELP)
    return int(match[1])


def school_year(first: int | None = None) -> SchoolYear:
    """The district's school year that starts in `first`, or else the one today falls in."""
    start_month = settings.current()["school_year_start_month"]
    if first is None:
        return SchoolYear.containing(clock.today(), start_month)
    return SchoolYear(first, start_month)


def period(school_year: SchoolYear | None, chosen: RecordFilter) -> str:
    """What the worksheet covers, in words."""
    if school_year is not None:
        return f"school year {school_year.label}"
    first, last = chosen.date_from, chosen.date_to
    return (
        f"contacts from {first.isoformat() if first else 'the first'} "
        f"to {last.isoformat() if last else 'the last'}"
    )


def groups(student: dict) -> tuple[str, ...]:
    """The groups a described student counts in, one per dimension (see the module)."""
    races = [race for race in rules.RACES if race in (student.get("perceived_race") or ())]
    race = HISPANIC if HISPANIC in races else TWO_OR_MORE if len(races) > 1 else races[0]
    gender = student.get("perceived_gender")
    english = student.get("perceived_limited_english")
    return (
        f"race_{race}",
        f"sex_{gender if gender in CRDC_SEXES else OTHER_GENDER}",
        f"disability_{'yes' if student.get('perceived_disability') else 'no'}",
        "limited_english_" + ("not_recorded" if english is None else "yes" if english else "no"),
    )


def tally(content: dict) -> Counter:
    """The counts one v2 entry adds to its school's row."""
    counts = Counter(v2_entries_counted=1)
    facts = rules.crdc(content)
    students = content.get("students") or []
    for measure, derivation in MEASURES:
        if not facts[derivation]:
            continue
        counts[f"{measure}_total"] += len(students)
        counts[f"{measure}_not_described"] += content.get("students_involved", 0) - len(students)
        for student in students:
            counts.update(f"{measure}_{group}" for group in groups(student))
    return counts


def counts(chosen: RecordFilter) -> dict[int, Counter]:
    """Each school's counts from the record that `chosen` narrows, streamed."""
    query = (
        select(
            ContactRevision.school_id, ContactRevision.dictionary_version, ContactRevision.content
        )
        .select_from(Contact)
        .join(ContactRevision, RECORD_REVISION)
        .where(*chosen.conditions())
    )
    found: dict[int, Counter] = {}
    for row in db.session.execute(query.execution_options(yield_per=BATCH)):
        school = found.setdefault(row.school_id, Counter())
        if row.dictionary_version < 2:
            school["v1_entries_not_counted"] += 1
        else:
            school.update(tally(row.content))
    return found


def rows(chosen: RecordFilter, school_year: SchoolYear | None) -> list[dict]:
    """One row per school (every school, or the one chosen), then the total row."""
    found = counts(chosen)
    schools = [school for school in schools_by_name() if chosen.school_id in (None, school.id)]
    covered = period(school_year, chosen)
    table = [
        _row(covered, school.code, school.name, found.get(school.id, Counter()))
        for school in schools
    ]
    total = sum(found.values(), Counter())
    return [*table, _row(covered, TOTAL, "All schools in this worksheet", total)]


def _row(covered: str, code: str, name: str, counted: Counter) -> dict:
    return {
        "label": LABEL,
        "period": covered,
        "school": code,
        "school_name": name,
        **{column: counted[column] for column in COLUMNS[4:]},
    }


def csv_text(chosen: RecordFilter, school_year: SchoolYear | None) -> str:
    """The worksheet as CSV: a first line saying what it is, the header, the rows."""
    table = rows(chosen, school_year)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            f"SRO Field Log CRDC worksheet, {table[-1]['period']}: {LABEL}. "
            f"{_v1_note(table[-1]['v1_entries_not_counted'])}"
        ]
    )
    writer.writerow(COLUMNS)
    for row in table:
        writer.writerow([spreadsheet_safe(row[column]) for column in COLUMNS])
    return out.getvalue()


def _v1_note(v1: int) -> str:
    """What the worksheet could not count, in words."""
    if not v1:
        return "Every record entry of this period was recorded under data dictionary v2."
    return (
        f"{v1:,} record {'entry' if v1 == 1 else 'entries'} of this period recorded under "
        "data dictionary v1 could not be counted."
    )
