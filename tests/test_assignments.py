"""Dated duty assignments (issue 10, item 3): an officer logs a contact at a school only if
they were assigned there on the contact's day; ended assignments stay as history."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from logger.core import clock
from logger.core.models import Assignment, AuditEvent, School, User
from logger.extensions import db
from tests.factories import Api, Auth, envelope, make_school, make_user, mentoring_entry

DAYS = timedelta(days=1)


@pytest.fixture
def schools(app):
    """Lincoln and Adams; officer Ruiz with no school yet; an admin."""
    with app.app_context():
        lincoln = make_school("LHS", "Lincoln High School")
        adams = make_school("AMS", "Adams Middle", "middle")
        make_user("ofc.ruiz")
        make_user("admin.lee", role="admin")
        return {"LHS": lincoln.id, "AMS": adams.id}


def signed_in(app, username: str) -> Auth:
    auth = Auth(app.test_client())
    auth.login(username)
    return auth


def ruiz_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).filter_by(username="ofc.ruiz"))


def assign(admin: Auth, app, school: str, starts_on: date | str, ends_on: date | str = ""):
    page = f"/admin/accounts/{ruiz_id(app)}"
    return admin.client.post(
        f"{page}/assignments",
        data={
            "csrf_token": admin.csrf_token("/"),
            "school": school,
            "starts_on": str(starts_on),
            "ends_on": str(ends_on),
        },
    )


def end(admin: Auth, app, school: str, ends_on: date | str):
    with app.app_context():
        assignment_id = db.session.scalar(
            select(Assignment.id)
            .join(School)
            .where(School.code == school, Assignment.ends_on.is_(None))
        )
    page = f"/admin/accounts/{ruiz_id(app)}"
    return admin.client.post(
        f"{page}/assignments/{assignment_id}/end",
        data={"csrf_token": admin.csrf_token(page), "ends_on": str(ends_on)},
    )


def on(app, day: date) -> str:
    """Noon of a district day, as the phone writes the time."""
    with app.app_context():
        return datetime.combine(day, time(12), clock.district_zone()).isoformat()


def test_a_transfer_keeps_late_entries_at_the_old_school_and_refuses_later_ones(app, schools):
    today = clock_today(app)
    admin = signed_in(app, "admin.lee")
    assert assign(admin, app, "LHS", today - 30 * DAYS).status_code == 302
    assert end(admin, app, "LHS", today - 3 * DAYS).status_code == 302
    assert assign(admin, app, "AMS", today - 2 * DAYS).status_code == 302

    phone = Api(signed_in(app, "ofc.ruiz").client)
    late = phone.sync(
        envelope(mentoring_entry(schools["LHS"], occurred_at=on(app, today - 7 * DAYS)))
    )
    assert late[0]["status"] == "accepted"  # last week, at the school he was assigned to then
    after = phone.sync(envelope(mentoring_entry(schools["LHS"], occurred_at=on(app, today - DAYS))))
    assert after[0]["status"] == "forbidden"
    assert after[0]["errors"]["school_id"] == [
        f"You were assigned to Lincoln High School from {(today - 30 * DAYS).isoformat()} to "
        f"{(today - 3 * DAYS).isoformat()}, not on {(today - DAYS).isoformat()}. Choose the "
        "school you were assigned to that day, or correct the date."
    ]
    now_at_adams = phone.sync(
        envelope(mentoring_entry(schools["AMS"], occurred_at=on(app, today - DAYS)))
    )
    assert now_at_adams[0]["status"] == "accepted"
    before = phone.sync(
        envelope(mentoring_entry(schools["AMS"], occurred_at=on(app, today - 10 * DAYS)))
    )
    assert before[0]["status"] == "forbidden"

    new_contact = phone.client.get("/entries/new").get_data(as_text=True)
    assert "Adams Middle" in new_contact  # today's school, then the one he left, for late entries
    assert f"Lincoln High School (until {(today - 3 * DAYS).isoformat()})" in new_contact

    with app.app_context():
        history = db.session.execute(
            select(School.code, Assignment.starts_on, Assignment.ends_on)
            .join(School)
            .order_by(Assignment.starts_on)
        ).all()
        assert history == [
            ("LHS", today - 30 * DAYS, today - 3 * DAYS),
            ("AMS", today - 2 * DAYS, None),
        ]
        assert list(
            db.session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.action.like("assignment.%"))
                .order_by(AuditEvent.id)
            )
        ) == ["assignment.created", "assignment.ended", "assignment.created"]


def clock_today(app) -> date:
    with app.app_context():
        return clock.today()


@pytest.mark.parametrize(
    "school, starts, ends, message",
    [
        ("LHS", "2026-09-01", "2026-08-31", "would end (2026-08-31) before it starts (2026-09-01)"),
        ("XYZ", "2026-09-01", "", "Unknown school"),
        ("LHS", "soon", "", "Dates are written like 2026-11-28"),
        ("LHS", "2026-09-01", "31/12/2026", "Dates are written like 2026-11-28"),
        ("LHS", "2026-10-01", "", "already assigned to Lincoln High School from 2026-08-15"),
    ],
)
def test_a_bad_assignment_is_refused_with_a_reason_and_nothing_changes(
    app, schools, school, starts, ends, message
):
    admin = signed_in(app, "admin.lee")
    assert assign(admin, app, "LHS", "2026-08-15").status_code == 302
    response = assign(admin, app, school, starts, ends)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Assignment).count() == 1


def test_only_officers_are_assigned_and_never_to_a_retired_school(app, schools):
    admin = signed_in(app, "admin.lee")
    with app.app_context():
        park = make_user("sgt.park", role="supervisor")
        db.session.get(School, schools["AMS"]).retired_at = clock.utcnow()
        db.session.commit()
        park_id = park.id
    page = f"/admin/accounts/{park_id}"
    refused = admin.client.post(
        f"{page}/assignments",
        data={"csrf_token": admin.csrf_token(page), "school": "LHS", "starts_on": "2026-08-15"},
    )
    assert refused.status_code == 422 and "Only officers are assigned" in refused.get_data(
        as_text=True
    )
    refused = assign(admin, app, "AMS", "2026-08-15")
    assert refused.status_code == 422 and "Adams Middle is retired" in refused.get_data(
        as_text=True
    )


def test_more_than_three_schools_at_once_is_allowed_with_a_warning(app, schools):
    admin = signed_in(app, "admin.lee")
    with app.app_context():
        for code in ("CES", "DES", "EES"):
            make_school(code, f"{code} Elementary", "elementary")
    for code in ("LHS", "AMS", "CES"):
        assert assign(admin, app, code, "2026-08-15").status_code == 302
    page = admin.client.get(f"/admin/accounts/{ruiz_id(app)}").get_data(as_text=True)
    assert "schools at once" not in page
    response = assign(admin, app, "DES", "2026-08-15")
    assert response.status_code == 302
    page = admin.client.get(response.location).get_data(as_text=True)
    assert "ofc.ruiz is now assigned to 4 schools at once" in page


def test_ending_an_assignment_keeps_it_and_is_checked(app, schools):
    admin = signed_in(app, "admin.lee")
    assign(admin, app, "LHS", "2026-08-15")
    refused = end(admin, app, "LHS", "2026-08-01")
    assert refused.status_code == 422
    assert "cannot end (2026-08-01) before it starts (2026-08-15)" in refused.get_data(as_text=True)
    assert end(admin, app, "LHS", "2026-08-15").status_code == 302  # a one-day assignment
    with app.app_context():
        [kept] = db.session.scalars(select(Assignment)).all()
        assert (kept.starts_on, kept.ends_on) == (date(2026, 8, 15), date(2026, 8, 15))
        other = make_user("ofc.chen")
        db.session.add(
            Assignment(officer=other, school_id=schools["AMS"], starts_on=date(2026, 8, 15))
        )
        db.session.commit()
        chens = db.session.scalar(select(Assignment.id).where(Assignment.officer_id == other.id))
    page = f"/admin/accounts/{ruiz_id(app)}"
    wrong_officer = admin.client.post(
        f"{page}/assignments/{chens}/end",
        data={"csrf_token": admin.csrf_token(page), "ends_on": "2026-09-01"},
    )
    assert wrong_officer.status_code == 404


@pytest.mark.parametrize("role", ["officer", "supervisor", "evaluator"])
def test_only_admins_assign(app, schools, role):
    with app.app_context():
        make_user("someone", role=role)
    someone = signed_in(app, "someone")
    assert assign(someone, app, "LHS", "2026-08-15").status_code == 403
    with app.app_context():
        assert db.session.query(Assignment).count() == 0
