"""The browser checks entries with the server's rules: same errors, same warnings, same words.

logger/static/rules.js interprets GET /api/v1/schema; this runs it in Chromium on a corpus of
entries and compares every verdict with the check() of logger/rules/.
"""

import copy
import json
from datetime import UTC, datetime

import pytest

from logger import rules
from tests.factories import arrest_entry, mentoring_entry

pytestmark = pytest.mark.browser

NOW = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)
SCHOOLS = [1, 2]
ODD_VALUES = [
    None,
    "",
    "   ",
    "garbage",
    0,
    7,
    -1,
    3.5,
    True,
    False,
    [],
    ["garbage"],
    {},
    {"a": 1},
    "٣",
    "9" * 30,
    "2026-11-28T09:00:00",
]


def use_of_force_entry() -> dict:
    entry = arrest_entry(
        1,
        actions=["restraint", "use_of_force", "arrest"],
        force_types=["takedown"],
        students_involved=2,
    )
    entry["justification"].update(injuries="student_minor", supervisor_notified=True)
    entry["students"].append(
        {
            "grade_band": "middle",
            "perceived_race": ["asian", "white"],
            "perceived_gender": "nonconforming",
            "perceived_disability": True,
        }
    )
    return entry


def search_and_detention_entry() -> dict:
    """Every other v2 fact: a search that found something, a detention, a citation."""
    return arrest_entry(
        2,
        occurred_at="2026-11-28T08:00:00-06:00",
        setting="school_transportation",
        location="bus_area",
        actions=["search", "detention", "citation"],
        search_basis="probable_cause",
        search_found=["weapon", "drugs"],
        detention_minutes=45,
        outcome_referrals=["diversion_program"],
        parent_notified=False,
        principal_notified=True,
    )


V2_VALUES = {  # each v2 field's boundaries and mistakes, beside the odd values every field gets
    "duration_minutes": [1, 720, 721, -5, "ten", "15", " 60 "],
    "detention_minutes": [0, 1, 720, 721, "30"],
    "restraint_minutes": [0, 5, 721],
    "search_found": [["nothing"], ["nothing", "weapon"], ["weapon", "weapon"]],
    "outcome_referrals": [["none"], ["none", "adult_court"], ["adult_court", "juvenile_court"]],
    "restraint_types": [["seclusion", "physical"], ["zip_ties"]],
    "setting": ["off_campus_not_school_related", "bus"],
    "dictionary_version": [1, 2, 3, "2", True, [], None],
}


