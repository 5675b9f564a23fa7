"""What templates may call: labels, choice lists and limits, local times, entry rows."""

from __future__ import annotations

from datetime import datetime

from flask import request

from logger import rules
from logger.core import settings
from logger.core.clock import to_local
from logger.evaluation import exports
from logger.public import summary
from logger.web import kept_forms


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
    return f"{value} {spec.unit}" if spec.unit else str(value)


def entry_rows(content: dict, school_name: str, part: str = "all") -> list[tuple[str, str]]:
    """(label, text) for each field an entry holds, in the rules' order; students aside.

    part: "all", "justification" (the justification's fields) or "rest" (the others).
    """
    rows = []
    for spec in rules.FIELDS:
        in_justification = spec.name.startswith("justification.")
        if (part == "justification" and not in_justification) or (
            part == "rest" and in_justification
        ):
            continue
        value = rules.value_at(content, spec.name)
        if value in (None, "", []) or spec.type == "students":
            continue
        rows.append((spec.label, school_name if spec.type == "school" else readable(spec, value)))
    return rows


def revision_changes(old, new) -> list[tuple[str, str, str]]:
    """(label, before, after) for each field that differs between two revisions."""
    before = dict(entry_rows(old.content, old.school.name))
    after = dict(entry_rows(new.content, new.school.name))
    changed = [
        (label, before.get(label, "—"), after.get(label, "—"))
        for label in dict.fromkeys([*before, *after])
        if before.get(label) != after.get(label)
    ]
    if old.content.get("students") != new.content.get("students"):
        changed.append(("Students", "as described before", "described differently"))
    return changed


def waited(since: datetime, now: datetime) -> str:
    """How long something has waited, in the largest sensible unit: '40 min', '5 h', '3 days'."""
    minutes = max(int((now - since).total_seconds() // 60), 0)
    if minutes < 90:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} days"


def student_rows(student: dict) -> list[tuple[str, str]]:
    """(label, text) for one described student."""
    return [
        (spec.label, readable(spec, student[spec.name]))
        for spec in rules.STUDENT_FIELDS
        if spec.name in student
    ]


def figure(value: float | None, unit: str = "count") -> str:
    """A figure as a report prints it: '1,204', '12.5%', '3.2' (per 100 or per 1,000), '18.0 h',
    '22.5' (minutes); '—' for none."""
    return "—" if value is None else FIGURE_FORMATS[unit].format(value)


FIGURE_FORMATS = {  # unit: how figure() prints it (an assessment prints tens of thousands)
    "count": "{:,.0f}",
    "percent": "{:.1f}%",
    "per100": "{:.1f}",
    "per1000": "{:.1f}",
    "hours": "{:,.1f} h",
    "minutes": "{:,.1f}",
}


def change(this: float | None, previous: float | None, unit: str) -> str:
    """The change from last year: '+12', '−2.5 points', '+1.0 h'; '—' when either is missing."""
    if this is None or previous is None:
        return "—"
    places = 0 if unit == "count" else 1  # the change between the figures as printed
    difference = round(this, places) - round(previous, places)
    sign = "+" if difference > 0 else "−" if difference < 0 else "±"
    size = abs(difference)
    return {
        "count": f"{sign}{size:,.0f}",
        "percent": f"{sign}{size:.1f} points",
        "per100": f"{sign}{size:.1f}",
        "hours": f"{sign}{size:,.1f} h",
    }[unit]


def query_without(key: str) -> dict[str, str]:
    """The current query string without one key (to build a pager's links)."""
    return {name: value for name, value in request.args.items() if name != key}


def register(app) -> None:
    """Add the filters and globals the templates use."""
    app.add_template_filter(rules.label, "label")
    app.add_template_filter(rules.sentence, "sentence")
    app.add_template_filter(local_time, "local_time")
    app.add_template_global(rules.FLAGS, "FLAGS")
    # Every choice list and limit a template shows, from the module that owns it: never a copy.
    app.add_template_global(rules.CLASSIFICATIONS, "CLASSIFICATIONS")
    app.add_template_global(rules.DECISIONS, "DECISIONS")
    app.add_template_global(rules.approval_needs_comment, "approval_needs_comment")
    app.add_template_global(rules.MAX_COMMENT, "MAX_COMMENT")
    app.add_template_global(rules.NAME_MAX, "TEMPLATE_NAME_MAX")
    app.add_template_global(exports.FORMAT_NAMES, "EXPORT_FORMATS")
    app.add_template_global(exports.STATUS_NAMES, "EXPORT_STATUSES")
    app.add_template_global(rules.FIELDS_BY_NAME.get, "spec")
    app.add_template_global(entry_rows)
    app.add_template_global(revision_changes)
    app.add_template_global(kept_forms.form_owner)
    app.add_template_global(waited)
    app.add_template_global(query_without)
    app.add_template_global(student_rows)
    app.add_template_filter(figure)
    app.add_template_global(change)
    app.add_template_global(rules.label, "label")
    app.add_template_global(summary.is_published, "public_summary_published")
    app.add_template_global(settings.current, "district_settings")
