"""Seconds per entry: the phone's timing of a new entry is kept (durations only) when it can be
true, never in the way of the entry; the admin reads the medians by week and by pseudonym."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from logger import rules
from logger.core.models import Contact, EntryTiming, User
from logger.extensions import db
from logger.review import workflow
from tests.factories import Api, envelope, mentoring_entry


@pytest.mark.parametrize(
    "sent, kept",
    [
        (None, None),
        ({"seconds": 1, "template_used": True}, {"seconds": 1, "template_used": True}),
        ({"seconds": 14400, "template_used": False}, {"seconds": 14400, "template_used": False}),
    ],
)
def test_a_timing_that_can_be_true_is_kept(sent, kept):
    assert rules.check_timing(sent) == (kept, None)


@pytest.mark.parametrize(
    "sent",
    [
        {"seconds": 0, "template_used": False},
        {"seconds": -5, "template_used": False},
        {"seconds": 14401, "template_used": False},
        {"seconds": 10**12, "template_used": True},
        {"seconds": "30", "template_used": False},
        {"seconds": 30.5, "template_used": False},
        {"seconds": True, "template_used": False},
        {"seconds": 30},
        {"seconds": 30, "template_used": "yes"},
        "30 s",
        [30, True],
        {"narrative": "Talked about lunch"},
    ],
)
def test_a_timing_that_cannot_be_true_is_not_kept_and_says_so(sent):
    assert rules.check_timing(sent) == (None, rules.TIMING_IGNORED)


def timings(app) -> list[tuple[int, bool]]:
    with app.app_context():
        return [(t.seconds, t.template_used) for t in db.session.scalars(db.select(EntryTiming))]


def test_a_new_entry_s_timing_is_kept_once_and_an_edit_is_not_timed(app, client, auth, district):
    auth.login("ofc.ruiz")
    api = Api(client)
    sent = envelope(
        mentoring_entry(district["lincoln"]), timing={"seconds": 42, "template_used": True}
    )
    assert api.sync(sent)[0]["status"] == "accepted"
    assert api.sync(sent)[0]["status"] == "duplicate"  # a resend is not timed again
    edited = envelope(
        mentoring_entry(district["lincoln"], narrative="More."),
        sent["id"],
        1,
        timing={"seconds": 9, "template_used": False},
    )
    assert api.sync(edited)[0]["status"] == "accepted"
    assert timings(app) == [(42, True)]


def test_an_absurd_timing_never_stands_in_the_way_of_its_entry(app, client, auth, district):
    auth.login("ofc.ruiz")
    [result] = Api(client).sync(
        envelope(
            mentoring_entry(district["lincoln"]), timing={"seconds": -3, "template_used": False}
        )
    )
    assert result["status"] == "accepted"
    assert result["timing_ignored"] == rules.TIMING_IGNORED
    assert timings(app) == []
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Contact.id))) == 1


def test_the_admin_reads_medians_by_week_and_by_pseudonym_never_names(app, client, auth, district):
    auth.login("ofc.ruiz")
    api = Api(client)
    for seconds, template in ((20, True), (40, True), (90, False)):
        api.sync(
            envelope(
                mentoring_entry(district["lincoln"]),
                timing={"seconds": seconds, "template_used": template},
            )
        )
    auth.logout()
    auth.login("admin.lee")
    page = client.get("/admin/entry-times").get_data(as_text=True)
    week = page.split("By officer")[0]
    assert "<td>3</td><td>40 s</td><td>2</td><td>30 s</td><td>90 s</td>" in week
    officers = page.split("By officer")[1]
    assert "person-" in officers and "ofc.ruiz" not in officers
    assert "<td>3</td><td>40 s</td>" in officers


def test_older_timings_fall_out_of_the_window(app, client, auth, district):
    with app.app_context():
        ruiz = db.session.scalar(db.select(User.id).filter_by(username="ofc.ruiz"))
        contact = Contact(
            id=uuid.uuid4(),
            officer_id=ruiz,
            current_revision=0,
            created_at=datetime.now(UTC),
        )
        db.session.add(contact)
        db.session.flush()
        db.session.add(
            EntryTiming(
                contact_id=contact.id,
                officer_id=ruiz,
                seconds=77,
                template_used=False,
                saved_at=datetime.now(UTC) - timedelta(weeks=20),
            )
        )
        db.session.commit()
    auth.login("admin.lee")
    assert "77 s" not in client.get("/admin/entry-times").get_data(as_text=True)


@pytest.mark.parametrize("username", ["ofc.ruiz", "sgt.park", "eval.ode"])
def test_only_admins_read_entry_times(client, auth, district, username):
    auth.login(username)
    assert client.get("/admin/entry-times").status_code == 403


def test_the_assessment_reports_the_year_s_seconds_per_entry(app, client, auth, district):
    auth.login("ofc.ruiz")
    api = Api(client)
    for seconds, template in ((20, True), (40, True), (90, False)):
        api.sync(
            envelope(
                mentoring_entry(district["lincoln"]),
                timing={"seconds": seconds, "template_used": template},
            )
        )
    auth.logout()
    with app.app_context():  # the assessment reads a year with approved entries
        park = db.session.scalar(db.select(User).filter_by(username="sgt.park"))
        db.session.scalar(db.select(User).filter_by(username="ofc.ruiz")).supervisor = park
        db.session.commit()
        for contact in db.session.scalars(db.select(Contact)).all():
            workflow.decide(
                park,
                contact.id,
                1,
                "approve",
                None,
                decided_at=datetime.now(UTC),
                client_addr=None,
            )
        db.session.commit()
    auth.login("eval.ode")
    page = client.get("/assessment").get_data(as_text=True)
    assert (
        "Half of the 3 new entries timed on the officers' phones this year took 40 seconds or less"
    ) in page
    assert "2 started from a template (median 30 s); the others took a median of 90 s" in page
