"""The assessment's last section: the year's key figures beside the previous year's."""

from __future__ import annotations

from dataclasses import dataclass

from logger.admin.program_records import TRAINING_TOPICS
from logger.evaluation.assessment import YearFigures, rate
from logger.evaluation.crdc_figures import CrdcFigures
from logger.evaluation.principles import Evidence


@dataclass(frozen=True)
class Trend:
    """One key figure this year beside the previous year."""

    label: str
    this: float | None
    previous: float | None
    unit: str  # "count", "percent", "per100" (any rate to one decimal) or "hours"


def key_figures(
    now: YearFigures, before: YearFigures, now_evidence: Evidence, before_evidence: Evidence
) -> list[Trend]:
    """The key figures of two years side by side: the contact record's, then the rest of the
    program's."""

    def pick(figures: YearFigures, evidence: Evidence):
        return (
            ("Contacts", figures.contacts, "count"),
            ("Mentoring share", figures.share(figures.by_classification["mentoring"]), "percent"),
            ("Disciplinary share", figures.share(figures.disciplinary), "percent"),
            (
                "Disciplinary contacts ending in enforcement",
                figures.discipline_enforcement,
                "count",
            ),
            ("Contacts with enforcement, per 100", figures.share(figures.enforcement), "per100"),
            ("Arrests per 100 contacts", figures.share(figures.actions["arrest"]), "per100"),
            (
                "Uses of force per 100 contacts",
                figures.share(figures.actions["use_of_force"]),
                "per100",
            ),
            ("Contacts where someone was hurt", figures.injured, "count"),
            ("Median review turnaround", figures.review.median_hours, "hours"),
            (
                "Share of decisions that returned an entry",
                rate(figures.review.returns, figures.review.decisions),
                "percent",
            ),
            (
                "Officers who logged contacts at more than three schools",
                len(figures.spread_officers),
                "count",
            ),
            *_v2_trend(figures.crdc),
            *_program_trend(evidence),
        )

    return [
        Trend(label, this, previous, unit)
        for (label, this, unit), (_, previous, _) in zip(
            pick(now, now_evidence), pick(before, before_evidence), strict=True
        )
    ]


def _program_trend(evidence: Evidence) -> tuple:
    """The key figures of the records beside the contacts (principles 1, 5, 8, 9, 12) and of
    the enrollment denominators (None: nothing recorded)."""
    program, feedback = evidence.program, evidence.feedback
    return (
        (
            "Contacts with enforcement per 1,000 students",
            evidence.enforcement_per_thousand,
            "per100",
        ),
        ("Community input sessions", program.input_sessions, "count"),
        ("Officers with a selection record", len(program.selected), "count"),
        ("Training hours per officer", evidence.hours_per_officer, "hours"),
        (
            f"Required training topics covered (of {len(TRAINING_TOPICS)})",
            evidence.topics_covered,
            "count",
        ),
        ("Outreach events", program.outreach_events, "count"),
        ("Public feedback received", feedback["received"], "count"),
        ("Median time to answer feedback", feedback["median_hours_to_first_response"], "hours"),
        ("Community-of-practice activities", program.practice_activities, "count"),
    )


def _v2_trend(crdc: CrdcFigures) -> tuple:
    """The key figures of data dictionary v2, from the entries recorded under it (None: none)."""
    return (
        (
            "School-related arrests per 1,000 contacts (v2)",
            rate(crdc.arrests, crdc.contacts, 1000),
            "per100",
        ),
        (
            "Referrals to law enforcement per 1,000 contacts (v2)",
            rate(crdc.referrals, crdc.contacts, 1000),
            "per100",
        ),
        (
            "Restraints holding a student face down (v2)",
            crdc.prone if crdc.contacts else None,
            "count",
        ),
        ("Median detention, minutes (v2)", crdc.median_detention, "per100"),
        (
            "Share of searches that found something (v2)",
            rate(sum(crdc.hits.values()), sum(crdc.searches.values())),
            "percent",
        ),
        (
            "Enforcement contacts where a parent was told (v2)",
            rate(crdc.parent_told, crdc.enforcement),
            "percent",
        ),
        (
            "Enforcement contacts where the principal was told (v2)",
            rate(crdc.principal_told, crdc.enforcement),
            "percent",
        ),
    )
