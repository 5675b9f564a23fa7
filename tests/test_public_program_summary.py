"""The public summary's program part: each figure against a small district worked by hand,
and every number that can be small suppressed (1 to 9 as "<10", 0 as 0, 10 as 10)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from logger.admin import enrollment
from logger.admin.program_records import ProgramFigures
from logger.core import clock
from logger.core.clock import SchoolYear
from logger.core.models import (
    Feedback,
    Mou,
    OfficerTraining,
    OutreachEvent,
    School,
    Setting,
    StaffTraining,
    User,
)
from logger.extensions import db
from logger.public import program_summary
from logger.review import workflow
from tests.factories import arrest_entry, make_contact, make_school, make_user, mentoring_entry
from tests.html_tables import tables_in

ZONE = ZoneInfo("America/Chicago")
TODAY = date(2026, 11, 16)  # the school year 2026–27 (from August) is under way
UNDER_WAY, LAST = SchoolYear(2026, 8), SchoolYear(2025, 8)
PARTIES = "Springfield School District\n<b>Springfield Police</b> & Sons"
REFERENCE = "<script>alert(1)</script>"
OFFICERS = ("ofc.adams", "ofc.baker", "ofc.cruz")
# Approved enforcement contacts (arrests) in 2025–26, by school and month, and enrollment:
ARRESTS = {"AMS": {10: 12}, "LHS": {10: 12, 2: 3}, "CES": {10: 4}, "DHS": {11: 10}}
STUDENTS = {"AMS": 600, "LHS": 1500, "CES": 300, "EES": 250}  # DHS: none imported


@pytest.fixture
def district(app, monkeypatch):
    """The worked district. 2026–27 so far: 3 officers trained 8 + 4.5 + 2 = 14.5 hours
    (4.8 each on average; de-escalation 2 of 3, implicit bias 1 of 3); 12 staff trained;
    2 outreach events with 5 + 4 = 9 people; 10 feedback items, each answered in 5 hours,
    3 resolved. 2025–26: no training, 4 staff trained, 1 event with 30 people, no feedback.

    Enforcement in 2025–26: Adams 12 (600 students: 20 per 1,000); Lincoln 12 + 3 = 15, the 3
    hidden in 2026 Q1, so "10+"; Cedar 4; Dover 10 without enrollment; Evans 10 mentoring
    contacts and no enforcement (250 students: 0 per 1,000)."""
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    with app.app_context():
        schools = {
            code: make_school(code, name)
            for code, name in (
                ("AMS", "Adams Middle"),
                ("LHS", "Lincoln High"),
                ("CES", "Cedar Elementary"),
                ("DHS", "Dover High"),
                ("EES", "Evans Elementary"),
            )
        }
        park = make_user("sgt.park", role="supervisor")
        adams, baker, _ = (
            make_user(name, schools=list(schools.values()), supervisor=park) for name in OFFICERS
        )
        make_user("admin.lee", role="admin")
        for code, months in ARRESTS.items():
            for month, count in months.items():
                _approve(adams, park, arrest_entry, schools[code], month, count)
        _approve(adams, park, mentoring_entry, schools["EES"], 10, 10)
        csv = "school,school_year,group,students\n" + "".join(
            f"{code},2025,total,{students}\n" for code, students in STUDENTS.items()
        )
        assert enrollment.import_file(csv.encode(), admin=None, client_addr=None).ok
        db.session.add_all(
            [
                Mou(
                    parties=PARTIES,
                    signed_on=date(2025, 6, 1),
                    effective_on=date(2025, 7, 1),
                    expires_on=date(2027, 6, 30),
                    review_on=date(2027, 1, 15),
                    reference=REFERENCE,
                ),
                OfficerTraining(
                    officer=adams,
                    completed_on=date(2026, 9, 1),
                    course="Calm",
                    hours=8,
                    topic="de_escalation",
                ),
                OfficerTraining(
                    officer=baker,
                    completed_on=date(2026, 9, 2),
                    course="Calm",
                    hours=4.5,
                    topic="de_escalation",
                ),
                OfficerTraining(
                    officer=baker,
                    completed_on=date(2026, 9, 3),
                    course="Bias",
                    hours=2,
                    topic="implicit_bias",
                ),
                StaffTraining(
                    held_on=date(2026, 8, 20), staff_trained=12, summary="The SRO's role"
                ),
                StaffTraining(held_on=date(2025, 8, 20), staff_trained=4, summary="The SRO's role"),
                OutreachEvent(held_on=date(2026, 9, 10), audience="Family night", attended=5),
                OutreachEvent(held_on=date(2026, 10, 10), audience="Open house", attended=4),
                OutreachEvent(held_on=date(2025, 10, 10), audience="Open house", attended=30),
            ]
        )
        for n in range(10):
            received = datetime(2026, 9, 1 + n, 9, tzinfo=ZONE)
            db.session.add(
                Feedback(
                    received_at=received,
                    category="concern",
                    text="About the program.",
                    status="resolved" if n < 3 else "answered",
                    first_answered_at=received + timedelta(hours=5),
                )
            )
        db.session.commit()


def _approve(officer, supervisor, builder, school, month: int, count: int) -> None:
    moment = datetime(2025 if month >= 8 else 2026, month, 2, 9, tzinfo=ZONE)
    for n in range(count):
        at = moment + timedelta(hours=n)
        contact = make_contact(
            officer,
            builder(school.id, occurred_at=at.isoformat()),
            received_at=at + timedelta(minutes=5),
        )
        workflow.decide(
            supervisor,
            contact.id,
            1,
            "approve",
            "Checked.",
            decided_at=at + timedelta(hours=1),
            client_addr=None,
        )
    db.session.commit()


def _publish(client, auth, choice="yes"):
    auth.login("admin.lee")
    client.post(
        "/public-summary/publishing",
        data={"published": choice, "csrf_token": auth.csrf_token("/public-summary/publishing")},
    )
    auth.logout()


def _rows(table: list[list[str]]) -> dict[str, list[str]]:
    return {row[0]: row[1:] for row in table[1:]}


def test_the_program_figures_as_worked_by_hand(district, client, auth):
    _publish(client, auth)
    figures = _rows(
        tables_in(client.get("/public-summary").get_data(as_text=True))["program-figures"]
    )
    assert figures == {
        "Officers in the program": ["3", "3"],
        "Hours of officer training": ["14.5", "0"],
        "Hours of training per officer, on average": ["4.8", "0"],
        "Officers trained in adolescent development": ["0 of 3", "0 of 3"],
        "Officers trained in de-escalation": ["2 of 3", "0 of 3"],
        "Officers trained in implicit bias": ["1 of 3", "0 of 3"],
        "Officers trained in disabilities and special education": ["0 of 3", "0 of 3"],
        "Officers trained in trauma-informed practice": ["0 of 3", "0 of 3"],
        "Officers trained in student privacy and search law": ["0 of 3", "0 of 3"],
        "Officers trained in restorative practices": ["0 of 3", "0 of 3"],
        "School staff trained on the program": ["12", "<10"],
        "Outreach events for students and families": ["2", "1"],
        "People who attended them": ["<10", "30"],
        "Feedback and concerns received": ["10", "0"],
        "Answered": ["10", "0"],
        "Resolved": ["<10", "0"],
        "Typical time to a first answer (median)": ["5 hours", "—"],
    }


def test_enforcement_per_1000_students_by_school(district, client, auth):
    _publish(client, auth)
    table = tables_in(client.get("/public-summary").get_data(as_text=True))["enforcement-2025"]
    assert table[0] == [
        "School",
        "Students enrolled",
        "Contacts with enforcement",
        "Per 1,000 students",
    ]
    assert _rows(table) == {
        "Adams Middle": ["600", "12", "20"],
        "Cedar Elementary": ["300", "<10", "—"],
        "Dover High": ["enrollment not imported", "10", "—"],
        "Evans Elementary": ["250", "0", "0"],
        "Lincoln High": ["1,500", "10+", "—"],  # an exact 15, less 2025 Q4's 12, gives 3 away
    }


def test_the_mou_in_force_with_its_dates_and_its_text_escaped(district, client, auth):
    _publish(client, auth)
    page = client.get("/public-summary").get_data(as_text=True)
    assert (
        "A memorandum of understanding (MOU) is in force between Springfield School "
        "District, &lt;b&gt;Springfield Police&lt;/b&gt; &amp; Sons, from 1 July 2025 to "
        "30 June 2027; the parties review it on 15 January 2027."
    ) in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and REFERENCE not in page
    assert "an MOU was in force on every day of the year" in page


def test_no_mou_in_force_is_said_plainly(district, app, client, auth):
    with app.app_context():
        db.session.scalar(select(Mou)).expires_on = date(2026, 10, 31)
        db.session.commit()
    _publish(client, auth)
    page = client.get("/public-summary").get_data(as_text=True)
    assert "<strong>No MOU is in force</strong>" in page and "is in force between" not in page


def test_nothing_of_the_program_is_shown_until_published(district, client, auth):
    response = client.get("/public-summary")
    assert response.status_code == 404
    assert "Training, outreach" not in response.get_data(as_text=True)
    auth.login("admin.lee")
    preview = tables_in(client.get("/public-summary/publishing").get_data(as_text=True))
    auth.logout()
    _publish(client, auth)
    public = tables_in(client.get("/public-summary").get_data(as_text=True))
    assert preview == public and {"program-figures", "enforcement-2025"} <= set(public)
    _publish(client, auth, "no")
    assert client.get("/public-summary").status_code == 404


def test_no_officer_is_named(district, app, client, auth):
    _publish(client, auth)
    page = client.get("/public-summary").get_data(as_text=True)
    for name in (*OFFICERS, "sgt.park", "person-"):
        assert name not in page, name


def test_a_school_year_stays_as_first_counted(district, app, client, auth):
    _publish(client, auth)
    with app.app_context():
        adams = db.session.scalar(select(School).filter_by(code="AMS"))
        officer, park = (
            db.session.scalar(select(User).filter_by(username=name))
            for name in ("ofc.adams", "sgt.park")
        )
        _approve(officer, park, arrest_entry, adams, 11, 1)  # a late one: 13 now
    _publish(client, auth)
    table = tables_in(client.get("/public-summary").get_data(as_text=True))["enforcement-2025"]
    assert _rows(table)["Adams Middle"] == ["600", "12", "20"]


@pytest.mark.parametrize("count, published", [(0, 0), (1, "<10"), (9, "<10"), (10, 10)])
@pytest.mark.parametrize(
    "figure, source",
    [
        ("staff_trained", "staff_trained"),
        ("outreach_attended", "outreach_attended"),
        ("feedback_received", "received"),
        ("feedback_answered", "answered"),
        ("feedback_resolved", "resolved"),
    ],
)
def test_counts_of_people_from_1_to_9_are_shown_as_under_10(
    ctx, monkeypatch, figure, source, count, published
):
    shown = _program_year(monkeypatch, **{source: count})
    assert getattr(shown, figure) == published


@pytest.mark.parametrize("count", [0, 1, 9, 10])
def test_the_programs_own_acts_are_exact(ctx, monkeypatch, count):
    shown = _program_year(monkeypatch, outreach_events=count, de_escalation=count)
    assert shown.outreach_events == count and shown.topic_officers["de_escalation"] == count


@pytest.mark.parametrize("answered, first_answer", [(0, "—"), (9, "—"), (10, "2.5 days")])
def test_the_median_time_to_answer_needs_10_answered(ctx, monkeypatch, answered, first_answer):
    assert _program_year(monkeypatch, answered=answered).first_answer == first_answer


@pytest.mark.parametrize(
    "count, quarter_hidden, published",
    [
        (0, False, 0),
        (1, False, "<10"),
        (9, False, "<10"),
        (10, False, 10),
        (0, True, 0),
        (9, True, "<10"),
        (10, True, "10+"),
        (15, True, "10+"),
    ],
)
def test_a_school_years_enforcement_count_hides_small_and_quarter_hidden_counts(
    count, quarter_hidden, published
):
    assert program_summary._published(count, quarter_hidden) == published


@pytest.mark.parametrize(
    "hours, words",
    [(0.5, "under an hour"), (1.4, "1 hour"), (47, "47 hours"), (84, "3.5 days"), (96, "4 days")],
)
def test_times_in_words(hours, words):
    assert program_summary.duration(hours) == words


def _program_year(monkeypatch, received=0, answered=0, resolved=0, de_escalation=0, **figures):
    monkeypatch.setattr(
        program_summary.program_records,
        "program_figures",
        lambda year: ProgramFigures(
            year, **figures, topic_officers={"de_escalation": de_escalation}
        ),
    )
    monkeypatch.setattr(
        program_summary,
        "feedback_figures",
        lambda year: {
            "received": received,
            "answered": answered,
            "resolved": resolved,
            "median_hours_to_first_response": 60.0 if answered else None,
        },
    )
    return program_summary.program_year(LAST, None)


def test_a_school_renamed_since_its_quarters_were_counted_is_not_shown_exactly(
    district, app, client, auth
):
    _publish(client, auth)
    with app.app_context():  # as if the year had not been counted with its quarters
        db.session.delete(db.session.get(Setting, program_summary.YEARS))
        db.session.scalar(select(School).filter_by(code="AMS")).name = "Adams Middle School"
        db.session.commit()
    auth.login("admin.lee")
    client.post("/public-summary/count", data={"csrf_token": auth.csrf_token("/")})
    table = tables_in(client.get("/public-summary").get_data(as_text=True))["enforcement-2025"]
    assert _rows(table)["Adams Middle School"] == ["600", "10+", "—"]
