"""The CRDC worksheet export: officer-perceived counts per school that sum back to the record's
students, labelled on every row, the same from the command line and the Export page."""

from __future__ import annotations

import csv
import html
import io
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logger import rules
from logger.core.models import AuditEvent, Contact, User
from logger.evaluation import crdc_worksheet, exports
from logger.evaluation.crdc_worksheet import LABEL, MEASURES
from logger.extensions import db
from logger.officer import entries
from logger.review import workflow
from tests.factories import (
    arrest_entry,
    forget_entries,
    form_token,
    make_contact,
    make_school,
    make_user,
    mentoring_entry,
)

NOW = datetime.now(UTC)


def student(races=("white",), gender="male", disability=False, english=None) -> dict:
    described = {
        "grade_band": "high",
        "perceived_race": list(races),
        "perceived_gender": gender,
        "perceived_disability": disability,
    }
    if english is not None:
        described["perceived_limited_english"] = english
    return described


def restraint_entry(school_id: int, types=("physical",), **changes) -> dict:
    """A valid v2 criminal entry with a restraint of these kinds, started by the officer."""
    entry = arrest_entry(
        school_id,
        actions=["restraint"],
        initiated_by="officer",
        restraint_types=list(types),
        restraint_minutes=5,
        restraint_prone=False,
        **changes,
    )
    entry["justification"]["injuries"] = "none"
    return entry


def staff_report(school_id: int, **changes) -> dict:
    """School staff reported a student to the officer for a disciplinary matter: a referral."""
    return mentoring_entry(
        school_id,
        classification="disciplinary",
        mentoring_type=None,
        school_rule="disruption",
        initiated_by="school_staff",
        involvement_reason="The teacher asked for help with a fight.",
        actions=["verbal_warning"],
        duration_minutes=15,
        **changes,
    )


def approve(contact, revision: int = 1, decision: str = "approve") -> None:
    park = db.session.scalar(db.select(User).filter_by(username="sgt.park"))
    workflow.decide(
        park,
        contact.id,
        revision,
        decision,
        "Read and checked.",
        decided_at=datetime.now(UTC),
        client_addr=None,
    )
    db.session.commit()


def amend(officer, contact, entry: dict) -> None:
    verdict = entries.check(officer, entry, now=NOW)
    assert verdict.ok, verdict.errors
    saved = entries.save(
        officer,
        contact.id,
        verdict,
        received_at=NOW,
        client_addr=None,
        base_revision=contact.current_revision,
        amendment_explanation="Counted the students again.",
    )
    assert saved.status == "accepted"
    db.session.commit()


@pytest.fixture
def district(app):
    """Two schools, an officer at both, a supervisor, an evaluator; returns the school ids."""
    with app.app_context():
        lincoln = make_school("LHS", "Lincoln High School")
        adams = make_school("AMS", "Adams Middle", "middle")
        park = make_user("sgt.park", "supervisor")
        make_user("ofc.ruiz", schools=[lincoln, adams], supervisor=park)
        make_user("eval.ode", "evaluator")
        make_user("admin.lee", "admin")
        return {"LHS": lincoln.id, "AMS": adams.id}


def ruiz() -> User:
    return db.session.scalar(db.select(User).filter_by(username="ofc.ruiz"))


def made(entry: dict, *, decision: str | None = "approve", version: int = 2):
    contact = make_contact(ruiz(), entry, version=version)
    if decision:
        approve(contact, decision=decision)
    return contact


def worksheet(app, **options) -> tuple[str, list[dict]]:
    """The worksheet's first line and its rows (by school code), straight from the domain."""
    with app.app_context():
        text = crdc_worksheet.csv_text(exports.Choice.worksheet(None, **options), None)
    return read(text)


def read(text: str) -> tuple[str, dict[str, dict]]:
    first, rest = text.split("\n", 1)
    return first, {row["school"]: row for row in csv.DictReader(io.StringIO(rest))}


