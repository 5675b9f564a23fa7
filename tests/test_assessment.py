"""The annual program assessment: every figure against a hand-made school year.

The district below is small enough to count on paper. School year 2025–26
(August to July, America/Chicago) holds eight approved contacts, logged before
data dictionary v2 came in and so stored under v1; around them sit entries the
assessment must leave out (waiting, returned, other years).
The expected figures are worked out in the comments beside each entry.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from logger import config, rules
from logger.core.clock import SchoolYear
from logger.core.models import Assignment, ContactRevision, School, User
from logger.evaluation import assessment, charts, principles, trend
from logger.evaluation.crdc_figures import CrdcFigures, SchoolCrdc
from logger.evaluation.exports import pseudonym
from logger.extensions import db
from logger.officer import entries
from logger.review import workflow
from tests.factories import (
    arrest_entry,
    forget_entries,
    make_contact,
    make_school,
    make_user,
    mentoring_entry,
)
from tests.html_tables import tables_in

ZONE = ZoneInfo("America/Chicago")
YEAR = SchoolYear(2025, 8)


def _at(year, month, day, hour=12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=ZONE)


def _student(grade, races, gender, disability=False) -> dict:
    return {
        "grade_band": grade,
        "perceived_race": races,
        "perceived_gender": gender,
        "perceived_disability": disability,
    }


def _justified(entry: dict, alternatives: list[str], **extra) -> dict:
    entry["justification"] = {
        "basis": "The specific facts that made this action necessary, in the officer's words.",
        "alternatives_tried": alternatives,
        "why_last_resort": "Nothing short of it would have kept the students and staff safe.",
        **extra,
    }
    return entry


class Log:
    """Logs an entry received an hour after the contact, and decides on it hours later; entries
    are checked under the data dictionary version in use when they were logged."""

    def __init__(self, supervisor: User, version: int = rules.CURRENT_VERSION):
        self.supervisor, self.version = supervisor, version

    def entry(self, officer: User, occurred: datetime, entry: dict):
        entry["occurred_at"] = occurred.isoformat()
        return make_contact(
            officer, entry, received_at=occurred + timedelta(hours=1), version=self.version
        )

    def decide(self, contact, decision: str, after_hours: float, revision: int = 1):
        received = contact.revisions[revision - 1].received_at
        workflow.decide(
            self.supervisor,
            contact.id,
            revision,
            decision,
            "Read and checked.",
            decided_at=received + timedelta(hours=after_hours),
            client_addr=None,
        )
        db.session.commit()

    def resubmit(self, contact, after_hours: float):
        current = contact.current
        fixed = dict(current.content, narrative="Added what the supervisor asked for.")
        received = current.received_at + timedelta(hours=after_hours)
        verdict = entries.check(
            contact.officer, fixed, now=received, version=current.dictionary_version
        )
        entries.save(
            contact.officer,
            contact.id,
            verdict,
            received_at=received,
            client_addr=None,
            base_revision=current.number,
        )
        db.session.commit()


@pytest.fixture
def year_of_entries(ctx):
    """The hand-made district; returns the schools and the officer spread over four schools."""
    lincoln, adams = (
        make_school("LHS", "Lincoln High School"),
        make_school("AMS", "Adams Middle", "middle"),
    )
    cedar, dale = (
        make_school("CES", "Cedar Elementary", "elementary"),
        make_school("DES", "Dale Elementary", "elementary"),
    )
    park = make_user("sgt.park", role="supervisor")
    ruiz = make_user("ofc.ruiz", schools=[lincoln], supervisor=park)
    chen = make_user("ofc.chen", schools=[adams], supervisor=park)
    wide = make_user("ofc.wide", schools=[lincoln, adams, cedar, dale], supervisor=park)
    gone = make_user("ofc.gone", schools=[lincoln, adams, cedar, dale], active=False)
    for assignment in gone.assignments:  # left before the school year under assessment
        assignment.ends_on = date(2025, 6, 30)
    log = Log(park, version=1)  # logged before data dictionary v2 came in
    L, A = lincoln.id, adams.id

    # 1. Lincoln, Oct: mentoring, 3 students, none described. Approved after 10 h.
    one = log.entry(ruiz, _at(2025, 10, 6), mentoring_entry(L, students_involved=3))
    log.decide(one, "approve", 10)
    # 2. Lincoln, Oct: mentoring, one student described (high, Black, female). 20 h.
    two = log.entry(
        ruiz, _at(2025, 10, 7), mentoring_entry(L, students=[_student("high", ["black"], "female")])
    )
    log.decide(two, "approve", 20)
    # 3. Lincoln, Mar: disciplinary with a detention (discipline enforcement); one student
    #    (high, two or more races, male, disability). Returned after 4 h, resent 2 h later,
    #    revision 2 approved after 30 h.
    three = log.entry(
        ruiz,
        _at(2026, 3, 3),
        _justified(
            mentoring_entry(
                L,
                classification="disciplinary",
                mentoring_type=None,
                school_rule="defiance",
                involvement_reason="The assistant principal asked for help with a student.",
                actions=["detention"],
                students=[_student("high", ["white", "black"], "male", True)],
            ),
            ["verbal_deescalation"],
        ),
    )
    log.decide(three, "return", 4)
    log.resubmit(three, 6)
    log.decide(three, "approve", 30, revision=2)
    # 4. Lincoln, Mar: criminal, search and arrest, two students (high white male, high
    #    Black male). 50 h.
    four = log.entry(
        ruiz,
        _at(2026, 3, 4),
        _justified(
            arrest_entry(
                L,
                students_involved=2,
                actions=["search", "arrest"],
                students=[_student("high", ["white"], "male"), _student("high", ["black"], "male")],
            ),
            ["school_staff_involved", "verbal_deescalation"],
        ),
    )
    log.decide(four, "approve", 50)
    # 5. Adams, Oct: criminal, restraint and use of force, minor injury to the student;
    #    one student (middle, Hispanic or Latino, male). 100 h.
    five = log.entry(
        chen,
        _at(2025, 10, 8),
        _justified(
            arrest_entry(
                A,
                offense_category="assault",
                actions=["restraint", "use_of_force"],
                force_types=["physical_control"],
                students=[_student("middle", ["hispanic_latino"], "male")],
            ),
            ["none_feasible"],
            injuries="student_minor",
            supervisor_notified=True,
        ),
    )
    log.decide(five, "approve", 100)
    # 6. Adams, Mar: disciplinary, verbal warning only, two students, none described. 2 h.
    six = log.entry(
        chen,
        _at(2026, 3, 5),
        mentoring_entry(
            A,
            classification="disciplinary",
            mentoring_type=None,
            school_rule="attendance",
            involvement_reason="No attendance clerk was on site and the student left class.",
            actions=["verbal_warning"],
            students_involved=2,
        ),
    )
    log.decide(six, "approve", 2)
    # 7. Adams, Mar: mentoring. 8 h.
    seven = log.entry(chen, _at(2026, 3, 6), mentoring_entry(A))
    log.decide(seven, "approve", 8)
    # 8. Adams, Mar: criminal, a citation; one student (middle, white, female). 200 h.
    #    Stored under older rules: its justification lacks the facts (basis).
    eight = log.entry(
        chen,
        _at(2026, 3, 9),
        _justified(
            arrest_entry(
                A,
                offense_category="theft",
                actions=["citation"],
                students=[_student("middle", ["white"], "female")],
            ),
            ["parent_contacted"],
        ),
    )
    log.decide(eight, "approve", 200)
    revision = db.session.scalar(select(ContactRevision).filter_by(contact_id=eight.id))
    revision.content = {
        **revision.content,
        "justification": {
            k: v for k, v in revision.content["justification"].items() if k != "basis"
        },
    }
    revision.derive_facts()  # as migration 0022 derives a stored revision's facts
    db.session.commit()

    # Not counted: waiting for review (9), returned to the officer (10: a return after 12 h).
    log.entry(ruiz, _at(2026, 4, 14), mentoring_entry(L))
    ten = log.entry(chen, _at(2026, 4, 15), mentoring_entry(A))
    log.decide(ten, "return", 12)
    # Other years: one approved contact in 2024–25 (after 5 h), one in 2026–27.
    before = log.entry(ruiz, _at(2024, 9, 10), mentoring_entry(L))
    log.decide(before, "approve", 5)
    for day, school in enumerate((lincoln, adams, cedar, dale)):  # Wide logs at four schools
        spread = log.entry(wide, _at(2024, 9, 16 + day), mentoring_entry(school.id))
        log.decide(spread, "approve", 5)
    after = log.entry(ruiz, _at(2026, 9, 1), arrest_entry(L))
    log.decide(after, "approve", 1)

    # Chen is moved from Adams to Lincoln for the summer; his Adams contacts stay at his school.
    [at_adams] = chen.assignments
    at_adams.ends_on = date(2026, 6, 30)
    db.session.add(Assignment(officer_id=chen.id, school_id=L, starts_on=date(2026, 7, 1)))
    db.session.commit()
    return {"lincoln": L, "adams": A, "wide": wide}


def test_activity_counts_approved_contacts_by_classification_school_and_month(year_of_entries):
    figures = assessment.assess(YEAR)

    assert figures.contacts == 8  # 9 waits, 10 was returned, the others are other years
    assert figures.students_involved == 3 + 1 + 1 + 2 + 1 + 2 + 1 + 1
    assert figures.by_classification == {"mentoring": 3, "disciplinary": 2, "criminal": 3}
    assert figures.share(figures.by_classification["mentoring"]) == 37.5
    months = {month: dict(counts) for month, counts in figures.by_month.items() if counts}
    assert months == {
        date(2025, 10, 1): {"mentoring": 2, "criminal": 1},
        date(2026, 3, 1): {"disciplinary": 2, "criminal": 2, "mentoring": 1},
    }
    assert list(figures.by_month) == YEAR.months()
    schools = {
        school.name: (school.contacts, dict(school.by_classification))
        for school in figures.schools.values()
    }
    assert schools == {
        "Lincoln High School": (4, {"mentoring": 2, "disciplinary": 1, "criminal": 1}),
        "Adams Middle": (4, {"criminal": 2, "disciplinary": 1, "mentoring": 1}),
    }


def test_principles_3_and_4_count_discipline_enforcement_actions_and_injuries(year_of_entries):
    figures = assessment.assess(YEAR)

    assert figures.disciplinary == 2 and figures.share(figures.disciplinary) == 25.0
    assert figures.discipline_enforcement == 1
    assert dict(figures.actions) == {
        "detention": 1,
        "search": 1,
        "arrest": 1,
        "restraint": 1,
        "use_of_force": 1,
        "citation": 1,
    }
    assert figures.enforcement == 4 and figures.share(figures.enforcement) == 50.0
    by_school = {
        school.name: (dict(school.actions), school.enforcement, school.discipline_enforcement)
        for school in figures.schools.values()
    }
    assert by_school == {
        "Lincoln High School": ({"detention": 1, "search": 1, "arrest": 1}, 2, 1),
        "Adams Middle": ({"restraint": 1, "use_of_force": 1, "citation": 1}, 2, 0),
    }
    assert figures.justified == 3  # entry 8 lacks the facts
    assert dict(figures.alternatives) == {
        "verbal_deescalation": 2,
        "school_staff_involved": 1,
        "none_feasible": 1,
        "parent_contacted": 1,
    }
    assert figures.injury_contacts == 1 and dict(figures.injuries) == {"student_minor": 1}
    assert figures.injured == 1


def test_equity_counts_students_by_group_in_all_contacts_and_in_enforcement(year_of_entries):
    figures = assessment.assess(YEAR)

    assert (figures.students_described, figures.students_in_enforcement) == (6, 5)

    def groups(dimension):
        return {
            key: (g.students, g.in_enforcement, g.arrested, g.force)
            for key, g in figures.equity[dimension].items()
            if g.students
        }

    assert groups("perceived_race") == {
        "black": (2, 1, 1, 0),
        "white": (2, 2, 1, 0),
        "two_or_more": (1, 1, 0, 0),
        "hispanic_latino": (1, 1, 0, 1),
    }
    assert groups("perceived_gender") == {"female": (2, 1, 0, 0), "male": (4, 4, 2, 1)}
    assert groups("perceived_disability") == {"yes": (1, 1, 0, 0), "no": (5, 4, 2, 1)}
    assert groups("grade_band") == {"high": (4, 3, 2, 0), "middle": (2, 2, 0, 1)}


def test_principle_6_measures_review_turnaround_returns_and_waiting(year_of_entries):
    review_figures = assessment.assess(YEAR).review

    # Hours to each decision on the year's entries: 10, 20, 4, 30, 50, 100, 2, 8, 200, 12.
    assert review_figures.median_hours == 16  # (12 + 20) / 2
    assert review_figures.p90_hours == 100  # the 9th of 10
    assert (review_figures.decisions, review_figures.returns) == (10, 2)
    assert review_figures.entries_returned == 2
    assert (review_figures.waiting, review_figures.with_officer) == (1, 1)
    assert review_figures.oldest_waiting == _at(2026, 4, 14) + timedelta(hours=1)
    assert review_figures.bands == [
        ("Within a day", 6),
        ("1 to 3 days", 2),
        ("3 to 7 days", 1),
        ("More than a week", 1),
    ]


def test_principle_11_measures_assigned_schools_and_officers_spread_thin(year_of_entries):
    figures = assessment.assess(YEAR)
    wide = pseudonym(year_of_entries["wide"], names=False)

    assert figures.at_assigned_school == 8  # Chen's four at Adams, his school on their days
    assert figures.share(figures.at_assigned_school) == 100.0
    assert figures.officers_by_schools == {1: 2}  # Ruiz at Lincoln, Chen at Adams
    assert figures.spread_officers == []
    assert figures.officers_assigned == 3  # the officer who left in June 2025 is not counted
    assert figures.spread_assigned == [wide]
    assert figures.moved_officers == 1  # Chen
    before = assessment.assess(YEAR.previous)
    assert before.officers_by_schools == {1: 1, 4: 1}
    assert before.spread_officers == [wide]


def trend_of(year, key_figures_only=True):
    """The trend table of a year against the one before it, as the page builds it (the year
    before read for its key figures only, unless asked otherwise)."""
    return trend.key_figures(
        assessment.assess(year),
        assessment.assess(year.previous, key_figures_only=key_figures_only),
        principles.gather(year),
        principles.gather(year.previous, key_figures_only=key_figures_only),
    )


def test_the_year_before_read_for_its_key_figures_gives_the_trend_of_every_figure(
    year_of_entries,
):
    """The year before is read without the tables the trend does not show: the trend is the
    same as from the whole year (the assessed year rich in entries stands as the one before)."""
    following = SchoolYear(YEAR.first + 1, YEAR.start_month)
    assert trend_of(following) == trend_of(following, key_figures_only=False)


def test_the_trend_sets_each_key_figure_beside_the_previous_year(year_of_entries):
    rows = {row.label: (row.this, row.previous) for row in trend_of(YEAR)}

    assert rows["Contacts"] == (8, 5)
    assert rows["Mentoring share"] == (37.5, 100.0)
    assert rows["Disciplinary share"] == (25.0, 0.0)
    assert rows["Contacts with enforcement, per 100"] == (50.0, 0.0)
    assert rows["Arrests per 100 contacts"] == (12.5, 0.0)
    assert rows["Median review turnaround"] == (16, 5)
    assert rows["Share of decisions that returned an entry"] == (20.0, 0.0)


def _page(client, auth, query="?year=2025"):
    auth.login("eval.ode")
    response = client.get("/assessment" + query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_page_prints_the_same_figures_in_its_tables(year_of_entries, client, auth):
    make_user("eval.ode", role="evaluator")
    html = _page(client, auth)
    tables = tables_in(html)

    assert tables["by-classification"][1:] == [
        ["Disciplinary", "2", "25.0%"],
        ["Criminal", "3", "37.5%"],
        ["Mentoring", "3", "37.5%"],
        ["All", "8", "100.0%"],
    ]
    assert ["October 2025", "0", "1", "2", "3"] in tables["by-month"]
    assert tables["discipline-by-school"][1:] == [
        ["Adams Middle", "4", "1", "25.0%", "0", "0.0%"],
        ["Lincoln High School", "4", "1", "25.0%", "1", "100.0%"],
        ["All schools", "8", "2", "25.0%", "1", "50.0%"],
    ]
    assert ["Arrest", "1", "12.5"] in tables["actions"]
    assert ["Any of these", "4", "50.0"] in tables["actions"]
    assert [
        "Lincoln High School",
        "0 (0.0)",
        "1 (25.0)",
        "1 (25.0)",
        "0 (0.0)",
        "1 (25.0)",
        "0 (0.0)",
        "2 (50.0)",
    ] in tables["actions-by-school"]
    assert ["Student, minor", "1"] in tables["injuries"]
    # Black students: 2 of 6 described (33.3%), 1 of 5 in enforcement (20.0%), 50 per 100.
    assert ["Black", "2", "33.3%", "1", "20.0%", "50.0", "1", "0"] in tables[
        "equity-perceived_race"
    ]
    assert ["Two or more races", "1", "16.7%", "1", "20.0%", "100.0", "0", "0"] in tables[
        "equity-perceived_race"
    ]
    assert ["All described", "6", "100.0%", "5", "100.0%", "83.3", "", ""] in tables[
        "equity-grade_band"
    ]
    assert tables["turnaround"][1:] == [
        ["Within a day", "6"],
        ["1 to 3 days", "2"],
        ["3 to 7 days", "1"],
        ["More than a week", "1"],
    ]
    assert ["Median review turnaround", "16.0 h", "5.0 h", "+11.0 h"] in tables["trend-table"]
    assert ["Mentoring share", "37.5%", "100.0%", "−62.5 points"] in tables["trend-table"]
    assert tables["officers-by-schools"][1:] == [["1", "2"]]
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "3 of 4 contacts with enforcement (75.0%) carry every part of the justification" in text
    assert (
        "100.0% of this year's contacts (8 of 8) were at a school the officer was assigned to "
        "that day. 3 officers were assigned to schools during the year, and 1 was moved" in text
    )
    assert (
        "Half came within 16.0 h of the entry reaching them (the median), nine in ten within "
        "100.0 h (the 90th percentile" in text
    )
    assert "1 entry waits for review and 1 was returned to officers" in text
    # Contacts without enforcement: 1, 2, 6 and 7; only 2 describes its student.
    assert (
        "Officers described the students of 1 of 4 contacts without enforcement (25.0%): "
        "1 student, beside 5 in contacts with enforcement." in text
    )
    assert "rests mostly on the enforcement contacts themselves" in text
    assert "1 of 3 officers was assigned to more than three schools at once during the year" in text


def test_equity_says_how_much_of_its_baseline_comes_from_outside_enforcement(year_of_entries):
    figures = assessment.assess(YEAR)
    assert (figures.unenforced, figures.unenforced_described) == (4, 1)
    assert (figures.students_unenforced, figures.students_in_enforcement) == (1, 5)
    assert figures.thin_baseline


def test_the_year_runs_from_midnight_of_the_start_month_in_the_district(app, ctx):
    school = make_school()
    park = make_user("sgt.park", role="supervisor")
    ruiz = make_user("ofc.ruiz", schools=[school], supervisor=park)
    log = Log(park)
    for moment in (
        datetime(2026, 7, 31, 23, 59, tzinfo=ZONE),
        datetime(2026, 8, 1, 0, 0, tzinfo=ZONE),
    ):
        log.decide(log.entry(ruiz, moment, mentoring_entry(school.id)), "approve", 1)

    ending, starting = assessment.assess(YEAR), assessment.assess(YEAR.following)
    assert (ending.contacts, ending.by_month[date(2026, 7, 1)]["mentoring"]) == (1, 1)
    assert (starting.contacts, starting.by_month[date(2026, 8, 1)]["mentoring"]) == (1, 1)


def test_a_descriptor_or_injury_from_older_rules_is_shown_not_a_crash(app, client, auth):
    with app.app_context():
        school = make_school()
        park = make_user("sgt.park", role="supervisor")
        ruiz = make_user("ofc.ruiz", schools=[school], supervisor=park)
        make_user("eval.ode", role="evaluator")
        log = Log(park)
        force = log.entry(
            ruiz,
            _at(2023, 10, 2),
            _justified(
                arrest_entry(school.id, actions=["use_of_force"], force_types=["physical_control"]),
                ["verbal_deescalation"],
                injuries="none",
                supervisor_notified=True,
            ),
        )
        log.decide(force, "approve", 3)
        revision = db.session.scalar(select(ContactRevision).filter_by(contact_id=force.id))
        old = dict(revision.content)
        old["students"] = [{**old["students"][0], "perceived_race": ["unlisted"]}]
        old["justification"] = {**old["justification"], "injuries": "bystander"}
        revision.content = old
        revision.derive_facts()  # as migration 0022 derives a stored revision's facts
        db.session.commit()
    auth.login("eval.ode")
    tables = tables_in(client.get("/assessment?year=2023").get_data(as_text=True))
    assert ["Unlisted", "1", "100.0%", "1", "100.0%", "100.0", "0", "1"] in tables[
        "equity-perceived_race"
    ]
    assert ["Bystander", "1"] in tables["injuries"]


def test_every_chart_is_inline_svg_beside_a_table_and_nothing_is_fetched(
    year_of_entries, client, auth
):
    make_user("eval.ode", role="evaluator")
    html = _page(client, auth)

    assert html.count("<svg") == 5
    assert html.count('role="img"') == 5
    assert "<script" not in html.split("<main", 1)[1]  # drawn on the server
    assert re.findall(r'<rect [^>]*class="series-\d"', html)
    tables = tables_in(html)
    for table_id in ("by-month", "by-school", "actions", "equity-perceived_race", "turnaround"):
        assert tables[table_id], table_id


def test_the_page_offers_the_years_with_entries_and_refuses_others(year_of_entries, client, auth):
    make_user("eval.ode", role="evaluator")
    html = _page(client, auth)
    assert re.findall(r'<option value="(\d+)"', html) == ["2026", "2025", "2024"]

    response = client.get("/assessment?year=1999")
    assert response.status_code == 404
    assert "Choose a school year from the list." in response.get_data(as_text=True)
    assert client.get("/assessment?year=x' OR 1=1").status_code == 404


def test_a_year_without_a_previous_one_says_there_is_nothing_to_compare(
    year_of_entries, client, auth
):
    make_user("eval.ode", role="evaluator")
    html = _page(client, auth, "?year=2024")
    assert "No entries from 2023–24 to compare with." in html


def test_the_print_stylesheet_drops_the_menus(client, auth, ctx):
    css = client.get("/static/app.css").get_data(as_text=True)
    printed = css.split("@media print", 1)[1]
    assert ".topbar nav" in printed and ".no-print" in printed


@pytest.mark.parametrize(
    "role, status", [("officer", 403), ("supervisor", 403), ("evaluator", 200), ("admin", 200)]
)
def test_only_evaluators_and_admins_open_the_assessment(ctx, client, auth, role, status):
    make_user("someone", role=role)
    auth.login("someone")
    assert client.get("/assessment").status_code == status


def test_signed_out_visitors_are_sent_to_sign_in(client, ctx):
    response = client.get("/assessment")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_empty_database_says_what_will_appear(ctx, client, auth):
    make_user("eval.ode", role="evaluator")
    auth.login("eval.ode")
    html = client.get("/assessment").get_data(as_text=True)
    assert "No entries have been recorded yet" in html


@pytest.mark.parametrize(
    "first, start_month, label, first_day, last_day",
    [
        (2025, 8, "2025–26", date(2025, 8, 1), date(2026, 7, 31)),
        (2099, 7, "2099–00", date(2099, 7, 1), date(2100, 6, 30)),
        (2026, 1, "2026", date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_a_school_year_runs_twelve_months_from_the_start_month(
    first, start_month, label, first_day, last_day
):
    year = SchoolYear(first, start_month)
    assert (year.label, year.first_day, year.last_day) == (label, first_day, last_day)
    assert len(year.months()) == 12 and year.months()[0] == first_day
    assert year.months()[-1] == last_day.replace(day=1)


@pytest.mark.parametrize(
    "day, first", [(date(2025, 7, 31), 2024), (date(2025, 8, 1), 2025), (date(2026, 1, 15), 2025)]
)
def test_a_day_belongs_to_the_school_year_that_started_before_it(day, first):
    assert SchoolYear.containing(day, 8).first == first


def test_the_default_year_is_the_last_that_ended_else_the_one_under_way():
    years = [SchoolYear(2026, 8), SchoolYear(2025, 8)]
    assert assessment.default_year(years, date(2026, 11, 28)) == SchoolYear(2025, 8)
    assert assessment.default_year(years[:1], date(2026, 11, 28)) == SchoolYear(2026, 8)
    assert assessment.default_year([], date(2026, 11, 28)) is None


@pytest.mark.parametrize(
    "values, median, p90",
    [
        ([5], 5, 5),
        ([1, 2], 1.5, 2),
        (list(range(1, 11)), 5.5, 9),
        (list(range(1, 101)), 50.5, 90),
    ],
)
def test_turnaround_percentiles_use_the_median_and_the_nearest_rank(values, median, p90):
    """The database ranks the waits (1 = quickest); the figures pick the ranks they need."""
    ranked = dict(enumerate(sorted(float(v) for v in values), start=1))
    figures = assessment.ReviewFigures(decisions=len(values), hours_at=ranked)
    assert (figures.median_hours, figures.p90_hours) == (median, p90)


def test_no_decisions_give_no_turnaround_rather_than_zero():
    assert (assessment.ReviewFigures().median_hours, assessment.ReviewFigures().p90_hours) == (
        None,
        None,
    )


@pytest.mark.parametrize(
    "value, ceiling", [(0, 1), (0.3, 0.5), (7, 10), (10, 10), (11, 20), (180, 200), (201, 500)]
)
def test_chart_scales_end_on_a_round_number(value, ceiling):
    assert charts.nice_ceiling(value) == pytest.approx(ceiling)


def test_bars_are_drawn_in_proportion_to_their_values():
    chart = charts.horizontal("t", ["a", "b"], ["s"], [[10], [5]])
    assert chart.bars[0].width == pytest.approx(2 * chart.bars[1].width)
    columns = charts.stacked_columns("t", ["a", "b"], ["x", "y"], [[2, 2], [1, 0]])
    assert columns.bars[0].height == pytest.approx(2 * columns.bars[2].height)
    assert len(columns.bars) == 3  # no empty bar for a zero


def test_chart_coordinates_come_rounded_to_the_tenth_the_svg_is_written_with():
    for chart in (
        charts.horizontal("t", ["a", "b", "c"], ["s", "u"], [[7, 1], [3, 2], [1, 0]], unit="%"),
        charts.stacked_columns("t", ["a", "b", "c"], ["x", "y"], [[7, 2], [3, 0], [1, 1]]),
    ):
        coordinates = [
            *(number for bar in chart.bars for number in bar[:4]),
            *(number for text in chart.texts for number in text[:2]),
            *(number for line in chart.lines for number in line),
        ]
        assert coordinates and all(round(number, 1) == number for number in coordinates)


def test_a_school_name_is_escaped_in_the_charts_and_the_tables(year_of_entries, client, auth):
    school = db.session.scalar(select(School).where(School.code == "AMS"))
    school.name = "Adams <b>Middle</b> & Annex"
    db.session.commit()
    make_user("eval.ode", role="evaluator")
    html = _page(client, auth)

    assert "<b>Middle</b>" not in html
    escaped = "Adams &lt;b&gt;Middle&lt;/b&gt; &amp; Annex"
    assert f'text-anchor="end">{escaped}</text>' in html  # the chart's label
    assert f"<title>{escaped}, Mentoring: " in html  # a bar's tooltip
    assert html.count(f'<th scope="row">{escaped}</th>') == 3  # contacts, discipline, actions


@pytest.mark.parametrize("month", [0, 13, "August"])
def test_the_app_refuses_a_school_year_that_starts_in_no_month(month):
    with pytest.raises(RuntimeError, match="SRO_SCHOOL_YEAR_START_MONTH"):
        config.check_school_year_start(month)


V2_YEAR = SchoolYear(2026, 8)  # data dictionary v2 came in during this school year


def _enforcement(school_id: int, actions: list[str], **facts) -> dict:
    """A criminal entry with these actions, fully justified, with the v2 facts given."""
    entry = arrest_entry(school_id, actions=actions, **{"initiated_by": "student", **facts})
    injuries = {"injuries": "none"} if "restraint" in actions else {}
    return _justified(entry, ["verbal_deescalation"], **injuries)


@pytest.fixture
def v2_year(ctx):
    """School year 2026–27: two entries logged under v1 before the upgrade, then thirteen
    approved under v2, with the figures each gives worked out beside it."""
    lincoln, adams = (
        make_school("LHS", "Lincoln High School"),
        make_school("AMS", "Adams Middle", "middle"),
    )
    park = make_user("sgt.park", role="supervisor")
    ruiz = make_user("ofc.ruiz", schools=[lincoln], supervisor=park)
    chen = make_user("ofc.chen", schools=[adams], supervisor=park)
    L, A = lincoln.id, adams.id
    before, log = Log(park, version=1), Log(park)
    # Under v1, before the upgrade: an arrest and a mentoring contact, neither in the v2 figures.
    before.decide(before.entry(ruiz, _at(2026, 8, 20), arrest_entry(L)), "approve", 1)
    before.decide(before.entry(chen, _at(2026, 9, 2), mentoring_entry(A)), "approve", 1)
    # And one in 2025–26, so the trend has a previous year, which knows no v2 figure.
    before.decide(before.entry(ruiz, _at(2025, 9, 2), mentoring_entry(L)), "approve", 1)
    lincoln_entries = [
        # Staff-started arrest at school: a referral and a school-related arrest; both told.
        arrest_entry(L),
        # An arrest off campus, not school-related, the officer's own: neither; nobody told.
        arrest_entry(
            L,
            location="off_campus",
            setting="off_campus_not_school_related",
            initiated_by="officer",
            parent_notified=False,
            principal_notified=False,
        ),
        # A search on reasonable suspicion that found drugs, and a 20-minute detention;
        # the parent was told, not the principal.
        _enforcement(
            L,
            ["search", "detention"],
            search_basis="reasonable_suspicion",
            search_found=["drugs"],
            detention_minutes=20,
            principal_notified=False,
        ),
        *[mentoring_entry(L) for _ in range(5)],
    ]
    adams_entries = [
        # Staff-started, in school: referrals. Handcuffs and physical hold, prone, 45 min held.
        _enforcement(
            A,
            ["restraint", "detention"],
            initiated_by="school_staff",
            restraint_types=["physical", "mechanical_handcuffs"],
            restraint_minutes=10,
            restraint_prone=True,
            detention_minutes=45,
        ),
        _enforcement(
            A,
            ["restraint"],
            initiated_by="school_staff",
            restraint_types=["seclusion"],
            restraint_minutes=15,
            restraint_prone=False,
            parent_notified=False,
        ),
        # Searches that found nothing: by consent; on reasonable suspicion, with a detention.
        _enforcement(
            A,
            ["search"],
            search_basis="consent",
            search_found=["nothing"],
            principal_notified=False,
        ),
        _enforcement(
            A,
            ["search", "detention"],
            search_basis="reasonable_suspicion",
            search_found=["nothing"],
            detention_minutes=30,
            parent_notified=False,
            principal_notified=False,
        ),
        # A disciplinary matter school staff reported to the officer: a referral (CRDC).
        mentoring_entry(
            A,
            classification="disciplinary",
            mentoring_type=None,
            school_rule="disruption",
            initiated_by="school_staff",
            involvement_reason="The dean asked the officer to step in at once.",
            actions=["verbal_warning"],
            duration_minutes=10,
        ),
    ]
    for officer, logged in ((ruiz, lincoln_entries), (chen, adams_entries)):
        for day, entry in enumerate(logged):
            log.decide(log.entry(officer, _at(2026, 10, 5 + day), entry), "approve", 2)
    # Not counted: an arrest under v2 that waits for review.
    log.entry(ruiz, _at(2026, 11, 2), arrest_entry(L))
    return {"lincoln": L, "adams": A}


def test_v2_figures_count_only_the_entries_recorded_under_v2(v2_year):
    crdc = assessment.assess(V2_YEAR).crdc

    assert crdc.v1_entries == 2
    assert crdc.contacts == 13
    by_school = {s.name: (s.contacts, s.referrals, s.arrests) for s in crdc.schools.values()}
    assert by_school == {"Adams Middle": (5, 3, 0), "Lincoln High School": (8, 1, 1)}
    assert (crdc.referrals, crdc.arrests) == (4, 1)
    assert crdc.restraints == 2 and crdc.prone == 1
    assert dict(crdc.restraint_types) == {"physical": 1, "mechanical_handcuffs": 1, "seclusion": 1}
    assert sorted(crdc.detention_minutes) == [20, 30, 45] and crdc.median_detention == 30
    assert dict(crdc.searches) == {"reasonable_suspicion": 2, "consent": 1}
    assert dict(crdc.hits) == {"reasonable_suspicion": 1, "consent": 0}
    assert (crdc.enforcement, crdc.parent_told, crdc.principal_told) == (7, 4, 3)


def test_a_year_logged_under_v1_has_no_v2_figures_and_says_how_many_entries(year_of_entries):
    crdc = assessment.assess(YEAR).crdc
    assert (crdc.v1_entries, crdc.contacts, crdc.schools) == (8, 0, {})
    assert crdc.median_detention is None


def test_two_school_related_arrests_in_400_contacts_are_5_per_1000():
    crdc = CrdcFigures(v1_entries=1, schools={1: SchoolCrdc("Lincoln", contacts=400, arrests=2)})

    assert (crdc.arrests, crdc.contacts, crdc.v1_entries) == (2, 400, 1)
    assert assessment.rate(crdc.arrests, crdc.contacts, 1000) == 5.0


def test_the_trend_sets_the_v2_figures_beside_a_year_that_had_none(v2_year):
    rows = {row.label: (row.this, row.previous) for row in trend_of(V2_YEAR)}

    assert rows["School-related arrests per 1,000 contacts (v2)"] == (
        pytest.approx(1000 / 13),
        None,
    )
    assert rows["Referrals to law enforcement per 1,000 contacts (v2)"] == (
        pytest.approx(4000 / 13),
        None,
    )
    assert rows["Restraints holding a student face down (v2)"] == (1, None)
    assert rows["Median detention, minutes (v2)"] == (30, None)
    assert rows["Share of searches that found something (v2)"] == (pytest.approx(100 / 3), None)
    assert rows["Enforcement contacts where a parent was told (v2)"] == (
        pytest.approx(400 / 7),
        None,
    )
    assert rows["Enforcement contacts where the principal was told (v2)"] == (
        pytest.approx(300 / 7),
        None,
    )


def test_the_page_prints_the_v2_figures_in_tables(v2_year, client, auth):
    make_user("eval.ode", role="evaluator")
    html = _page(client, auth, "?year=2026")
    tables = tables_in(html)

    assert tables["crdc-by-school"][1:] == [
        ["Adams Middle", "5", "3", "600.0", "0", "0.0"],
        ["Lincoln High School", "8", "1", "125.0", "1", "125.0"],
        ["All schools", "13", "4", "307.7", "1", "76.9"],
    ]
    assert tables["restraints"][1:] == [
        ["Physical", "1", "50.0%"],
        ["Handcuffs", "1", "50.0%"],
        ["Other mechanical device", "0", "0.0%"],
        ["Seclusion (alone in a room or area)", "1", "50.0%"],
        ["Held face down (prone)", "1", "50.0%"],
    ]
    assert tables["searches"][1:] == [
        ["Consent", "1", "0", "0.0%"],
        ["Reasonable suspicion", "2", "1", "50.0%"],
        ["Probable cause", "0", "0", "—"],
        ["Incident to arrest", "0", "0", "—"],
        ["School policy", "0", "0", "—"],
        ["All searches", "3", "1", "33.3%"],
    ]
    assert tables["notified"][1:] == [
        ["A parent or guardian", "4", "57.1%"],
        ["The principal", "3", "42.9%"],
        ["Contacts with enforcement", "7", "100.0%"],
    ]
    assert ["School-related arrests per 1,000 contacts (v2)", "76.9", "—", "—"] in tables[
        "trend-table"
    ]
    assert ["Median detention, minutes (v2)", "30.0", "—", "—"] in tables["trend-table"]
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert (
        "These figures count the 13 approved entries of the year recorded under v2. 2 "
        "entries of the year were recorded under data dictionary v1: these facts were not "
        "asked, so they are not in these figures." in text
    )
    assert (
        "Half of the 3 detentions recorded under v2 lasted 30.0 minutes or less (the "
        "median); the longest lasted 45 minutes." in text
    )
    assert "3 searches; 1 found something (a hit rate of 33.3%)." in text


def test_a_year_without_v2_entries_says_so_and_shows_no_v2_tables(year_of_entries, client, auth):
    make_user("eval.ode", role="evaluator")
    html = _page(client, auth)
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert (
        "These figures count the 0 approved entries of the year recorded under v2. 8 "
        "entries of the year were recorded under data dictionary v1: these facts were not "
        "asked" in text
    )
    assert "crdc-by-school" not in tables_in(html)


WAITS = st.one_of(  # seconds to a decision: anywhere in ten days, or at an hour's edge
    st.integers(0, 10 * 86400),
    st.sampled_from([0, 1, 3599, 3600, 3601, 86399, 86400, 259199, 259200, 604800]),
)


@settings(
    deadline=None,
    max_examples=25,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(WAITS, min_size=1, max_size=15))
def test_any_waits_give_the_exact_median_percentile_and_bands(app, waits):
    """The turnaround is counted by hour of waiting, then each rank read exactly: whatever
    the waits, the figures are those of the sorted waits themselves."""
    with app.app_context():
        school = db.session.scalar(select(School)) or make_school("LHS", "Lincoln High School")
        park = db.session.scalar(select(User).filter_by(username="sgt.park")) or make_user(
            "sgt.park", role="supervisor"
        )
        ruiz = db.session.scalar(select(User).filter_by(username="ofc.ruiz")) or make_user(
            "ofc.ruiz", schools=[school], supervisor=park
        )
        log = Log(park)
        try:
            for number, wait in enumerate(waits):
                contact = log.entry(
                    ruiz, _at(2025, 10, 1) + timedelta(minutes=number), mentoring_entry(school.id)
                )
                log.decide(contact, "approve", after_hours=wait / 3600)
            review = assessment.assess(YEAR).review
        finally:
            forget_entries()
    hours = sorted(wait / 3600 for wait in waits)
    expected = assessment.ReviewFigures(
        decisions=len(hours), hours_at=dict(enumerate(hours, start=1))
    )
    assert review.decisions == len(waits)
    assert (review.median_hours, review.p90_hours) == (expected.median_hours, expected.p90_hours)
    assert [count for _, count in review.bands] == [
        sum(low <= wait < high for wait in waits)
        for low, high in ((0, 86400), (86400, 259200), (259200, 604800), (604800, math.inf))
    ]
