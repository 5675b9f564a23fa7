"""The CRDC derivations, case by case against the CRDC's definitions (rules/crdc.py)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logger import rules

NOTHING = dict.fromkeys(rules.CRDC_COLUMNS, False)


def entry(**facts) -> dict:
    """A v2 entry's facts that the derivations read."""
    return {
        "setting": "school_grounds",
        "initiated_by": "officer",
        "classification": "mentoring",
        "actions": ["none"],
        **facts,
    }


def derived(**facts) -> dict:
    return {name: value for name, value in rules.crdc(entry(**facts)).items() if value}


@pytest.mark.parametrize(
    "facts, expected",
    [
        # Referral: a student reported to law enforcement for an incident at school...
        (
            {"classification": "disciplinary", "initiated_by": "school_staff"},
            {"crdc_referral_to_law_enforcement"},
        ),
        (
            {"classification": "criminal", "initiated_by": "school_staff"},
            {"crdc_referral_to_law_enforcement"},
        ),
        # ... but not mentoring, nor what the officer saw and started on their own
        ({"classification": "mentoring", "initiated_by": "school_staff"}, set()),
        ({"classification": "disciplinary", "initiated_by": "officer"}, set()),
        # citations, tickets and court referrals count, whoever started it
        (
            {"classification": "criminal", "actions": ["citation"]},
            {"crdc_referral_to_law_enforcement"},
        ),
        (
            {
                "classification": "criminal",
                "actions": ["verbal_warning"],
                "outcome_referrals": ["juvenile_court"],
            },
            {"crdc_referral_to_law_enforcement"},
        ),
        (
            {
                "classification": "criminal",
                "actions": ["verbal_warning"],
                "outcome_referrals": ["diversion_program"],
            },
            set(),
        ),
        # on school transportation and at school events, too
        (
            {
                "setting": "school_transportation",
                "classification": "criminal",
                "initiated_by": "school_staff",
            },
            {"crdc_referral_to_law_enforcement"},
        ),
        (
            {"setting": "school_activity_off_campus", "actions": ["citation"]},
            {"crdc_referral_to_law_enforcement"},
        ),
        # off campus and unrelated to school: not a CRDC referral
        (
            {
                "setting": "off_campus_not_school_related",
                "classification": "criminal",
                "initiated_by": "school_staff",
                "actions": ["citation"],
            },
            set(),
        ),
    ],
)
def test_referral_to_law_enforcement(facts, expected):
    assert set(derived(**facts)) == expected


@pytest.mark.parametrize(
    "facts, arrest",
    [
        ({"actions": ["arrest"]}, True),  # on school grounds
        ({"setting": "school_transportation", "actions": ["arrest"]}, True),
        ({"setting": "school_activity_off_campus", "actions": ["arrest"]}, True),
        ({"setting": "off_campus_not_school_related", "actions": ["arrest"]}, False),
        # "or due to a referral by any school official": wherever it happened
        (
            {
                "setting": "off_campus_not_school_related",
                "actions": ["arrest"],
                "initiated_by": "school_staff",
            },
            True,
        ),
        ({"actions": ["citation"]}, False),
    ],
)
def test_school_related_arrest(facts, arrest):
    assert rules.crdc(entry(**facts))["crdc_school_related_arrest"] is arrest


@pytest.mark.parametrize(
    "types, expected",
    [
        (["physical"], {"crdc_physical_restraint"}),
        (["mechanical_handcuffs"], {"crdc_mechanical_restraint"}),
        (["mechanical_other"], {"crdc_mechanical_restraint"}),
        (["seclusion"], {"crdc_seclusion"}),
        (
            ["physical", "mechanical_handcuffs", "seclusion"],
            {"crdc_physical_restraint", "crdc_mechanical_restraint", "crdc_seclusion"},
        ),
    ],
)
def test_restraint_categories(types, expected):
    assert set(derived(actions=["restraint"], restraint_types=types)) == expected


def test_restraint_types_count_only_with_a_restraint():
    assert derived(actions=["none"], restraint_types=["physical"]) == {}


def test_a_v1_entry_cannot_say_and_is_not_guessed():
    v1 = {"initiated_by": "school_staff", "classification": "criminal", "actions": ["arrest"]}
    assert rules.crdc(v1) == dict.fromkeys(rules.CRDC_COLUMNS)


def test_a_plain_mentoring_contact_derives_nothing():
    assert rules.crdc(entry()) == NOTHING


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # shared, busy machines
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "setting",
                "initiated_by",
                "classification",
                "actions",
                "outcome_referrals",
                "restraint_types",
                "other",
            ]
        ),
        JSON,
    )
)
def test_any_entry_gives_every_column_and_never_raises(facts):
    result = rules.crdc(facts)
    assert set(result) == set(rules.CRDC_COLUMNS)
    assert all(value in (True, False, None) for value in result.values())