def expected(contents: list[dict]) -> Counter:
    """The worksheet's cells, counted straight from the entries' students (an independent
    reading of the mapping in crdc_worksheet's docstring)."""
    counts = Counter()
    for content in contents:
        derived = rules.crdc(content)
        students = content.get("students") or []
        for measure, derivation in MEASURES:
            if not derived[derivation]:
                continue
            counts[f"{measure}_total"] += len(students)
            counts[f"{measure}_not_described"] += content["students_involved"] - len(students)
            for s in students:
                races = set(s["perceived_race"])
                race = (
                    "hispanic_latino"
                    if "hispanic_latino" in races
                    else "two_or_more_races"
                    if len(races) > 1
                    else races.pop()
                )
                gender = s["perceived_gender"]
                english = s.get("perceived_limited_english")
                counts[f"{measure}_race_{race}"] += 1
                counts[
                    f"{measure}_sex_"
                    + (gender if gender in ("male", "female") else "other_perceived_gender")
                ] += 1
                counts[f"{measure}_disability_{'yes' if s['perceived_disability'] else 'no'}"] += 1
                counts[
                    f"{measure}_limited_english_"
                    + {None: "not_recorded", True: "yes", False: "no"}[english]
                ] += 1
    return counts


def assert_sums_back(row: dict, contents: list[dict]) -> None:
    want = expected(contents)
    for column in crdc_worksheet.COLUMNS[6:]:
        assert int(row[column]) == want[column], column


def assert_totals_are_the_rows_sums(rows: dict[str, dict]) -> None:
    schools = [row for code, row in rows.items() if code != crdc_worksheet.TOTAL]
    for column in crdc_worksheet.COLUMNS[4:]:
        assert int(rows[crdc_worksheet.TOTAL][column]) == sum(int(r[column]) for r in schools)
    for row in rows.values():  # each dimension's groups add up to the measure's total
        for measure, _ in MEASURES:
            for dimension, groups in crdc_worksheet.DIMENSIONS:
                assert sum(int(row[f"{measure}_{dimension}_{g}"]) for g in groups) == int(
                    row[f"{measure}_total"]
                )


def test_the_worksheet_sums_back_to_the_record_students(app, district):
    lhs, ams = district["LHS"], district["AMS"]
    counted = {
        "LHS": [
            arrest_entry(
                lhs,
                students_involved=2,
                students=[
                    student(("hispanic_latino", "white"), "female", english=False),
                    student(("black", "white"), "male", disability=True, english=True),
                ],
            ),
            restraint_entry(
                lhs,
                ("physical", "mechanical_handcuffs", "seclusion"),
                students=[student(("asian",), "nonconforming")],
            ),
            staff_report(lhs, students_involved=3, students=[student(("white",))]),
            mentoring_entry(lhs),
        ],
        "AMS": [
            arrest_entry(
                ams,
                setting="off_campus_not_school_related",
                initiated_by="officer",
                students=[student(("native_american",))],
            ),
            restraint_entry(
                ams,
                ("mechanical_other",),
                students=[student(("middle_eastern_south_asian",), "transgender_woman")],
            ),
        ],
    }
    with app.app_context():
        for code, contents in counted.items():  # as stored: what did not apply is dropped
            counted[code] = [made(content).current.content for content in contents]
        made(arrest_entry(lhs), version=1)  # before the upgrade: unknown, not counted
        made(arrest_entry(lhs), decision=None)  # waiting for review: not in the record
        made(arrest_entry(ams), decision="return")  # returned: not in the record
    first, rows = worksheet(app)
    assert LABEL in first and "1 record entry of this period" in first and "v1" in first
    assert list(rows) == ["AMS", "LHS", crdc_worksheet.TOTAL]  # schools by name, then total
    assert all(row["label"] == LABEL for row in rows.values())
    assert (rows["LHS"]["v2_entries_counted"], rows["LHS"]["v1_entries_not_counted"]) == ("4", "1")
    for code, contents in counted.items():
        assert_sums_back(rows[code], contents)
    assert_totals_are_the_rows_sums(rows)
    lincoln = rows["LHS"]  # a few cells by hand, against the mapping the docstring gives
    assert lincoln["referred_to_law_enforcement_total"] == "3"  # the arrest's two, the report's one
    assert lincoln["referred_to_law_enforcement_not_described"] == "2"
    assert lincoln["school_related_arrest_race_hispanic_latino"] == "1"
    assert lincoln["school_related_arrest_race_two_or_more_races"] == "1"
    assert lincoln["school_related_arrest_limited_english_yes"] == "1"
    assert lincoln["seclusion_sex_other_perceived_gender"] == "1"
    assert rows["AMS"]["school_related_arrest_total"] == "0"  # off campus, officer-initiated
    assert rows["AMS"]["mechanical_restraint_race_middle_eastern_south_asian"] == "1"


