"""The facts data dictionary v2 added, counted for the assessment and the public summary.

Only entries recorded under v2 hold them: an entry recorded under v1 was never
asked its setting, restraint types, search basis or who was told, so it is
counted apart (as not recorded), never as a "no". Figures count contacts
(entries), as the rest of the assessment does; the CRDC's own counts are of
students. The CRDC derivations are the rules' (`rules.crdc()`), stored with each revision as
its queryable facts (`rules.revision_facts()`) and added up by the assessment in SQL.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field

REFERRAL = "crdc_referral_to_law_enforcement"
ARREST = "crdc_school_related_arrest"
PRONE = "restraint_prone"
FOUND = "search_found_something"
CONTACT_FACTS = (REFERRAL, ARREST, PRONE, FOUND)


# Each fact's column on revisions (rules/facts.py derives them when a revision is stored).
FACT_COLUMNS = {
    REFERRAL: "crdc_referral",
    ARREST: "crdc_arrest",
    PRONE: "restraint_prone",
    FOUND: "search_found_something",
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
