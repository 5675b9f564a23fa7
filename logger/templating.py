"""What templates may call: labels from the rules, times in the district's zone, entry rows."""

from __future__ import annotations

from datetime import datetime

from . import rules
from .clock import to_local


def local_time(moment: datetime | None) -> str:
    """A time as the district reads it, e.g. 'Fri 28 Nov 2026, 09:05'."""
    return "" if moment is None else to_local(moment).strftime("%a %d %b %Y, %H:%M")


def readable(spec: rules.Field, value) -> str:
    """A stored value as a person reads it."""
    if spec.type == "choice":
        return spec.choice_label(value)
    if spec.type == "choices":
        return ", ".join(spec.choice_label(v) for v in value)
    if spec.type == "boolean":
        return "Yes" if value else "No"
    if spec.type == "datetime":
        return local_time(rules.parse_datetime(value))
    return str(value)


def entry_rows(content: dict, school_name: str) -> list[tuple[str, str]]:
    """(label, text) for each field an entry holds, in the rules' order; students aside."""
    rows = []
    for spec in rules.FIELDS:
        value = content.get(spec.name) if "." not in spec.name else \
            (content.get("justification") or {}).get(spec.name.split(".", 1)[1])
        if value in (None, "", []) or spec.type == "students":
            continue
        rows.append((spec.label, school_name if spec.type == "school" else readable(spec, value)))
    return rows


def student_rows(student: dict) -> list[tuple[str, str]]:
    """(label, text) for one described student."""
    return [(spec.label, readable(spec, student[spec.name]))
            for spec in rules.STUDENT_FIELDS if spec.name in student]


def register(app) -> None:
    """Add the filters and globals the templates use."""
    app.add_template_filter(rules.label, "label")
    app.add_template_filter(local_time, "local_time")
    app.add_template_global(rules.FLAGS, "FLAGS")
    app.add_template_global(rules.FIELDS_BY_NAME.get, "spec")
    app.add_template_global(entry_rows)
    app.add_template_global(student_rows)
