"""Checking an entry as sent against the field specs: `check()` and its Verdict.

Also `missing()` (what a stored entry lacks by today's rules) and
`check_amendment()`. Fields that do not apply are dropped from the cleaned entry.
An entry is checked under one data dictionary version (the current one for
every write); the version a client says it wrote under is checked, not stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .fields import (
    AMENDMENT,
    CURRENT_VERSION,
    DICTIONARY_VERSIONS,
    FIELDS_BY_NAME,
    STUDENT_FIELDS,
    Field,
    condition_holds,
    fields_for,
    label,
    value_at,
)
from .pii import PII_WARNING, texts_with_possible_pii
from .text import join_words, parse_datetime, text_problem, whole_number


@dataclass
class Verdict:
    """What the rules say of an entry: errors (refuse), warnings (show), the cleaned entry."""

    entry: dict
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    school_not_assigned: bool = False  # the officer may not log at this school (principle 11)
    version: int = CURRENT_VERSION  # the data dictionary version the entry was checked under

    @property
    def ok(self) -> bool:
        return not self.errors

    def add_error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)


VERSION_FIELD = "dictionary_version"  # sent beside the fields: the rules the client checked with
UNKNOWN_VERSION = (
    "This entry names a data dictionary version this server does not know "
    "(it knows {versions}). Open the app with a connection to get the current "
    "rules, then check the entry."
)


def check(
    entry: object, *, assigned_school_ids, now: datetime, version: int = CURRENT_VERSION
) -> Verdict:
    """Check an entry as sent (JSON-like) against every rule of a dictionary version; never
    raises on bad input."""
    verdict = Verdict(entry={}, version=version)
    if not isinstance(entry, dict):
        verdict.add_error("entry", "An entry must be an object of fields.")
        return verdict
    _check_version(entry.get(VERSION_FIELD), verdict)
    fields = fields_for(version)
    for spec in fields:
        if not condition_holds(spec.applies_when, entry):
            continue
        check_field(spec, value_at(entry, spec.name), entry, verdict, spec.name)
    for spec in fields:
        if spec.must_be_assigned:
            _check_assigned(spec, verdict, assigned_school_ids)
        if spec.max_future_minutes is not None:
            _check_time(spec, verdict, now)
        if spec.count_field:
            _check_count(spec, verdict, entry)
    _warn_pii(verdict)
    return verdict


def _check_version(sent: object, verdict: Verdict) -> None:
    """A client's dictionary version must be one this server knows (absent: nothing said)."""
    if sent is None or (type(sent) is int and sent in DICTIONARY_VERSIONS):
        return
    verdict.add_error(
        VERSION_FIELD,
        UNKNOWN_VERSION.format(versions=join_words([str(v) for v in DICTIONARY_VERSIONS])),
    )


def missing(entry: dict, prefix: str = "", version: int = CURRENT_VERSION) -> list[str]:
    """The fields (under `prefix`) that apply to a stored entry but are blank.

    For an entry stored under older rules, `missing(entry)` names what today's
    rules newly require, and `missing(entry, "justification.")` tells whether
    its justification is complete.
    """
    return [
        spec.name
        for spec in fields_for(version)
        if spec.name.startswith(prefix)
        and condition_holds(spec.applies_when, entry)
        and (
            spec.required is True
            or (isinstance(spec.required, dict) and condition_holds(spec.required, entry))
        )
        and _is_blank(value_at(entry, spec.name))
    ]


def newly_required(entry: dict, version: int) -> list[Field]:
    """What today's rules require of an entry stored under an older version, and it lacks: what
    a correction or an amendment of it must add."""
    return [FIELDS_BY_NAME[name] for name in missing(entry) if FIELDS_BY_NAME[name].since > version]


def _put(entry: dict, dotted: str, value) -> None:
    *parents, leaf = dotted.split(".")
    for part in parents:
        entry = entry.setdefault(part, {})
    entry[leaf] = value


def _is_blank(value) -> bool:
    return (
        value is None
        or value == ""
        or value == []
        or (isinstance(value, str) and not value.strip())
    )


def _message(spec: Field, key: str, entry: dict, **values) -> str:
    template = spec.messages.get(key) or spec.messages["required"]
    condition = spec.required if isinstance(spec.required, dict) else spec.applies_when
    chosen = []
    if condition and "has_any" in condition and isinstance(entry.get("actions"), list):
        chosen = [a for a in condition["has_any"] if a in entry["actions"]]
    words = {
        "actions": join_words([label(a).lower() for a in chosen]),
        "was": "was" if len(chosen) <= 1 else "were",
        "min": spec.min_length or spec.min,
        "max": spec.max_length or spec.max,
    }
    return template.format(**{**words, **values})


def check_field(spec: Field, value, entry: dict, verdict: Verdict, path: str) -> None:
    """Check one field's value (in an entry, or a template) into the verdict at `path`."""
    required = (
        spec.required if isinstance(spec.required, bool) else condition_holds(spec.required, entry)
    )
    if _is_blank(value):
        if spec.count_field and required:
            verdict.add_error(
                path,
                _message(
                    spec, "required", entry, count=0, min=_counted(verdict.entry, spec.count_field)
                ),
            )
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


def _clean_integer(spec, value, entry, verdict, path):
    number = whole_number(value) if isinstance(value, str) else value
    if (
        isinstance(number, bool)
        or not isinstance(number, int)
        or not spec.min <= number <= spec.max
    ):
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
        for student_spec in fields_for(verdict.version, STUDENT_FIELDS):
            check_field(
                student_spec,
                student.get(student_spec.name),
                entry,
                described,
                f"{path}.{index}.{student_spec.name}",
            )
        verdict.errors.update(described.errors)
        students.append(described.entry)
    return students


_CLEANERS = {
    "choice": _clean_choice,
    "choices": _clean_choices,
    "text": _clean_text,
    "integer": _clean_integer,
    "boolean": _clean_boolean,
    "datetime": _clean_datetime,
    "school": _clean_school,
    "students": _clean_students,
}


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
        verdict.add_error(
            spec.name, _message(spec, "too_many", entry, count=len(described), max=counted)
        )
    elif condition_holds(spec.required, entry) and len(described) < counted:
        verdict.add_error(
            spec.name, _message(spec, "required", entry, count=len(described), min=counted)
        )


def _warn_pii(verdict: Verdict) -> None:
    for name in texts_with_possible_pii(verdict.entry):
        verdict.warnings.setdefault(name, []).append(PII_WARNING)


def check_amendment(explanation: object) -> dict[str, list[str]]:
    """Errors in the explanation that must come with an amendment of an approved entry."""
    verdict = Verdict(entry={})
    check_field(AMENDMENT, explanation, {}, verdict, AMENDMENT.name)
    return verdict.errors
