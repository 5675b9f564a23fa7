"""The queryable facts of an entry: what the assessment, the rates and the public summary count,
derived once when a revision is stored and kept beside its content as columns and rows.

A revision's content never changes, so neither do its facts: the database adds them up
with GROUP BY instead of the app reading every entry. Three shapes:

- `revision_facts()`: one value per entry (a column of the revision each): how many students,
  whether each enforcement action was taken, whether the justification is complete, the
  injuries, and the facts of data dictionary v2 (None under v1, which never asked them);
- `choice_rows()`: one row per choice of a multiple-choice field that is counted by choice
  (the alternatives tried, restraint types, ...);
- `student_rows()`: one row per described student, with the groups it counts in (the
  enrollment file's: race, gender, disability, limited English, grade band), None where the
  officer did not record that descriptor.
"""

from __future__ import annotations

from .checks import missing
from .crdc import chosen, crdc
from .fields import ENFORCEMENT_ACTIONS, INJURY_ACTIONS
from .text import is_clean_text

TWO_OR_MORE = "two_or_more"
NOT_RECORDED = "not_recorded"
ACTION_COLUMNS = {action: f"action_{action}" for action in ENFORCEMENT_ACTIONS}
CHOICE_FIELDS = (  # counted by choice: one row each
    "justification.alternatives_tried",
    "force_types",
    "restraint_types",
    "search_found",
    "outcome_referrals",
)
STUDENT_GROUPS = ("race", "gender", "disability", "limited_english", "grade_band")
YES_NO = {True: "yes", False: "no"}


def revision_facts(entry: dict, version: int) -> dict:
    """The entry's one-value facts, by column name."""
    actions = chosen(entry.get("actions"))
    enforcement = bool(actions & set(ENFORCEMENT_ACTIONS))
    justification = entry.get("justification")
    justification = justification if isinstance(justification, dict) else {}
    facts = {
        "students_involved": _whole(entry.get("students_involved")) or 0,
        "students_described": len(_students(entry)),
        "enforcement": enforcement,
        **{column: action in actions for action, column in ACTION_COLUMNS.items()},
        # Complete under the rules in force when it was stored; None without enforcement.
        "justified": not missing(entry, "justification.") if enforcement else None,
        "injuries": (_text(justification.get("injuries")) or NOT_RECORDED)
        if actions & set(INJURY_ACTIONS)
        else None,
    }
    v2 = version >= 2
    derived = crdc(entry)
    facts.update(
        crdc_referral=derived["crdc_referral_to_law_enforcement"] if v2 else None,
        crdc_arrest=derived["crdc_school_related_arrest"] if v2 else None,
        restraint_prone=("restraint" in actions and entry.get("restraint_prone") is True)
        if v2
        else None,
        search_found_something=(
            "search" in actions and bool(chosen(entry.get("search_found")) - {"nothing"})
        )
        if v2
        else None,
        search_basis=_text(entry.get("search_basis")) if v2 and "search" in actions else None,
        detention_minutes=_whole(entry.get("detention_minutes"))
        if v2 and "detention" in actions
        else None,
        parent_notified=entry.get("parent_notified") is True if v2 and enforcement else None,
        principal_notified=entry.get("principal_notified") is True if v2 and enforcement else None,
    )
    return facts


def choice_rows(entry: dict) -> list[tuple[str, str]]:
    """(field, choice) for each choice of the fields counted by choice, each once."""
    found = []
    for name in CHOICE_FIELDS:
        value = entry
        for part in name.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        found.extend((name, choice) for choice in sorted(chosen(value)) if _text(choice))
    return found


def student_rows(entry: dict) -> list[dict[str, str | None]]:
    """Each described student's groups, in the order described."""
    return [student_groups(student) for student in _students(entry)]


def student_groups(student: dict) -> dict[str, str | None]:
    """The groups a described student counts in, by dimension: two or more perceived races
    are one group of their own; a yes-or-no perception is 'yes' or 'no'; None: not recorded."""
    races = sorted(chosen(student.get("perceived_race")))
    return {
        "race": (_text(races[0]) if len(races) == 1 else TWO_OR_MORE) if races else None,
        "gender": _text(student.get("perceived_gender")),
        "disability": _yes_no(student.get("perceived_disability")),
        "limited_english": _yes_no(student.get("perceived_limited_english")),
        "grade_band": _text(student.get("grade_band")),
    }


def _students(entry: dict) -> list[dict]:
    students = entry.get("students")
    return [s for s in students if isinstance(s, dict)] if isinstance(students, list) else []


def _yes_no(value) -> str | None:
    return YES_NO[value] if isinstance(value, bool) else None


def _text(value) -> str | None:
    """A choice as stored, if it is text the app would store (older rules' values included)."""
    return value if value and is_clean_text(value) else None


def _whole(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
