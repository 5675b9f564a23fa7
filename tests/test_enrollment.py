"""Enrollment (issue 13): students per school, school year and group, imported whole or not at
all (command line, or upload with a preview), and the rates the assessment computes from it,
against a hand-made district whose answers are worked out beside each figure."""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from logger import demo
from logger.admin import enrollment
from logger.core.clock import SchoolYear
from logger.core.models import AuditEvent, Enrollment, School, User
from logger.demo import enrollment as demo_enrollment
from logger.evaluation import assessment, denominators, principles
from logger.extensions import db
from logger.review import workflow
from tests.factories import (
    Auth,
    arrest_entry,
    make_contact,
    make_school,
    make_user,
    mentoring_entry,
)
from tests.html_tables import tables_in

HEADER = "school,school_year,group,students\n"
LINCOLN_2025 = (
    "LHS,2025,total,1000\n"
    "LHS,2025,race:black,200\n"
    "LHS,2025,race:white,500\n"
    "LHS,2025,gender:female,480\n"
    "LHS,2025,gender:male,520\n"
)
ADAMS_2025 = "AMS,2025-26,total,500\nAMS,2025-26,race:black,100\n"
FILE = HEADER + LINCOLN_2025 + ADAMS_2025
ZONE = ZoneInfo("America/Chicago")  # the district's, by default
YEAR = SchoolYear(2025, 8)  # August 2025 to July 2026, the default start month


def upload(admin: Auth, content: bytes | str):
    data = content.encode() if isinstance(content, str) else content
    return admin.client.post(
        "/admin/enrollment/upload",
        data={
            "csrf_token": admin.csrf_token("/admin/enrollment/upload"),
            "file": (io.BytesIO(data), "enrollment.csv"),
        },
        content_type="multipart/form-data",
    )


def confirm(admin: Auth, content: str):
    return admin.client.post(
        "/admin/enrollment/import",
        data={"csrf_token": admin.csrf_token("/admin/enrollment/upload"), "content": content},
    )


def stored(app) -> set[tuple[str, int, str, int]]:
    """Every enrollment row: (school code, year, group, students)."""
    with app.app_context():
        return set(
            db.session.execute(
                select(
                    School.code,
                    Enrollment.school_year,
                    Enrollment.student_group,
                    Enrollment.students,
                ).join(School, School.id == Enrollment.school_id)
            ).all()
        )


def imports(app) -> list[AuditEvent]:
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "enrollment.imported")
            .order_by(AuditEvent.id)
        ).all()
        db.session.expunge_all()
        return events


@pytest.fixture
def admin(app, client, district):
    """The district's admin, admin.lee, signed in."""
    auth = Auth(client)
    auth.login("admin.lee")
    return auth


def test_the_command_line_imports_a_file_whole_and_a_school_year_again_replaces_it(
    app, runner, district, tmp_path
):
    path = tmp_path / "enrollment.csv"
    path.write_text(FILE + "LHS,2024,total,990\n")
    result = runner.invoke(args=["import-enrollment", str(path)])
    assert result.exit_code == 0, result.output
    assert "Imported 8 enrollment rows (3 schools and years)." in result.output
    assert ("LHS", 2025, "race:black", 200) in stored(app) and len(stored(app)) == 8
    path.write_text(HEADER + "LHS,2025,total,1010\nLHS,2025,race:black,210\n")
    result = runner.invoke(args=["import-enrollment", str(path)])
    assert result.exit_code == 0 and "replacing 5 stored rows" in result.output
    assert stored(app) == {  # LHS 2025 replaced whole (its white and gender rows are gone)
        ("LHS", 2025, "total", 1010),
        ("LHS", 2025, "race:black", 210),
        ("AMS", 2025, "total", 500),
        ("AMS", 2025, "race:black", 100),
        ("LHS", 2024, "total", 990),
    }
    first, second = imports(app)
    assert (first.actor_id, first.client_addr) == (None, "command line")
    assert first.detail == {
        "school_years": [["AMS", 2025], ["LHS", 2024], ["LHS", 2025]],
        "rows": 8,
        "replaced": 0,
    }
    assert second.detail == {"school_years": [["LHS", 2025]], "rows": 2, "replaced": 5}


