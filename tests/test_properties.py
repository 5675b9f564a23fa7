"""Properties of the rules and of the sync ingest, for any input at all.

The rules: any JSON in, a dict of messages out, never an exception, under every data
dictionary version. POST /api/v1/sync: random, truncated, oversized, wrong-typed, deeply
nested or non-UTF-8 bodies get a 4xx JSON error, or a 200 with one result per entry, in
order; and exactly one new revision is stored per `accepted` result, nothing else.
"""

from __future__ import annotations

import copy
import json
import re
import uuid
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logger import rules
from logger.core.models import ContactRevision
from logger.evaluation.data_dictionary import (
    ENTRY_NAMES,
    FORMULA_TRIGGERS,
    TYPED_COLUMNS,
    entry_cells,
)
from logger.extensions import db
from logger.officer import entries
from sync import wire
from tests.factories import Api, arrest_entry, envelope, mentoring_entry

NOW = datetime.now(UTC)
DEEP = 10_000
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(alphabet=st.characters(codec=None), max_size=30)
)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5)
    ),
    max_leaves=25,
)
RULES = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
INGEST = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
PATHS = sorted(
    {spec.name for spec in rules.FIELDS}
    | {"justification", rules.VERSION_FIELD}
    | {f"students.0.{spec.name}" for spec in rules.STUDENT_FIELDS}
)
FIELD_NAMES = sorted({path.split(".")[0] for path in PATHS})


def deeply_nested(depth: int = DEEP) -> object:
    """Lists and objects inside one another `depth` levels deep (built without recursion)."""
    value: object = "bottom"
    for level in range(depth):
        value = [value] if level % 2 else {"x": value}
    return value


def with_value(entry: dict, dotted: str, value: object) -> dict:
    """A copy of the entry with `value` at a dotted path (students.0.grade_band); unchanged
    when an earlier change left no object there to hold it."""
    entry = copy.deepcopy(entry)
    *parents, leaf = dotted.split(".")
    place = entry
    for part in parents:
        if isinstance(place, list):
            place = place[int(part)] if len(place) > int(part) else None
        else:
            place = place.get(part)
        if not isinstance(place, (dict, list)):
            return entry
    if isinstance(place, dict):
        place[leaf] = value
    return entry


def assert_messages(verdict: rules.Verdict) -> None:
    """Errors and warnings are a dict of field → non-empty messages, fully written out; what
    is kept can be stored as JSON."""
    for found in (verdict.errors, verdict.warnings):
        assert isinstance(found, dict)
        for name, messages in found.items():
            assert isinstance(name, str) and isinstance(messages, list) and messages, name
            assert all(isinstance(m, str) and m and not re.search(r"[{}]", m) for m in messages), (
                name,
                messages,
            )
    json.dumps(verdict.entry)


def check(entry: object, version: int) -> rules.Verdict:
    return rules.check(entry, assigned_school_ids={1}, now=NOW, version=version)


# --- the rules ----------------------------------------------------------------------------

VERSIONS = st.sampled_from(rules.DICTIONARY_VERSIONS)
FULL = arrest_entry(
    1,
    actions=["arrest", "use_of_force", "restraint", "search"],
    force_types=["takedown"],
    justification={
        **arrest_entry(1)["justification"],
        "injuries": "none",
        "supervisor_notified": True,
    },
)


@RULES
@given(entry=JSON, version=VERSIONS)
def test_any_json_as_an_entry_gets_messages_never_an_exception(entry, version):
    assert_messages(check(entry, version))


@RULES
@given(
    entry=st.dictionaries(st.sampled_from(FIELD_NAMES) | st.text(max_size=8), JSON),
    version=VERSIONS,
)
def test_any_json_in_the_dictionary_s_fields_gets_messages(entry, version):
    assert_messages(check(entry, version))


@RULES
@given(changes=st.dictionaries(st.sampled_from(PATHS), JSON, max_size=6), version=VERSIONS)
def test_any_json_in_any_field_of_a_complete_entry_gets_messages(changes, version):
    entry = FULL
    for path, value in changes.items():
        entry = with_value(entry, path, value)
    verdict = check(entry, version)
    assert_messages(verdict)
    if verdict.ok:  # what passes once passes again, unchanged
        assert check(verdict.entry, version).entry == verdict.entry


