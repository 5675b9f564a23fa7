"""The rules of a contact entry (data dictionary v1), written once.

Pure Python, no Flask: the HTML form, the sync API and the review queue call
`check()` and `flags()`; offline clients receive `describe()` as JSON and
interpret the same field specs, so no rule is ever written twice.

A field spec is data: its type, when it applies (`applies_when`), when it is
required (`required`: True, False or a condition), its limits and its
messages. A condition is `{"field": name, "equals": value}` or
`{"field": name, "has_any": [values]}`. Fields that do not apply are dropped
from the cleaned entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

SPEC_VERSION = 1

LOCATIONS = ("classroom", "hallway", "cafeteria", "office", "grounds", "parking_lot",
             "bus_area", "athletic_event", "off_campus", "other")
INITIATORS = ("officer", "school_staff", "student", "parent_guardian", "dispatch", "other")
CLASSIFICATIONS = ("disciplinary", "criminal", "mentoring")
SCHOOL_RULES = ("attendance", "disruption", "defiance", "dress_code", "device_use",
                "tobacco_vaping", "fighting_no_injury", "other")
OFFENSE_CATEGORIES = ("assault", "weapons", "drugs", "alcohol", "theft", "vandalism", "threat",
                      "trespass", "sexual_offense", "other")
MENTORING_TYPES = ("mentoring", "informal_counseling", "class_presentation", "family_engagement",
                   "extracurricular", "safety_education", "other")
ENFORCEMENT_ACTIONS = ("citation", "search", "detention", "restraint", "arrest", "use_of_force")
ACTIONS = ("none", "verbal_warning", "referral_school_admin", "referral_counselor",
           "parent_contacted") + ENFORCEMENT_ACTIONS
LAST_RESORT_ACTIONS = ("detention", "restraint", "arrest", "use_of_force")
INJURY_ACTIONS = ("restraint", "use_of_force")
FORCE_TYPES = ("physical_control", "takedown", "strike", "chemical_spray",
               "electronic_control_device", "baton", "firearm_pointed", "firearm_discharged",
               "other")
ALTERNATIVES = ("verbal_deescalation", "time_and_distance", "school_staff_involved",
                "counselor_involved", "parent_contacted", "none_feasible")
INJURIES = ("none", "student_minor", "student_serious", "officer", "multiple")
GRADE_BANDS = ("elementary", "middle", "high")
RACES = ("asian", "black", "hispanic_latino", "middle_eastern_south_asian", "native_american",
         "pacific_islander", "white")
GENDERS = ("male", "female", "transgender_man", "transgender_woman", "nonconforming")

MAX_TEXT = 4000
MAX_FUTURE_MINUTES = 5
EARLIEST_CONTACT = "2000-01-01T00:00:00+00:00"  # before any program this system serves
LATE_AFTER_HOURS = 24
STUDENTS_MIN, STUDENTS_MAX = 1, 50

# Labels a person reads; any value not listed is its words with the first capitalised.
LABELS = {
    "parking_lot": "Parking lot", "bus_area": "Bus area", "athletic_event": "Athletic event",
    "off_campus": "Off campus", "school_staff": "School staff",
    "parent_guardian": "Parent or guardian", "dress_code": "Dress code",
    "device_use": "Device use", "tobacco_vaping": "Tobacco or vaping",
    "fighting_no_injury": "Fighting (no injury)", "sexual_offense": "Sexual offense",
    "informal_counseling": "Informal counseling", "class_presentation": "Class presentation",
    "family_engagement": "Family engagement", "safety_education": "Safety education",
    "none": "None", "verbal_warning": "Verbal warning",
    "referral_school_admin": "Referral to school administration",
    "referral_counselor": "Referral to counselor", "parent_contacted": "Parent contacted",
    "use_of_force": "Use of force", "physical_control": "Physical control",
    "chemical_spray": "Chemical spray", "electronic_control_device": "Electronic control device",
    "firearm_pointed": "Firearm pointed", "firearm_discharged": "Firearm discharged",
    "verbal_deescalation": "Verbal de-escalation", "time_and_distance": "Time and distance",
    "school_staff_involved": "School staff involved", "counselor_involved": "Counselor involved",
    "none_feasible": "No alternative was feasible", "student_minor": "Student, minor",
    "student_serious": "Student, serious", "officer": "Officer", "multiple": "Multiple people",
    "hispanic_latino": "Hispanic or Latino",
    "middle_eastern_south_asian": "Middle Eastern or South Asian",
    "native_american": "Native American", "pacific_islander": "Pacific Islander",
    "transgender_man": "Transgender man", "transgender_woman": "Transgender woman",
    "nonconforming": "Gender nonconforming",
}


def label(value: str) -> str:
    """The words a person reads for an enum value."""
    return LABELS.get(value) or value.replace("_", " ").capitalize()


def _is(field_name: str, value: str) -> dict:
    return {"field": field_name, "equals": value}


def _has_any(field_name: str, values: tuple[str, ...]) -> dict:
    return {"field": field_name, "has_any": list(values)}


@dataclass(frozen=True)
class Field:
    """One field of the entry: its type, when it applies and is required, and its messages.

    Messages may use `{min}`, `{max}`, `{count}`, `{actions}` (the ticked
    actions that made the field apply, in words, in the order of ACTIONS) and
    `{was}` ("was" for one such action, "were" for more).
    """

    name: str
    type: str  # datetime, school, choice, choices, text, integer, boolean, students
    label: str
    required: bool | dict = True
    applies_when: dict | None = None
    choices: tuple[str, ...] = ()
    exclusive: str | None = None  # a choice that may only stand alone
    min_length: int | None = None
    max_length: int | None = None
    min: int | None = None
    max: int | None = None
    max_future_minutes: int | None = None  # datetime: how far ahead of the server's clock
    earliest: str | None = None  # datetime: nothing before this moment
    must_be_assigned: bool = False  # school: one of the officer's assigned schools
    count_field: str | None = None  # students: one description per student counted here
    messages: dict = field(default_factory=dict)
    choice_labels: dict = field(default_factory=dict)  # where a value reads differently here

    def choice_label(self, value: str) -> str:
        """The words for one of this field's choices."""
        return self.choice_labels.get(value) or label(value)

    def to_json(self) -> dict:
        data = {"name": self.name, "type": self.type, "label": self.label,
                "required": self.required, "messages": dict(self.messages)}
        if self.must_be_assigned:
            data["must_be_assigned"] = True
        if self.applies_when:
            data["applies_when"] = self.applies_when
        if self.choices:
            data["choices"] = [{"value": c, "label": self.choice_label(c)} for c in self.choices]
        for key in ("exclusive", "min_length", "max_length", "min", "max", "max_future_minutes",
                    "earliest", "count_field"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data


DISCIPLINARY = _is("classification", "disciplinary")
ENFORCEMENT = _has_any("actions", ENFORCEMENT_ACTIONS)
LAST_RESORT = _has_any("actions", LAST_RESORT_ACTIONS)
INJURY_POSSIBLE = _has_any("actions", INJURY_ACTIONS)
FORCE = _has_any("actions", ("use_of_force",))

TEXT_TOO_LONG = "Shorten this to {max} characters or fewer (it has {count})."

# Text the app stores: valid Unicode (encodable as UTF-8) with no control character
# but tab, and line breaks where a field has several lines. Checked at every door
# (entries, comments, names, imports, filters), so rendering and exporting never
# meet text they cannot write. The patterns read alike in Python and JavaScript.
TEXT_CONTROL = {
    "multiline": r"[\u0000-\u0008\u000B-\u001F\u007F-\u009F]",
    "single_line": r"[\u0000-\u0008\u000A-\u001F\u007F-\u009F]",
}
TEXT_MESSAGES = {
    "broken": "“{label}” holds a broken character (not valid Unicode): retype that part.",
    "multiline": "“{label}” holds an invisible control character: delete it (tabs and line "
                 "breaks are fine).",
    "single_line": "“{label}” holds a line break or an invisible control character: "
                   "write it on one line.",
}
_TEXT_CONTROL = {kind: re.compile(pattern) for kind, pattern in TEXT_CONTROL.items()}


def text_problem(value: str, label: str, *, multiline: bool = False) -> str | None:
    """Why this text cannot be stored, in words naming the field; None when it can.

    Line breaks sent as CR LF (as browsers post them) count as line breaks.
    """
    if not is_valid_unicode(value):
        return TEXT_MESSAGES["broken"].format(label=label)
    kind = "multiline" if multiline else "single_line"
    if _TEXT_CONTROL[kind].search(value.replace("\r\n", "\n") if multiline else value):
        return TEXT_MESSAGES[kind].format(label=label)
    return None


def is_valid_unicode(text: str) -> bool:
    """Whether text can be written as UTF-8 (no lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def is_clean_text(value: object, *, multiline: bool = False) -> bool:
    """Whether a value is text the app would store (for filters that ignore anything else)."""
    return isinstance(value, str) and text_problem(value, "", multiline=multiline) is None

FIELDS: tuple[Field, ...] = (
    Field("occurred_at", "datetime", "When it happened", messages={
        "required": "Enter when the contact happened.",
        "invalid": "Enter a date and time, like 2026-11-28 14:05.",
        "future": "This time is in the future; enter when the contact actually happened.",
        "too_early": "This date is too far in the past; enter when the contact actually "
                     "happened.",
    }, max_future_minutes=MAX_FUTURE_MINUTES, earliest=EARLIEST_CONTACT),
    Field("school_id", "school", "School", must_be_assigned=True, messages={
        "required": "Choose the school.",
        "invalid": "Choose one of the schools you are assigned to.",
    }),
    Field("location", "choice", "Where", choices=LOCATIONS, messages={
        "required": "Choose where the contact happened.",
        "invalid": "Choose where the contact happened from the list.",
    }),
    Field("initiated_by", "choice", "Who started the contact", choices=INITIATORS, messages={
        "required": "Choose who started the contact.",
        "invalid": "Choose who started the contact from the list.",
    }),
    Field("classification", "choice", "Classification", choices=CLASSIFICATIONS, messages={
        "required": "Classify the contact: disciplinary, criminal or mentoring.",
        "invalid": "Classify the contact: disciplinary, criminal or mentoring.",
    }),
    Field("school_rule", "choice", "School rule involved", choices=SCHOOL_RULES,
          applies_when=DISCIPLINARY, messages={
              "required": "Choose the school rule involved.",
              "invalid": "Choose the school rule involved from the list.",
          }),
    Field("involvement_reason", "text", "Why an officer, not school staff, handled this",
          applies_when=DISCIPLINARY, min_length=20, max_length=MAX_TEXT, messages={
              "required": "Explain why a sworn officer, not school staff, handled this "
                          "school-discipline matter (at least {min} characters).",
              "too_long": TEXT_TOO_LONG,
          }),
    Field("offense_category", "choice", "Offense", choices=OFFENSE_CATEGORIES,
          applies_when=_is("classification", "criminal"), messages={
              "required": "Choose the offense category.",
              "invalid": "Choose the offense category from the list.",
          }),
    Field("mentoring_type", "choice", "Kind of mentoring", choices=MENTORING_TYPES,
          choice_labels={"mentoring": "One-on-one mentoring"},
          applies_when=_is("classification", "mentoring"), messages={
              "required": "Choose the kind of mentoring contact.",
              "invalid": "Choose the kind of mentoring contact from the list.",
          }),
    Field("students_involved", "integer", "Students involved", min=STUDENTS_MIN,
          max=STUDENTS_MAX, messages={
              "required": "Enter how many students were involved, from {min} to {max}.",
              "invalid": "Enter how many students were involved, from {min} to {max}.",
          }),
    Field("actions", "choices", "Actions taken", choices=ACTIONS, exclusive="none", messages={
        "required": "Choose at least one action taken, or “None”.",
        "invalid": "Choose actions from the list.",
        "exclusive": "“None” cannot be combined with other actions.",
    }),
    Field("force_types", "choices", "Force used", choices=FORCE_TYPES, applies_when=FORCE,
          messages={
              "required": "Choose each type of force used.",
              "invalid": "Choose the types of force from the list.",
          }),
    Field("justification.basis", "text", "Facts that made it necessary",
          applies_when=ENFORCEMENT, min_length=30, max_length=MAX_TEXT, messages={
              "required": "Give the specific facts that made the {actions} necessary "
                          "(at least {min} characters).",
              "too_long": TEXT_TOO_LONG,
          }),
    Field("justification.alternatives_tried", "choices", "Alternatives tried first",
          choices=ALTERNATIVES, exclusive="none_feasible", applies_when=ENFORCEMENT, messages={
              "required": "Choose what was tried before the {actions}, "
                          "or “No alternative was feasible”.",
              "invalid": "Choose alternatives from the list.",
              "exclusive": "“No alternative was feasible” cannot be combined with "
                           "alternatives that were tried.",
          }),
    Field("justification.why_last_resort", "text", "Why it was a last resort",
          applies_when=LAST_RESORT, min_length=30, max_length=MAX_TEXT, messages={
              "required": "Explain why {actions} {was} a last resort (at least {min} characters).",
              "too_long": TEXT_TOO_LONG,
          }),
    Field("justification.injuries", "choice", "Injuries", choices=INJURIES,
          applies_when=INJURY_POSSIBLE, messages={
              "required": "Record any injuries from the {actions} (choose “None” if there "
                          "were none).",
              "invalid": "Choose the injuries from the list.",
          }),
    Field("justification.supervisor_notified", "boolean", "Supervisor notified",
          applies_when=FORCE, messages={
              "required": "Say whether a supervisor was notified of the use of force.",
              "invalid": "Say whether a supervisor was notified of the use of force.",
          }),
    Field("students", "students", "Students", required=ENFORCEMENT, max=STUDENTS_MAX,
          count_field="students_involved", messages={
        "required": "Describe each student involved ({min} needed, {count} described): "
                    "an enforcement action was taken.",
        "too_many": "Describe no more students than were involved ({max}); "
                    "you described {count}.",
        "invalid": "Describe the students as a list.",
    }),
    Field("narrative", "text", "Narrative", required=False, max_length=MAX_TEXT,
          messages={"invalid": "Write the narrative as text.", "too_long": TEXT_TOO_LONG}),
)

STUDENT_FIELDS: tuple[Field, ...] = (
    Field("grade_band", "choice", "Grade band", choices=GRADE_BANDS, messages={
        "required": "Choose the student's grade band.",
        "invalid": "Choose the student's grade band from the list.",
    }),
    Field("perceived_race", "choices", "Perceived race", choices=RACES, messages={
        "required": "Choose at least one perceived race.",
        "invalid": "Choose perceived race from the list.",
    }),
    Field("perceived_gender", "choice", "Perceived gender", choices=GENDERS, messages={
        "required": "Choose the perceived gender.",
        "invalid": "Choose the perceived gender from the list.",
    }),
    Field("perceived_disability", "boolean", "Perceived disability", messages={
        "required": "Say whether you perceived a disability.",
        "invalid": "Say whether you perceived a disability.",
    }),
)

FIELDS_BY_NAME = {f.name: f for f in FIELDS}

# Sent beside an entry, not in it: why an approved entry is changed.
AMENDMENT = Field("amendment_explanation", "text", "Why you are amending an approved entry",
                  min_length=10, max_length=2000, messages={
                      "required": "Explain why you are amending this approved entry "
                                  "(at least {min} characters).",
                      "too_long": TEXT_TOO_LONG,
                  })

# Flags: computed from an entry, never typed. Each names the COPS principle it concerns.
FLAGS = {
    "use_of_force": ("Use of force", "COPS principle 4: force only as a last resort"),
    "arrest": ("Arrest", "COPS principle 4: arrest only as a last resort"),
    "restraint": ("Restraint", "COPS principle 4: restraint only as a last resort"),
    "detention": ("Detention", "COPS principle 4: detention only as a last resort"),
    "search": ("Search", "COPS principle 4: enforcement powers only as a last resort"),
    "injury": ("Injury", "COPS principle 4: someone was hurt"),
    "disciplinary_involvement": (
        "Disciplinary matter", "COPS principle 3: school discipline belongs to school staff"),
    "discipline_enforcement": (
        "Disciplinary matter with enforcement",
        "COPS principles 3 and 4: enforcement action in a school-discipline matter"),
    "late_entry": ("Late entry", "COPS principle 7: logged more than 24 hours after the contact"),
    "possible_pii": ("Possible student identifiers",
                     "COPS principle 7: narratives must not identify students"),
}

# Possible personal information in free text: a warning, never a refusal.
# A text is suspect when `digits`, `date` or `cue` matches, or when `pair` (two
# capitalised words; group 1, overlapping) finds a pair with neither word in
# `not_names`. The patterns use syntax that Python and JavaScript read alike.
_UPPER, _LOWER = "A-ZÀ-ÖØ-Þ", "a-zß-öø-ÿ"
_NOT_LETTER_BEFORE, _NOT_LETTER_AFTER = f"(?<![{_UPPER}{_LOWER}])", f"(?![{_UPPER}{_LOWER}])"
_WORD = f"[{_UPPER}][{_LOWER}]+"
PII_PATTERNS = {
    "digits": r"[0-9]{6,}",
    "date": r"\b[0-9]{1,2}[/.-][0-9]{1,2}[/.-](?:[0-9]{4}|[0-9]{2})\b"
            r"|\b(?:DOB|D\.O\.B|born on|birth ?date)\b",
    "cue": rf"\b(?:Mr|Mrs|Ms|Miss|Mx)\.? {_WORD}|\b(?:named|name is|called) {_WORD}",
    "pair": rf"{_NOT_LETTER_BEFORE}(?=({_WORD} {_WORD}){_NOT_LETTER_AFTER})",
}
# Capitalised pairs with one of these words are places, roles or sentence openers, not names.
PII_NOT_NAMES = frozenset("""
    The A An This That These Those He She They It We I Officer Deputy Sergeant Sgt Principal
    Assistant Vice Coach Teacher Counselor Nurse School High Middle Elementary Academy Street
    St Avenue Ave Road Rd Drive Park Lot Gym Cafeteria Hall Room Office Main North South East
    West Campus Bus Student Students Parent Parents Staff Security Resource Monday Tuesday
    Wednesday Thursday Friday Saturday Sunday January February March April May June July
    August September October November December Police Department County District Center After
    Before During When While Then Later Also And But Or At In On Of For To With No Yes Mom Dad
    """.split())
PII_WARNING = ("This may identify a student (a name, a birth date or an ID number). "
               "Describe students without names, birth dates or numbers.")

# re.ASCII: \b means what it means in JavaScript, so both sides flag the same texts.
_PII_REGEXES = {kind: re.compile(pattern, re.ASCII) for kind, pattern in PII_PATTERNS.items()}


@dataclass
class Verdict:
    """What the rules say of an entry: errors (refuse), warnings (show), the cleaned entry."""

    entry: dict
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    school_not_assigned: bool = False  # the officer may not log at this school (principle 11)

    @property
    def ok(self) -> bool:
        return not self.errors

    def add_error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)


def check(entry: object, *, assigned_school_ids, now: datetime) -> Verdict:
    """Check an entry as sent (JSON-like) against every rule; never raises on bad input."""
    verdict = Verdict(entry={})
    if not isinstance(entry, dict):
        verdict.add_error("entry", "An entry must be an object of fields.")
        return verdict
    for spec in FIELDS:
        if not condition_holds(spec.applies_when, entry):
            continue
        _check_field(spec, _get(entry, spec.name), entry, verdict, spec.name)
    for spec in FIELDS:
        if spec.must_be_assigned:
            _check_assigned(spec, verdict, assigned_school_ids)
        if spec.max_future_minutes is not None:
            _check_time(spec, verdict, now)
        if spec.count_field:
            _check_count(spec, verdict, entry)
    _warn_pii(verdict)
    return verdict


def condition_holds(condition: dict | None, entry: dict) -> bool:
    """Whether a spec condition holds for an entry (None always holds)."""
    if condition is None:
        return True
    value = entry.get(condition["field"])
    if "equals" in condition:
        return value == condition["equals"]
    if isinstance(value, (list, tuple)):
        return any(v in condition["has_any"] for v in value if isinstance(v, str))
    return False


def missing(entry: dict, prefix: str = "") -> list[str]:
    """The fields (under `prefix`) that apply to a stored entry but are blank.

    For an entry stored under older rules, e.g. `missing(entry, "justification.")`
    tells whether its justification is complete by today's rules.
    """
    return [spec.name for spec in FIELDS
            if spec.name.startswith(prefix) and condition_holds(spec.applies_when, entry)
            and (spec.required is True or (isinstance(spec.required, dict)
                                           and condition_holds(spec.required, entry)))
            and _is_blank(_get(entry, spec.name))]


def value_at(entry: dict, dotted: str):
    """The value at a dotted path like 'justification.basis', or None."""
    return _get(entry, dotted)


def _get(entry: dict, dotted: str):
    value = entry
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _put(entry: dict, dotted: str, value) -> None:
    *parents, leaf = dotted.split(".")
    for part in parents:
        entry = entry.setdefault(part, {})
    entry[leaf] = value


def _is_blank(value) -> bool:
    return value is None or value == "" or value == [] or (isinstance(value, str) and not value.strip())


def _message(spec: Field, key: str, entry: dict, **values) -> str:
    template = spec.messages.get(key) or spec.messages["required"]
    condition = spec.required if isinstance(spec.required, dict) else spec.applies_when
    chosen = []
    if condition and "has_any" in condition and isinstance(entry.get("actions"), list):
        chosen = [a for a in condition["has_any"] if a in entry["actions"]]
    words = {"actions": join_words([label(a).lower() for a in chosen]),
             "was": "was" if len(chosen) <= 1 else "were",
             "min": spec.min_length or spec.min, "max": spec.max_length or spec.max}
    return template.format(**{**words, **values})


def join_words(words: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _check_field(spec: Field, value, entry: dict, verdict: Verdict, path: str) -> None:
    required = spec.required if isinstance(spec.required, bool) else condition_holds(spec.required, entry)
    if _is_blank(value):
        if spec.count_field and required:
            verdict.add_error(path, _message(spec, "required", entry, count=0,
                                             min=_counted(verdict.entry, spec.count_field)))
        elif required:
            verdict.add_error(path, _message(spec, "required", entry))
        return
    cleaned = _CLEANERS[spec.type](spec, value, entry, verdict, path)
    if cleaned is not None:
        _put(verdict.entry, spec.name, cleaned)


def _clean_choice(spec, value, entry, verdict, path):
    if value in spec.choices:
        return value
    verdict.add_error(path, _message(spec, "invalid", entry))
    return None


def _clean_choices(spec, value, entry, verdict, path):
    if not isinstance(value, (list, tuple)) or not all(v in spec.choices for v in value):
        verdict.add_error(path, _message(spec, "invalid", entry))
        return None
    chosen = [c for c in spec.choices if c in value]  # canonical order, no repeats
    if spec.exclusive in chosen and len(chosen) > 1:
        verdict.add_error(path, _message(spec, "exclusive", entry))
        return None
    return chosen


def _clean_text(spec, value, entry, verdict, path):
    if not isinstance(value, str):
        verdict.add_error(path, _message(spec, "invalid", entry))
        return None
    problem = text_problem(value, spec.label, multiline=True)
    if problem:
        verdict.add_error(path, problem)
        return None
    text = value.replace("\r\n", "\n").strip()
    if spec.max_length is not None and len(text) > spec.max_length:
        verdict.add_error(path, _message(spec, "too_long", entry, count=len(text)))
        return None
    if spec.min_length is not None and len(text) < spec.min_length:
        verdict.add_error(path, _message(spec, "required", entry))
        return None
    return text


def whole_number(text: str) -> int | None:
    """An int from plain ASCII digits (as a form sends them), else None; never raises."""
    text = text.strip()
    return int(text) if re.fullmatch(r"[0-9]{1,18}", text) else None


def _clean_integer(spec, value, entry, verdict, path):
    number = whole_number(value) if isinstance(value, str) else value
    if isinstance(number, bool) or not isinstance(number, int) or not spec.min <= number <= spec.max:
        verdict.add_error(path, _message(spec, "invalid", entry))
        return None
    return number


def _clean_boolean(spec, value, entry, verdict, path):
    if isinstance(value, bool):
        return value
    verdict.add_error(path, _message(spec, "invalid", entry))
    return None


def _clean_datetime(spec, value, entry, verdict, path):
    parsed = parse_datetime(value)
    if parsed is None:
        verdict.add_error(path, _message(spec, "invalid", entry))
        return None
    return parsed.isoformat()


def _clean_school(spec, value, entry, verdict, path):
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and whole_number(value) is not None:
            return whole_number(value)
        verdict.add_error(path, _message(spec, "invalid", entry))
        return None
    return value


def _clean_students(spec, value, entry, verdict, path):
    if not isinstance(value, list):
        verdict.add_error(path, _message(spec, "invalid", entry))
        return None
    students = []
    for index, student in enumerate(value):
        if not isinstance(student, dict):
            verdict.add_error(f"{path}.{index}", _message(spec, "invalid", entry))
            continue
        described = Verdict(entry={})
        for student_spec in STUDENT_FIELDS:
            _check_field(student_spec, student.get(student_spec.name), entry, described,
                         f"{path}.{index}.{student_spec.name}")
        verdict.errors.update(described.errors)
        students.append(described.entry)
    return students


_CLEANERS = {
    "choice": _clean_choice, "choices": _clean_choices, "text": _clean_text,
    "integer": _clean_integer, "boolean": _clean_boolean, "datetime": _clean_datetime,
    "school": _clean_school, "students": _clean_students,
}


def parse_datetime(value) -> datetime | None:
    """An aware datetime from ISO 8601 text with a UTC offset, else None."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _counted(entry: dict, count_field: str) -> int:
    count = entry.get(count_field)
    return count if isinstance(count, int) and not isinstance(count, bool) else 1


def _check_assigned(spec: Field, verdict: Verdict, assigned_school_ids) -> None:
    school_id = verdict.entry.get(spec.name)
    if school_id is not None and school_id not in assigned_school_ids:
        verdict.add_error(spec.name, spec.messages["invalid"])
        verdict.school_not_assigned = True
        del verdict.entry[spec.name]


def _check_time(spec: Field, verdict: Verdict, now: datetime) -> None:
    occurred = verdict.entry.get(spec.name)
    if not occurred:
        return
    moment = parse_datetime(occurred)
    if moment > now + timedelta(minutes=spec.max_future_minutes):
        verdict.add_error(spec.name, spec.messages["future"])
    elif moment < parse_datetime(spec.earliest):
        verdict.add_error(spec.name, spec.messages["too_early"])
        del verdict.entry[spec.name]


def _check_count(spec: Field, verdict: Verdict, entry: dict) -> None:
    """One description per counted student when required; never more than were counted."""
    described = verdict.entry.get(spec.name)
    counted = verdict.entry.get(spec.count_field)
    if described is None or counted is None or spec.name in verdict.errors:
        return
    if len(described) > counted:
        verdict.add_error(spec.name, _message(spec, "too_many", entry, count=len(described),
                                              max=counted))
    elif condition_holds(spec.required, entry) and len(described) < counted:
        verdict.add_error(spec.name, _message(spec, "required", entry, count=len(described),
                                              min=counted))


def _text_fields():
    return [spec for spec in FIELDS if spec.type == "text"]


def possible_pii(text: str) -> bool:
    """Whether free text looks like it names, dates or numbers a student."""
    if any(_PII_REGEXES[kind].search(text) for kind in ("digits", "date", "cue")):
        return True
    return any(not set(pair.group(1).split()) & PII_NOT_NAMES
               for pair in _PII_REGEXES["pair"].finditer(text))


def _warn_pii(verdict: Verdict) -> None:
    for spec in _text_fields():
        text = _get(verdict.entry, spec.name)
        if isinstance(text, str) and possible_pii(text):
            verdict.warnings.setdefault(spec.name, []).append(PII_WARNING)


def flags(entry: dict, *, received_at: datetime) -> list[str]:
    """The flags of a cleaned entry, in the order of FLAGS."""
    actions = set(entry.get("actions") or ())
    raised = {action for action in ("use_of_force", "arrest", "restraint", "detention", "search")
              if action in actions}
    if (entry.get("justification") or {}).get("injuries") not in (None, "none"):
        raised.add("injury")
    if entry.get("classification") == "disciplinary":
        raised.add("disciplinary_involvement")
        if actions & set(ENFORCEMENT_ACTIONS):
            raised.add("discipline_enforcement")
    occurred = parse_datetime(entry.get("occurred_at"))
    if occurred and received_at - occurred > timedelta(hours=LATE_AFTER_HOURS):
        raised.add("late_entry")
    if any(isinstance(_get(entry, s.name), str) and possible_pii(_get(entry, s.name))
           for s in _text_fields()):
        raised.add("possible_pii")
    return [name for name in FLAGS if name in raised]


# Review: the highest-concern entries first (DESIGN.md, "Review workflow").
CONCERN_ORDER = ("use_of_force", "discipline_enforcement", "arrest", "restraint", "detention",
                 "search")
DECISIONS = ("approve", "return")
COMMENT_REQUIRED_TO_APPROVE = ("use_of_force", "arrest", "restraint", "discipline_enforcement")
MAX_COMMENT = 2000


def concern(flags) -> int:
    """An entry's rank in the review queue: 0 for use of force ... len(CONCERN_ORDER) for the rest."""
    return next((rank for rank, flag in enumerate(CONCERN_ORDER) if flag in flags),
                len(CONCERN_ORDER))


def check_decision(decision: object, comment: object, flags) -> dict[str, list[str]]:
    """Errors in a supervisor's decision on an entry with these flags."""
    if decision not in DECISIONS:
        return {"decision": ["Choose to approve the entry or return it for correction."]}
    text = comment.strip() if isinstance(comment, str) else ""
    problem = text_problem(text, "Comment", multiline=True)
    if problem:
        return {"comment": [problem]}
    if len(text) > MAX_COMMENT:
        return {"comment": [f"Shorten the comment to {MAX_COMMENT} characters or fewer."]}
    if not text and decision == "return":
        return {"comment": ["Say what the officer should correct."]}
    needing = [flag for flag in COMMENT_REQUIRED_TO_APPROVE if flag in flags]
    if not text and needing:
        words = join_words([FLAGS[flag][0].lower() for flag in needing])
        return {"comment": [f"Comment on the {words} before approving."]}
    return {}


def check_amendment(explanation: object) -> dict[str, list[str]]:
    """Errors in the explanation that must come with an amendment of an approved entry."""
    verdict = Verdict(entry={})
    _check_field(AMENDMENT, explanation, {}, verdict, AMENDMENT.name)
    return verdict.errors


def describe() -> dict:
    """The rules as data (JSON-serialisable): served to offline clients as the schema."""
    return {
        "version": SPEC_VERSION,
        "fields": [spec.to_json() for spec in FIELDS],
        "student_fields": [spec.to_json() for spec in STUDENT_FIELDS],
        "amendment": AMENDMENT.to_json(),
        "flags": {name: {"label": text, "principle": principle}
                  for name, (text, principle) in FLAGS.items()},
        "pii": {"patterns": PII_PATTERNS, "not_names": sorted(PII_NOT_NAMES),
                "warning": PII_WARNING},
        "late_after_hours": LATE_AFTER_HOURS,
        "text": {"control": TEXT_CONTROL, "messages": TEXT_MESSAGES},
    }
