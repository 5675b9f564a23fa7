"""Unit tests of logger/rules/, the one place the rules of a contact entry live.

The assertions are on what an officer or a reviewer notices: whether an entry
is accepted, the exact message shown next to a field, the warnings, what is
kept in the cleaned entry, the flags a supervisor sees, and the rules as data
that the offline client receives. No Flask, no database.
"""

from __future__ import annotations

import ast
import copy
import importlib
import inspect
import json
import pkgutil
import re
import types
from datetime import UTC, datetime, timedelta

import pytest

from logger import rules
from tests.factories import v2_facts

NOW = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)
SCHOOL_ID = 7
ASSIGNED = frozenset({SCHOOL_ID, 8})

REASON = "The student refused to leave the bus lane during dismissal."  # involvement_reason
BASIS = "A teacher saw the student pass a folding knife to a classmate."  # justification.basis
WHY = "The student kept reaching for the knife after three verbal requests."  # why_last_resort

# Messages an officer reads, written out so that a change of wording is a visible decision.
MSG = {
    "occurred_required": "Enter when the contact happened.",
    "occurred_invalid": "Enter a date and time, like 2026-11-28 14:05.",
    "occurred_future": "This time is in the future; enter when the contact actually happened.",
    "school": "Choose one of the schools you are assigned to.",
    "students_involved": "Enter how many students were involved, from 1 to 50.",
    "actions_required": "Choose at least one action taken, or “None”.",
    "actions_invalid": "Choose actions from the list.",
    "actions_exclusive": "“None” cannot be combined with other actions.",
    "alternatives_exclusive": (
        "“No alternative was feasible” cannot be combined with alternatives that were tried."
    ),
    "involvement_reason": (
        "Explain why a sworn officer, not school staff, handled this "
        "school-discipline matter (at least 20 characters)."
    ),
    "too_long_4001": "Shorten this to 4000 characters or fewer (it has 4001).",
    "students_list": "Describe the students as a list.",
    "supervisor": "Say whether a supervisor was notified of the use of force.",
    "disability": "Say whether you perceived a disability.",
    "narrative_invalid": "Write the narrative as text.",
    "entry": "An entry must be an object of fields.",
}


# --- builders ------------------------------------------------------------------------------


def base_entry(classification: str = "mentoring", **changes) -> dict:
    """A valid entry of one classification, with no enforcement action."""
    entry = {
        "occurred_at": (NOW - timedelta(hours=1)).isoformat(),
        "school_id": SCHOOL_ID,
        "location": "hallway",
        "setting": "school_grounds",
        "initiated_by": "student",
        "classification": classification,
        "students_involved": 1,
        "actions": ["verbal_warning"],
    }
    if classification != "mentoring":
        entry["duration_minutes"] = 15
    entry.update(
        {
            "disciplinary": {"school_rule": "disruption", "involvement_reason": REASON},
            "criminal": {"offense_category": "weapons"},
            "mentoring": {"mentoring_type": "informal_counseling"},
        }[classification]
    )
    entry.update(changes)
    return entry


def student(**changes) -> dict:
    """One valid student description (the officer's perception)."""
    described = {
        "grade_band": "high",
        "perceived_race": ["black"],
        "perceived_gender": "female",
        "perceived_disability": False,
    }
    described.update(changes)
    return described


def enforcement_entry(*actions: str, classification: str = "criminal", **changes) -> dict:
    """A valid entry with these actions and exactly the justification they call for."""
    entry = base_entry(classification, actions=list(actions), students=[student()])
    justification = {"basis": BASIS, "alternatives_tried": ["verbal_deescalation"]}
    if set(actions) & set(rules.LAST_RESORT_ACTIONS):
        justification["why_last_resort"] = WHY
    if set(actions) & set(rules.INJURY_ACTIONS):
        justification["injuries"] = "none"
    if "use_of_force" in actions:
        justification["supervisor_notified"] = True
        entry["force_types"] = ["physical_control"]
    entry["justification"] = justification
    entry.update(v2_facts(actions))
    entry.update(changes)
    return entry


def use_of_force_entry(**changes) -> dict:
    """A complete, valid use-of-force entry: every conditional field applies."""
    return enforcement_entry("use_of_force", **changes)


def check(entry, *, now: datetime = NOW, schools=ASSIGNED) -> rules.Verdict:
    return rules.check(entry, assigned_school_ids=schools, now=now)


def _steps(path: str) -> list:
    return [int(step) if step.isdigit() else step for step in path.split(".")]


def with_value(entry: dict, path: str, value) -> dict:
    """A copy of the entry with `path` ("justification.basis", "students.0.grade_band") set."""
    entry = copy.deepcopy(entry)
    *parents, leaf = _steps(path)
    target = entry
    for step in parents:
        target = target[step] if isinstance(step, int) else target.setdefault(step, {})
    target[leaf] = value
    return entry


def without(entry: dict, path: str) -> dict:
    """A copy of the entry with `path` removed."""
    entry = copy.deepcopy(entry)
    *parents, leaf = _steps(path)
    target = entry
    for step in parents:
        target = target[step]
    del target[leaf]
    return entry


MISSING = object()


def cleaned(verdict: rules.Verdict, path: str):
    """The value at `path` in the cleaned entry, or a sentinel when it was dropped."""
    value = verdict.entry
    for step in _steps(path):
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            return MISSING
    return value


def errors_of(verdict: rules.Verdict, path: str) -> list[str]:
    return verdict.errors.get(path, [])


# --- valid entries and what is kept --------------------------------------------------------------


@pytest.mark.parametrize(
    "entry",
    [
        pytest.param(base_entry("disciplinary"), id="disciplinary"),
        pytest.param(base_entry("criminal"), id="criminal"),
        pytest.param(base_entry("mentoring"), id="mentoring"),
        pytest.param(base_entry("mentoring", actions=["none"]), id="no-action"),
        pytest.param(use_of_force_entry(), id="use-of-force"),
        pytest.param(
            enforcement_entry(*rules.ENFORCEMENT_ACTIONS, classification="disciplinary"),
            id="every-enforcement-action-disciplinary",
        ),
    ],
)
def test_valid_entries_are_accepted_without_warnings(entry):
    verdict = check(entry)
    assert verdict.ok, verdict.errors
    assert verdict.errors == {}
    assert verdict.warnings == {}


