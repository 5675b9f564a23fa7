"""District settings in the app (issue 10, item 5): name, time zone, school year start;
the environment's values override them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from logger.core import clock, settings
from logger.core.models import AuditEvent
from logger.extensions import db
from tests.factories import Auth, sign_in_as_someone


def save(admin: Auth, **form):
    return admin.client.post(
        "/admin/settings",
        data={
            "csrf_token": admin.csrf_token("/admin/settings"),
            "name": "Lincoln County Schools",
            "timezone": "America/Denver",
            "school_year_start_month": "7",
            **form,
        },
    )


def in_force(app) -> dict:
    with app.app_context():
        return dict(settings.current())


def test_the_admin_sets_the_district_and_every_page_follows(app, admin):
    assert in_force(app)["timezone"] == "America/Chicago"  # the default
    assert save(admin).status_code == 302
    assert in_force(app) == {
        "name": "Lincoln County Schools",
        "timezone": "America/Denver",
        "school_year_start_month": 7,
    }
    with app.app_context():
        assert str(clock.district_zone()) == "America/Denver"
        event = db.session.scalar(select(AuditEvent).filter_by(action="district.settings"))
        assert event.detail["timezone"] == ["America/Chicago", "America/Denver"]
    page = admin.client.get("/admin/settings").get_data(as_text=True)
    assert '<option value="America/Denver" selected>' in page
    assert '<option value="7" selected>July</option>' in page


@pytest.mark.parametrize(
    "form, message",
    [
        ({"timezone": "Mars/Olympus"}, "time zone from the list."),
        ({"school_year_start_month": "13"}, "Choose the month the school year starts."),
        ({"school_year_start_month": "August"}, "Choose the month the school year starts."),
        ({"name": "x" * 201}, "Shorten the district name to 200 characters or fewer."),
        ({"name": "Bad\x1bname"}, "control character"),
    ],
)
def test_a_bad_setting_is_refused_and_nothing_changes(app, admin, form, message):
    response = save(admin, **form)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert in_force(app)["timezone"] == "America/Chicago"


def test_the_environment_overrides_what_the_app_sets(app, admin, monkeypatch):
    monkeypatch.setitem(app.config, "SRO_TIMEZONE", "Pacific/Honolulu")
    page = admin.client.get("/admin/settings").get_data(as_text=True)
    assert "Set by SRO_TIMEZONE." in page
    assert save(admin).status_code == 302
    values = in_force(app)
    assert values["timezone"] == "Pacific/Honolulu" and values["school_year_start_month"] == 7


@pytest.mark.parametrize("role", ["officer", "supervisor", "evaluator"])
def test_only_admins_change_the_settings(app, client, admin, role):
    sign_in_as_someone(app, admin, role)
    assert client.get("/admin/settings").status_code == 403
    assert (
        client.post(
            "/admin/settings",
            data={"csrf_token": admin.csrf_token("/"), "timezone": "America/Denver"},
        ).status_code
        == 403
    )
    assert in_force(app)["timezone"] == "America/Chicago"
