"""The facts data dictionary v2 added, counted for the assessment and the public summary.

Only entries recorded under v2 hold them: an entry recorded under v1 was never
asked its setting, restraint types, search basis or who was told, so it is
counted apart (as not recorded), never as a "no". Figures count contacts
(entries), as the rest of the assessment does; the CRDC's own counts are of
students. The CRDC derivations are the rules' (`rules.crdc()`).
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field

from logger import rules

REFERRAL = "crdc_referral_to_law_enforcement"
ARREST = "crdc_school_related_arrest"
PRONE = "restraint_prone"
FOUND = "search_found_something"
CONTACT_FACTS = (REFERRAL, ARREST, PRONE, FOUND)


def contact_facts(entry: dict) -> dict[str, bool]:
    """Whether a v2 entry was a CRDC referral to law enforcement or school-related arrest,
    held a student face down, and had a search that found something."""
    actions = entry.get("actions") or ()
    crdc = rules.crdc(entry)
    return {
        REFERRAL: bool(crdc[REFERRAL]),
        ARREST: bool(crdc[ARREST]),
        PRONE: "restraint" in actions and entry.get("restraint_prone") is True,
        FOUND: "search" in actions and bool(set(entry.get("search_found") or ()) - {"nothing"}),
    }


@dataclass
class SchoolCrdc:
    """One school's v2 contacts, and the referrals and school-related arrests among them."""

    name: str
    contacts: int = 0
    referrals: int = 0
    arrests: int = 0


@dataclass
class CrdcFigures:
    """The year's figures from the entries recorded under data dictionary v2."""

    v1_entries: int = 0  # the year's record recorded under v1: these facts were not asked
    schools: dict[int, SchoolCrdc] = field(default_factory=dict)
    restraints: int = 0  # contacts with a restraint
    restraint_types: Counter = field(default_factory=Counter)
    prone: int = 0
    detention_minutes: list[int] = field(default_factory=list)
    searches: Counter = field(default_factory=Counter)  # by basis
    hits: Counter = field(default_factory=Counter)  # searches that found something, by basis
    enforcement: int = 0  # contacts with an enforcement action
    parent_told: int = 0
    principal_told: int = 0

    def add(self, entry: dict, version: int, school_id: int, school_name: str) -> None:
        """Count one approved entry: its facts if recorded under v2, else that it was not."""
        if version < 2:
            self.v1_entries += 1
            return
        actions = entry.get("actions") or ()
        facts = contact_facts(entry)
        school = self.schools.setdefault(school_id, SchoolCrdc(school_name))
        school.contacts += 1
        school.referrals += facts[REFERRAL]
        school.arrests += facts[ARREST]
        if "restraint" in actions:
            self.restraints += 1
            self.restraint_types.update(entry.get("restraint_types") or ())
            self.prone += facts[PRONE]
        if "detention" in actions and entry.get("detention_minutes"):
            self.detention_minutes.append(entry["detention_minutes"])
        if "search" in actions:
            basis = entry.get("search_basis") or "not_recorded"
            self.searches[basis] += 1
            self.hits[basis] += facts[FOUND]
        if any(action in actions for action in rules.ENFORCEMENT_ACTIONS):
            self.enforcement += 1
            self.parent_told += entry.get("parent_notified") is True
            self.principal_told += entry.get("principal_notified") is True

    @property
    def contacts(self) -> int:
        return sum(school.contacts for school in self.schools.values())

    @property
    def referrals(self) -> int:
        return sum(school.referrals for school in self.schools.values())

    @property
    def arrests(self) -> int:
        return sum(school.arrests for school in self.schools.values())

    @property
    def median_detention(self) -> float | None:
        """The median detention in minutes; None without a detention."""
        return statistics.median(self.detention_minutes) if self.detention_minutes else None
