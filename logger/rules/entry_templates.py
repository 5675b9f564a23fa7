"""Entry templates: the choices an officer repeats ("Lunch duty check-in"), kept under a name
and filled into New contact with one tap.

A template holds only choices (TEMPLATE_FIELDS), checked by the same field specs as an
entry; a justification, a student description or a narrative is never kept in one: those
are written fresh for each contact, so a template holding one is refused.
"""

from __future__ import annotations

from dataclasses import replace

from .checks import Verdict, check_field
from .fields import FIELDS_BY_NAME, condition_holds
from .text import text_problem

TEMPLATE_FIELDS = (
    "location",
    "setting",
    "initiated_by",
    "classification",
    "school_rule",
    "offense_category",
    "mentoring_type",
    "actions",
)
NAME_MAX = 60
TEMPLATE_MESSAGES = {
    "name_required": "Name the template, like “Lunch duty check-in”.",
    "name_too_long": "Shorten the name to {max} characters or fewer (it has {count}).",
    "written_fresh": "A template never holds a justification, a student description or a "
    "narrative: they are written fresh for each contact.",
    "not_a_choice": "A template holds only these choices: {fields}.",
    "empty": "Choose at least one thing for the template to fill in.",
    "invalid": "A template must be an object with a name and its choices.",
}
WRITTEN_FRESH = frozenset(
    name.split(".")[0]
    for name, spec in FIELDS_BY_NAME.items()
    if spec.type in ("text", "students") or name.startswith("justification.")
)


def check_template(template: object) -> tuple[dict, dict[str, list[str]]]:
    """The template as it may be kept ({"name", "fields"}) and the errors that refuse it."""
    if not isinstance(template, dict) or not isinstance(template.get("fields", {}), dict):
        return {}, {"template": [TEMPLATE_MESSAGES["invalid"]]}
    errors: dict[str, list[str]] = {}
    name = _check_name(template.get("name"), errors)
    chosen = template.get("fields", {})
    verdict = Verdict(entry={})
    for key in chosen:
        if key in WRITTEN_FRESH:
            verdict.add_error(key, TEMPLATE_MESSAGES["written_fresh"])
        elif key not in TEMPLATE_FIELDS:
            verdict.add_error(
                key,
                TEMPLATE_MESSAGES["not_a_choice"].format(
                    fields=", ".join(label_of(field) for field in TEMPLATE_FIELDS)
                ),
            )
    for name_of_field in TEMPLATE_FIELDS:
        spec = replace(FIELDS_BY_NAME[name_of_field], required=False)
        if name_of_field in chosen and condition_holds(spec.applies_when, chosen):
            check_field(spec, chosen[name_of_field], chosen, verdict, name_of_field)
    errors.update({f"fields.{key}": messages for key, messages in verdict.errors.items()})
    if not verdict.entry and not verdict.errors:
        errors["fields"] = [TEMPLATE_MESSAGES["empty"]]
    return {"name": name, "fields": verdict.entry}, errors


def label_of(field_name: str) -> str:
    """A template field's label, as the form shows it."""
    return FIELDS_BY_NAME[field_name].label


def _check_name(value: object, errors: dict[str, list[str]]) -> str:
    text = value.strip() if isinstance(value, str) else ""
    problem = text_problem(text, "Template name") if text else None
    if problem:
        errors["name"] = [problem]
    elif not text:
        errors["name"] = [TEMPLATE_MESSAGES["name_required"]]
    elif len(text) > NAME_MAX:
        errors["name"] = [TEMPLATE_MESSAGES["name_too_long"].format(max=NAME_MAX, count=len(text))]
    return text