def test_the_command_line_names_each_bad_line_and_imports_nothing(app, runner, district, tmp_path):
    path = tmp_path / "enrollment.csv"
    path.write_text(FILE + "XYZ,2025,total,10\nLHS,2025,race:black,1001\n")
    result = runner.invoke(args=["import-enrollment", str(path)])
    assert result.exit_code == 1
    assert "nothing was imported" in result.output
    assert "line 9: Unknown school 'XYZ'" in result.output
    assert "line 10: Repeats line 3" in result.output
    assert runner.invoke(args=["import-enrollment", str(tmp_path / "none.csv")]).exit_code == 1
    assert stored(app) == set() and imports(app) == []


def test_an_upload_is_shown_row_by_row_then_imported(app, admin):
    preview = upload(admin, FILE)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and page.count("<td>Ready</td>") == 7
    assert "7 rows for AMS 2025–26, LHS 2025–26." in page
    assert stored(app) == set()  # a preview keeps nothing
    content = re.search(r'name="content" value="([^"]*)"', page).group(1)
    done = confirm(admin, content)
    assert done.status_code == 302 and done.location.endswith("/admin/enrollment?school_year=2025")
    assert len(stored(app)) == 7
    [event] = imports(app)
    with app.app_context():
        assert db.session.get(User, event.actor_id).username == "admin.lee"
    listing = admin.client.get(done.location).get_data(as_text=True)
    assert "Imported 7 enrollment rows." in listing
    assert tables_in(listing)["enrollment-schools"][1:] == [
        ["Adams Middle", "500", "1"],
        ["Lincoln High School", "1,000", "4"],
    ]
    again = confirm(admin, content)
    assert again.status_code == 302 and len(stored(app)) == 7  # the same file replaces itself
    assert "replacing 7 stored rows" in admin.client.get(again.location).get_data(as_text=True)


BAD_ROWS = [  # (a row, what its line says)
    ("XYZ,2025,total,10", "Unknown school &#39;XYZ&#39;"),
    (",2025,total,10", "Give the school&#39;s code"),
    ("LHS,2025-27,race:asian,5", "Write the school year as the year it starts"),
    ("LHS,25,race:asian,5", "Write the school year as the year it starts"),
    ("LHS,,race:asian,5", "Write the school year as the year it starts"),
    ("LHS,2025,race:martian,5", "Unknown group &#39;race:martian&#39;"),
    ("LHS,2025,race:asian,12.5", "Students must be a whole number like 420, not &#39;12.5&#39;"),
    ("LHS,2025,race:asian,1e3", "Students must be a whole number"),
    ("LHS,2025,race:asian,٣", "Students must be a whole number"),
    ("LHS,2025,race:asian,", "Give the number of students"),
    ("LHS,2025,race:asian,-3", "Students cannot be a negative number"),
    ("LHS,2025,race:asian," + "9" * 5000, "More than 1,000,000 students"),
    ("LHS,2025,race:asian,1001", "1,001 students in race:asian is more than LHS&#39;s total"),
    ("LHS,2025,race:hispanic_latino,301", "race groups add up to 1,001 here, more than"),
    ("LHS,2025,race:black,7", "Repeats line 3: one row per school, year and group"),
    ("LHS,2025,race:asian\x07,5", "control character"),
    ("AMS,2024,race:black,5", "AMS has no total row for 2024–25"),
]


@pytest.mark.parametrize("row, message", BAD_ROWS)
def test_a_bad_row_is_named_by_its_line_and_nothing_is_imported(
    app, admin, runner, tmp_path, row, message
):
    content = FILE + row + "\n"  # the bad row is line 9
    response = upload(admin, content)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "cannot be imported, so nothing was" in page
    assert re.search(rf"<td>9</td>.*?{re.escape(message)}", page), page[-3000:]
    assert "Import " not in page  # no confirm button
    assert confirm(admin, content).status_code == 422  # posting it anyway
    path = tmp_path / "enrollment.csv"
    path.write_bytes(content.encode())
    result = runner.invoke(args=["import-enrollment", str(path)])
    assert result.exit_code == 1 and "line 9: " in result.output
    assert stored(app) == set() and imports(app) == []


