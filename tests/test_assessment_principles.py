"""The assessment speaks to all twelve principles (issue 13): a section for each, in order,
with the year's figures from the program records, public feedback and enrollment, or an
honest "not recorded this year" saying what to record. Worked against a small hand-made
district: one high school of 500 students, two officers, a year with records and a year
without."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from logger.core.clock import SchoolYear
from logger.core.models import (
    AuditEvent,
    CommunityInputSession,
    Enrollment,
    Feedback,
    Mou,
    OfficerSelection,
    OfficerTraining,
    OutreachEvent,
    PracticeActivity,
    StaffTraining,
    User,
)
from logger.evaluation import assessment, principles, trend
from logger.extensions import db
from logger.review import workflow
from tests.factories import arrest_entry, make_contact, make_school, make_user, mentoring_entry

ZONE = ZoneInfo("America/Chicago")
YEAR = SchoolYear(2025, 8)  # 1 Aug 2025 to 31 Jul 2026; the year before it holds one contact


def _approved(officer, supervisor, entry: dict, day: date):
    occurred = datetime(day.year, day.month, day.day, 12, tzinfo=ZONE)
    entry["occurred_at"] = occurred.isoformat()
    contact = make_contact(officer, entry, received_at=occurred + timedelta(hours=1))
    workflow.decide(
        supervisor,
        contact.id,
        1,
        "approve",
        "Read and checked.",
        decided_at=occurred + timedelta(hours=3),
        client_addr=None,
    )
    db.session.commit()


@pytest.fixture
def program_year(ctx):
    """2025–26: four contacts at Lincoln (two with enforcement) and every kind of record;
    2024–25: one mentoring contact and nothing else."""
    lincoln = make_school("LHS", "Lincoln High School")
    park = make_user("sgt.park", role="supervisor")
    ruiz = make_user("ofc.ruiz", schools=[lincoln], supervisor=park)
    chen = make_user("ofc.chen", schools=[lincoln], supervisor=park)
    L = lincoln.id
    for officer, entry, day in (
        (ruiz, arrest_entry(L), date(2025, 10, 6)),
        (ruiz, arrest_entry(L, actions=["search", "arrest"]), date(2026, 2, 3)),
        (chen, mentoring_entry(L), date(2025, 11, 4)),
        (chen, mentoring_entry(L), date(2026, 3, 4)),
        (chen, mentoring_entry(L), date(2024, 9, 10)),
    ):  # the year before
        _approved(officer, park, entry, day)
    # Enrollment 2025–26: 500 students, 300 of them male (both contacts' students are male).
    db.session.add_all(
        Enrollment(school_id=L, school_year=2025, student_group=group, students=students)
        for group, students in (("total", 500), ("gender:male", 300), ("gender:female", 200))
    )
    day = date(2025, 9, 15)
    db.session.add_all(
        [
            CommunityInputSession(held_on=day, audience="Parents", attended=40, summary="Heard."),
            CommunityInputSession(held_on=day, audience="Students", attended=25, summary="Heard."),
            Mou(
                parties="Lincoln Unified\nCity Police",
                signed_on=date(2025, 7, 1),
                effective_on=date(2025, 7, 1),
                expires_on=date(2026, 12, 31),
            ),
            OfficerSelection(
                officer=ruiz,
                selected_on=date(2024, 6, 1),
                staff_on_panel=True,
                community_on_panel=True,
                qualifications="Youth work.",
            ),
            # Ruiz 8 + 4 hours on two topics, Chen 3 hours on one of them: 15 hours, 7.5 each.
            OfficerTraining(
                officer=ruiz,
                completed_on=day,
                course="De-escalation",
                hours=8,
                topic="de_escalation",
            ),
            OfficerTraining(
                officer=ruiz, completed_on=day, course="Bias", hours=4, topic="implicit_bias"
            ),
            OfficerTraining(
                officer=chen,
                completed_on=day,
                course="De-escalation",
                hours=3,
                topic="de_escalation",
            ),
            StaffTraining(held_on=day, school=lincoln, staff_trained=30, summary="The MOU."),
            OutreachEvent(held_on=day, school=lincoln, audience="Families", attended=120),
            PracticeActivity(held_on=day, kind="conference", hours=6, officers=[ruiz]),
        ]
    )
    received = datetime(2025, 10, 1, 9, tzinfo=ZONE)
    db.session.add_all(
        [  # answered after 10 h and 30 h: a median of 20 h
            Feedback(
                received_at=received,
                category="praise",
                text="Thank you.",
                status="answered",
                first_answered_at=received + timedelta(hours=10),
            ),
            Feedback(
                received_at=received,
                category="concern",
                text="A worry.",
                status="resolved",
                first_answered_at=received + timedelta(hours=30),
            ),
        ]
    )
    db.session.commit()


def _page(client, auth, username="eval.ode", year=YEAR):
    make_user(username, role="evaluator" if username.startswith("eval") else "admin")
    db.session.commit()
    auth.login(username)
    response = client.get(f"/assessment?year={year.first}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _text(html: str, element_id: str) -> str:
    """The words of one element, tags dropped and spaces squeezed."""
    found = re.search(rf'id="{element_id}"[^>]*>(.*?)</(p|section|table)>', html, re.S)
    assert found, f"no #{element_id}"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def test_the_evidence_of_a_year_with_records_worked_by_hand(program_year):
    evidence = principles.gather(YEAR)
    assert evidence.program.input_sessions == 2 and evidence.program.input_attended == 65
    assert evidence.program.mou_all_year
    assert evidence.training_hours == 15.0
    assert evidence.hours_per_officer == 7.5  # 15 hours over the two officers assigned
    assert evidence.topics_covered == 2  # de-escalation and implicit bias, of seven
    assert evidence.enforcement_per_thousand == 4.0  # 2 contacts x 1,000 / 500 students
    assert evidence.feedback["received"] == 2
    assert evidence.feedback["median_hours_to_first_response"] == 20.0
    contacts = assessment.assess(YEAR).contacts
    assert contacts == 4
    assert [
        p.number for p in principles.principles(evidence, assessment.assess(YEAR)) if not p.recorded
    ] == [7]  # the public summary is not published


def test_a_year_without_records_says_what_is_missing(program_year):
    evidence = principles.gather(YEAR.previous)
    assert evidence.training_hours == 0 and evidence.hours_per_officer == 0.0
    assert evidence.enforcement_per_thousand is None  # no enrollment imported
    assert [
        p.number
        for p in principles.principles(evidence, assessment.assess(YEAR.previous))
        if not p.recorded
    ] == [1, 7, 8, 9, 12]  # the MOU began in its last month


def test_the_page_has_a_section_for_each_principle_in_order(program_year, client, auth):
    html = _page(client, auth)
    order = [int(n) for n in re.findall(r'<h2 id="principle-(\d+)"', html)]
    assert order == list(range(1, 13))
    assert "Not recorded this year" not in html.split('id="principle-7"')[0]
    assert _text(html, "input-sessions").startswith(
        "2 community input sessions were held this year, attended by 65 people"
    )
    assert "in force on every day of the school year" in _text(html, "mou-in-force")
    assert "Lincoln Unified; City Police" in html
    assert _text(html, "selection").startswith("1 of the 2 officers assigned to schools")
    assert _text(html, "training").startswith(
        "Officers completed 15.0 h of training this year, 7.5 h per officer assigned to "
        "schools; 2 of the 7 required topics"
    )
    assert "30 school staff were trained" in _text(html, "training")
    assert _text(html, "outreach").startswith("1 outreach event for students and families")
    assert _text(html, "feedback-figures") == (
        "The public sent 2 feedback messages this year; 2 were answered (half of them within "
        "20.0 h of the message: the median time to first answer), 0 never answered, and 1 was "
        "marked resolved."
    )
    assert "4.0 contacts with enforcement per 1,000 students" in _text(html, "per-1000-students")
    assert _text(html, "practice").startswith(
        "1 of the 2 officers assigned this year took part in 1 community-of-practice activity"
    )


def test_enforcement_per_1000_enrolled_is_suppressed_under_ten(program_year, client, auth):
    html = _page(client, auth)
    table = _text(html, "equity-per-1000")
    # Male: 2 students in enforcement of 300 enrolled: 1 to 9 events, so no rate is shown.
    assert re.search(r"Gender: Male 300 2 — 200 0 — too few", table), table


def test_a_year_without_records_says_not_recorded_and_an_admin_gets_the_way_to_record(
    program_year, client, auth
):
    html = _page(client, auth, "admin.lee", YEAR.previous)
    for number in (1, 8, 12):
        section = html.split(f'id="principle-{number}"')[1].split("</section>")[0]
        assert "Not recorded this year." in section, number
        assert "Record it</a>" in section, number
    assert "<strong>No memorandum of understanding covered every day of the school year" in html
    assert "Enrollment was not imported for this year" in html
    assert "No feedback was received from the public this year" in html


def test_an_evaluator_is_told_who_records_it(program_year, client, auth):
    html = _page(client, auth, "eval.ode", YEAR.previous)
    section = html.split('id="principle-1"')[1].split("</section>")[0]
    assert "An admin records it under Program." in section and "Record it</a>" not in section


def test_the_trend_grows_with_the_program_s_figures(program_year):
    rows = {
        row.label: (row.this, row.previous)
        for row in trend.key_figures(
            assessment.assess(YEAR),
            assessment.assess(YEAR.previous),
            principles.gather(YEAR),
            principles.gather(YEAR.previous),
        )
    }
    assert rows["Contacts with enforcement per 1,000 students"] == (4.0, None)
    assert rows["Community input sessions"] == (2, 0)
    assert rows["Officers with a selection record"] == (1, 1)  # selected before both years
    assert rows["Training hours per officer"] == (7.5, 0.0)
    assert rows["Required training topics covered (of 7)"] == (2, 0)
    assert rows["Outreach events"] == (1, 0)
    assert rows["Public feedback received"] == (2, 0)
    assert rows["Median time to answer feedback"] == (20.0, None)
    assert rows["Community-of-practice activities"] == (1, 0)


def test_principle_7_reads_whether_the_summary_was_open_during_that_year(program_year):
    admin = make_user("admin.lee", role="admin")
    for action, day in (
        ("public_summary.published", datetime(2025, 9, 1, tzinfo=ZONE)),
        ("public_summary.withdrawn", datetime(2026, 9, 1, tzinfo=ZONE)),
    ):
        db.session.add(AuditEvent(action=action, actor=admin, at=day))
    db.session.commit()
    assert not principles.gather(YEAR.previous).summary_published  # before it was published
    assert principles.gather(YEAR).summary_published  # published during it
    assert principles.gather(YEAR.following).summary_published  # open until 1 September
    assert not principles.gather(SchoolYear(2027, 8)).summary_published  # withdrawn before


def test_a_year_with_no_approved_contact_still_has_all_twelve_sections(program_year, client, auth):
    officer = db.session.scalar(db.select(User).filter_by(username="ofc.ruiz"))
    entry = mentoring_entry(officer.assignments[0].school_id)
    entry["occurred_at"] = datetime(2026, 9, 8, 12, tzinfo=ZONE).isoformat()
    make_contact(officer, entry, received_at=datetime(2026, 9, 8, 13, tzinfo=ZONE))
    db.session.commit()
    html = _page(client, auth, year=YEAR.following)
    assert [int(n) for n in re.findall(r'<h2 id="principle-(\d+)"', html)] == list(range(1, 13))
    for number in (3, 4, 6, 11):
        section = html.split(f'id="principle-{number}"')[1].split("</section>")[0]
        assert "no contact of this school year has been approved yet" in section, number
