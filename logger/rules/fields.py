"""The data dictionary (v1 and v2): each field of an entry as a spec, its choices, labels, limits.

A field spec is data: its type, when it applies (`applies_when`), when it is
required (`required`: True, False or a condition), its limits, its messages and
the dictionary version that introduced it (`since`). A condition is
`{"field": name, "equals": value}`, `{"field": name, "in": [values]}` or
`{"field": name, "has_any": [values]}`; `condition_holds()` reads one.

Versions: v1 is the original dictionary; v2 (DESIGN.md, "Data dictionary v2")
adds the facts the Civil Rights Data Collection and state SRO laws ask for.
New writes are checked under CURRENT_VERSION; a stored revision keeps the
version it was checked under, and `fields_for(version)` gives that version's
fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LOCATIONS = (
    "classroom",
    "hallway",
    "cafeteria",
    "office",
    "grounds",
    "parking_lot",
    "bus_area",
    "athletic_event",
    "off_campus",
    "other",
)
INITIATORS = ("officer", "school_staff", "student", "parent_guardian", "dispatch", "other")
CLASSIFICATIONS = ("disciplinary", "criminal", "mentoring")
SCHOOL_RULES = (
    "attendance",
    "disruption",
    "defiance",
    "dress_code",
    "device_use",
    "tobacco_vaping",
    "fighting_no_injury",
    "other",
)
OFFENSE_CATEGORIES = (
    "assault",
    "weapons",
    "drugs",
    "alcohol",
    "theft",
    "vandalism",
    "threat",
    "trespass",
    "sexual_offense",
    "other",
)
MENTORING_TYPES = (
    "mentoring",
    "informal_counseling",
    "class_presentation",
    "family_engagement",
    "extracurricular",
    "safety_education",
    "other",
)
ENFORCEMENT_ACTIONS = ("citation", "search", "detention", "restraint", "arrest", "use_of_force")
ACTIONS = (
    "none",
    "verbal_warning",
    "referral_school_admin",
    "referral_counselor",
    "parent_contacted",
) + ENFORCEMENT_ACTIONS
LAST_RESORT_ACTIONS = ("detention", "restraint", "arrest", "use_of_force")
INJURY_ACTIONS = ("restraint", "use_of_force")
FORCE_TYPES = (
    "physical_control",
    "takedown",
    "strike",
    "chemical_spray",
    "electronic_control_device",
    "baton",
    "firearm_pointed",
    "firearm_discharged",
    "other",
)
ALTERNATIVES = (
    "verbal_deescalation",
    "time_and_distance",
    "school_staff_involved",
    "counselor_involved",
    "parent_contacted",
    "none_feasible",
)
INJURIES = ("none", "student_minor", "student_serious", "officer", "multiple")
GRADE_BANDS = ("elementary", "middle", "high")
RACES = (
    "asian",
    "black",
    "hispanic_latino",
    "middle_eastern_south_asian",
    "native_american",
    "pacific_islander",
    "white",
)
GENDERS = ("male", "female", "transgender_man", "transgender_woman", "nonconforming")
# Data dictionary v2
SETTINGS = (
    "school_grounds",
    "school_transportation",
    "school_activity_off_campus",
    "off_campus_not_school_related",
)
RESTRAINT_TYPES = ("physical", "mechanical_handcuffs", "mechanical_other", "seclusion")
SEARCH_BASES = (
    "consent",
    "reasonable_suspicion",
    "probable_cause",
    "incident_to_arrest",
    "school_policy",
)
SEARCH_FINDINGS = ("nothing", "weapon", "drugs", "alcohol", "stolen_property", "other_contraband")
OUTCOME_REFERRALS = (
    "juvenile_court",
    "adult_court",
    "diversion_program",
    "mental_health_evaluation",
    "none",
)
# Where a location says the setting without doubt; the form pre-fills it, the officer may change it.
SETTING_FROM_LOCATION = {
    **dict.fromkeys(
        ("classroom", "hallway", "cafeteria", "office", "grounds", "parking_lot"), "school_grounds"
    ),
    "bus_area": "school_transportation",
}

DICTIONARY_VERSIONS = (1, 2)
CURRENT_VERSION = DICTIONARY_VERSIONS[-1]

MAX_TEXT = 4000
MAX_FUTURE_MINUTES = 5
EARLIEST_CONTACT = "2000-01-01T00:00:00+00:00"  # before any program this system serves
STUDENTS_MIN, STUDENTS_MAX = 1, 50
MINUTES_MIN, MINUTES_MAX = 1, 720  # a duration: a minute to twelve hours
QUICK_MINUTES = (5, 15, 30, 60)  # one-tap durations; any other is typed

# Labels a person reads; any value not listed is its words with the first capitalised.
LABELS = {
    "parking_lot": "Parking lot",
    "bus_area": "Bus area",
    "athletic_event": "Athletic event",
    "off_campus": "Off campus",
    "school_staff": "School staff",
    "parent_guardian": "Parent or guardian",
    "dress_code": "Dress code",
    "device_use": "Device use",
    "tobacco_vaping": "Tobacco or vaping",
    "fighting_no_injury": "Fighting (no injury)",
    "sexual_offense": "Sexual offense",
    "informal_counseling": "Informal counseling",
    "class_presentation": "Class presentation",
    "family_engagement": "Family engagement",
    "safety_education": "Safety education",
    "none": "None",
    "verbal_warning": "Verbal warning",
    "referral_school_admin": "Referral to school administration",
    "referral_counselor": "Referral to counselor",
    "parent_contacted": "Parent contacted",
    "use_of_force": "Use of force",
    "physical_control": "Physical control",
    "chemical_spray": "Chemical spray",
    "electronic_control_device": "Electronic control device",
    "firearm_pointed": "Firearm pointed",
    "firearm_discharged": "Firearm discharged",
    "verbal_deescalation": "Verbal de-escalation",
    "time_and_distance": "Time and distance",
    "school_staff_involved": "School staff involved",
    "counselor_involved": "Counselor involved",
    "none_feasible": "No alternative was feasible",
    "student_minor": "Student, minor",
    "student_serious": "Student, serious",
    "officer": "Officer",
    "multiple": "Multiple people",
    "hispanic_latino": "Hispanic or Latino",
    "middle_eastern_south_asian": "Middle Eastern or South Asian",
    "native_american": "Native American",
    "pacific_islander": "Pacific Islander",
    "transgender_man": "Transgender man",
    "transgender_woman": "Transgender woman",
    "nonconforming": "Gender nonconforming",
    "school_grounds": "On school grounds",
    "school_transportation": "School transportation",
    "school_activity_off_campus": "School activity off campus",
    "off_campus_not_school_related": "Off campus, not school-related",
    "mechanical_handcuffs": "Handcuffs",
    "mechanical_other": "Other mechanical device",
    "seclusion": "Seclusion (alone in a room or area)",
    "reasonable_suspicion": "Reasonable suspicion",
    "probable_cause": "Probable cause",
    "incident_to_arrest": "Incident to arrest",
    "school_policy": "School policy",
    "nothing": "Nothing found",
    "stolen_property": "Stolen property",
    "other_contraband": "Other contraband",
    "juvenile_court": "Juvenile court",
    "adult_court": "Adult court",
    "diversion_program": "Diversion program",
    "mental_health_evaluation": "Mental health evaluation",
}


def label(value: str) -> str:
    """The words a person reads for an enum value."""
    return LABELS.get(value) or value.replace("_", " ").capitalize()


def _is(field_name: str, value: str) -> dict:
    return {"field": field_name, "equals": value}


def _in(field_name: str, values: tuple[str, ...]) -> dict:
    return {"field": field_name, "in": list(values)}


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
    quick_choices: tuple[int, ...] = ()  # integer: values offered as one tap
    unit: str | None = None  # integer: what it counts, shown beside it ("min")
    prefill: dict | None = None  # {"from": field, "values": {its value: this field's}}
    hint: str | None = None  # a line under the label, for a person
    since: int = 1  # the dictionary version that introduced the field
    messages: dict = field(default_factory=dict)
    choice_labels: dict = field(default_factory=dict)  # where a value reads differently here

    def choice_label(self, value: str) -> str:
        """The words for one of this field's choices."""
        return self.choice_labels.get(value) or label(value)

    def to_json(self) -> dict:
        data = {
            "name": self.name,
            "type": self.type,
            "label": self.label,
            "required": self.required,
            "messages": dict(self.messages),
        }
        if self.must_be_assigned:
            data["must_be_assigned"] = True
        if self.applies_when:
            data["applies_when"] = self.applies_when
        if self.choices:
            data["choices"] = [{"value": c, "label": self.choice_label(c)} for c in self.choices]
        for key in (
            "exclusive",
            "min_length",
            "max_length",
            "min",
            "max",
            "max_future_minutes",
            "earliest",
            "count_field",
            "prefill",
            "hint",
            "unit",
        ):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        if self.quick_choices:
            data["quick_choices"] = list(self.quick_choices)
        if self.since > 1:
            data["since"] = self.since
        return data