def test_a_total_of_0_is_refused(app, admin):
    page = upload(admin, HEADER + "LHS,2025,total,0\n").get_data(as_text=True)
    assert "total enrollment cannot be 0" in page and stored(app) == set()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"school,school_year,students\nLHS,2025,10\n", "Missing: group"),
        (b"", "Missing: school, school_year, group, students"),
        (HEADER.encode(), "no rows after its first line"),
        (
            "school,school_year,group,students\nÉCO,2025,total,5\n".encode("latin-1"),
            "not UTF-8 text",
        ),
        (
            HEADER.encode() + b"LHS,2025,total," + b"1" * 140_000 + b"\n",
            "Line 2 is not readable CSV",
        ),
        (
            (
                HEADER + "".join(f"LHS,{2000 + n % 99},race:black,{n}\n" for n in range(6000))
            ).encode(),
            "at most 5,000 rows",
        ),
    ],
)
def test_an_unreadable_file_says_why(app, admin, content, message):
    response = upload(admin, content)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert stored(app) == set()


def test_too_large_a_file_is_refused_on_the_command_line_and_the_web(app, admin, runner, tmp_path):
    content = HEADER.encode() + b"LHS,2025,total,10\n" * 60_000  # 1.08 MB
    (tmp_path / "big.csv").write_bytes(content)
    result = runner.invoke(args=["import-enrollment", str(tmp_path / "big.csv")])
    assert result.exit_code == 1 and "A file to import is at most 1024 KB" in result.output
    assert upload(admin, content).status_code == 413  # the request limit, before the app
    assert stored(app) == set()


def test_a_file_without_the_upload_is_refused_not_a_server_error(app, admin):
    response = admin.client.post(
        "/admin/enrollment/upload",
        data={"csrf_token": admin.csrf_token("/admin/enrollment/upload")},
    )
    assert response.status_code == 422


def test_who_may_open_each_page(app, client, district):
    auth = Auth(client)
    for role, username in (
        ("evaluator", "eval.ode"),
        ("officer", "ofc.ruiz"),
        ("supervisor", "sgt.park"),
    ):
        auth.login(username)
        token = auth.csrf_token("/")
        assert client.get("/admin/enrollment").status_code == (
            200 if role == "evaluator" else 403
        ), role
        assert client.get("/admin/enrollment/upload").status_code == 403, role
        assert (
            client.post(
                "/admin/enrollment/upload",
                data={"csrf_token": token, "file": (io.BytesIO(FILE.encode()), "e.csv")},
                content_type="multipart/form-data",
            ).status_code
            == 403
        ), role
        assert (
            client.post(
                "/admin/enrollment/import", data={"csrf_token": token, "content": FILE}
            ).status_code
            == 403
        ), role
        auth.logout()
    assert stored(app) == set()
    auth.login("admin.lee")
    assert client.get("/admin/enrollment").status_code == 200
    assert client.post("/admin/enrollment/import", data={"content": FILE}).status_code == 400
    assert stored(app) == set()  # no CSRF token, nothing kept


def test_evaluators_read_the_list_without_the_upload(app, client, district, runner, tmp_path):
    (tmp_path / "e.csv").write_text(FILE + "LHS,2024,total,990\n")
    assert runner.invoke(args=["import-enrollment", str(tmp_path / "e.csv")]).exit_code == 0
    auth = Auth(client)
    auth.login("eval.ode")
    page = client.get("/admin/enrollment").get_data(as_text=True)
    assert "Import from CSV" not in page
    tables = tables_in(page)
    assert tables["enrollment-schools"][1:] == [
        ["Adams Middle", "500", "1"],
        ["Lincoln High School", "1,000", "4"],
    ]
    older = client.get("/admin/enrollment?school_year=2024-25").get_data(as_text=True)
    assert tables_in(older)["enrollment-schools"][1:] == [["Lincoln High School", "990", "0"]]
    unreadable = client.get("/admin/enrollment?school_year=soon").get_data(as_text=True)
    assert "Write the school year as the year it starts" in unreadable
    assert "No enrollment is stored for 2031–32" in client.get(
        "/admin/enrollment?school_year=2031"
    ).get_data(as_text=True)


