"""Schools in the browser (issue 10, item 2): add, rename, change level, retire, bring back;
never delete."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from logger.core.models import AuditEvent, School
from logger.extensions import db
from tests.factories import Auth, make_school, make_user, sign_in_as_someone


@pytest.fixture
def admin(app, client):
    with app.app_context():
        make_user("admin.lee", role="admin")
        lincoln = make_school("LHS", "Lincoln High School")
        make_user("ofc.ruiz", schools=[lincoln])
    auth = Auth(client)
    auth.login("admin.lee")
    return auth


def post(auth: Auth, path: str, data: dict, page: str):
    return auth.client.post(path, data={**data, "csrf_token": auth.csrf_token(page)})


def school(app, code: str) -> School | None:
    with app.app_context():
        found = db.session.scalar(select(School).filter_by(code=code))
        if found is not None:
            db.session.expunge(found)
        return found


def test_an_admin_adds_renames_retires_and_restores_a_school(app, admin):
    added = post(
        admin,
        "/admin/schools/new",
        {"code": " ams ", "name": " Adams Middle ", "level": "middle"},
        "/admin/schools/new",
    )
    assert added.status_code == 302
    adams = school(app, "AMS")
    assert (adams.name, adams.level, adams.retired_at) == ("Adams Middle", "middle", None)
    page = f"/admin/schools/{adams.id}"
    assert (
        post(admin, page, {"name": "Adams Middle School", "level": "middle"}, page).status_code
        == 302
    )
    assert school(app, "AMS").name == "Adams Middle School"
    assert post(admin, f"{page}/retired", {"retired": "yes"}, page).status_code == 302
    assert school(app, "AMS").retired_at is not None
    listing = admin.client.get("/admin/schools").get_data(as_text=True)
    assert "Retired" in listing and "Adams Middle School" in listing
    new_account = admin.client.get("/admin/accounts/new").get_data(as_text=True)
    assert 'value="AMS"' not in new_account and 'value="LHS"' in new_account
    assert post(admin, f"{page}/retired", {"retired": "no"}, page).status_code == 302
    assert school(app, "AMS").retired_at is None
    with app.app_context():
        assert list(
            db.session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.action.like("school.%"))
                .order_by(AuditEvent.id)
            )
        ) == ["school.created", "school.changed", "school.retired", "school.restored"]


def test_no_one_is_assigned_to_a_retired_school(app, admin):
    lincoln = school(app, "LHS")
    page = f"/admin/schools/{lincoln.id}"
    post(admin, f"{page}/retired", {"retired": "yes"}, page)
    refused = post(
        admin,
        "/admin/accounts/new",
        {"username": "ofc.new", "role": "officer", "school": "LHS"},
        "/admin/accounts/new",
    )
    assert refused.status_code == 422
    assert "Lincoln High School is retired" in refused.get_data(as_text=True)
    assert "1" in admin.client.get("/admin/schools").get_data(as_text=True)  # Ruiz stays


@pytest.mark.parametrize(
    "form, message",
    [
        ({"code": "LHS", "name": "Another Lincoln", "level": "high"}, "already exists"),
        ({"code": "", "name": "Nameless code", "level": "high"}, "needs a code and a name"),
        ({"code": "NEW", "name": "   ", "level": "high"}, "needs a code and a name"),
        ({"code": "NEW", "name": "New School", "level": "college"}, "unknown level"),
        ({"code": "X" * 33, "name": "Long", "level": "high"}, "at most 32 characters"),
        ({"code": "NEW", "name": "Bad\x00name", "level": "high"}, "control character"),
    ],
)
def test_a_bad_school_is_refused_with_a_reason_and_nothing_changes(app, admin, form, message):
    response = post(admin, "/admin/schools/new", form, "/admin/schools/new")
    assert response.status_code == 422
    assert message.lower() in response.get_data(as_text=True).lower()
    with app.app_context():
        assert db.session.scalar(select(func.count(School.id))) == 1


def test_a_rename_to_nothing_is_refused_and_the_name_stays(app, admin):
    lincoln = school(app, "LHS")
    page = f"/admin/schools/{lincoln.id}"
    response = post(admin, page, {"name": "", "level": "high"}, page)
    assert response.status_code == 422 and school(app, "LHS").name == "Lincoln High School"
    assert post(admin, f"{page}/retired", {"retired": "later"}, page).status_code == 400
    assert admin.client.get("/admin/schools/999999").status_code == 404


@pytest.mark.parametrize("role", ["officer", "supervisor", "evaluator"])
def test_only_admins_reach_the_school_pages(app, client, admin, role):
    sign_in_as_someone(app, admin, role)
    lincoln = school(app, "LHS")
    for path in ("/admin/schools", "/admin/schools/new", f"/admin/schools/{lincoln.id}"):
        assert client.get(path).status_code == 403, path
    for path in (
        "/admin/schools/new",
        f"/admin/schools/{lincoln.id}",
        f"/admin/schools/{lincoln.id}/retired",
    ):
        response = post(
            admin, path, {"code": "NEW", "name": "New", "level": "high", "retired": "yes"}, "/"
        )
        assert response.status_code == 403, path
    assert school(app, "LHS").retired_at is None and school(app, "NEW") is None
