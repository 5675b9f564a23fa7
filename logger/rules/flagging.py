"""The flags of an entry and the review queue's order by them (`concern()`).

Flags are computed from an entry, never typed; each names the COPS principle it concerns.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .fields import ENFORCEMENT_ACTIONS
from .pii import texts_with_possible_pii
from .text import parse_datetime

LATE_AFTER_HOURS = 24  # late_entry: logged more than this after the contact

FLAGS = {
    "use_of_force": ("Use of force", "COPS principle 4: force only as a last resort"),
    "arrest": ("Arrest", "COPS principle 4: arrest only as a last resort"),
    "restraint": ("Restraint", "COPS principle 4: restraint only as a last resort"),
    "detention": ("Detention", "COPS principle 4: detention only as a last resort"),
    "search": ("Search", "COPS principle 4: enforcement powers only as a last resort"),
    "injury": ("Injury", "COPS principle 4: someone was hurt"),
    "disciplinary_involvement": (
        "Disciplinary matter",
        "COPS principle 3: school discipline belongs to school staff",
    ),
    "discipline_enforcement": (
        "Disciplinary matter with enforcement",
        "COPS principles 3 and 4: enforcement action in a school-discipline matter",
    ),
    "late_entry": ("Late entry", "COPS principle 7: logged more than 24 hours after the contact"),
    "possible_pii": (
        "Possible student identifiers",
        "COPS principle 7: narratives must not identify students",
    ),
}


def flags(entry: dict, *, received_at: datetime) -> list[str]:
    """The flags of a cleaned entry, in the order of FLAGS."""
    actions = set(entry.get("actions") or ())
    raised = {
        action
        for action in ("use_of_force", "arrest", "restraint", "detention", "search")
        if action in actions
    }
    if (entry.get("justification") or {}).get("injuries") not in (None, "none"):
        raised.add("injury")
    if entry.get("classification") == "disciplinary":
        raised.add("disciplinary_involvement")
        if actions & set(ENFORCEMENT_ACTIONS):
            raised.add("discipline_enforcement")
    occurred = parse_datetime(entry.get("occurred_at"))
    if occurred and received_at - occurred > timedelta(hours=LATE_AFTER_HOURS):
        raised.add("late_entry")
    if texts_with_possible_pii(entry):
        raised.add("possible_pii")
    return [name for name in FLAGS if name in raised]


# Review: the highest-concern entries first (DESIGN.md, "Review workflow").
CONCERN_ORDER = (
    "use_of_force",
    "discipline_enforcement",
    "arrest",
    "restraint",
    "detention",
    "search",
)


def concern(flags) -> int:
    """An entry's rank in the review queue: 0 for use of force ... len(CONCERN_ORDER) for the
    rest."""
    return next(
        (rank for rank, flag in enumerate(CONCERN_ORDER) if flag in flags), len(CONCERN_ORDER)
    )