# The rates, against a hand-made district. School year 2025–26; enrollment:
#   LHS  total 1,000: race black 200, white 500, hispanic_latino 250, two_or_more 50;
#        gender male 520, female 480; disability yes 100, no 900;
#        limited_english yes 80, no 920
#   AMS  total 500: race black 100, white 300, hispanic_latino 100 (no other dimension)
#   WES  total 200 only (no group): enrollment, no contact
#   CES  no enrollment: one arrest of 5 black students, left out of every group's figures
# Approved contacts in the year (an event is a student described in an enforcement contact):
#   LHS  A arrest: 12 black male students, 2 of them with a perceived disability
#        B arrest: 10 white female students
#        C arrest: 3 hispanic_latino male students perceived limited English, and 1 student
#          perceived black and white (two_or_more), female
#        7 mentoring contacts              -> 10 contacts, 3 with enforcement, 26 events
#   AMS  D arrest: 4 black and 6 white students, male; 4 mentoring -> 5 contacts, 1, 10 events
# Left out: an arrest at LHS still waiting for review, a mentoring contact of 2024–25.
ENROLLMENT = HEADER + "".join(
    f"{code},2025,{group},{students}\n"
    for code, group, students in (
        ("LHS", "total", 1000),
        ("LHS", "race:black", 200),
        ("LHS", "race:white", 500),
        ("LHS", "race:hispanic_latino", 250),
        ("LHS", "race:two_or_more", 50),
        ("LHS", "gender:male", 520),
        ("LHS", "gender:female", 480),
        ("LHS", "disability:yes", 100),
        ("LHS", "disability:no", 900),
        ("LHS", "limited_english:yes", 80),
        ("LHS", "limited_english:no", 920),
        ("AMS", "total", 500),
        ("AMS", "race:black", 100),
        ("AMS", "race:white", 300),
        ("AMS", "race:hispanic_latino", 100),
        ("WES", "total", 200),
    )
)


def _students(count: int, races: list[str], gender: str, **more) -> list[dict]:
    return [
        {
            "grade_band": "high",
            "perceived_race": races,
            "perceived_gender": gender,
            "perceived_disability": False,
            **more,
        }
        for _ in range(count)
    ]


@pytest.fixture
def hand_made(app):
    """The district above, its contacts approved in 2025–26."""
    with app.app_context():
        lincoln, adams = make_school("LHS", "Lincoln High"), make_school("AMS", "Adams Middle")
        cedar = make_school("CES", "Cedar Elementary", "elementary")
        make_school("WES", "Willow Elementary", "elementary")
        park = make_user("sgt.park", role="supervisor")
        ruiz = make_user("ofc.ruiz", schools=[lincoln, adams, cedar], supervisor=park)
        assert enrollment.import_file(ENROLLMENT.encode(), admin=None, client_addr=None).ok
        db.session.commit()
        day = datetime(2025, 10, 1, 10, tzinfo=ZONE)

        def log(school, students=None, *, approve=True, when=day):
            entry = (
                arrest_entry(school.id, students=students, students_involved=len(students))
                if students
                else mentoring_entry(school.id)
            )
            entry["occurred_at"] = when.isoformat()
            contact = make_contact(ruiz, entry, received_at=when + timedelta(hours=1))
            if approve:
                workflow.decide(
                    park,
                    contact.id,
                    1,
                    "approve",
                    "Read and checked.",
                    decided_at=when + timedelta(hours=2),
                    client_addr=None,
                )
                db.session.commit()

        disabled = _students(2, ["black"], "male", perceived_disability=True)
        log(lincoln, disabled + _students(10, ["black"], "male"))  # A
        log(lincoln, _students(10, ["white"], "female"))  # B
        log(
            lincoln,
            _students(3, ["hispanic_latino"], "male", perceived_limited_english=True)
            + _students(1, ["black", "white"], "female"),
        )  # C
        for _ in range(7):
            log(lincoln)
        log(adams, _students(4, ["black"], "male") + _students(6, ["white"], "male"))  # D
        for _ in range(4):
            log(adams)
        log(cedar, _students(5, ["black"], "male"))
        log(lincoln, _students(20, ["black"], "male"), approve=False)  # waiting: left out
        log(lincoln, when=datetime(2025, 7, 31, 10, tzinfo=ZONE))  # 2024–25: left out


def test_per_thousand():
    assert denominators.per_thousand(3, 1000) == 3.0
    assert denominators.per_thousand(16, 300) == pytest.approx(53.333, abs=0.001)
    assert denominators.per_thousand(5, None) is None
    assert denominators.per_thousand(5, 0) is None


