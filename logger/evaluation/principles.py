"""The whole program in the annual assessment: for each of the twelve COPS principles, what
the year's records say about it, or that nothing was recorded and what to record.

The contact record speaks to principles 3, 4, 6 and 11 (assessment.assess()). This module
gathers the rest, each from the feature that keeps it: the program records (1, 2, 5, 8, 9,
12: admin/program_records.py), public feedback (9: public/feedback.py), the enrollment
denominators (3 and 4 per 1,000 students, and equity against enrollment:
evaluation/denominators.py), the public summary and the exports taken for evaluation (7 and
10: the audit trail).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from logger.admin.program_records import ProgramFigures, program_figures
from logger.core.clock import SchoolYear
from logger.core.models import AuditEvent
from logger.evaluation.assessment import YearFigures
from logger.evaluation.denominators import GroupRate, SchoolRate, per_thousand, rates
from logger.extensions import db
from logger.public.feedback import feedback_figures
from logger.public.summary import PUBLISHED, WITHDRAWN

TITLES = {
    1: "Local decision-making with community input",
    2: "A memorandum of understanding in force",
    3: "School discipline belongs to school staff",
    4: "Enforcement powers only as a last resort",
    5: "Officers selected for the work",
    6: "Supervision of the officers' real duties",
    7: "Activity tracked as openly as the law allows",
    8: "Specialized training",
    9: "Students and families engaged",
    10: "The program assessed every year",
    11: "Officers who know their schools",
    12: "A community of practice",
}
FROM_CONTACTS = (3, 4, 6, 11)  # principles the contact record itself speaks to


@dataclass(frozen=True)
class Principle:
    """One line of the assessment's list of principles: whether the year holds its evidence."""

    number: int
    title: str
    recorded: bool

    @property
    def anchor(self) -> str:
        return f"principle-{self.number}"


@dataclass
class Evidence:
    """What the year's records other than the contacts say, principle by principle."""

    year: SchoolYear
    program: ProgramFigures
    feedback: dict  # public/feedback.py feedback_figures()
    schools: list[SchoolRate]  # contacts and enforcement per 1,000 students, by school
    groups: list[GroupRate]  # enforcement per 1,000 enrolled, by student group
    summary_published: bool  # the public summary was open to anyone at some time in the year
    exports: int  # exports of the record taken during the year

    @property
    def training_hours(self) -> float:
        return round(sum(self.program.training_hours.values()), 2)

    @property
    def hours_per_officer(self) -> float | None:
        """Training hours per officer assigned to a school during the year."""
        active = self.program.officers_active
        if not active:
            return None
        return sum(self.program.training_hours.get(name, 0.0) for name in active) / len(active)

    @property
    def topics_covered(self) -> int:
        """Required topics on which at least one officer was trained this year."""
        return sum(1 for officers in self.program.topic_officers.values() if officers)

    @property
    def enrolled_schools(self) -> list[SchoolRate]:
        return [school for school in self.schools if school.enrolled]

    @property
    def enforcement_per_thousand(self) -> float | None:
        """Contacts with enforcement per 1,000 students, over the schools with enrollment."""
        enrolled = self.enrolled_schools
        return per_thousand(
            sum(school.enforcement for school in enrolled),
            sum(school.students for school in enrolled),
        )

    def recorded(self, number: int, contacts: int) -> bool:
        """Whether the year holds evidence for a principle (contacts: the year's approved)."""
        program = self.program
        return {
            1: program.input_sessions > 0,
            2: bool(program.mous),
            5: bool(program.selected),
            7: self.summary_published,
            8: self.training_hours > 0 or program.staff_trainings > 0,
            9: program.outreach_events > 0 or self.feedback["received"] > 0,
            10: contacts > 0,
            12: program.practice_activities > 0,
        }.get(number, contacts > 0)


def gather(
    year: SchoolYear, figures: YearFigures | None = None, *, key_figures_only: bool = False
) -> Evidence:
    """Every record of the year beyond the contacts, for the assessment (key figures only:
    without the group rates, which the trend does not show). Given the year's figures from
    assessment.assess(), the school rates take its counts by school."""
    start, end = year.bounds()
    counted = None
    if figures is not None:
        counted = {
            school_id: (school.contacts, school.enforcement)
            for school_id, school in figures.schools.items()
        }
    schools, groups = rates(year, groups=not key_figures_only, counted=counted)
    return Evidence(
        year=year,
        program=program_figures(year),
        feedback=feedback_figures(year),
        schools=schools,
        groups=groups,
        summary_published=_summary_published_during(start, end),
        exports=db.session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.action == "export", AuditEvent.at >= start, AuditEvent.at < end
            )
        ),
    )


def _summary_published_during(start: datetime, end: datetime) -> bool:
    """Whether the public summary was open at some time in [start, end): published during it,
    or published before it and not withdrawn before it began (the audit trail keeps both)."""
    changes = select(AuditEvent.action).where(AuditEvent.action.in_((PUBLISHED, WITHDRAWN)))
    before = db.session.scalar(
        changes.where(AuditEvent.at < start)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(1)
    )
    return (
        before == PUBLISHED
        or db.session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.action == PUBLISHED, AuditEvent.at >= start, AuditEvent.at < end
            )
        )
        > 0
    )


def principles(evidence: Evidence, figures: YearFigures) -> list[Principle]:
    """The twelve principles in order, each with whether this year speaks to it."""
    return [
        Principle(number, title, evidence.recorded(number, figures.contacts))
        for number, title in TITLES.items()
    ]
