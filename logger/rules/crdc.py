"""The CRDC derivations (data dictionary v2): counts the U.S. Department of Education's Civil
Rights Data Collection asks for, computed from the facts an officer records, never typed.

The CRDC's definitions, and how an entry meets them:

- Referral to law enforcement: "an action by which a student is reported to any law
  enforcement agency or official, including a school police unit, for an incident that
  occurs on school grounds, during school-related events, or while taking school
  transportation, regardless of whether official action is taken. Citations, tickets,
  court referrals, and school-related arrests are also considered referrals to law
  enforcement." Here: in a school setting, a disciplinary or criminal contact that school
  staff initiated (they reported the student to the SRO), or any citation, arrest or court
  referral.
- School-related arrest: "an arrest of a student for any activity conducted on school
  grounds, during off-campus school activities (including while taking school
  transportation), or due to a referral by any school official." Here: an arrest whose
  setting is not off campus and unrelated to school, or that school staff initiated.
- Physical restraint: "a personal restriction that immobilizes or reduces the ability of a
  student to move his or her torso, arms, legs, or head freely."
- Mechanical restraint: "the use of any device or equipment to restrict a student's freedom
  of movement" (handcuffs or another device).
- Seclusion: "the involuntary confinement of a student alone in a room or area from which
  the student is physically prevented from leaving."

Each applies to every student described in the entry. An entry recorded under data
dictionary v1 has no setting or restraint types: its derivations are None (unknown), never
a guess.
"""

from __future__ import annotations

SCHOOL_SETTINGS = ("school_grounds", "school_transportation", "school_activity_off_campus")
COURT_REFERRALS = ("juvenile_court", "adult_court")
MECHANICAL = ("mechanical_handcuffs", "mechanical_other")
CRDC_COLUMNS = (
    "crdc_referral_to_law_enforcement",
    "crdc_school_related_arrest",
    "crdc_physical_restraint",
    "crdc_mechanical_restraint",
    "crdc_seclusion",
)


def crdc(entry: dict) -> dict[str, bool | None]:
    """The CRDC facts of one entry (see the module's definitions); None where v1 cannot say."""
    if "setting" not in entry:
        return dict.fromkeys(CRDC_COLUMNS)
    actions = chosen(entry.get("actions"))
    in_school = entry["setting"] in SCHOOL_SETTINGS
    by_staff = entry.get("initiated_by") == "school_staff"
    reported = entry.get("classification") in ("disciplinary", "criminal") and by_staff
    court = bool(chosen(entry.get("outcome_referrals")) & set(COURT_REFERRALS))
    restraints = chosen(entry.get("restraint_types")) if "restraint" in actions else set()
    return {
        "crdc_referral_to_law_enforcement": in_school
        and (reported or bool(actions & {"citation", "arrest"}) or court),
        "crdc_school_related_arrest": "arrest" in actions and (in_school or by_staff),
        "crdc_physical_restraint": "physical" in restraints,
        "crdc_mechanical_restraint": bool(restraints & set(MECHANICAL)),
        "crdc_seclusion": "seclusion" in restraints,
    }


def chosen(value) -> set[str]:
    """The choices of a multiple-choice field (nothing, for anything that is not a list)."""
    return {item for item in value if isinstance(item, str)} if isinstance(value, list) else set()