def corpus() -> list[dict]:
    bases = [
        mentoring_entry(1, occurred_at="2026-11-28T08:00:00-06:00"),
        arrest_entry(1, occurred_at="2026-11-28T08:00:00-06:00"),
        {**use_of_force_entry(), "occurred_at": "2026-11-28T14:00:00Z"},
        {
            **mentoring_entry(2, occurred_at="2026-11-28T08:00:00-06:00"),
            "classification": "disciplinary",
            "school_rule": "defiance",
            "involvement_reason": "The assistant principal asked for help.",
            "actions": ["verbal_warning", "detention"],
        },
        search_and_detention_entry(),
    ]
    entries: list = ["not an object", [], None]
    for base in bases:
        entries.append(base)
        for spec in rules.FIELDS:
            for value in ODD_VALUES:
                entries.append(_with(base, spec.name, value))
        for name, values in V2_VALUES.items():
            entries.extend(_with(base, name, value) for value in values)
        for index in range(len(base.get("students", []))):
            for student_spec in rules.STUDENT_FIELDS:
                for value in ODD_VALUES[:10]:
                    entry = copy.deepcopy(base)
                    entry["students"][index][student_spec.name] = value
                    entries.append(entry)
        for text in (
            "x" * 19,
            "x" * 20,
            "x" * 29,
            "x" * 30,
            "é" * 4000,
            "😀" * 4001,
            "Talked with Maria Lopez",
            "Mr. Smith called",
            "DOB 3/4/2010",
            "ID 1234567",
            "Met near Lincoln High School after lunch",
            " " * 40,
            "Talked with André Dubois",
            "Maria José",
            "José Martínez came by",
            "ID ١٢٣٤٥٦٧",
            "Straße Über",
            "A nul \x00 inside the text here, long enough",
            "A bell \x07 rang in the hallway while we talked",
            "Line one\r\nline two of the facts, long enough",
            "A lone CR \r in the middle of the facts here",
            "Tab\tseparated facts written down at the time",
            "\x1b[31m escape codes pasted into the text",
            "C1 control \x85 inside the facts written here",
        ):
            for name in (
                "narrative",
                "involvement_reason",
                "justification.basis",
                "justification.why_last_resort",
            ):
                entries.append(_with(base, name, text))
        for actions in (
            ["none", "arrest"],
            ["search"],
            ["citation"],
            ["use_of_force"],
            ["detention", "arrest"],
            ["arrest", "detention"],
            ["parent_contacted"],
        ):
            entries.append(_with(base, "actions", actions))
        for moment in (
            "2026-11-28T15:05:00+00:00",
            "2026-11-28T15:05:01+00:00",
            "2026-11-28T09:05:00-06:00",
            "2026-11-28T09:06:00-06:00",
            "1999-12-31T23:59:59+00:00",
            "2000-01-01T00:00:00+00:00",
            "0001-01-01T00:00:00+14:00",
        ):
            entries.append(_with(base, "occurred_at", moment))
        entries.append(_with(base, "school_id", 3))
        entries.append(_with(base, "students_involved", 5))
        entries.append(_with(base, "students", [{}]))
        entries.append(_with(base, "students", ["nope"]))
    return entries


def _with(base: dict, dotted: str, value) -> dict:
    entry = copy.deepcopy(base)
    *parents, leaf = dotted.split(".")
    target = entry
    for part in parents:
        target = target.setdefault(part, {})
    target[leaf] = value
    return entry


def python_verdicts(entries):
    out = []
    for entry in entries:
        verdict = rules.check(entry, assigned_school_ids=set(SCHOOLS), now=NOW)
        out.append(
            {
                "errors": verdict.errors,
                "warnings": verdict.warnings,
                "schoolNotAssigned": verdict.school_not_assigned,
            }
        )
    return out


def test_browser_and_server_give_the_same_verdict_on_every_entry(page, live_server):
    entries = corpus()
    page.goto(f"{live_server.url}/static/rules.js")  # any same-origin page will do
    page.add_script_tag(url=f"{live_server.url}/static/rules.js")
    browser_verdicts = page.evaluate(
        """([schema, entries, schools, now]) => entries.map(e => {
             const v = SRORules.check(schema, e, schools, now);
             return {errors: v.errors, warnings: v.warnings,
                     schoolNotAssigned: v.schoolNotAssigned};
           })""",
        [json.loads(json.dumps(rules.describe())), entries, SCHOOLS, NOW.timestamp() * 1000],
    )
    expected = python_verdicts(entries)
    assert len(entries) > 1000
    mismatches = [
        (entry, want, got)
        for entry, want, got in zip(entries, expected, browser_verdicts, strict=True)
        if want != got
    ]
    assert mismatches[:3] == []


def test_browser_and_server_agree_on_amendment_explanations(page, live_server):
    texts = [
        None,
        "",
        "   ",
        "too short",
        "ten chars!",
        "x" * 2000,
        "x" * 2001,
        42,
        "Two students were present, not one.",
        "A \x00 nul in the explanation",
        "Corrected\r\nthe count of students",
        "A form feed \x0c in the explanation",
    ]
    page.goto(f"{live_server.url}/static/rules.js")
    page.add_script_tag(url=f"{live_server.url}/static/rules.js")
    in_browser = page.evaluate(
        "([schema, texts]) => texts.map(t => SRORules.checkAmendment(schema, t))",
        [rules.describe(), texts],
    )
    assert in_browser == [rules.check_amendment(text) for text in texts]