DISCIPLINARY = _is("classification", "disciplinary")
ENFORCEMENT = _has_any("actions", ENFORCEMENT_ACTIONS)
LAST_RESORT = _has_any("actions", LAST_RESORT_ACTIONS)
INJURY_POSSIBLE = _has_any("actions", INJURY_ACTIONS)
FORCE = _has_any("actions", ("use_of_force",))
NOT_MENTORING = _in("classification", ("disciplinary", "criminal"))
DETENTION = _has_any("actions", ("detention",))
RESTRAINT = _has_any("actions", ("restraint",))
SEARCH = _has_any("actions", ("search",))
CITATION_OR_ARREST = _has_any("actions", ("citation", "arrest"))


def _minutes(name: str, label: str, what: str, **kwargs) -> Field:
    """A duration in whole minutes, with one-tap choices."""
    message = f"Enter how many minutes {what}, from {{min}} to {{max}}."
    return Field(
        name,
        "integer",
        label,
        min=MINUTES_MIN,
        max=MINUTES_MAX,
        quick_choices=QUICK_MINUTES,
        unit="min",
        since=2,
        hint="Minutes: tap one or type a number.",
        messages={
            "required": message,
            "invalid": f"Enter how many minutes {what} as a whole number from {{min}} to {{max}}.",
        },
        **kwargs,
    )