def test_entries_outside_the_school_year_are_not_counted(app, district):
    with app.app_context():
        year = crdc_worksheet.school_year()
        made(arrest_entry(district["LHS"]))
        before = datetime.combine(year.previous.first_day, datetime.min.time(), UTC)
        made(arrest_entry(district["LHS"], occurred_at=(before + timedelta(days=40)).isoformat()))
        text = crdc_worksheet.csv_text(_choice(year), year)
        last_year = crdc_worksheet.csv_text(_choice(year.previous), year.previous)
    assert read(text)[1]["LHS"]["school_related_arrest_total"] == "1"
    assert read(last_year)[1]["LHS"]["school_related_arrest_total"] == "1"
    assert f"school year {year.label}" in text.splitlines()[0]


def _choice(year):
    return exports.Choice.worksheet(year.first)


def test_the_latest_approved_revision_wins_after_an_amendment(app, district):
    two = arrest_entry(
        district["LHS"], students_involved=2, students=[student(), student(("black",))]
    )
    with app.app_context():
        entry_id = made(arrest_entry(district["LHS"])).id
        amend(ruiz(), db.session.get(Contact, entry_id), two)
    assert read_total(app) == "1"  # the amendment waits: the record is the first revision
    with app.app_context():
        approve(db.session.get(Contact, entry_id), revision=2, decision="return")
    assert read_total(app) == "1"  # returned: the approved one stays the record
    with app.app_context():
        amend(ruiz(), db.session.get(Contact, entry_id), two)
        approve(db.session.get(Contact, entry_id), revision=3)
    assert read_total(app) == "2"


def read_total(app) -> str:
    return worksheet(app)[1]["LHS"]["school_related_arrest_total"]


def test_the_command_line_and_the_export_page_give_the_same_file(
    app, runner, client, auth, district, tmp_path
):
    with app.app_context():
        made(arrest_entry(district["LHS"]))
        made(restraint_entry(district["AMS"]))
        year = crdc_worksheet.school_year()
    result = runner.invoke(
        args=[
            "export",
            "--format",
            "crdc",
            "--school-year",
            str(year.first),
            "-o",
            str(tmp_path / "crdc.csv"),
        ]
    )
    assert result.exit_code == 0, result.output
    auth.login("eval.ode")
    page = client.get("/export").get_data(as_text=True)
    assert LABEL in html.unescape(page) and 'name="school_year"' in page
    response = client.post(
        "/export",
        data={"csrf_token": form_token(page), "format": "crdc", "school_year": str(year.first)},
    )
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data == (tmp_path / "crdc.csv").read_bytes()
    assert f"crdc-{year.first}.csv" in response.headers["Content-Disposition"]
    first, rows = read(response.get_data(as_text=True))
    assert rows["LHS"]["school_related_arrest_total"] == "1"
    assert rows["AMS"]["physical_restraint_total"] == "1"
    with app.app_context():
        events = db.session.scalars(
            db.select(AuditEvent).filter_by(action="export").order_by(AuditEvent.id)
        ).all()
        assert [(e.client_addr, e.detail["format"], e.detail["school_year"]) for e in events] == [
            ("command line", "crdc", year.first),
            ("127.0.0.1", "crdc", year.first),
        ]
        assert events[1].actor.username == "eval.ode"


def test_one_school_and_the_default_year(app, runner, district, tmp_path):
    with app.app_context():
        made(arrest_entry(district["LHS"]))
    result = runner.invoke(
        args=["export", "--format", "crdc", "--school", "LHS", "-o", str(tmp_path / "lhs.csv")]
    )
    assert result.exit_code == 0, result.output
    first, rows = read((tmp_path / "lhs.csv").read_text())
    assert LABEL in first
    assert list(rows) == ["LHS", crdc_worksheet.TOTAL] and rows["LHS"]["period"].startswith(
        "school year "
    )
    result = runner.invoke(
        args=[
            "export",
            "--format",
            "crdc",
            "--from",
            "2001-01-01",
            "--to",
            "2001-12-31",
            "-o",
            str(tmp_path / "2001.csv"),
        ]
    )
    assert result.exit_code == 0, result.output
    first, rows = read((tmp_path / "2001.csv").read_text())
    assert "contacts from 2001-01-01 to 2001-12-31" in first
    assert rows[crdc_worksheet.TOTAL]["v2_entries_counted"] == "0"  # days, not the school year


