"""The assessment's tables by school, their cells printed once per row here.

A year can hold thousands of schools, and each of these tables then has tens of thousands
of cells: looked up and formatted one by one in the template, they were most of the page's
time. Each row is a school's name and its cells as `figure()` prints every figure of the
page; templates/evaluation/ only writes them out, in the order of the columns it heads.
"""

from __future__ import annotations

from logger import rules
from logger.evaluation.assessment import SchoolFigures, YearFigures, rate
from logger.evaluation.principles import Evidence
from logger.web.templating import figure


def for_year(figures: YearFigures, evidence: Evidence) -> dict[str, list[tuple]]:
    """Each table by school: one row per school, as its columns are headed."""
    schools = figures.schools.values()
    return {
        "contacts": [_contacts(school) for school in schools],
        "discipline": [_discipline(school) for school in schools],
        "actions": [_actions(school) for school in schools],
        "crdc": [
            (
                school.name,
                figure(school.contacts),
                figure(school.referrals),
                figure(rate(school.referrals, school.contacts, 1000), "per1000"),
                figure(school.arrests),
                figure(rate(school.arrests, school.contacts, 1000), "per1000"),
            )
            for school in figures.crdc.schools.values()
        ],
        "per_thousand": [
            (
                school.name,
                figure(school.students) if school.enrolled else "not imported",
                figure(school.contacts),
                figure(school.contacts_per_1000, "per1000"),
                figure(school.enforcement),
                figure(school.enforcement_per_1000, "per1000"),
            )
            for school in evidence.schools
        ],
    }


def _contacts(school: SchoolFigures) -> tuple:
    """Name, contacts of each classification, all contacts, mentoring share."""
    by_classification = school.by_classification
    return (
        school.name,
        [figure(by_classification[kind]) for kind in rules.CLASSIFICATIONS],
        figure(school.contacts),
        figure(rate(by_classification["mentoring"], school.contacts), "percent"),
    )


def _discipline(school: SchoolFigures) -> tuple:
    """Name, contacts, disciplinary contacts and their share, those ending in enforcement and
    their share of the disciplinary."""
    disciplinary = school.by_classification["disciplinary"]
    return (
        school.name,
        figure(school.contacts),
        figure(disciplinary),
        figure(rate(disciplinary, school.contacts), "percent"),
        figure(school.discipline_enforcement),
        figure(rate(school.discipline_enforcement, disciplinary), "percent"),
    )


def _actions(school: SchoolFigures) -> tuple:
    """Name, then 'contacts (per 100 of the school's contacts)' for each enforcement action,
    and for any of them."""
    contacts, actions = school.contacts, school.actions
    return (
        school.name,
        [_per_hundred(actions[action], contacts) for action in rules.ENFORCEMENT_ACTIONS],
        _per_hundred(school.enforcement, contacts),
    )


def _per_hundred(count: int, contacts: int) -> str:
    return f"{figure(count)} ({figure(rate(count, contacts), 'per100')})"