def _notified(who: str) -> Field:
    name = f"{who}_notified"
    person, label = {
        "parent": ("a parent or guardian", "Parent or guardian told"),
        "principal": ("the principal", "Principal told"),
    }[who]
    message = f"Say whether {person} was told of the {{actions}}."
    return Field(
        name,
        "boolean",
        label,
        applies_when=ENFORCEMENT,
        since=2,
        messages={"required": message, "invalid": message},
    )


TEXT_TOO_LONG = "Shorten this to {max} characters or fewer (it has {count})."

FIELDS: tuple[Field, ...] = (
    Field(
        "occurred_at",
        "datetime",
        "When it happened",
        messages={
            "required": "Enter when the contact happened.",
            "invalid": "Enter a date and time, like 2026-11-28 14:05.",
            "future": "This time is in the future; enter when the contact actually happened.",
            "too_early": "This date is too far in the past; enter when the contact actually "
            "happened.",
        },
        max_future_minutes=MAX_FUTURE_MINUTES,
        earliest=EARLIEST_CONTACT,
    ),
    Field(
        "school_id",
        "school",
        "School",
        must_be_assigned=True,
        messages={
            "required": "Choose the school.",
            "invalid": "Choose one of the schools you are assigned to.",
        },
    ),
    Field(
        "location",
        "choice",
        "Where",
        choices=LOCATIONS,
        messages={
            "required": "Choose where the contact happened.",
            "invalid": "Choose where the contact happened from the list.",
        },
    ),
    Field(
        "setting",
        "choice",
        "Setting",
        choices=SETTINGS,
        since=2,
        prefill={"from": "location", "values": SETTING_FROM_LOCATION},
        messages={
            "required": "Choose the setting: on school grounds, school transportation, a "
            "school activity off campus, or off campus and not school-related.",
            "invalid": "Choose the setting from the list.",
        },
    ),
    Field(
        "initiated_by",
        "choice",
        "Who started the contact",
        choices=INITIATORS,
        messages={
            "required": "Choose who started the contact.",
            "invalid": "Choose who started the contact from the list.",
        },
    ),
    Field(
        "classification",
        "choice",
        "Classification",
        choices=CLASSIFICATIONS,
        messages={
            "required": "Classify the contact: disciplinary, criminal or mentoring.",
            "invalid": "Classify the contact: disciplinary, criminal or mentoring.",
        },
    ),
    Field(
        "school_rule",
        "choice",
        "School rule involved",
        choices=SCHOOL_RULES,
        applies_when=DISCIPLINARY,
        messages={
            "required": "Choose the school rule involved.",
            "invalid": "Choose the school rule involved from the list.",
        },
    ),
    Field(
        "involvement_reason",
        "text",
        "Why an officer, not school staff, handled this",
        applies_when=DISCIPLINARY,
        min_length=20,
        max_length=MAX_TEXT,
        messages={
            "required": "Explain why a sworn officer, not school staff, handled this "
            "school-discipline matter (at least {min} characters).",
            "too_long": TEXT_TOO_LONG,
        },
    ),
    Field(
        "offense_category",
        "choice",
        "Offense",
        choices=OFFENSE_CATEGORIES,
        applies_when=_is("classification", "criminal"),
        messages={
            "required": "Choose the offense category.",
            "invalid": "Choose the offense category from the list.",
        },
    ),
    Field(
        "mentoring_type",
        "choice",
        "Kind of mentoring",
        choices=MENTORING_TYPES,
        choice_labels={"mentoring": "One-on-one mentoring"},
        applies_when=_is("classification", "mentoring"),
        messages={
            "required": "Choose the kind of mentoring contact.",
            "invalid": "Choose the kind of mentoring contact from the list.",
        },
    ),
    _minutes(
        "duration_minutes",
        "How long the contact lasted",
        "the contact lasted",
        required=NOT_MENTORING,
    ),
    Field(
        "students_involved",
        "integer",
        "Students involved",
        min=STUDENTS_MIN,
        max=STUDENTS_MAX,
        messages={
            "required": "Enter how many students were involved, from {min} to {max}.",
            "invalid": "Enter how many students were involved, from {min} to {max}.",
        },
    ),
    Field(
        "actions",
        "choices",
        "Actions taken",
        choices=ACTIONS,
        exclusive="none",
        messages={
            "required": "Choose at least one action taken, or “None”.",
            "invalid": "Choose actions from the list.",
            "exclusive": "“None” cannot be combined with other actions.",
        },
    ),
    Field(
        "force_types",
        "choices",
        "Force used",
        choices=FORCE_TYPES,
        applies_when=FORCE,
        messages={
            "required": "Choose each type of force used.",
            "invalid": "Choose the types of force from the list.",
        },
    ),
    _minutes(
        "detention_minutes",
        "How long the student was detained",
        "the student was detained",
        applies_when=DETENTION,
    ),
    Field(
        "restraint_types",
        "choices",
        "Kind of restraint",
        choices=RESTRAINT_TYPES,
        applies_when=RESTRAINT,
        since=2,
        messages={
            "required": "Choose each kind of restraint used.",
            "invalid": "Choose the kinds of restraint from the list.",
        },
    ),
    _minutes(
        "restraint_minutes",
        "How long the restraint lasted",
        "the restraint lasted",
        applies_when=RESTRAINT,
    ),
    Field(
        "restraint_prone",
        "boolean",
        "Held face down (prone)",
        applies_when=RESTRAINT,
        since=2,
        messages={
            "required": "Say whether the student was held face down (prone).",
            "invalid": "Say whether the student was held face down (prone).",
        },
    ),
    Field(
        "search_basis",
        "choice",
        "Legal basis for the search",
        choices=SEARCH_BASES,
        applies_when=SEARCH,
        since=2,
        messages={
            "required": "Choose the legal basis for the search.",
            "invalid": "Choose the legal basis for the search from the list.",
        },
    ),
    Field(
        "search_found",
        "choices",
        "What the search found",
        choices=SEARCH_FINDINGS,
        exclusive="nothing",
        applies_when=SEARCH,
        since=2,
        messages={
            "required": "Choose what the search found, or “Nothing found”.",
            "invalid": "Choose what the search found from the list.",
            "exclusive": "“Nothing found” cannot be combined with something found.",
        },
    ),
    Field(
        "outcome_referrals",
        "choices",
        "Referred to",
        choices=OUTCOME_REFERRALS,
        exclusive="none",
        applies_when=CITATION_OR_ARREST,
        since=2,
        choice_labels={"none": "No referral"},
        messages={
            "required": "Choose where the student was referred after the {actions}, "
            "or “No referral”.",
            "invalid": "Choose the referrals from the list.",
            "exclusive": "“No referral” cannot be combined with a referral.",
        },
    ),
    _notified("parent"),
    _notified("principal"),
    Field(
        "justification.basis",
        "text",
        "Facts that made it necessary",
        applies_when=ENFORCEMENT,
        min_length=30,
        max_length=MAX_TEXT,
        messages={
            "required": "Give the specific facts that made the {actions} necessary "
            "(at least {min} characters).",
            "too_long": TEXT_TOO_LONG,
        },
    ),
    Field(
        "justification.alternatives_tried",
        "choices",
        "Alternatives tried first",
        choices=ALTERNATIVES,
        exclusive="none_feasible",
        applies_when=ENFORCEMENT,
        messages={
            "required": "Choose what was tried before the {actions}, "
            "or “No alternative was feasible”.",
            "invalid": "Choose alternatives from the list.",
            "exclusive": "“No alternative was feasible” cannot be combined with "
            "alternatives that were tried.",
        },
    ),
    Field(
        "justification.why_last_resort",
        "text",
        "Why it was a last resort",
        applies_when=LAST_RESORT,
        min_length=30,
        max_length=MAX_TEXT,
        messages={
            "required": "Explain why {actions} {was} a last resort (at least {min} characters).",
            "too_long": TEXT_TOO_LONG,
        },
    ),
    Field(
        "justification.injuries",
        "choice",
        "Injuries",
        choices=INJURIES,
        applies_when=INJURY_POSSIBLE,
        messages={
            "required": "Record any injuries from the {actions} (choose “None” if there "
            "were none).",
            "invalid": "Choose the injuries from the list.",
        },
    ),
    Field(
        "justification.supervisor_notified",
        "boolean",
        "Supervisor notified",
        applies_when=FORCE,
        messages={
            "required": "Say whether a supervisor was notified of the use of force.",
            "invalid": "Say whether a supervisor was notified of the use of force.",
        },
    ),
    Field(
        "students",
        "students",
        "Students",
        required=ENFORCEMENT,
        max=STUDENTS_MAX,
        count_field="students_involved",
        messages={
            "required": "Describe each student involved ({min} needed, {count} described): "
            "an enforcement action was taken.",
            "too_many": "Describe no more students than were involved ({max}); "
            "you described {count}.",
            "invalid": "Describe the students as a list.",
        },
    ),
    Field(
        "narrative",
        "text",
        "Narrative",
        required=False,
        max_length=MAX_TEXT,
        messages={"invalid": "Write the narrative as text.", "too_long": TEXT_TOO_LONG},
    ),
)