def test_cleaned_entry_keeps_what_the_officer_entered():
    verdict = check(use_of_force_entry(narrative="  Calm by the end of lunch.  "))
    assert verdict.ok, verdict.errors
    assert verdict.entry == {
        "occurred_at": (NOW - timedelta(hours=1)).isoformat(),
        "school_id": SCHOOL_ID,
        "location": "hallway",
        "setting": "school_grounds",
        "initiated_by": "student",
        "classification": "criminal",
        "offense_category": "weapons",
        "duration_minutes": 15,
        "students_involved": 1,
        "actions": ["use_of_force"],
        "force_types": ["physical_control"],
        "parent_notified": True,
        "principal_notified": True,
        "justification": {
            "basis": BASIS,
            "alternatives_tried": ["verbal_deescalation"],
            "why_last_resort": WHY,
            "injuries": "none",
            "supervisor_notified": True,
        },
        "students": [student()],
        "narrative": "Calm by the end of lunch.",
    }


def test_fields_not_in_the_dictionary_are_not_kept():
    """Server-only and unknown fields are never taken from the client; a student's name neither."""
    entry = enforcement_entry(
        "arrest",
        officer_id=99,
        status="approved",
        flags=["none"],
        students=[student(name="Maria Lopez")],
    )
    verdict = check(entry)
    assert verdict.ok, verdict.errors
    assert not {"officer_id", "status", "flags"} & set(verdict.entry)
    assert verdict.entry["students"] == [student()]


# --- enums ----------------------------------------------------------------------------------

# (path, entry in which the field applies, a valid value, the message for an unknown value)
ENUM_FIELDS = [
    ("location", base_entry(), "cafeteria", "Choose where the contact happened from the list."),
    ("setting", base_entry(), "school_transportation", "Choose the setting from the list."),
    (
        "initiated_by",
        base_entry(),
        "parent_guardian",
        "Choose who started the contact from the list.",
    ),
    (
        "classification",
        base_entry("criminal"),
        "criminal",
        "Classify the contact: disciplinary, criminal or mentoring.",
    ),
    (
        "school_rule",
        base_entry("disciplinary"),
        "tobacco_vaping",
        "Choose the school rule involved from the list.",
    ),
    (
        "offense_category",
        base_entry("criminal"),
        "sexual_offense",
        "Choose the offense category from the list.",
    ),
    (
        "mentoring_type",
        base_entry("mentoring"),
        "safety_education",
        "Choose the kind of mentoring contact from the list.",
    ),
    (
        "actions",
        base_entry(),
        ["verbal_warning", "parent_contacted"],
        "Choose actions from the list.",
    ),
    (
        "force_types",
        use_of_force_entry(),
        ["takedown", "chemical_spray"],
        "Choose the types of force from the list.",
    ),
    (
        "justification.alternatives_tried",
        enforcement_entry("search"),
        ["time_and_distance", "counselor_involved"],
        "Choose alternatives from the list.",
    ),
    (
        "justification.injuries",
        enforcement_entry("restraint"),
        "student_minor",
        "Choose the injuries from the list.",
    ),
    (
        "restraint_types",
        enforcement_entry("restraint"),
        ["mechanical_handcuffs", "seclusion"],
        "Choose the kinds of restraint from the list.",
    ),
    (
        "search_basis",
        enforcement_entry("search"),
        "probable_cause",
        "Choose the legal basis for the search from the list.",
    ),
    (
        "search_found",
        enforcement_entry("search"),
        ["weapon", "drugs"],
        "Choose what the search found from the list.",
    ),
    (
        "outcome_referrals",
        enforcement_entry("arrest"),
        ["juvenile_court", "diversion_program"],
        "Choose the referrals from the list.",
    ),
    (
        "students.0.grade_band",
        enforcement_entry("citation"),
        "elementary",
        "Choose the student's grade band from the list.",
    ),
    (
        "students.0.perceived_race",
        enforcement_entry("citation"),
        ["hispanic_latino", "white"],
        "Choose perceived race from the list.",
    ),
    (
        "students.0.perceived_gender",
        enforcement_entry("citation"),
        "nonconforming",
        "Choose the perceived gender from the list.",
    ),
]
ENUM_IDS = [case[0] for case in ENUM_FIELDS]


@pytest.mark.parametrize("path, entry, valid, message", ENUM_FIELDS, ids=ENUM_IDS)
def test_enum_accepts_a_listed_value_and_refuses_an_unknown_one(path, entry, valid, message):
    verdict = check(with_value(entry, path, valid))
    assert verdict.ok, verdict.errors
    assert cleaned(verdict, path) == valid

    unknowns = [["spaceship"], [*valid, "spaceship"]] if isinstance(valid, list) else ["spaceship"]
    for unknown in unknowns:  # a list with one unknown value is refused whole
        verdict = check(with_value(entry, path, unknown))
        assert errors_of(verdict, path) == [message]
        assert cleaned(verdict, path) is MISSING


def test_every_listed_choice_is_accepted():
    """Each value of each enum, sent alone in an entry where its field applies."""
    for spec in rules.FIELDS:
        for choice in spec.choices:
            value = [choice] if spec.type == "choices" else choice
            if spec.name == "classification":
                entry = base_entry(choice)
            elif spec.name == "actions" and choice in rules.ENFORCEMENT_ACTIONS:
                entry = enforcement_entry(choice)
            else:
                entry = next(e for path, e, *_ in ENUM_FIELDS if path == spec.name)
            verdict = check(with_value(entry, spec.name, value))
            assert verdict.ok, (spec.name, choice, verdict.errors)
            assert cleaned(verdict, spec.name) == value


def test_every_listed_student_choice_is_accepted():
    for spec in rules.STUDENT_FIELDS:
        for choice in spec.choices:
            value = [choice] if spec.type == "choices" else choice
            verdict = check(enforcement_entry("citation", students=[student(**{spec.name: value})]))
            assert verdict.ok, (spec.name, choice, verdict.errors)


def test_choice_lists_are_kept_in_canonical_order_without_repeats():
    entry = enforcement_entry("detention", "search", "detention", "verbal_warning")
    verdict = check(entry)
    assert verdict.ok, verdict.errors
    assert verdict.entry["actions"] == ["verbal_warning", "search", "detention"]


