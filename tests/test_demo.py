"""The demo command: a believable district loaded into an empty database, and never twice."""

from __future__ import annotations

from collections import Counter
from datetime import date
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from logger import demo, rules
from logger.config import DEFAULT_TIMEZONE
from logger.core import clock, settings
from logger.core.clock import SchoolYear, utcnow
from logger.core.models import AuditEvent, Contact, ContactRevision, ReviewDecision, School, User
from logger.extensions import db

ROLE_COUNTS = {"admin": 1, "evaluator": 1, "supervisor": 2, "officer": 5}
EXPECTED_FLAGS = {"arrest", "use_of_force", "detention", "discipline_enforcement", "late_entry"}
V2_FIELDS = {spec.name for spec in rules.FIELDS if spec.since == 2}
V2_STUDENT_FIELDS = {spec.name for spec in rules.STUDENT_FIELDS if spec.since == 2}
SETTINGS_AT = {  # location: the settings a demo entry there may have
    **{location: {setting} for location, setting in rules.SETTING_FROM_LOCATION.items()},
    "athletic_event": {"school_grounds", "school_activity_off_campus"},
    "off_campus": {"off_campus_not_school_related", "school_activity_off_campus"},
    "other": {"school_grounds"},  # the demo's restrooms
}


def _read_back() -> SimpleNamespace:
    """What the database holds, as plain data that outlives the session."""
    users = db.session.scalars(select(User).order_by(User.id)).all()
    revisions = db.session.scalars(
        select(ContactRevision)
        .join(
            Contact,
            (Contact.id == ContactRevision.contact_id)
            & (Contact.current_revision == ContactRevision.number),
        )
        .options(selectinload(ContactRevision.flag_rows))
    ).all()
    return SimpleNamespace(
        schools={school.code: school.level for school in db.session.scalars(select(School))},
        users=[
            {
                "username": user.username,
                "role": user.role,
                "supervisor_role": user.supervisor.role if user.supervisor else None,
                "schools": [school.code for school in user.schools],
            }
            for user in users
        ],
        contacts=[
            {
                "id": str(revision.contact_id),
                "officer_schools": {school.code for school in revision.contact.officer.schools},
                "school": revision.school.code,
                "level": revision.school.level,
                "classification": revision.classification,
                "occurred_at": revision.occurred_at,
                "received_at": revision.received_at,
                "flags": revision.flags,
                "status": revision.status,
                "revision": revision.number,
                "version": revision.dictionary_version,
                "school_id": revision.school_id,
                "content": {**revision.content, "school_id": revision.school.code},
            }
            for revision in revisions
        ],
        contact_count=db.session.scalar(select(func.count()).select_from(Contact)),
        audit_count=db.session.scalar(select(func.count()).select_from(AuditEvent)),
        audit_actions=Counter(db.session.scalars(select(AuditEvent.action))),
        decisions=[
            (d.decision, d.comment, d.revision) for d in db.session.scalars(select(ReviewDecision))
        ],
    )


@pytest.fixture(scope="module")
def district(app):
    """`flask demo` run once on an empty database, and what it left there.

    The database is emptied after the first test that uses this, so tests read the snapshot.
    """
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["demo"])
        snapshot = _read_back()
        db.session.remove()
    snapshot.result = result
    return snapshot


def test_demo_exits_0_and_prints_a_sign_in_for_every_role(district):
    assert district.result.exit_code == 0, district.result.output
    lines = district.result.output.splitlines()
    for user in district.users:
        assert any(
            user["username"] in line and user["role"] in line and demo.DEMO_PASSWORD in line
            for line in lines
        ), user
    assert {user["role"] for user in district.users} == set(ROLE_COUNTS)


def test_demo_creates_one_school_of_each_level(district):
    assert sorted(district.schools.values()) == ["elementary", "high", "middle"]


def test_demo_creates_accounts_with_the_planned_roles(district):
    assert Counter(user["role"] for user in district.users) == ROLE_COUNTS
    assert len(district.users) == sum(ROLE_COUNTS.values())


def test_every_officer_has_a_supervisor_and_one_or_two_schools(district):
    officers = [user for user in district.users if user["role"] == "officer"]
    for officer in officers:
        assert officer["supervisor_role"] == "supervisor", officer
        assert 1 <= len(officer["schools"]) <= 2, officer
    assert any(len(officer["schools"]) == 2 for officer in officers)
    assert all(not user["schools"] for user in district.users if user["role"] != "officer")