@pytest.mark.parametrize(
    "args, message",
    [
        (["--school-year", "26"], "Write the school year as the year it starts"),
        (["--school-year", "2026-29"], "Write the school year as the year it starts"),
        (["--school-year", "1999"], "Write the school year as the year it starts"),
        (["--school-year", "2026", "--from", "2026-09-01"], "not both"),
        (["--status", "all"], "counts every officer's approved entries"),
        (["--classification", "criminal"], "counts every officer's approved entries"),
    ],
)
def test_the_command_line_explains_a_bad_worksheet(runner, district, tmp_path, args, message):
    result = runner.invoke(
        args=["export", "--format", "crdc", *args, "-o", str(tmp_path / "x.csv")]
    )
    assert result.exit_code != 0 and message in result.output
    assert not (tmp_path / "x.csv").exists()


def test_a_school_year_is_only_for_the_worksheet(runner, district, tmp_path):
    result = runner.invoke(
        args=["export", "--format", "csv", "--school-year", "2026", "-o", str(tmp_path / "x.csv")]
    )
    assert result.exit_code != 0 and "only the crdc worksheet" in result.output


@pytest.mark.parametrize(
    "form, message",
    [
        ({"school_year": "next year"}, "Write the school year as the year it starts"),
        ({"school_year": "99999999999999999999"}, "Write the school year as the year it starts"),
        ({"school_year": "2026", "date_to": "2026-12-01"}, "not both"),
        ({"status": "submitted"}, "The CRDC worksheet counts the record"),
        ({"school_id": "424242"}, "Choose a school"),
    ],
)
def test_the_export_page_explains_a_bad_worksheet(client, auth, district, form, message):
    auth.login("eval.ode")
    token = form_token(client.get("/export").get_data(as_text=True))
    response = client.post("/export", data={"csrf_token": token, "format": "crdc", **form})
    assert response.status_code == 422 and message in response.get_data(as_text=True)


def test_the_worksheet_needs_the_form_token(client, auth, district):
    auth.login("admin.lee")
    assert client.post("/export", data={"format": "crdc"}).status_code == 400
    token = form_token(client.get("/export").get_data(as_text=True))
    assert client.post("/export", data={"csrf_token": token, "format": "crdc"}).status_code == 200


students = st.builds(
    lambda races, gender, disability, english: student(races, gender, disability, english),
    st.lists(st.sampled_from(rules.RACES), min_size=1, max_size=3, unique=True),
    st.sampled_from(rules.GENDERS),
    st.booleans(),
    st.sampled_from((None, True, False)),
)
kinds = st.sampled_from(("arrest", "restraint", "report", "mentoring"))
contacts = st.tuples(
    kinds,
    st.sampled_from(("LHS", "AMS")),
    st.sampled_from(rules.SETTINGS),
    st.lists(st.sampled_from(rules.RESTRAINT_TYPES), min_size=1, unique=True),
    st.lists(students, min_size=1, max_size=4),
    st.integers(0, 2),
    st.sampled_from(("approve", "return", None)),
)


def build(kind, school_id, setting, types, described, extra) -> dict:
    involved = len(described) + (extra if kind in ("report", "mentoring") else 0)
    common = {"setting": setting, "students_involved": involved, "students": described}
    if kind == "arrest":
        return arrest_entry(school_id, **common)
    if kind == "restraint":
        return restraint_entry(school_id, types, **common)
    if kind == "report":
        return staff_report(school_id, **common)
    return mentoring_entry(school_id, **common)


@settings(
    deadline=None,
    max_examples=25,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(contacts, max_size=6))
def test_any_record_sums_back(app, district, drawn):
    record: dict[str, list[dict]] = {"LHS": [], "AMS": []}
    with app.app_context():
        for kind, code, setting, types, described, extra, decision in drawn:
            entry = build(kind, district[code], setting, types, described, extra)
            contact = make_contact(ruiz(), entry, version=2)
            if decision:
                approve(contact, decision=decision)
            if decision == "approve":
                record[code].append(contact.current.content)
    try:
        _, rows = worksheet(app)
        for code, contents in record.items():
            assert_sums_back(rows[code], contents)
            assert rows[code]["v2_entries_counted"] == str(len(contents))
        assert_totals_are_the_rows_sums(rows)
        assert all(row["label"] == LABEL for row in rows.values())
    finally:
        with app.app_context():
            forget_entries()


def test_every_column_is_unique_and_named_for_its_group():
    assert len(set(crdc_worksheet.COLUMNS)) == len(crdc_worksheet.COLUMNS)
    assert {f"race_{race}" for race in rules.RACES} <= set(crdc_worksheet.GROUPS)