# --- wrong JSON types: an error, never an exception -----------------------------------------

WRONG_TYPES = [
    ("location", base_entry(), 3, "Choose where the contact happened from the list."),
    (
        "classification",
        base_entry(),
        ["mentoring"],
        "Classify the contact: disciplinary, criminal or mentoring.",
    ),
    ("actions", base_entry(), "verbal_warning", MSG["actions_invalid"]),
    ("force_types", use_of_force_entry(), "strike", "Choose the types of force from the list."),
    (
        "justification.alternatives_tried",
        enforcement_entry("arrest"),
        "none_feasible",
        "Choose alternatives from the list.",
    ),
    (
        "justification.injuries",
        enforcement_entry("restraint"),
        ["none"],
        "Choose the injuries from the list.",
    ),
    ("justification.supervisor_notified", use_of_force_entry(), "yes", MSG["supervisor"]),
    (
        "justification.basis",
        enforcement_entry("citation"),
        12345678901234567890123456789012,
        "Give the specific facts that made the citation necessary (at least 30 characters).",
    ),
    ("narrative", base_entry(), 42, MSG["narrative_invalid"]),
    ("school_id", base_entry(), 7.0, MSG["school"]),
    ("occurred_at", base_entry(), 1795878000, MSG["occurred_invalid"]),
    ("students", enforcement_entry("arrest"), "one girl, ninth grade", MSG["students_list"]),
    ("students.0", enforcement_entry("arrest"), "a girl", MSG["students_list"]),
    ("students.0.perceived_disability", enforcement_entry("arrest"), "no", MSG["disability"]),
]


@pytest.mark.parametrize(
    "path, entry, value, message",
    WRONG_TYPES,
    ids=[f"{case[0]}={case[2]!r}"[:50] for case in WRONG_TYPES],
)
def test_a_wrong_json_type_is_an_error_not_an_exception(path, entry, value, message):
    verdict = check(with_value(entry, path, value))
    assert not verdict.ok
    assert errors_of(verdict, path) == [message]


@pytest.mark.parametrize("entry", [None, ["occurred_at"], "entry", 5])
def test_an_entry_that_is_not_an_object_is_refused(entry):
    verdict = check(entry)
    assert verdict.errors == {"entry": [MSG["entry"]]}
    assert verdict.entry == {}


@pytest.mark.parametrize("justification", ["facts", ["facts"]])
def test_a_justification_that_is_not_an_object_asks_for_each_part(justification):
    verdict = check(enforcement_entry("arrest", justification=justification))
    assert set(verdict.errors) == {
        "justification.basis",
        "justification.alternatives_tried",
        "justification.why_last_resort",
    }


ODD_VALUES = [
    None,
    True,
    False,
    0,
    -1,
    1.5,
    10**30,
    "",
    "  ",
    "x",
    "²",
    "9" * 5000,
    [],
    [None],
    [{}],
    ["none", None],
    {},
    {"a": 1},
]


def test_odd_values_in_any_field_never_raise_and_messages_are_complete():
    """Whatever a broken client sends, the officer gets messages, fully written out."""
    full = use_of_force_entry(
        classification="disciplinary", school_rule="defiance", involvement_reason=REASON
    )
    paths = (
        [spec.name for spec in rules.FIELDS]
        + ["justification"]
        + [f"students.0.{spec.name}" for spec in rules.STUDENT_FIELDS]
    )
    for path in paths:
        for value in ODD_VALUES:
            verdict = check(with_value(full, path, value))
            for messages in verdict.errors.values():
                for message in messages:
                    assert message and not re.search(r"[{}]", message), (path, value, message)


# --- required fields and conditions ---------------------------------------------------------

ALWAYS_REQUIRED = [
    ("occurred_at", MSG["occurred_required"]),
    ("school_id", "Choose the school."),
    ("location", "Choose where the contact happened."),
    ("initiated_by", "Choose who started the contact."),
    ("classification", "Classify the contact: disciplinary, criminal or mentoring."),
    ("students_involved", MSG["students_involved"]),
    ("actions", MSG["actions_required"]),
]


@pytest.mark.parametrize("path, message", ALWAYS_REQUIRED, ids=[c[0] for c in ALWAYS_REQUIRED])
def test_always_required_fields(path, message):
    assert check(without(base_entry(), path)).errors == {path: [message]}


@pytest.mark.parametrize(
    "path, blank, message",
    [
        ("occurred_at", "   ", MSG["occurred_required"]),
        ("location", None, "Choose where the contact happened."),
        ("students_involved", "", MSG["students_involved"]),
        ("actions", [], MSG["actions_required"]),
    ],
)
def test_a_blank_value_counts_as_missing(path, blank, message):
    assert check(with_value(base_entry(), path, blank)).errors == {path: [message]}


# (path, entry in which it applies, the message when it is left out)
CONDITIONAL_FIELDS = [
    ("school_rule", base_entry("disciplinary"), "Choose the school rule involved."),
    ("involvement_reason", base_entry("disciplinary"), MSG["involvement_reason"]),
    ("offense_category", base_entry("criminal"), "Choose the offense category."),
    ("mentoring_type", base_entry("mentoring"), "Choose the kind of mentoring contact."),
    ("force_types", use_of_force_entry(), "Choose each type of force used."),
    (
        "justification.basis",
        enforcement_entry("citation"),
        "Give the specific facts that made the citation necessary (at least 30 characters).",
    ),
    (
        "justification.alternatives_tried",
        enforcement_entry("search"),
        "Choose what was tried before the search, or “No alternative was feasible”.",
    ),
    (
        "justification.why_last_resort",
        enforcement_entry("detention"),
        "Explain why detention was a last resort (at least 30 characters).",
    ),
    (
        "justification.injuries",
        enforcement_entry("restraint"),
        "Record any injuries from the restraint (choose “None” if there were none).",
    ),
    ("justification.supervisor_notified", use_of_force_entry(), MSG["supervisor"]),
    (
        "students",
        enforcement_entry("arrest"),
        "Describe each student involved (1 needed, 0 described): an enforcement action was taken.",
    ),
]


