"""The export's data dictionary: each column, what it means, and how a value is written.

Every export format (CSV, JSON Lines, SQLite) names its columns from here, and the
SQLite export carries these descriptions as its `data_dictionary` table.
"""

from __future__ import annotations

from collections.abc import Iterator

from logger import rules
from logger.admin.program_records import RECORD_TYPES, RecordType

# name, description: the columns of one entry, in the data dictionary's words.
ENTRY_COLUMNS = (
    ("entry_id", "The entry's UUID, minted on the officer's phone."),
    (
        "revision",
        "The revision exported: in an export of approved entries, the entry's record "
        "(its latest approved revision); otherwise its current revision.",
    ),
    ("status", "submitted, returned or approved."),
    (
        "pending_revision",
        "The number of a newer revision waiting for review or returned, which "
        "does not change the record until a supervisor approves it; else empty.",
    ),
    ("approved_at", "When a supervisor approved this revision (UTC), if approved."),
    ("officer", "The officer: a pseudonym, stable across exports made with the same key."),
    ("school", "The school's code."),
    ("occurred_at", "When the contact happened (ISO 8601 with the officer's UTC offset)."),
    ("received_at", "When the server received this revision (UTC)."),
    ("location", "Where: " + ", ".join(rules.LOCATIONS) + "."),
    ("initiated_by", "Who started the contact: " + ", ".join(rules.INITIATORS) + "."),
    ("classification", "disciplinary, criminal or mentoring."),
    ("school_rule", "For disciplinary contacts: the school rule involved."),
    (
        "involvement_reason",
        "For disciplinary contacts: why an officer, not school staff, "
        "handled it (COPS principle 3).",
    ),
    ("offense_category", "For criminal contacts: the offense category."),
    ("mentoring_type", "For mentoring contacts: the kind of mentoring."),
    ("students_involved", "How many students were involved (1-50)."),
    ("actions", "Actions taken, joined with ';'."),
    ("force_types", "Types of force used, joined with ';'."),
    ("justification_basis", "The specific facts that made the enforcement action necessary."),
    ("justification_alternatives_tried", "What was tried first, joined with ';'."),
    (
        "justification_why_last_resort",
        "Why the detention, restraint, arrest or force was a last resort (COPS principle 4).",
    ),
    ("justification_injuries", "Injuries from a restraint or use of force."),
    (
        "justification_supervisor_notified",
        "Whether a supervisor was notified of the use of force (true/false).",
    ),
    ("flags", "Flags the rules raised, joined with ';': " + ", ".join(rules.FLAGS) + "."),
    (
        "crdc_referral_to_law_enforcement",
        "Derived, never typed: a CRDC referral to law "
        "enforcement (rules/crdc.py quotes the definition); "
        "true/false, or empty for entries under data "
        "dictionary v1, which cannot say.",
    ),
    (
        "crdc_school_related_arrest",
        "Derived: a CRDC school-related arrest (true/false; empty under v1).",
    ),
    ("crdc_physical_restraint", "Derived: a CRDC physical restraint (true/false; empty under v1)."),
    (
        "crdc_mechanical_restraint",
        "Derived: a CRDC mechanical restraint (true/false; empty under v1).",
    ),
    ("crdc_seclusion", "Derived: CRDC seclusion (true/false; empty under v1)."),
    (
        "dictionary_version",
        "The data dictionary version the revision was checked under: 1 or "
        "2. Entries under v1 leave every v2 column below empty: they never "
        "recorded those facts, and no value is guessed for them.",
    ),
    (
        "setting",
        "v2: the setting, as the CRDC distinguishes it: " + ", ".join(rules.SETTINGS) + ".",
    ),
    (
        "duration_minutes",
        "v2: how long the contact lasted, in minutes (may be empty for mentoring).",
    ),
    ("detention_minutes", "v2: for detentions, how long the student was detained, in minutes."),
    (
        "restraint_types",
        "v2: for restraints, the kinds used, joined with ';': "
        + ", ".join(rules.RESTRAINT_TYPES)
        + ".",
    ),
    ("restraint_minutes", "v2: for restraints, how long the restraint lasted, in minutes."),
    ("restraint_prone", "v2: for restraints, whether the student was held face down (true/false)."),
    ("search_basis", "v2: for searches, the legal basis: " + ", ".join(rules.SEARCH_BASES) + "."),
    (
        "search_found",
        "v2: for searches, what was found, joined with ';': "
        + ", ".join(rules.SEARCH_FINDINGS)
        + ".",
    ),
    (
        "outcome_referrals",
        "v2: for citations and arrests, where the student was referred, "
        "joined with ';': " + ", ".join(rules.OUTCOME_REFERRALS) + ".",
    ),
    (
        "parent_notified",
        "v2: for enforcement actions, whether a parent or guardian was told (true/false).",
    ),
    (
        "principal_notified",
        "v2: for enforcement actions, whether the principal was told (true/false).",
    ),
    ("narrative", "The officer's narrative; only in exports made with narratives."),
)
STUDENT_COLUMNS = (
    ("entry_id", "The entry the student belongs to."),
    ("student_number", "1 for the first student described in the entry, 2 for the next..."),
    ("grade_band", "elementary, middle or high."),
    ("perceived_race", "As the officer perceived it, joined with ';'."),
    ("perceived_gender", "As the officer perceived it."),
    ("perceived_disability", "Whether the officer perceived a disability (true/false)."),
    (
        "perceived_limited_english",
        "v2, optional: whether the officer perceived limited English "
        "(true/false); empty when not recorded or under v1.",
    ),
)
ACTION_COLUMNS = (("entry_id", "The entry."), ("action", "One action taken."))
REVIEW_COLUMNS = (
    ("entry_id", "The entry."),
    ("revision", "The revision decided on."),
    ("decision", "approve or return."),
    ("reviewer", "The supervisor: a pseudonym."),
    ("decided_at", "When (UTC)."),
    ("comment", "The supervisor's comment, if any."),
)
# The entry's fields that data dictionary v2 added: null for entries under v1, never guessed.
V2_FIELDS = tuple(spec.name for spec in rules.FIELDS if spec.since > 1)
# An entry's recorded fields as an export's rows hold them (each one, null where not
# recorded), in the data dictionary's order: the justification and the students nested as
# the officer recorded them, and the school by its code (not its id), beside the others.
RECORDED_FIELDS = tuple(
    dict.fromkeys(spec.name.split(".")[0] for spec in rules.FIELDS if spec.name != "school_id")
)
MULTI = {
    "actions",
    "force_types",
    "justification_alternatives_tried",
    "flags",
    "perceived_race",
    "restraint_types",
    "search_found",
    "outcome_referrals",
}
# Columns SQLite stores as integers; every other column is text.
INTEGER_COLUMNS = {
    "revision",
    "pending_revision",
    "students_involved",
    "dictionary_version",
    "duration_minutes",
    "detention_minutes",
    "restraint_minutes",
}