def _in_school_year(app, contacts, years_back: int) -> list[dict]:
    """The contacts of the school year that started `years_back` years before this one."""
    with app.app_context():
        start_month = settings.current()["school_year_start_month"]
        zone = clock.district_zone()
    under_way = SchoolYear.containing(utcnow().astimezone(zone).date(), start_month)
    year = SchoolYear(under_way.first - years_back, start_month)
    return [
        contact
        for contact in contacts
        if year.first_day <= contact["occurred_at"].astimezone(zone).date() <= year.last_day
    ]


def test_demo_logs_about_500_contacts_a_school_year_of_every_classification(app, district):
    assert district.contact_count == len(district.contacts)  # one current revision each
    for years_back in (1, 2):
        year = _in_school_year(app, district.contacts, years_back)
        assert 450 <= len(year) <= 650, years_back
        classes = Counter(contact["classification"] for contact in year)
        assert set(classes) == set(rules.CLASSIFICATIONS)
        assert classes["mentoring"] > max(classes["criminal"], classes["disciplinary"])
    under_way = _in_school_year(app, district.contacts, 0)
    assert len(under_way) < 450  # only the days so far
    assert len(district.contacts) == sum(
        len(_in_school_year(app, district.contacts, back)) for back in (0, 1, 2)
    )


def test_the_earliest_year_shows_more_discipline_for_the_assessment_to_compare(app, district):
    def disciplinary_share(years_back):
        year = _in_school_year(app, district.contacts, years_back)
        return sum(c["classification"] == "disciplinary" for c in year) / len(year)

    assert disciplinary_share(2) > 1.4 * disciplinary_share(1)


def test_demo_contacts_went_through_save_with_an_audit_event_each(district):
    assert district.audit_actions["contact.submitted"] == len(district.contacts)


def test_demo_raises_the_flags_evaluators_look_for_and_no_pii(app, district):
    raised = Counter(flag for contact in district.contacts for flag in contact["flags"])
    assert EXPECTED_FLAGS.issubset(raised), raised
    raised = Counter(
        flag for contact in _in_school_year(app, district.contacts, 1) for flag in contact["flags"]
    )
    assert 10 <= raised["arrest"] <= 15
    assert 3 <= raised["use_of_force"] <= 6
    assert "possible_pii" not in raised


def test_every_contact_is_at_one_of_its_officers_schools(district):
    for contact in district.contacts:
        assert contact["school"] in contact["officer_schools"], contact


def test_contacts_fall_on_school_days_in_the_past(app, district):
    zone = ZoneInfo(DEFAULT_TIMEZONE)  # the demo's district keeps the default
    now = utcnow()
    for contact in district.contacts:
        local = contact["occurred_at"].astimezone(zone)
        assert local.month != 7, contact
        assert local.weekday() < 5, contact
        assert contact["occurred_at"] <= now, contact
        assert contact["received_at"] <= now, contact


def test_occurred_at_carries_the_district_offset(app, district):
    zone = ZoneInfo(DEFAULT_TIMEZONE)  # the demo's district keeps the default
    for contact in district.contacts:
        sent = rules.parse_datetime(contact["content"]["occurred_at"])
        assert sent.utcoffset() == contact["occurred_at"].astimezone(zone).utcoffset(), contact


def test_described_students_match_the_school_level(district):
    for contact in district.contacts:
        for student in contact["content"].get("students", []):
            assert student["grade_band"] == contact["level"], contact


def test_every_enforcement_action_is_justified_in_specific_words(district):
    enforced = [
        contact
        for contact in district.contacts
        if set(contact["content"]["actions"]) & set(rules.ENFORCEMENT_ACTIONS)
    ]
    assert enforced
    for contact in enforced:
        content = contact["content"]
        assert len(content["justification"]["basis"]) >= 30, contact
        assert len(content["students"]) == content["students_involved"], contact
    bases = Counter(contact["content"]["justification"]["basis"] for contact in enforced)
    assert bases.most_common(1)[0][1] <= len(enforced) / 10  # not one sentence over and over


def test_narratives_vary(district):
    narratives = {contact["content"]["narrative"] for contact in district.contacts}
    assert len(narratives) > len(district.contacts) / 2