@pytest.mark.parametrize(
    "path, entry, message", CONDITIONAL_FIELDS, ids=[c[0] for c in CONDITIONAL_FIELDS]
)
def test_a_field_that_applies_is_required(path, entry, message):
    assert check(entry).ok
    assert check(without(entry, path)).errors == {path: [message]}
    spec = rules.FIELDS_BY_NAME[path]
    empty = [] if spec.type in ("choices", "students") else ("   " if spec.type == "text" else None)
    assert check(with_value(entry, path, empty)).errors == {path: [message]}


# (entry where the field does not apply, path, a value that would be valid where it applies)
NOT_APPLICABLE = [
    ("mentoring", base_entry("mentoring"), "school_rule", "dress_code"),
    ("mentoring-invalid-value", base_entry("mentoring"), "school_rule", "spaceship"),
    ("criminal", base_entry("criminal"), "involvement_reason", REASON),
    ("disciplinary", base_entry("disciplinary"), "offense_category", "theft"),
    ("arrest", enforcement_entry("arrest"), "force_types", ["strike"]),
    ("citation", enforcement_entry("citation"), "justification.why_last_resort", WHY),
    ("search", enforcement_entry("search"), "justification.why_last_resort", WHY),
    ("arrest", enforcement_entry("arrest"), "justification.injuries", "officer"),
    ("restraint", enforcement_entry("restraint"), "justification.supervisor_notified", True),
]


@pytest.mark.parametrize(
    "entry, path, value",
    [c[1:] for c in NOT_APPLICABLE],
    ids=[f"{c[2]}-on-{c[0]}" for c in NOT_APPLICABLE],
)
def test_a_field_that_does_not_apply_is_dropped(entry, path, value):
    verdict = check(with_value(entry, path, value))
    assert verdict.ok, verdict.errors
    assert cleaned(verdict, path) is MISSING


def test_a_justification_without_enforcement_is_dropped_whole():
    entry = base_entry(justification=enforcement_entry("arrest")["justification"])
    verdict = check(entry)
    assert verdict.ok, verdict.errors
    assert "justification" not in verdict.entry


# Which conditional fields each action calls for, straight from the data dictionary.
JUSTIFIED = {"justification.basis", "justification.alternatives_tried", "students"}
LAST_RESORT = JUSTIFIED | {"justification.why_last_resort"}
TOLD = {"parent_notified", "principal_notified"}  # v2: asked of every enforcement action
NEEDS_BY_ACTION = {
    "none": set(),
    "verbal_warning": set(),
    "referral_school_admin": set(),
    "referral_counselor": set(),
    "parent_contacted": set(),
    "citation": JUSTIFIED | TOLD | {"outcome_referrals"},
    "search": JUSTIFIED | TOLD | {"search_basis", "search_found"},
    "detention": LAST_RESORT | TOLD | {"detention_minutes"},
    "arrest": LAST_RESORT | TOLD | {"outcome_referrals"},
    "restraint": LAST_RESORT
    | TOLD
    | {"justification.injuries", "restraint_types", "restraint_minutes", "restraint_prone"},
    "use_of_force": LAST_RESORT
    | TOLD
    | {"justification.injuries", "justification.supervisor_notified", "force_types"},
}


@pytest.mark.parametrize("action", rules.ACTIONS)
def test_what_each_action_requires(action):
    """With nothing but the base fields, the errors name exactly what the action calls for."""
    verdict = check(base_entry("criminal", actions=[action]))
    assert set(verdict.errors) == NEEDS_BY_ACTION[action]


# --- students -----------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["citation", "search", "use_of_force"])
def test_enforcement_needs_one_description_per_student(action):
    entry = enforcement_entry(action, students_involved=3, students=[student(), student()])
    assert check(entry).errors == {
        "students": [
            "Describe each student involved (3 needed, 2 described): an enforcement action was "
            "taken.",
        ]
    }
    assert check(with_value(entry, "students", [student()] * 3)).ok


@pytest.mark.parametrize("count", [0, 1, 3])
def test_students_are_optional_without_enforcement(count):
    verdict = check(base_entry(students_involved=3, students=[student()] * count))
    assert verdict.ok, verdict.errors


@pytest.mark.parametrize(
    "entry",
    [
        pytest.param(
            base_entry(students_involved=2, students=[student()] * 3), id="no-enforcement"
        ),
        pytest.param(
            enforcement_entry("arrest", students_involved=2, students=[student()] * 3), id="arrest"
        ),
        pytest.param(base_entry(students_involved=1, students=[student()] * 2), id="one-involved"),
    ],
)
def test_never_more_students_described_than_involved(entry):
    verdict = check(entry)
    described, involved = len(entry["students"]), entry["students_involved"]
    assert verdict.errors == {
        "students": [
            f"Describe no more students than were involved ({involved}); you described "
            f"{described}.",
        ]
    }


def test_an_invalid_student_count_does_not_garble_the_students_message():
    """students_involved 0 is refused; the students message still asks for at least one."""
    verdict = check(enforcement_entry("arrest", students_involved=0, students=[]))
    assert verdict.errors["students_involved"] == [MSG["students_involved"]]
    assert verdict.errors["students"] == [
        "Describe each student involved (1 needed, 0 described): an enforcement action was taken."
    ]


@pytest.mark.parametrize(
    "path, message",
    [
        ("grade_band", "Choose the student's grade band."),
        ("perceived_race", "Choose at least one perceived race."),
        ("perceived_gender", "Choose the perceived gender."),
        ("perceived_disability", MSG["disability"]),
    ],
)
def test_each_student_description_is_complete(path, message):
    entry = enforcement_entry(
        "arrest", students_involved=2, students=[student(), without(student(), path)]
    )
    assert check(entry).errors == {f"students.1.{path}": [message]}


def test_perceived_disability_is_a_yes_or_no():
    for disability in (True, False):
        verdict = check(
            enforcement_entry("arrest", students=[student(perceived_disability=disability)])
        )
        assert verdict.ok
        assert verdict.entry["students"][0]["perceived_disability"] is disability


# --- exclusive choices --------------------------------------------------------------------


@pytest.mark.parametrize(
    "actions, message",
    [
        (["none"], None),
        (["verbal_warning", "referral_counselor"], None),
        (["none", "verbal_warning"], MSG["actions_exclusive"]),
    ],
)
def test_none_stands_alone_in_actions(actions, message):
    verdict = check(base_entry(actions=actions))
    assert errors_of(verdict, "actions") == ([message] if message else [])


