"""The demo's data dictionary v2 facts: what an officer adds to an entry of the year under way.

A scenario's story fixes some facts (what a search rested on and found, the kind of
restraint, where the student was referred): its `Facts`. The rest follow from the entry
and are drawn here: the setting from the location (as the form pre-fills it), how long the
contact, a detention or a restraint lasted, whether a parent and the principal were told,
and whether the officer perceived a student's English as limited. Entries of earlier years
were written under v1 and get none of this.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from logger import rules

# Where the location leaves the setting open (rules.SETTING_FROM_LOCATION does not say it):
# most games are at home, most off-campus contacts have nothing to do with school; the demo's
# "other" location is a restroom.
OPEN_SETTINGS = {
    "athletic_event": {"school_grounds": 4, "school_activity_off_campus": 1},
    "off_campus": {"off_campus_not_school_related": 3, "school_activity_off_campus": 1},
    "other": {"school_grounds": 1},
}
MENTORING_MINUTES = {  # mentoring type: how long such a contact lasts
    "informal_counseling": (5, 30),
    "mentoring": (15, 45),
    "class_presentation": (30, 60),
    "family_engagement": (10, 45),
    "extracurricular": (60, 180),
    "safety_education": (10, 45),
}
MENTORING_UNTIMED_SHARE = 0.25  # the duration of a mentoring contact is optional
ARREST_MINUTES, CITATION_OR_SEARCH_MINUTES = (60, 240), (20, 90)
CONTACT_MINUTES = {"criminal": (10, 60), "disciplinary": (5, 30)}  # otherwise, by its kind
DETENTION_MINUTES = (15, 120)
AFTER_HOLD_MINUTES = (10, 45)  # the contact goes on after a detention or restraint ends
QUICK_SHARE = 0.5  # officers often tap a one-tap duration rather than type one
PARENT_TOLD_SHARE, PRINCIPAL_TOLD_SHARE = 0.85, 0.9  # when nothing else says they were
MUST_TELL_PARENT = {"parent_contacted", "detention", "restraint", "arrest"}
LIMITED_ENGLISH_SHARE = 0.07

# Choices the scenarios' facts share.
COURT = (("juvenile_court",),)
COURT_OR_DIVERSION = (("juvenile_court",), ("diversion_program",))
COURT_AND_EVALUATION = (("juvenile_court", "mental_health_evaluation"),)
HANDCUFFS = (("mechanical_handcuffs",),)
HELD_AND_CUFFED = (("physical", "mechanical_handcuffs"),)


@dataclass(frozen=True)
class Facts:
    """The v2 facts a scenario's story tells; where it gives options, one is drawn.

    `every_year`: the scenario happens at least once in the year under way, so each column
    of a CRDC worksheet of the demo has something in it from the first weeks of the year.
    """

    search_basis: tuple[str, ...] = ("reasonable_suspicion",)
    search_found: tuple[str, ...] = ("nothing",)
    restraint_types: tuple[tuple[str, ...], ...] = (("physical",),)
    restraint_minutes: tuple[int, int] = (1, 15)
    prone_share: float = 0.0  # held face down: only where the story has a takedown
    outcome_referrals: tuple[tuple[str, ...], ...] = (
        ("juvenile_court",),
        ("diversion_program",),
        ("none",),
    )
    every_year: bool = False


def add_v2_facts(entry: dict, facts: Facts, rng: random.Random) -> None:
    """Add to an entry built from the v1 fields the v2 facts that apply to it, in place."""
    actions = set(entry["actions"])
    entry["setting"] = rules.SETTING_FROM_LOCATION.get(entry["location"]) or weighted(
        OPEN_SETTINGS[entry["location"]], rng
    )
    held = 0  # minutes of a detention or restraint, which the contact lasts at least
    if "detention" in actions:
        entry["detention_minutes"] = held = _minutes(DETENTION_MINUTES, rng)
    if "restraint" in actions:
        entry["restraint_types"] = list(rng.choice(facts.restraint_types))
        entry["restraint_minutes"] = _minutes(facts.restraint_minutes, rng)
        entry["restraint_prone"] = rng.random() < facts.prone_share
        held = max(held, entry["restraint_minutes"])
    duration = _duration(entry, actions, rng)
    if held:
        duration = max(duration, held + rng.randint(*AFTER_HOLD_MINUTES))
    if duration is not None:
        entry["duration_minutes"] = duration
    if "search" in actions:
        entry["search_basis"] = rng.choice(facts.search_basis)
        entry["search_found"] = list(facts.search_found)
    if actions & {"citation", "arrest"}:
        entry["outcome_referrals"] = list(rng.choice(facts.outcome_referrals))
    if actions & set(rules.ENFORCEMENT_ACTIONS):
        entry["parent_notified"] = bool(actions & MUST_TELL_PARENT) or (
            rng.random() < PARENT_TOLD_SHARE
        )
        entry["principal_notified"] = (
            entry["initiated_by"] == "school_staff"
            or "referral_school_admin" in actions
            or rng.random() < PRINCIPAL_TOLD_SHARE
        )
    for student in entry.get("students", []):
        student["perceived_limited_english"] = rng.random() < LIMITED_ENGLISH_SHARE


def _duration(entry: dict, actions: set[str], rng: random.Random) -> int | None:
    """How long the contact lasted, by its heaviest action or its kind; sometimes not
    recorded for mentoring, where it is optional."""
    if entry["classification"] == "mentoring":
        if rng.random() < MENTORING_UNTIMED_SHARE:
            return None
        return _minutes(MENTORING_MINUTES[entry["mentoring_type"]], rng)
    if "arrest" in actions:
        return _minutes(ARREST_MINUTES, rng)
    if actions & {"citation", "search"}:
        return _minutes(CITATION_OR_SEARCH_MINUTES, rng)
    return _minutes(CONTACT_MINUTES[entry["classification"]], rng)


def _minutes(span: tuple[int, int], rng: random.Random) -> int:
    """Minutes within the span: often a one-tap value, otherwise as typed."""
    quick = [minutes for minutes in rules.QUICK_MINUTES if span[0] <= minutes <= span[1]]
    if quick and rng.random() < QUICK_SHARE:
        return rng.choice(quick)
    return rng.randint(*span)


def weighted(weights: dict[str, int], rng: random.Random) -> str:
    """One key, drawn in proportion to its weight."""
    return rng.choices(list(weights), list(weights.values()))[0]
