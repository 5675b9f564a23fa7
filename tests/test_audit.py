"""The audit trail is append-only: no ORM path changes or deletes an event."""

import pytest
from sqlalchemy import delete, update

from logger import audit
from logger.extensions import db
from logger.models import AuditEvent, AuditIsAppendOnly


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


@pytest.mark.parametrize("statement", [
    update(AuditEvent).values(action="nothing.happened"),
    delete(AuditEvent),
])
def test_bulk_statements_cannot_change_events(app, event_id, statement):
    with app.app_context():
        with pytest.raises(AuditIsAppendOnly):
            db.session.execute(statement)
        db.session.rollback()
        assert db.session.get(AuditEvent, event_id).action == "auth.sign_in_failed"
