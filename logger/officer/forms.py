"""The entry forms: New contact, and fixing or amending an entry. Rules live in logger.rules."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from logger import rules
from logger.core.clock import from_local_input, local_input_value

YES_NO = [SelectChoice("yes", "Yes"), SelectChoice("no", "No")]
PLEASE_CHOOSE = SelectChoice("", "Choose…")


def _spec(name: str, fields=rules.FIELDS) -> rules.Field:
    return next(spec for spec in fields if spec.name == name)


def _choices(spec: rules.Field) -> list[SelectChoice]:
    return [SelectChoice(value, spec.choice_label(value)) for value in spec.choices]


def _one_of(name: str, fields=rules.FIELDS, **kwargs) -> RadioField:
    spec = _spec(name, fields)
    return RadioField(spec.label, choices=_choices(spec), validate_choice=False, **kwargs)


def _many_of(name: str, fields=rules.FIELDS) -> SelectMultipleField:
    spec = _spec(name, fields)
    return SelectMultipleField(
        spec.label,
        choices=_choices(spec),
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )


def _text(name: str) -> TextAreaField:
    spec = _spec(name)
    return TextAreaField(spec.label, render_kw={"maxlength": spec.max_length, "rows": 4})


def _yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _yes_no_choice(value: bool | None) -> str | None:
    return {True: "yes", False: "no"}.get(value)


class SafeFieldList(FieldList):
    """A FieldList that ignores posted names whose index is not plain digits (never raises)."""

    def _extract_indices(self, prefix, formdata):
        offset = len(prefix) + 1
        for key in formdata:
            if key.startswith(prefix):
                index = key[offset:].split("-", 1)[0]
                if re.fullmatch(r"[0-9]{1,4}", index):
                    yield int(index)


def _minutes(name: str) -> StringField:
    spec = _spec(name)
    return StringField(
        spec.label,
        render_kw={"type": "number", "inputmode": "numeric", "min": spec.min, "max": spec.max},
    )


def _yes_or_no(name: str) -> RadioField:
    return RadioField(_spec(name).label, choices=YES_NO, validate_choice=False)


def _put(entry: dict, dotted: str, value) -> None:
    *parents, leaf = dotted.split(".")
    for part in parents:
        entry = entry.setdefault(part, {})
    entry[leaf] = value


class StudentForm(Form):
    """One student as the officer perceived them; never a name or number."""

    grade_band = _one_of("grade_band", rules.STUDENT_FIELDS)
    perceived_race = _many_of("perceived_race", rules.STUDENT_FIELDS)
    perceived_gender = _one_of("perceived_gender", rules.STUDENT_FIELDS)
    perceived_disability = BooleanField(_spec("perceived_disability", rules.STUDENT_FIELDS).label)
    perceived_limited_english = BooleanField(
        _spec("perceived_limited_english", rules.STUDENT_FIELDS).label
    )

    def is_empty(self) -> bool:
        return not any(self[spec.name].data for spec in rules.STUDENT_FIELDS)

    def to_entry(self) -> dict:
        """The student as the rules read it; an optional box left unticked is not recorded."""
        return {
            spec.name: self[spec.name].data if spec.required or self[spec.name].data else None
            for spec in rules.STUDENT_FIELDS
        }


class JustificationForm(Form):
    """Why an enforcement action was necessary, written at the time (COPS principle 4)."""

    basis = _text("justification.basis")
    alternatives_tried = _many_of("justification.alternatives_tried")
    why_last_resort = _text("justification.why_last_resort")
    injuries = _one_of("justification.injuries")
    supervisor_notified = _yes_or_no("justification.supervisor_notified")


class EntryChoicesForm(FlaskForm):
    """The choices an officer repeats from entry to entry: what a template holds
    (rules.TEMPLATE_FIELDS)."""

    location = _one_of("location")
    setting = _one_of("setting")
    initiated_by = _one_of("initiated_by")
    classification = _one_of("classification")
    school_rule = SelectField(
        _spec("school_rule").label,
        choices=[PLEASE_CHOOSE] + _choices(_spec("school_rule")),
        validate_choice=False,
    )
    offense_category = SelectField(
        _spec("offense_category").label,
        choices=[PLEASE_CHOOSE] + _choices(_spec("offense_category")),
        validate_choice=False,
    )
    mentoring_type = _one_of("mentoring_type")
    actions = _many_of("actions")


class EntryTemplateForm(EntryChoicesForm):
    """A district template, as an admin writes it: a name and the choices it fills in."""

    name = StringField("Template name", render_kw={"maxlength": rules.NAME_MAX})

    def to_template(self) -> dict:
        """The template as data for the rules (choices left blank are not part of it)."""
        return {
            "name": self.name.data,
            "fields": {name: self[name].data for name in rules.TEMPLATE_FIELDS if self[name].data},
        }


class ContactForm(EntryChoicesForm):
    """The New contact form, one control per field of the rules (a field's name is its path
    in the entry). `to_entry()` gives the entry as the sync API would send it."""

    entry_id = HiddenField()
    dictionary_version = HiddenField(default=str(rules.CURRENT_VERSION))  # the rules it shows
    occurred_at = StringField(_spec("occurred_at").label, render_kw={"type": "datetime-local"})
    school_id = SelectField(_spec("school_id").label, choices=[], validate_choice=False)
    involvement_reason = _text("involvement_reason")
    duration_minutes = _minutes("duration_minutes")
    students_involved = StringField(
        _spec("students_involved").label,
        default="1",
        render_kw={
            "type": "number",
            "inputmode": "numeric",
            "min": rules.STUDENTS_MIN,
            "max": rules.STUDENTS_MAX,
        },
    )
    force_types = _many_of("force_types")
    detention_minutes = _minutes("detention_minutes")
    restraint_types = _many_of("restraint_types")
    restraint_minutes = _minutes("restraint_minutes")
    restraint_prone = _yes_or_no("restraint_prone")
    search_basis = _one_of("search_basis")
    search_found = _many_of("search_found")
    outcome_referrals = _many_of("outcome_referrals")
    parent_notified = _yes_or_no("parent_notified")
    principal_notified = _yes_or_no("principal_notified")
    justification = FormField(JustificationForm)
    students = SafeFieldList(FormField(StudentForm), min_entries=1, max_entries=rules.STUDENTS_MAX)
    narrative = _text("narrative")
    save_anyway = SubmitField("Save anyway")

    def to_entry(self) -> dict:
        """The entry as data for the rules, field by field of the rules; nothing is judged."""
        entry: dict = {}
        for spec in rules.FIELDS:
            if spec.type == "students":
                value = [s.form.to_entry() for s in self.students if not s.form.is_empty()]
            else:
                value = self._field(spec.name, []).data
                if spec.type == "boolean":
                    value = _yes_no(value)
                elif spec.type == "datetime":
                    value = from_local_input(value or "")
            _put(entry, spec.name, value)
        version = self.dictionary_version.data or None
        entry[rules.VERSION_FIELD] = rules.whole_number(version or "") or version
        return entry

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.problems: list[tuple[str, str]] = []  # (field id, message), in page order
        self.warnings: dict[str, list[str]] = {}  # field id -> messages

    def show_verdict(self, verdict: rules.Verdict) -> None:
        """Put the rules' errors and warnings next to the fields they concern."""
        described = [s for s in self.students if not s.form.is_empty()]
        self.problems, self.warnings = [], {}
        for path, messages in verdict.errors.items():
            field = self._field(path, described)
            field.errors = list(messages)
            self.problems += [(field.id, message) for message in messages]
        for path, messages in verdict.warnings.items():
            self.warnings[self._field(path, described).id] = list(messages)

    def _field(self, path: str, described):
        """The form field a rules path names ('justification.basis', 'students.0.grade_band')."""
        parts = path.split(".")
        if parts[0] == "students" and len(parts) > 1:
            student = described[int(parts[1])].form
            return student[parts[2]] if len(parts) > 2 else student.grade_band
        target = self
        for part in parts:
            target = target.form[part] if isinstance(target, FormField) else target[part]
        return target

    def fit_student_blocks(self) -> None:
        """Show one student block per student involved, at least one, at most the rules' limit."""
        wanted = rules.whole_number(self.students_involved.data or "") or 1
        while len(self.students) < min(wanted, rules.STUDENTS_MAX):
            self.students.append_entry()

    @staticmethod
    def data_from_entry(entry: dict) -> dict:
        """Form data showing a stored entry: to_entry() in reverse (the time in the district)."""
        data: dict = {}
        for spec in rules.FIELDS:
            value = rules.value_at(entry, spec.name)
            if spec.type == "students":
                value = [
                    {
                        field.name: _shown(field, student.get(field.name), checkbox=True)
                        for field in rules.STUDENT_FIELDS
                    }
                    for student in value or []
                ]
            _put(data, spec.name, value if spec.type == "students" else _shown(spec, value))
        return data


def _shown(spec: rules.Field, value, checkbox: bool = False):
    """A stored value as its control holds it (a yes-or-no as one checkbox, or two radios)."""
    if spec.type == "datetime":
        moment = rules.parse_datetime(value)
        return local_input_value(moment) if moment else value
    if spec.type == "boolean":
        return bool(value) if checkbox else _yes_no_choice(value)
    if spec.type == "choices":
        return value or []
    if spec.type in ("integer", "school"):
        return "" if value is None else str(value)
    return value


class EntryEditForm(ContactForm):
    """A stored entry opened to fix, correct or amend: the revision it was opened from, and
    for an approved entry why it is amended."""

    base_revision = HiddenField()
    amendment_explanation = TextAreaField(
        rules.AMENDMENT.label, render_kw={"maxlength": rules.AMENDMENT.max_length, "rows": 3}
    )

    def show_amendment_errors(self, errors: dict[str, list[str]]) -> None:
        """Put the rules' messages on the explanation, first in the summary (it is on top)."""
        messages = errors.get(rules.AMENDMENT.name, [])
        self.amendment_explanation.errors = list(messages)
        self.problems[:0] = [(self.amendment_explanation.id, message) for message in messages]