def test_demo_refuses_a_database_that_has_data_and_adds_nothing(ctx, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    before = _read_back()

    again = runner.invoke(args=["demo"])

    assert again.exit_code != 0
    assert len(again.output.strip().splitlines()) == 1, again.output
    assert "already has data" in again.output
    after = _read_back()
    assert (len(after.users), len(after.schools), after.contact_count) == (
        len(before.users),
        len(before.schools),
        before.contact_count,
    )


def test_load_is_reproducible_for_a_seed_and_a_day(ctx):
    today = date(2026, 6, 1)
    sign_ins = demo.load(today=today, seed=7)
    first = sorted((c["id"], c["content"], c["received_at"]) for c in _read_back().contacts)
    db.session.rollback()

    assert demo.load(today=today, seed=7) == sign_ins
    second = sorted((c["id"], c["content"], c["received_at"]) for c in _read_back().contacts)
    db.session.rollback()

    assert first == second
    assert max(row[1]["occurred_at"][:10] for row in first) < today.isoformat()
    assert min(row[1]["occurred_at"][:10] for row in first) >= "2023-08-01"  # 2023–24 on


def test_a_demo_sign_in_works_through_the_login_form(app, runner, auth):
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        officer = db.session.scalar(select(User.username).filter_by(role="officer").limit(1))

    response = auth.login(officer, demo.DEMO_PASSWORD)

    assert response.status_code == 302
    assert "/login" not in response.headers["Location"]


def test_demo_leaves_a_realistic_review_state(district):
    statuses = Counter(contact["status"] for contact in district.contacts)
    assert statuses["approved"] > len(district.contacts) * 0.75
    assert 5 <= statuses["returned"] <= 40 and 5 <= statuses["submitted"] <= 80
    assert any(
        contact["revision"] == 2 and contact["status"] == "approved"
        for contact in district.contacts
    )  # returned, fixed, approved
    assert district.audit_actions["review.return"] >= statuses["returned"]
    assert all(comment for decision, comment, _ in district.decisions if decision == "return")


def _checked(contact: dict, version: int) -> rules.Verdict:
    """The rules' verdict on a stored entry, under one dictionary version, as when it arrived."""
    content = {**contact["content"], "school_id": contact["school_id"]}
    return rules.check(
        content,
        assigned_school_ids={contact["school_id"]},
        now=contact["received_at"],
        version=version,
    )


def test_the_year_under_way_is_v2_and_earlier_years_stay_v1(app, district):
    for contact in _in_school_year(app, district.contacts, 0):
        assert contact["version"] == 2, contact
        verdict = _checked(contact, 2)
        assert verdict.ok and not verdict.warnings, (verdict.errors, contact)
        assert verdict.entry == {**contact["content"], "school_id": contact["school_id"]}
    for years_back in (1, 2):
        for contact in _in_school_year(app, district.contacts, years_back):
            assert contact["version"] == 1, contact
            assert _checked(contact, 1).ok, contact
            assert not V2_FIELDS & set(contact["content"]), contact
            assert not any(
                V2_STUDENT_FIELDS & set(student)
                for student in contact["content"].get("students", [])
            ), contact


def test_the_year_under_way_has_something_in_every_crdc_column(app, district):
    under_way = _in_school_year(app, district.contacts, 0)
    if not under_way:
        pytest.skip("the school year under way has no school days yet")
    counts = Counter(
        column
        for contact in under_way
        for column, counted in rules.crdc(contact["content"]).items()
        if counted
    )
    assert set(counts) == set(rules.CRDC_COLUMNS), counts
    earlier = _in_school_year(app, district.contacts, 1)
    assert all(set(rules.crdc(contact["content"]).values()) == {None} for contact in earlier)


def test_every_v2_condition_holds_in_the_stored_demo_data(district):
    written = [contact["content"] for contact in district.contacts if contact["version"] == 2]
    if not written:
        pytest.skip("the school year under way has no school days yet")
    for content in written:
        assert rules.missing(content, version=2) == [], content  # each one that applies is there
        for spec in rules.fields_for(2):
            value = rules.value_at(content, spec.name)
            if not rules.condition_holds(spec.applies_when, content):
                assert value is None, (spec.name, content)  # and none that does not apply
            elif spec.exclusive and value and spec.exclusive in value:
                assert value == [spec.exclusive], (spec.name, content)  # `nothing`, `none` alone
        assert content["setting"] in SETTINGS_AT[content["location"]], content
        held = max(content.get("detention_minutes", 0), content.get("restraint_minutes", 0))
        assert content.get("duration_minutes", held) >= held, content
    actions = Counter(action for content in written for action in content["actions"])
    assert actions["restraint"] and actions["arrest"]  # the CRDC's rarest columns are shown