@pytest.mark.parametrize(
    "alternatives, message",
    [
        (["none_feasible"], None),
        (["verbal_deescalation", "time_and_distance", "parent_contacted"], None),
        (["none_feasible", "verbal_deescalation"], MSG["alternatives_exclusive"]),
        ([], "Choose what was tried before the arrest, or “No alternative was feasible”."),
    ],
)
def test_no_alternative_feasible_stands_alone(alternatives, message):
    verdict = check(
        with_value(enforcement_entry("arrest"), "justification.alternatives_tried", alternatives)
    )
    assert errors_of(verdict, "justification.alternatives_tried") == ([message] if message else [])


# --- lengths ------------------------------------------------------------------------------


def text(length: int) -> str:
    """Plain text of exactly `length` characters that looks like no personal information."""
    return ("calm talk " * (length // 10 + 1))[: length - 1] + "." if length else ""


# (path, entry where it applies, minimum length, the message below it)
MIN_LENGTHS = [
    ("involvement_reason", base_entry("disciplinary"), 20, MSG["involvement_reason"]),
    (
        "justification.basis",
        enforcement_entry("search"),
        30,
        "Give the specific facts that made the search necessary (at least 30 characters).",
    ),
    (
        "justification.why_last_resort",
        enforcement_entry("restraint"),
        30,
        "Explain why restraint was a last resort (at least 30 characters).",
    ),
]
MIN_IDS = [case[0] for case in MIN_LENGTHS]


@pytest.mark.parametrize("path, entry, minimum, message", MIN_LENGTHS, ids=MIN_IDS)
def test_text_at_the_minimum_length_is_accepted_and_stored_stripped(path, entry, minimum, message):
    verdict = check(with_value(entry, path, "\n  " + text(minimum) + "  "))
    assert verdict.ok, verdict.errors
    assert cleaned(verdict, path) == text(minimum)


@pytest.mark.parametrize("path, entry, minimum, message", MIN_LENGTHS, ids=MIN_IDS)
def test_text_one_below_the_minimum_is_refused_whitespace_not_counted(
    path, entry, minimum, message
):
    assert check(with_value(entry, path, text(minimum - 1))).errors == {path: [message]}
    padded = "   " + text(minimum - 1) + "\n\t  "
    assert check(with_value(entry, path, padded)).errors == {path: [message]}
    assert check(with_value(entry, path, " " * minimum)).errors == {path: [message]}


TEXT_FIELDS = [
    ("involvement_reason", base_entry("disciplinary")),
    ("justification.basis", use_of_force_entry()),
    ("justification.why_last_resort", use_of_force_entry()),
    ("narrative", base_entry()),
]


@pytest.mark.parametrize("path, entry", TEXT_FIELDS, ids=[c[0] for c in TEXT_FIELDS])
def test_text_maximum_is_4000_characters(path, entry):
    assert check(with_value(entry, path, text(4000))).ok
    assert check(with_value(entry, path, "  " + text(4000) + "\n\n")).ok  # whitespace is free
    assert check(with_value(entry, path, text(4001))).errors == {path: [MSG["too_long_4001"]]}


def test_the_narrative_is_optional():
    assert check(base_entry(narrative="")).ok
    assert check(base_entry(narrative="   ")).ok
    assert "narrative" not in check(base_entry(narrative="  ")).entry


@pytest.mark.parametrize(
    "value, ok",
    [
        (0, False),
        (1, True),
        (50, True),
        (51, False),
        ("1", True),
        ("51", False),
        ("1.0", False),
        ("²", False),
        ("9" * 5000, False),
        (True, False),
        (2.0, False),
    ],
)
def test_students_involved_is_a_whole_number_from_1_to_50(value, ok):
    verdict = check(base_entry(students_involved=value))
    assert verdict.ok is ok
    if ok:
        assert verdict.entry["students_involved"] == int(value)
    else:
        assert verdict.errors == {"students_involved": [MSG["students_involved"]]}


def test_fifty_students_with_enforcement_need_fifty_descriptions():
    assert check(enforcement_entry("citation", students_involved=50, students=[student()] * 50)).ok


# --- occurred_at ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "occurred_at, message",
    [
        ((NOW + timedelta(minutes=5)).isoformat(), None),
        ((NOW + timedelta(minutes=5, seconds=1)).isoformat(), MSG["occurred_future"]),
        ((NOW - timedelta(days=400)).isoformat(), None),
        ("2026-11-28T09:05:00-06:00", None),  # = NOW + 5 min, in Chicago time
        ("2026-11-28T09:05:01-06:00", MSG["occurred_future"]),
        ("2026-11-28T20:35:00+05:30", None),  # = NOW + 5 min, in India time
        ("2026-11-28T20:35:01+05:30", MSG["occurred_future"]),
        ("2026-11-28T15:05:00Z", None),
        ("2026-11-28T15:05:01Z", MSG["occurred_future"]),
    ],
)
def test_occurred_at_may_be_at_most_five_minutes_ahead(occurred_at, message):
    verdict = check(base_entry(occurred_at=occurred_at))
    assert errors_of(verdict, "occurred_at") == ([message] if message else [])


@pytest.mark.parametrize(
    "occurred_at",
    [
        "2026-11-28T14:05:00",
        "2026-11-28 14:05",
        "2026-11-28",  # no UTC offset
        "yesterday",
        "2026-02-30T10:00:00+00:00",
        "2026-11-28T14:05:00+25:00",
    ],
)
def test_occurred_at_needs_a_real_time_with_a_utc_offset(occurred_at):
    verdict = check(base_entry(occurred_at=occurred_at))
    assert verdict.errors == {"occurred_at": [MSG["occurred_invalid"]]}
    assert "occurred_at" not in verdict.entry


def test_occurred_at_is_stored_as_iso_8601_with_its_offset():
    verdict = check(base_entry(occurred_at=" 2026-11-28T08:30:00-06:00 "))
    assert verdict.ok
    assert verdict.entry["occurred_at"] == "2026-11-28T08:30:00-06:00"


# --- school -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "school_id, assigned, ok",
    [
        (SCHOOL_ID, ASSIGNED, True),
        (str(SCHOOL_ID), ASSIGNED, True),
        (9, ASSIGNED, False),
        (SCHOOL_ID, frozenset(), False),
        ("²", ASSIGNED, False),
        ("9" * 5000, ASSIGNED, False),
    ],
)
def test_the_school_must_be_one_the_officer_is_assigned_to(school_id, assigned, ok):
    verdict = check(base_entry(school_id=school_id), schools=assigned)
    assert verdict.ok is ok
    if ok:
        assert verdict.entry["school_id"] == SCHOOL_ID
    else:
        assert verdict.errors == {"school_id": [MSG["school"]]}
        assert "school_id" not in verdict.entry