@pytest.mark.parametrize("version", rules.DICTIONARY_VERSIONS)
@pytest.mark.parametrize("path", PATHS)
def test_a_value_nested_ten_thousand_deep_in_any_field_is_never_kept(path, version):
    verdict = check(with_value(FULL, path, deeply_nested()), version)
    assert_messages(verdict)
    assert not verdict.ok or rules.value_at(verdict.entry, path) is None  # refused, or dropped


@RULES
@given(value=JSON)
def test_any_json_as_an_amendment_a_timing_or_a_decision_never_raises(value):
    for errors in (
        rules.check_amendment(value),
        rules.check_decision(value, value, []),
        rules.check_decision("return", value, ["use_of_force"]),
    ):
        assert isinstance(errors, dict)
        assert all(isinstance(m, str) and m for ms in errors.values() for m in ms)
    kept, why = rules.check_timing(value)
    assert (kept is None) or (why is None and json.dumps(kept))


# --- the sync ingest ----------------------------------------------------------------------


@pytest.fixture
def ruiz(client, auth, district):
    """Officer Ruiz signed in; his phone."""
    auth.login("ofc.ruiz")
    return Api(client)


def revision_count(app) -> int:
    with app.app_context():
        count = db.session.scalar(db.select(db.func.count()).select_from(ContactRevision))
        db.session.remove()
        return count


def sent_entries(body: bytes | str) -> list | None:
    """The entries of a body as the server reads JSON, or None when it is not a batch."""
    try:
        parsed = json.loads(body)
    except (ValueError, RecursionError):
        return None
    return parsed.get("entries") if isinstance(parsed, dict) else None


def expected_id(item: object) -> object:
    """The id a result echoes for one envelope sent."""
    sent = item.get("id") if isinstance(item, dict) else None
    parsed = entries.parse_entry_id(sent)
    if parsed is not None:
        return str(parsed)
    return sent if type(sent) in (str, int) else None


def assert_answered_well(app, api: Api, body: bytes | str) -> None:
    """A 4xx JSON error and nothing stored; or a 200 with one result per entry, in order, and
    one new revision per accepted result."""
    before = revision_count(app)
    response = api.post(body)
    answer = response.get_json(silent=True)
    stored = revision_count(app) - before
    if response.status_code != 200:
        assert 400 <= response.status_code < 500, response.status_code
        assert set(answer) == {"error", "message"} and stored == 0
        return
    sent = sent_entries(body)
    assert isinstance(sent, list) and len(answer["results"]) == len(sent)
    assert [r["id"] for r in answer["results"]] == [expected_id(item) for item in sent]
    assert all(r["status"] in wire.STATUSES for r in answer["results"])
    assert stored == sum(r["status"] == "accepted" for r in answer["results"])


def good_envelopes(school_id: int):
    """Envelopes the server may accept: new entries, and resends of the same ones."""
    made = st.builds(
        lambda entry, narrative: envelope({**entry, "narrative": narrative}),
        st.sampled_from([mentoring_entry(school_id), arrest_entry(school_id)]),
        st.text(max_size=40),
    )
    return st.lists(made, min_size=1, max_size=3).flatmap(
        lambda batch: st.lists(st.sampled_from(batch), max_size=6)
    )


def wrong_envelopes():
    """Envelopes whose members are any JSON at all."""
    members = st.fixed_dictionaries(
        {},
        optional={
            name: JSON | st.just(str(uuid.uuid4()))
            for name in ("id", "base_revision", "contact", "amendment_explanation", "timing")
        },
    )
    return st.lists(members | JSON, max_size=6)


@INGEST
@given(data=st.data())
def test_any_batch_of_good_and_wrong_envelopes_is_answered_entry_by_entry(
    app, ruiz, district, data
):
    batch = data.draw(
        st.lists(good_envelopes(district["lincoln"]) | wrong_envelopes(), max_size=3).map(
            lambda parts: sum(parts, [])
        )
    )
    assert_answered_well(app, ruiz, json.dumps({"entries": batch}))


@INGEST
@given(body=JSON)
def test_any_json_body_is_answered_well(app, ruiz, body):
    assert_answered_well(app, ruiz, json.dumps(body))


@INGEST
@given(body=st.binary(max_size=200))
def test_random_bytes_are_answered_well(app, ruiz, body):
    assert_answered_well(app, ruiz, body)