def test_contacts_and_enforcement_per_1000_students_by_school(app, hand_made):
    with app.app_context():
        rates = {rate.code: rate for rate in denominators.school_rates(YEAR)}
        # The assessment's rates take its own counts by school: the same figures.
        assessed = principles.gather(YEAR, assessment.assess(YEAR)).schools
    assert assessed == list(rates.values())
    assert list(rates) == ["AMS", "CES", "LHS", "WES"]  # by name
    lincoln = rates["LHS"]  # 10 contacts * 1000 / 1000 students = 10.0; 3 * 1000 / 1000 = 3.0
    assert (lincoln.students, lincoln.contacts, lincoln.enforcement) == (1000, 10, 3)
    assert (lincoln.contacts_per_1000, lincoln.enforcement_per_1000) == (10.0, 3.0)
    adams = rates["AMS"]  # 5 * 1000 / 500 = 10.0; 1 * 1000 / 500 = 2.0
    assert (adams.contacts_per_1000, adams.enforcement_per_1000) == (10.0, 2.0)
    cedar = rates["CES"]  # no enrollment: counts, no rates
    assert (cedar.enrolled, cedar.students, cedar.contacts, cedar.enforcement) == (
        False,
        None,
        1,
        1,
    )
    assert (cedar.contacts_per_1000, cedar.enforcement_per_1000) == (None, None)
    willow = rates["WES"]  # enrolled, no contact: 0 per 1,000
    assert (willow.students, willow.contacts, willow.contacts_per_1000) == (200, 0, 0.0)


def test_each_group_against_all_other_students(app, hand_made):
    with app.app_context():
        rates = {rate.group: rate for rate in denominators.group_rates(YEAR)}
    # Only dimensions some school's enrollment gives; grade band is given by none.
    assert list(rates) == [
        *(f"race:{race}" for race in enrollment.DIMENSIONS["race"][2]),
        "gender:male",
        "gender:female",
        "gender:transgender_man",
        "gender:transgender_woman",
        "gender:nonconforming",
        "disability:yes",
        "disability:no",
        "limited_english:yes",
        "limited_english:no",
    ]
    # Race: LHS and AMS give it (WES has a total only, CES nothing): 1,500 students, and the
    # 26 + 10 = 36 events there (CES's 5 are left out).
    black = rates["race:black"]
    assert (black.schools, black.enrolled, black.events) == (2, 300, 16)  # 200+100; 12+4
    assert (black.others_enrolled, black.others_events, black.unrecorded) == (1200, 20, 0)
    assert black.rate == pytest.approx(53.333, abs=0.001)  # 16 * 1000 / 300
    assert black.others_rate == pytest.approx(16.667, abs=0.001)  # 20 * 1000 / 1200
    assert black.relative_rate == pytest.approx(3.2)  # 53.333 / 16.667
    assert not black.suppressed and black.label == "Race: Black"
    white = rates["race:white"]  # 500+300 = 800 enrolled, 10+6 = 16 events
    assert (white.enrolled, white.events, white.others_enrolled, white.others_events) == (
        800,
        16,
        700,
        20,
    )
    assert white.rate == 20.0  # 16 * 1000 / 800
    assert white.others_rate == pytest.approx(28.571, abs=0.001)  # 20 * 1000 / 700
    assert white.relative_rate == pytest.approx(0.7)  # 20 / 28.571
    # Fewer than 10 events (3; 1; 0): suppressed, the counts kept.
    for group, enrolled, events in (
        ("race:hispanic_latino", 350, 3),
        ("race:two_or_more", 50, 1),
        ("race:asian", 0, 0),
    ):
        rate = rates[group]
        assert (rate.enrolled, rate.events, rate.suppressed) == (enrolled, events, True), group
        assert (rate.rate, rate.others_rate, rate.relative_rate) == (None, None, None)
    # Gender: LHS alone gives it (AMS's 10 male students are left out): 1,000 students, 26 events.
    male, female = rates["gender:male"], rates["gender:female"]
    assert (male.schools, male.enrolled, male.events, male.others_events) == (1, 520, 15, 11)
    assert male.rate == pytest.approx(28.846, abs=0.001)  # 15 * 1000 / 520
    assert male.others_rate == pytest.approx(22.917, abs=0.001)  # 11 * 1000 / 480
    assert male.relative_rate == pytest.approx(1.2587, abs=0.0001)  # 15*480 / (520*11)
    assert female.relative_rate == pytest.approx(0.7944, abs=0.0001)  # 11*520 / (480*15)
    # Disability: 2 events with one, 24 without; either side under 10 suppresses both.
    assert (rates["disability:yes"].events, rates["disability:no"].events) == (2, 24)
    assert rates["disability:yes"].suppressed and rates["disability:no"].suppressed
    # Limited English: recorded for C's 3 students only; the other 23 are in neither side.
    english = rates["limited_english:yes"]
    assert (english.enrolled, english.events, english.others_events, english.unrecorded) == (
        80,
        3,
        0,
        23,
    )