# --- the wording of the justification messages ---------------------------------------------


@pytest.mark.parametrize(
    "actions, path, message",
    [
        (
            ["detention"],
            "justification.why_last_resort",
            "Explain why detention was a last resort (at least 30 characters).",
        ),
        (
            ["arrest", "detention"],
            "justification.why_last_resort",
            "Explain why detention and arrest were a last resort (at least 30 characters).",
        ),
        (
            ["use_of_force", "arrest", "detention"],
            "justification.why_last_resort",
            "Explain why detention, arrest and use of force were a last resort (at least 30 "
            "characters).",
        ),
        (
            ["search", "citation", "arrest"],
            "justification.why_last_resort",
            "Explain why arrest was a last resort (at least 30 characters).",
        ),
        (
            ["arrest", "search"],
            "justification.basis",
            "Give the specific facts that made the search and arrest necessary "
            "(at least 30 characters).",
        ),
        (
            ["arrest", "citation"],
            "justification.alternatives_tried",
            "Choose what was tried before the citation and arrest, or “No alternative was "
            "feasible”.",
        ),
        (
            ["use_of_force", "arrest", "restraint"],
            "justification.injuries",
            "Record any injuries from the restraint and use of force "
            "(choose “None” if there were none).",
        ),
    ],
)
def test_justification_messages_name_the_actions_in_canonical_order(actions, path, message):
    entry = without(enforcement_entry(*actions), path)
    assert check(entry).errors == {path: [message]}


# --- flags --------------------------------------------------------------------------------


def flags_of(entry: dict, *, received_at: datetime = NOW) -> list[str]:
    """The flags of an entry as the server stores it: checked first, then flagged."""
    verdict = check(entry)
    assert verdict.ok, verdict.errors
    return rules.flags(verdict.entry, received_at=received_at)


ACTION_FLAGS = ["use_of_force", "arrest", "restraint", "detention", "search"]


@pytest.mark.parametrize("flag", ACTION_FLAGS)
def test_an_action_flag_is_raised_by_its_action_only(flag):
    assert flag in flags_of(enforcement_entry(flag))
    others = [a for a in rules.ENFORCEMENT_ACTIONS if a != flag]
    assert flag not in flags_of(enforcement_entry(*others))


def test_actions_without_a_flag_raise_none():
    for action in (
        "none",
        "verbal_warning",
        "referral_school_admin",
        "referral_counselor",
        "parent_contacted",
    ):
        assert flags_of(base_entry(actions=[action])) == [], action
    assert flags_of(enforcement_entry("citation")) == []


@pytest.mark.parametrize(
    "injuries, raised",
    [
        ("none", False),
        ("student_minor", True),
        ("student_serious", True),
        ("officer", True),
        ("multiple", True),
    ],
)
def test_injury_flag(injuries, raised):
    entry = with_value(enforcement_entry("restraint"), "justification.injuries", injuries)
    assert ("injury" in flags_of(entry)) is raised


@pytest.mark.parametrize(
    "classification, raised",
    [
        ("disciplinary", True),
        ("criminal", False),
        ("mentoring", False),
    ],
)
def test_disciplinary_involvement_flag(classification, raised):
    assert ("disciplinary_involvement" in flags_of(base_entry(classification))) is raised


@pytest.mark.parametrize(
    "classification, actions, raised",
    [
        ("disciplinary", ["citation"], True),
        ("disciplinary", ["verbal_warning", "use_of_force"], True),
        ("disciplinary", ["verbal_warning", "referral_school_admin"], False),
        ("disciplinary", ["none"], False),
        ("criminal", ["arrest"], False),
    ],
)
def test_discipline_enforcement_flag(classification, actions, raised):
    if set(actions) & set(rules.ENFORCEMENT_ACTIONS):
        entry = enforcement_entry(*actions, classification=classification)
    else:
        entry = base_entry(classification, actions=actions)
    assert ("discipline_enforcement" in flags_of(entry)) is raised


@pytest.mark.parametrize(
    "saved_after, raised",
    [
        (timedelta(hours=1), False),
        (timedelta(hours=24), False),
        (timedelta(hours=24, seconds=1), True),
    ],
)
def test_late_entry_flag(saved_after, raised):
    occurred = NOW - timedelta(days=30)
    entry = base_entry(occurred_at=occurred.isoformat())
    assert ("late_entry" in flags_of(entry, received_at=occurred + saved_after)) is raised


def test_late_entry_compares_instants_not_wall_clock():
    """08:00 in Chicago is 14:00 UTC: saved at 14:00 UTC the next day is exactly 24 h."""
    entry = base_entry(occurred_at="2026-10-01T08:00:00-06:00")
    assert "late_entry" not in flags_of(entry, received_at=datetime(2026, 10, 2, 14, 0, tzinfo=UTC))
    assert "late_entry" in flags_of(entry, received_at=datetime(2026, 10, 2, 14, 0, 1, tzinfo=UTC))


@pytest.mark.parametrize(
    "path, entry, value, raised",
    [
        ("narrative", base_entry(), "Spoke with Maria Lopez at lunch.", True),
        ("narrative", base_entry(), "Spoke with a student at lunch.", False),
        (
            "justification.basis",
            enforcement_entry("search"),
            "A teacher saw Jamal Brown pass a folding knife to a classmate.",
            True,
        ),
        (
            "involvement_reason",
            base_entry("disciplinary"),
            "Student DOB 3/4/2010 refused to go.",
            True,
        ),
    ],
)
def test_possible_pii_flag(path, entry, value, raised):
    assert ("possible_pii" in flags_of(with_value(entry, path, value))) is raised


