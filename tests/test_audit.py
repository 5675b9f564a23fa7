"""The audit trail is append-only: no ORM path changes or deletes an event."""

import pytest
from sqlalchemy import delete, update

from logger.core import audit
from logger.core.models import AuditEvent, AuditIsAppendOnly
from logger.extensions import db


@pytest.fixture
def event_id(app):
    with app.app_context():
        event = audit.record("auth.sign_in_failed", actor=None, client_addr="10.0.0.1")
        db.session.commit()
        return event.id


def test_an_event_cannot_be_edited(app, event_id):
    with app.app_context():
        db.session.get(AuditEvent, event_id).action = "nothing.happened"
        with pytest.raises(AuditIsAppendOnly):
            db.session.commit()


def test_an_event_cannot_be_deleted(app, event_id):
    with app.app_context():
        db.session.delete(db.session.get(AuditEvent, event_id))
        with pytest.raises(AuditIsAppendOnly):
            db.session.commit()


@pytest.mark.parametrize(
    "statement",
    [
        update(AuditEvent).values(action="nothing.happened"),
        delete(AuditEvent),
    ],
)
def test_bulk_statements_cannot_change_events(app, event_id, statement):
    with app.app_context():
        with pytest.raises(AuditIsAppendOnly):
            db.session.execute(statement)
        db.session.rollback()
        assert db.session.get(AuditEvent, event_id).action == "auth.sign_in_failed"


def test_the_admin_reads_the_trail_filtered_and_nobody_else_does(app, client, auth):
    from tests.factories import make_user

    with app.app_context():
        make_user("admin.lee", role="admin")
        make_user("sgt.park", role="supervisor")
    auth.login("nobody.at.all", "wrong password!")
    auth.login("sgt.park")
    assert client.get("/audit").status_code == 403
    auth.logout()
    auth.login("admin.lee")
    page = client.get("/audit").get_data(as_text=True)
    assert "auth.sign_in_failed" in page and "nobody.at.all" in page and "sgt.park" in page
    only_failures = client.get("/audit?action=auth.sign_in_failed").get_data(as_text=True)
    assert "1 event." in only_failures
    by_park = client.get("/audit?user=sgt.park").get_data(as_text=True)
    assert "auth.sign_in" in by_park and "nobody.at.all" not in by_park
    assert "Dates are written like" in client.get("/audit?date_from=someday").get_data(as_text=True)


def test_there_is_no_route_that_changes_the_trail(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/audit"):
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule.rule