ENTRY_NAMES = tuple(name for name, _ in ENTRY_COLUMNS)
STUDENT_NAMES = tuple(name for name, _ in STUDENT_COLUMNS)
REVIEW_NAMES = tuple(name for name, _ in REVIEW_COLUMNS)
# How each entry column is read from a nested row, worked out once (exports run it per cell):
# (the key, or the justification's key for a justification_ column; whether it is a list).
_ENTRY_READS = tuple(
    (name.removeprefix("justification_"), name.startswith("justification_"), name in MULTI)
    for name in ENTRY_NAMES
)
_STUDENT_READS = tuple((name, name in MULTI) for name in STUDENT_NAMES[2:])


def field_spec(name: str) -> rules.Field | None:
    """The rules' field an entry column holds (a justification_ column: the justification's
    field); None for a column the rules do not define (the entry id, the flags...)."""
    key = name.removeprefix("justification_")
    return rules.FIELDS_BY_NAME.get(f"justification.{key}" if name != key else name)


# The entry columns of text someone typed (free text, the officer's name, the school's code):
# the only cells a formula can begin in, every other value having been checked at the door
# against the rules' choices, numbers, times and true/false.
TYPED_COLUMNS = frozenset(
    {"officer", "school"}
    | {name for name in ENTRY_NAMES if (spec := field_spec(name)) and spec.type == "text"}
)


def entry_cells(row: dict, blank="") -> list:
    """One entry's cells in ENTRY_COLUMNS order: justification fields read from its
    justification, lists joined with ';', booleans as true/false; a value not there is
    `blank` (empty text in CSV, NULL in SQLite)."""
    justification = row.get("justification") or {}
    return [
        _cell(justification.get(key) if justified else row.get(key), multi, blank)
        for key, justified, multi in _ENTRY_READS
    ]


def flat(row: dict, blank="") -> dict:
    """One entry as a CSV row (entry_cells, by column name)."""
    return dict(zip(ENTRY_NAMES, entry_cells(row, blank), strict=True))


def student_cells(row: dict, blank="") -> Iterator[list]:
    """One row of cells, in STUDENT_COLUMNS order, per student described in an entry."""
    entry_id = row["entry_id"]
    for number, student in enumerate(row.get("students") or [], start=1):
        yield [
            entry_id,
            number,
            *(_cell(student.get(name), multi, blank) for name, multi in _STUDENT_READS),
        ]


def _cell(value, multi: bool, blank=""):
    if value is None:
        return blank
    if multi:
        return ";".join(value)
    if value is True or value is False:
        return "true" if value else "false"
    return value


# Program records (issue 13): a table each in the SQLite export, a CSV each from its list page.
PROGRAM_TYPES = {"count": int, "hours": float}  # SQLite column types; every other is text


def program_columns(kind: RecordType) -> tuple[tuple[str, str], ...]:
    """A program record's columns and what each means (principle and all)."""
    return (
        (
            "id",
            f"The record's number: {kind.title.lower()}, COPS principle "
            f"{kind.principle}. Program records are exported whole, whatever the "
            "dates or filters chosen.",
        ),
        *((spec.name, spec.description) for spec in kind.fields),
    )


def program_column_types(kind: RecordType) -> dict[str, type]:
    """Each column's SQLite type."""
    return {"id": int, **{spec.name: PROGRAM_TYPES.get(spec.kind, str) for spec in kind.fields}}


def program_cells(record_id: int, values: dict, blank="") -> dict:
    """One program record as a row (values as program_records.shown() writes them)."""
    return {
        "id": record_id,
        **{name: _cell(value, name in MULTI, blank) for name, value in values.items()},
    }


PROGRAM_COLUMNS = tuple((kind.table, program_columns(kind)) for kind in RECORD_TYPES)


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV_NOTE = (
    "In CSV files, a text that begins with =, +, -, @, a tab or a carriage return is "
    "written after an apostrophe (') so that a spreadsheet shows it instead of running "
    "it as a formula (OWASP, CSV injection); JSON Lines and SQLite keep the text exactly "
    "as stored."
)


def spreadsheet_safe(value):
    """A CSV cell a spreadsheet shows and never runs: risky text gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def spreadsheet_safe_cells(cells: list, at: tuple[int, ...]) -> list:
    """spreadsheet_safe() of a row's cells at these positions, in place (exports run it on
    every row)."""
    for position in at:
        cell = cells[position]
        if isinstance(cell, str) and cell.startswith(FORMULA_TRIGGERS):
            cells[position] = "'" + cell
    return cells
