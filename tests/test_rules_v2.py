"""Data dictionary v2 in logger/rules/: the new facts, their conditions and messages, and the
versioned rules (v1 entries stay valid under v1; every write is checked under v2).

Each condition is tested on both sides of its boundary, with the exact message an officer
reads. No Flask, no database.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logger import rules
from tests.test_rules import NOW, base_entry, check, cleaned, enforcement_entry, with_value

V2_ONLY = {
    "setting",
    "duration_minutes",
    "detention_minutes",
    "restraint_types",
    "restraint_minutes",
    "restraint_prone",
    "search_basis",
    "search_found",
    "outcome_referrals",
    "parent_notified",
    "principal_notified",
}

MINUTES = [  # (field, an entry where it applies, its message)
    (
        "duration_minutes",
        base_entry("criminal"),
        "Enter how many minutes the contact lasted as a whole number from 1 to 720.",
    ),
    (
        "detention_minutes",
        enforcement_entry("detention"),
        "Enter how many minutes the student was detained as a whole number from 1 to 720.",
    ),
    (
        "restraint_minutes",
        enforcement_entry("restraint"),
        "Enter how many minutes the restraint lasted as a whole number from 1 to 720.",
    ),
]


@pytest.mark.parametrize("value, stored", [(1, 1), (720, 720), ("15", 15), (" 60 ", 60)])
@pytest.mark.parametrize("name, entry, message", MINUTES, ids=[m[0] for m in MINUTES])
def test_a_duration_from_1_to_720_minutes_is_accepted(name, entry, message, value, stored):
    verdict = check(with_value(entry, name, value))
    assert verdict.ok, verdict.errors
    assert cleaned(verdict, name) == stored


@pytest.mark.parametrize("value", [0, -5, 721, "ten", "1.5", 1.5, True, [15], {"minutes": 15}])
@pytest.mark.parametrize("name, entry, message", MINUTES, ids=[m[0] for m in MINUTES])
def test_a_duration_outside_1_to_720_or_not_a_number_is_refused(name, entry, message, value):
    assert check(with_value(entry, name, value)).errors == {name: [message]}


def test_the_contact_s_length_is_optional_for_mentoring_and_required_otherwise():
    assert check(base_entry("mentoring")).ok
    assert check(base_entry("mentoring", duration_minutes=10)).entry["duration_minutes"] == 10
    for classification in ("disciplinary", "criminal"):
        entry = base_entry(classification)
        del entry["duration_minutes"]
        assert check(entry).errors == {
            "duration_minutes": ["Enter how many minutes the contact lasted, from 1 to 720."]
        }


@pytest.mark.parametrize(
    "name, action, message",
    [
        (
            "detention_minutes",
            "detention",
            "Enter how many minutes the student was detained, from 1 to 720.",
        ),
        ("restraint_types", "restraint", "Choose each kind of restraint used."),
        (
            "restraint_minutes",
            "restraint",
            "Enter how many minutes the restraint lasted, from 1 to 720.",
        ),
        ("restraint_prone", "restraint", "Say whether the student was held face down (prone)."),
        ("search_basis", "search", "Choose the legal basis for the search."),
        ("search_found", "search", "Choose what the search found, or “Nothing found”."),
        (
            "outcome_referrals",
            "citation",
            "Choose where the student was referred after the citation, or “No referral”.",
        ),
        (
            "outcome_referrals",
            "arrest",
            "Choose where the student was referred after the arrest, or “No referral”.",
        ),
        ("parent_notified", "search", "Say whether a parent or guardian was told of the search."),
        (
            "principal_notified",
            "use_of_force",
            "Say whether the principal was told of the use of force.",
        ),
    ],
)
def test_each_new_fact_is_required_when_its_action_was_taken(name, action, message):
    entry = enforcement_entry(action)
    assert check(entry).ok
    del entry[name]
    assert check(entry).errors == {name: [message]}


def test_the_actions_are_named_in_the_message_that_asks_who_was_told():
    entry = enforcement_entry("search", "arrest", parent_notified=None)
    assert check(entry).errors["parent_notified"] == [
        "Say whether a parent or guardian was told of the search and arrest."
    ]


@pytest.mark.parametrize(
    "name, value",
    [
        ("detention_minutes", 30),
        ("restraint_types", ["physical"]),
        ("restraint_minutes", 5),
        ("restraint_prone", True),
        ("search_basis", "consent"),
        ("search_found", ["nothing"]),
        ("outcome_referrals", ["none"]),
        ("parent_notified", True),
        ("principal_notified", False),
    ],
)
def test_a_fact_whose_action_was_not_taken_is_not_stored(name, value):
    """A verbal warning carries no detention length, search result or notification."""
    verdict = check(base_entry("criminal", **{name: value}))
    assert verdict.ok, verdict.errors
    assert name not in verdict.entry


@pytest.mark.parametrize(
    "name, action, value, message",
    [
        (
            "search_found",
            "search",
            ["nothing", "weapon"],
            "“Nothing found” cannot be combined with something found.",
        ),
        (
            "outcome_referrals",
            "arrest",
            ["none", "juvenile_court"],
            "“No referral” cannot be combined with a referral.",
        ),
        ("restraint_types", "restraint", [], "Choose each kind of restraint used."),
        (
            "restraint_types",
            "restraint",
            ["zip_ties"],
            "Choose the kinds of restraint from the list.",
        ),
        (
            "restraint_prone",
            "restraint",
            "no",
            "Say whether the student was held face down (prone).",
        ),
        (
            "search_basis",
            "search",
            "a hunch",
            "Choose the legal basis for the search from the list.",
        ),
        (
            "parent_notified",
            "citation",
            "yes",
            "Say whether a parent or guardian was told of the citation.",
        ),
    ],
)
def test_bad_values_of_the_new_facts_get_their_message(name, action, value, message):
    assert check(with_value(enforcement_entry(action), name, value)).errors == {name: [message]}


def test_nothing_found_alone_and_finds_together_are_accepted():
    assert check(enforcement_entry("search", search_found=["nothing"])).ok
    verdict = check(enforcement_entry("search", search_found=["drugs", "weapon", "drugs"]))
    assert verdict.entry["search_found"] == ["weapon", "drugs"]  # the rules' order, no repeats


@pytest.mark.parametrize(
    "value, ok",
    [
        ("school_grounds", True),
        ("off_campus_not_school_related", True),
        (None, False),
        ("", False),
        ("bus", False),
        (["school_grounds"], False),
    ],
)
def test_the_setting_is_required_of_every_entry(value, ok):
    verdict = check(base_entry("mentoring", setting=value))
    assert verdict.ok is ok
    if not ok:
        assert list(verdict.errors) == ["setting"]


@pytest.mark.parametrize(
    "value, ok", [(True, True), (False, True), (None, True), ("yes", False), (1, False)]
)
def test_limited_english_is_an_optional_perception(value, ok):
    entry = enforcement_entry("citation")
    entry["students"][0]["perceived_limited_english"] = value
    verdict = check(entry)
    assert verdict.ok is ok
    if not ok:
        assert verdict.errors == {
            "students.0.perceived_limited_english": ["Say whether you perceived limited English."]
        }


def test_the_setting_is_prefilled_only_where_the_location_says_it():
    assert rules.SETTING_FROM_LOCATION["bus_area"] == "school_transportation"
    assert rules.SETTING_FROM_LOCATION["hallway"] == "school_grounds"
    for unclear in ("athletic_event", "off_campus", "other"):
        assert unclear not in rules.SETTING_FROM_LOCATION
    assert set(rules.SETTING_FROM_LOCATION.values()) <= set(rules.SETTINGS)
    assert set(rules.SETTING_FROM_LOCATION) <= set(rules.LOCATIONS)


# --- versioned rules -------------------------------------------------------------------------


def v1_entry(*actions) -> dict:
    """An entry as a phone made it before the upgrade: every v1 fact, no v2 fact."""
    entry = enforcement_entry(*actions) if actions else base_entry("mentoring")
    return {name: value for name, value in entry.items() if name not in V2_ONLY}


@pytest.mark.parametrize("actions", [(), ("arrest",), ("search", "restraint")])
def test_a_v1_entry_stays_valid_under_v1(actions):
    verdict = rules.check(v1_entry(*actions), assigned_school_ids={7}, now=NOW, version=1)
    assert verdict.ok, verdict.errors
    assert verdict.version == 1


@pytest.mark.parametrize(
    "actions, newly",
    [
        ((), {"setting"}),
        (
            ("arrest",),
            {
                "setting",
                "duration_minutes",
                "outcome_referrals",
                "parent_notified",
                "principal_notified",
            },
        ),
        (
            ("search", "restraint"),
            {
                "setting",
                "duration_minutes",
                "search_basis",
                "search_found",
                "restraint_types",
                "restraint_minutes",
                "restraint_prone",
                "parent_notified",
                "principal_notified",
            },
        ),
    ],
)
def test_a_v1_entry_checked_now_names_exactly_the_new_fields(actions, newly):
    """An entry waiting on a phone across the upgrade, or a v1 entry corrected or amended."""
    entry = v1_entry(*actions)
    assert set(check(entry).errors) == newly
    assert {spec.name for spec in rules.newly_required(entry, 1)} == newly
    assert rules.newly_required(entry, 2) == []


def test_v2_facts_sent_under_v1_rules_are_not_kept():
    verdict = rules.check(enforcement_entry("arrest"), assigned_school_ids={7}, now=NOW, version=1)
    assert verdict.ok
    assert not V2_ONLY & set(verdict.entry)


@pytest.mark.parametrize("sent", [None, 1, 2])
def test_a_known_dictionary_version_is_checked_and_not_stored(sent):
    verdict = check(base_entry("mentoring", dictionary_version=sent))
    assert verdict.ok, verdict.errors
    assert rules.VERSION_FIELD not in verdict.entry


@pytest.mark.parametrize("sent", [0, 3, 99, -1, "2", 2.0, True, [], {"v": 2}])
def test_an_unknown_dictionary_version_is_named(sent):
    verdict = check(base_entry("mentoring", dictionary_version=sent))
    assert verdict.errors == {
        "dictionary_version": [
            "This entry names a data dictionary version this server does not know (it knows 1 and "
            "2). Open the app with a connection to get the current rules, then check the entry."
        ]
    }


def test_the_schema_says_its_dictionary_version_and_each_field_s_version():
    described = json.loads(json.dumps(rules.describe()))
    assert described["dictionary"]["version"] == rules.CURRENT_VERSION == 2
    assert described["dictionary"]["known"] == [1, 2]
    by_name = {f["name"]: f for f in described["fields"]}
    assert {name for name, f in by_name.items() if f.get("since") == 2} == V2_ONLY
    assert by_name["setting"]["prefill"] == {
        "from": "location",
        "values": rules.SETTING_FROM_LOCATION,
    }
    assert by_name["duration_minutes"]["quick_choices"] == [5, 15, 30, 60]
    assert by_name["duration_minutes"]["required"] == {
        "field": "classification",
        "in": ["disciplinary", "criminal"],
    }
    old = rules.describe(1)
    assert old["dictionary"]["version"] == 1
    assert not V2_ONLY & {f["name"] for f in old["fields"]}
    assert "perceived_limited_english" not in {f["name"] for f in old["student_fields"]}


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(
    facts=st.dictionaries(st.sampled_from(sorted(V2_ONLY | {"dictionary_version"})), JSON),
    actions=st.lists(st.sampled_from(rules.ACTIONS), max_size=4),
)
def test_any_json_in_the_new_facts_gets_messages_never_an_exception(facts, actions):
    entry = {**enforcement_entry(*actions), **facts} if actions else {**base_entry(), **facts}
    verdict = check(entry)
    assert isinstance(verdict.errors, dict)
    for path, messages in verdict.errors.items():
        assert messages and all(isinstance(m, str) and m for m in messages), path
    json.dumps(verdict.entry)  # what is kept can always be stored