def test_flags_come_in_the_order_of_rules_flags():
    entry = enforcement_entry(
        *reversed(rules.ENFORCEMENT_ACTIONS),
        classification="disciplinary",
        occurred_at=(NOW - timedelta(days=2)).isoformat(),
        narrative="Mr. Smith was there.",
    )
    entry = with_value(entry, "justification.injuries", "student_minor")
    assert (
        flags_of(entry)
        == list(rules.FLAGS)
        == [
            "use_of_force",
            "arrest",
            "restraint",
            "detention",
            "search",
            "injury",
            "disciplinary_involvement",
            "discipline_enforcement",
            "late_entry",
            "possible_pii",
        ]
    )


def test_flags_of_a_clean_mentoring_entry():
    assert flags_of(base_entry()) == []


# --- approving: when a supervisor must comment ----------------------------------------------


@pytest.mark.parametrize(
    "entry, needed",
    [
        (base_entry(), False),
        (enforcement_entry("search", "detention"), False),
        (enforcement_entry("citation", classification="disciplinary"), True),
        (enforcement_entry("arrest"), True),
        (enforcement_entry("restraint"), True),
        (enforcement_entry("use_of_force"), True),
    ],
)
def test_approval_needs_a_comment_for_force_arrest_restraint_or_discipline_enforcement(
    entry, needed
):
    flags = flags_of(entry)
    assert rules.approval_needs_comment(flags) is needed
    assert bool(rules.check_decision("approve", "", flags)) is needed
    assert rules.check_decision("approve", "Reviewed the video.", flags) == {}


def test_approving_an_arrest_without_a_comment_names_the_arrest():
    flags = flags_of(enforcement_entry("arrest", "search"))
    assert rules.check_decision("approve", "  ", flags) == {
        "comment": ["Comment on the arrest before approving."]
    }


# --- possible personal information ----------------------------------------------------------


@pytest.mark.parametrize(
    "text_",
    [
        "Maria Lopez",
        "Talked with Maria Lopez in the hall.",
        "Then Maria Lopez left.",
        "Mr. Smith",
        "a student named Jamal",
        "DOB 2010",
        "3/4/2010",
        "student number 123456",
    ],
)
def test_possible_pii_is_detected(text_):
    assert rules.possible_pii(text_)


@pytest.mark.parametrize(
    "text_",
    [
        "Met a student near Lincoln High School after lunch",
        "Officer spoke with the Assistant Principal",
        "Walked the Main Street Bus Lot on Monday",
        "Room 12345 was locked",
        "Talked in Room 204 at 3:15 with the Vice Principal",
    ],
)
def test_ordinary_text_is_not_suspected(text_):
    assert not rules.possible_pii(text_)


@pytest.mark.parametrize("path, entry", TEXT_FIELDS, ids=[c[0] for c in TEXT_FIELDS])
def test_possible_pii_is_a_warning_not_an_error(path, entry):
    written = "The teacher named Jamal as the one who pulled the fire alarm twice."
    verdict = check(with_value(entry, path, written))
    assert verdict.ok, verdict.errors
    assert verdict.warnings == {path: [rules.PII_WARNING]}
    assert cleaned(verdict, path) == written


def test_the_pii_warning_tells_the_officer_what_to_leave_out():
    assert rules.PII_WARNING == (
        "This may identify a student (a name, a birth date or an ID "
        "number). Describe students without names, birth dates or "
        "numbers."
    )


def test_text_refused_for_length_is_not_also_warned():
    verdict = check(base_entry(narrative="Maria Lopez " + text(4000)))
    assert "narrative" in verdict.errors
    assert verdict.warnings == {}


# --- describe(): the rules as data for the offline client ----------------------------------


@pytest.fixture(scope="module")
def described() -> dict:
    return json.loads(json.dumps(rules.describe()))


def test_describe_is_json(described):
    assert described == rules.describe()
    assert described["version"] == rules.SPEC_VERSION
    assert described["late_after_hours"] == 24


def test_describe_gives_every_field_its_rules(described):
    by_name = {f["name"]: f for f in described["fields"] + described["student_fields"]}
    for spec in rules.FIELDS + rules.STUDENT_FIELDS:
        data = by_name[spec.name]
        assert data["type"] == spec.type, spec.name
        assert data["label"] == spec.label, spec.name
        assert data["messages"] == spec.messages and data["messages"], spec.name
        assert data["required"] == spec.required, spec.name
        assert data.get("applies_when") == spec.applies_when, spec.name
        assert [c["value"] for c in data.get("choices", [])] == list(spec.choices), spec.name
        for key in ("min_length", "max_length", "min", "max", "exclusive"):
            assert data.get(key) == getattr(spec, key), (spec.name, key)


def test_describe_lists_the_fields_in_order(described):
    assert [f["name"] for f in described["fields"]] == [spec.name for spec in rules.FIELDS]
    assert [f["name"] for f in described["student_fields"]] == [
        "grade_band",
        "perceived_race",
        "perceived_gender",
        "perceived_disability",
        "perceived_limited_english",
    ]


DICTIONARY_CONDITIONS = {
    "school_rule": {"field": "classification", "equals": "disciplinary"},
    "involvement_reason": {"field": "classification", "equals": "disciplinary"},
    "offense_category": {"field": "classification", "equals": "criminal"},
    "mentoring_type": {"field": "classification", "equals": "mentoring"},
    "force_types": {"field": "actions", "has_any": ["use_of_force"]},
    "justification.basis": {"field": "actions", "has_any": list(rules.ENFORCEMENT_ACTIONS)},
    "justification.alternatives_tried": {
        "field": "actions",
        "has_any": list(rules.ENFORCEMENT_ACTIONS),
    },
    "justification.why_last_resort": {
        "field": "actions",
        "has_any": ["detention", "restraint", "arrest", "use_of_force"],
    },
    "justification.injuries": {"field": "actions", "has_any": ["restraint", "use_of_force"]},
    "justification.supervisor_notified": {"field": "actions", "has_any": ["use_of_force"]},
    "detention_minutes": {"field": "actions", "has_any": ["detention"]},
    "restraint_types": {"field": "actions", "has_any": ["restraint"]},
    "restraint_minutes": {"field": "actions", "has_any": ["restraint"]},
    "restraint_prone": {"field": "actions", "has_any": ["restraint"]},
    "search_basis": {"field": "actions", "has_any": ["search"]},
    "search_found": {"field": "actions", "has_any": ["search"]},
    "outcome_referrals": {"field": "actions", "has_any": ["citation", "arrest"]},
    "parent_notified": {"field": "actions", "has_any": list(rules.ENFORCEMENT_ACTIONS)},
    "principal_notified": {"field": "actions", "has_any": list(rules.ENFORCEMENT_ACTIONS)},
}