STUDENT_FIELDS: tuple[Field, ...] = (
    Field(
        "grade_band",
        "choice",
        "Grade band",
        choices=GRADE_BANDS,
        messages={
            "required": "Choose the student's grade band.",
            "invalid": "Choose the student's grade band from the list.",
        },
    ),
    Field(
        "perceived_race",
        "choices",
        "Perceived race",
        choices=RACES,
        messages={
            "required": "Choose at least one perceived race.",
            "invalid": "Choose perceived race from the list.",
        },
    ),
    Field(
        "perceived_gender",
        "choice",
        "Perceived gender",
        choices=GENDERS,
        messages={
            "required": "Choose the perceived gender.",
            "invalid": "Choose the perceived gender from the list.",
        },
    ),
    Field(
        "perceived_disability",
        "boolean",
        "Perceived disability",
        messages={
            "required": "Say whether you perceived a disability.",
            "invalid": "Say whether you perceived a disability.",
        },
    ),
    Field(
        "perceived_limited_english",
        "boolean",
        "Perceived limited English",
        required=False,
        since=2,
        messages={"invalid": "Say whether you perceived limited English."},
    ),
)

FIELDS_BY_NAME = {f.name: f for f in FIELDS}

# Sent beside an entry, not in it: why an approved entry is changed.
AMENDMENT = Field(
    "amendment_explanation",
    "text",
    "Why you are amending an approved entry",
    min_length=10,
    max_length=2000,
    messages={
        "required": "Explain why you are amending this approved entry (at least {min} characters).",
        "too_long": TEXT_TOO_LONG,
    },
)


def fields_for(version: int = CURRENT_VERSION, fields=FIELDS) -> tuple[Field, ...]:
    """The fields (of the entry, or of a student) of one dictionary version."""
    return tuple(spec for spec in fields if spec.since <= version)


def condition_holds(condition: dict | None, entry: dict) -> bool:
    """Whether a spec condition holds for an entry (None always holds)."""
    if condition is None:
        return True
    value = entry.get(condition["field"])
    if "equals" in condition:
        return value == condition["equals"]
    if "in" in condition:
        return isinstance(value, str) and value in condition["in"]
    if isinstance(value, (list, tuple)):
        return any(v in condition["has_any"] for v in value if isinstance(v, str))
    return False


def value_at(entry: dict, dotted: str):
    """The value at a dotted path like 'justification.basis', or None."""
    value = entry
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value