@INGEST
@given(
    cut=st.floats(0, 1, exclude_max=True),
    encoding=st.sampled_from(["utf-8", "utf-16", "utf-32", "latin-1", "cp1252"]),
)
def test_truncated_or_differently_encoded_batches_are_answered_well(
    app, ruiz, district, cut, encoding
):
    sent = envelope(mentoring_entry(district["lincoln"], narrative="Café à l’école — ✓"))
    whole = json.dumps({"entries": [sent, sent]}, ensure_ascii=False).encode(encoding, "replace")
    assert_answered_well(app, ruiz, whole[: int(len(whole) * cut)])
    assert_answered_well(app, ruiz, whole)


@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    count=st.integers(wire.MAX_BATCH + 1, 3 * wire.MAX_BATCH),
    size=st.integers(1_048_577, 1_500_000),
)
def test_oversized_batches_are_413_and_store_nothing(app, ruiz, district, count, size):
    sent = envelope(mentoring_entry(district["lincoln"]))
    for body in (
        json.dumps({"entries": [sent] * count}),
        json.dumps(
            {"entries": [envelope(mentoring_entry(district["lincoln"], narrative="x" * size))]}
        ),
    ):
        before = revision_count(app)
        response = ruiz.post(body)
        assert response.status_code == 413 and response.get_json()["error"] == "too_large"
        assert revision_count(app) == before


@pytest.mark.parametrize("depth", [DEEP, 300])
@pytest.mark.parametrize("where", ["body", "entries", "envelope", "member", "field"])
def test_deep_nesting_anywhere_is_answered_well(app, ruiz, district, where, depth):
    """Ten thousand levels are too deep to read (400); three hundred are read and refused."""
    nested = "[" * depth + "]" * depth
    sent = json.dumps(envelope(mentoring_entry(district["lincoln"])))
    contact = json.dumps(mentoring_entry(district["lincoln"]))
    body = {
        "body": nested,
        "entries": f'{{"entries": {nested}}}',
        "envelope": f'{{"entries": [{nested}, {sent}]}}',
        "member": f'{{"entries": [{sent[:-1]}, "timing": {nested}}}]}}',
        "field": f'{{"entries": [{{"id": "{uuid.uuid4()}", "contact": '
        f'{contact[:-1]}, "narrative": {nested}}}}}]}}',
    }[where]
    assert_answered_well(app, ruiz, body)


# Texts a spreadsheet would run, long enough for the rules' free-text fields.
FORMULAS = st.builds(
    str.__add__,
    st.sampled_from(FORMULA_TRIGGERS),
    st.text(alphabet='abcdefghij ()+="&,.', min_size=30, max_size=60),
)


@RULES
@given(path=st.sampled_from(PATHS), formula=FORMULAS, version=VERSIONS)
def test_a_formula_can_begin_only_in_the_csv_columns_made_spreadsheet_safe(path, formula, version):
    """The CSV exports check only TYPED_COLUMNS for a formula's first sign: a formula sent in
    any field is refused, or kept where one of those columns writes it."""
    verdict = check(with_value(FULL, path, formula), version)
    if not verdict.ok:
        return
    for name, cell in zip(ENTRY_NAMES, entry_cells(verdict.entry), strict=True):
        if name not in TYPED_COLUMNS and isinstance(cell, str):
            assert not cell.startswith(FORMULA_TRIGGERS), (name, cell)


TEXT_FACTS = ("injuries", "search_basis")
NUMBER_FACTS = ("students_involved", "students_described", "detention_minutes")


@RULES
@given(changes=st.dictionaries(st.sampled_from(PATHS), JSON, max_size=6), version=VERSIONS)
def test_any_stored_content_gives_facts_that_fit_their_columns(changes, version):
    """Migration 0022 derives the facts of whatever older code stored: never an exception, and
    every value of the type its column holds."""
    entry = FULL
    for path, value in changes.items():
        entry = with_value(entry, path, value)
    facts = rules.revision_facts(entry, version)
    for name, value in facts.items():
        if name in TEXT_FACTS:
            assert value is None or isinstance(value, str)
        elif name in NUMBER_FACTS:
            assert value is None or (isinstance(value, int) and not isinstance(value, bool))
        else:
            assert value is None or isinstance(value, bool), name
    assert all(facts[name] is not None for name in ("enforcement", *rules.ACTION_COLUMNS.values()))
    for name, choice in rules.choice_rows(entry):
        assert name in rules.CHOICE_FIELDS and isinstance(choice, str)
    for groups in rules.student_rows(entry):
        assert set(groups) == set(rules.STUDENT_GROUPS)
        assert all(value is None or isinstance(value, str) for value in groups.values())