def test_describe_states_the_data_dictionary_conditions(described):
    """Exactly these fields are conditional, each required whenever it applies."""
    conditional = {f["name"]: f["applies_when"] for f in described["fields"] if "applies_when" in f}
    assert conditional == DICTIONARY_CONDITIONS
    assert all(f["required"] is True for f in described["fields"] if "applies_when" in f)


def test_describe_says_students_are_required_with_enforcement(described):
    data = next(f for f in described["fields"] if f["name"] == "students")
    assert data["required"] == {"field": "actions", "has_any": list(rules.ENFORCEMENT_ACTIONS)}
    assert "applies_when" not in data


def test_every_condition_refers_to_real_choices(described):
    fields = {f["name"]: f for f in described["fields"]}
    for data in described["fields"]:
        for condition in (data.get("applies_when"), data["required"]):
            if not isinstance(condition, dict):
                continue
            values = {c["value"] for c in fields[condition["field"]]["choices"]}
            assert set(condition.get("has_any", [])) <= values
            assert condition.get("equals", next(iter(values))) in values


def test_describe_gives_labels_a_person_reads(described):
    actions = next(f for f in described["fields"] if f["name"] == "actions")
    assert {"value": "use_of_force", "label": "Use of force"} in actions["choices"]
    assert {
        "value": "referral_school_admin",
        "label": "Referral to school administration",
    } in actions["choices"]


def test_describe_carries_flags_in_order(described):
    assert list(described["flags"]) == list(rules.FLAGS)
    assert described["flags"]["late_entry"]["label"] == "Late entry"


def test_describe_carries_the_pii_rules(described):
    assert described["pii"]["patterns"] == rules.PII_PATTERNS
    assert set(described["pii"]["patterns"]) == {"digits", "date", "cue", "pair"}
    assert described["pii"]["not_names"] == sorted(rules.PII_NOT_NAMES)
    assert described["pii"]["warning"] == rules.PII_WARNING


# Python-only (or JavaScript-unsafe) regular-expression syntax.
NOT_JAVASCRIPT = [
    (r"\(\?P", "named group (?P<...>) or (?P=...)"),
    (r"\(\?<[A-Za-z_]", "named group (?<name>...): Python 3.11 does not read it"),
    (r"\(\?>", "atomic group"),
    (r"[*+?}]\+", "possessive quantifier"),
    (r"\(\?[aiLmsux-]+[:)]", "inline flags"),
    (r"\(\?#", "comment group"),
    (r"\\[AZz]", "string anchors \\A, \\Z, \\z"),
    (r"\(\?\(", "conditional group"),
    (r"\[\[:", "POSIX class"),
]


@pytest.mark.parametrize("kind", list(rules.PII_PATTERNS))
def test_pii_pattern_compiles_in_python_with_syntax_javascript_shares(kind):
    pattern = rules.PII_PATTERNS[kind]
    re.compile(pattern)
    for construct, what in NOT_JAVASCRIPT:
        assert not re.search(construct, pattern), f"{kind} uses a {what}"


def test_the_syntax_check_catches_python_only_constructs():
    """The list above really recognises what it claims to."""
    python_only = [r"(?P<name>\d+)", r"\d++", r"(?>ab)", r"(?i)smith", r"\Aabc\Z"]
    for pattern in python_only:
        assert any(re.search(construct, pattern) for construct, _ in NOT_JAVASCRIPT), pattern


# --- the module stays pure Python -----------------------------------------------------------


def test_rules_imports_nothing_from_flask():
    """Every module of logger/rules/ imports only the standard library and its neighbours."""
    modules = [rules] + [
        importlib.import_module(f"{rules.__name__}.{info.name}")
        for info in pkgutil.iter_modules(rules.__path__)
    ]
    imported = set()
    for module in modules:
        for node in ast.walk(ast.parse(inspect.getsource(module))):
            if isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                imported.add(node.module or "")
    assert not {name for name in imported if name.split(".")[0] in ("flask", "werkzeug")}
    assert imported <= {"__future__", "re", "dataclasses", "datetime"}, imported
    for value in vars(rules).values():
        module = value if isinstance(value, types.ModuleType) else inspect.getmodule(value)
        if module is not None:
            assert not module.__name__.startswith(("flask", "werkzeug")), value


# --- when a contact may have happened -------------------------------------------------------


@pytest.mark.parametrize(
    "moment, message",
    [
        ("1999-12-31T23:59:59+00:00", "too far in the past"),
        ("0001-01-01T00:00:00+14:00", "too far in the past"),
    ],
)
def test_dates_before_2000_are_refused(moment, message):
    verdict = check(with_value(base_entry("mentoring"), "occurred_at", moment))
    assert message in verdict.errors["occurred_at"][0] and "occurred_at" not in verdict.entry


def test_the_first_moment_of_2000_is_accepted():
    verdict = check(with_value(base_entry("mentoring"), "occurred_at", "2000-01-01T00:00:00+00:00"))
    assert "occurred_at" not in verdict.errors


@pytest.mark.parametrize(
    "text", ["Talked with André Dubois", "José Martínez came by", "Maria José"]
)
def test_accented_names_are_warned(text):
    assert rules.possible_pii(text)


# --- completeness of stored entries ----------------------------------------------------------


@pytest.mark.parametrize(
    "entry, missing",
    [
        (base_entry(), []),
        (use_of_force_entry(), []),
        (
            without(use_of_force_entry(), "justification.why_last_resort"),
            ["justification.why_last_resort"],
        ),
        (
            without(without(use_of_force_entry(), "justification.injuries"), "justification.basis"),
            ["justification.basis", "justification.injuries"],
        ),
        (
            with_value(enforcement_entry("citation"), "justification.alternatives_tried", []),
            ["justification.alternatives_tried"],
        ),
    ],
)
def test_missing_names_the_justification_parts_a_stored_entry_lacks(entry, missing):
    assert rules.missing(entry, "justification.") == missing


def test_missing_without_a_prefix_also_names_undescribed_students():
    entry = without(enforcement_entry("arrest"), "students")
    assert "students" in rules.missing(entry)
    assert rules.missing(base_entry()) == []