def test_suppression_starts_below_10_on_either_side():
    assert not denominators.group_rate("race:black", 1, 10, 10, 10, 10).suppressed
    for counts in ((9, 10, 10, 10), (10, 9, 10, 10), (10, 10, 9, 10), (10, 10, 10, 9)):
        rate = denominators.group_rate("race:black", 1, *counts)
        assert rate.suppressed and rate.relative_rate is None, counts


def test_the_demo_district_has_consistent_enrollment_for_each_school_and_year(app):
    with app.app_context():
        for code, name, level in demo.SCHOOLS:
            make_school(code, name, level)
        demo_enrollment.add(demo.SCHOOLS, range(2024, 2027))
        db.session.commit()
        assert enrollment.years() == [2026, 2025, 2024]
        for first in (2024, 2025, 2026):
            counts = enrollment.by_school(first)
            assert len(counts) == len(demo.SCHOOLS)
            for groups in counts.values():
                assert set(groups) == set(enrollment.GROUPS)
                for dimension in enrollment.DIMENSIONS:
                    assert (
                        sum(
                            students
                            for group, students in groups.items()
                            if group.startswith(f"{dimension}:")
                        )
                        == groups["total"]
                    )


SCHOOL_CODES = st.sampled_from(["LHS", "AMS", "lhs", "XYZ", "", "L,HS", "A\x00"])
YEARS = st.sampled_from(["2025", "2024-25", "2025–26", "1999", "20x5", ""])
GROUP_NAMES = st.sampled_from(enrollment.GROUPS) | st.sampled_from(
    ["", "race:", "Race:Black", "total ", "x" * 60]
)
NUMBERS = st.integers(-5, 10**15).map(str) | st.text(max_size=6)
ROWS = st.lists(st.tuples(SCHOOL_CODES, YEARS, GROUP_NAMES, NUMBERS), max_size=12)
# Files that are mostly good: a total of 1,000 for each school and year that has groups.
GOOD_ROWS = st.lists(
    st.tuples(
        st.sampled_from(["LHS", "AMS"]),
        st.sampled_from(["2024", "2025"]),
        st.sampled_from(enrollment.GROUPS[1:]),
        st.integers(0, 400).map(str),
    ),
    max_size=8,
).map(
    lambda rows: [(code, year, "total", "1000") for code, year in {row[:2] for row in rows}] + rows
)


def _csv(rows) -> str:
    return HEADER + "".join(
        ",".join(cell.replace(",", " ") if n != 0 else cell for n, cell in enumerate(row)) + "\n"
        for row in rows
    )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    content=st.binary(max_size=300)
    | ROWS.map(lambda rows: _csv(rows).encode("utf-8", "surrogatepass"))
)
def test_any_file_is_previewed_or_refused_never_a_server_error(app, admin, content):
    response = upload(admin, content)
    assert response.status_code in (200, 422)
    assert stored(app) == set()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=ROWS | GOOD_ROWS)
def test_any_file_imports_whole_or_not_at_all(app, admin, rows):
    before = stored(app)
    content = _csv(rows)
    with app.app_context():
        checked = enrollment.check(content.encode())
        codes = dict(db.session.execute(select(School.id, School.code)).all())
        db.session.rollback()
    response = confirm(admin, content)
    after = stored(app)
    event("imported" if response.status_code == 302 else "refused")
    if response.status_code == 302:
        assert checked.ok
        replaced = set(checked.school_years)
        assert {row for row in after if row[:2] in replaced} == {
            (codes[count.school_id], count.school_year, count.group, count.students)
            for count in checked.counts
        }
        assert {row for row in after if row[:2] not in replaced} == {
            row for row in before if row[:2] not in replaced
        }
    else:
        assert response.status_code == 422 and not checked.ok
        assert after == before
