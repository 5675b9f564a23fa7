"""Signing in and out, CSRF, and who may open which page."""

import re

import pytest

from logger.core.models import AuditEvent, User
from logger.extensions import db
from tests.factories import PASSWORD, make_school, make_user

FAILED = "That user name and password do not match an active account."


@pytest.fixture
def officer(app):
    with app.app_context():
        return make_user("ofc.ruiz", schools=[make_school()]).id


def test_officer_signs_in_and_lands_on_my_entries(client, auth, officer):
    response = auth.login("ofc.ruiz")
    assert response.status_code == 302
    assert client.get(response.location).status_code == 302  # / sends officers to My entries
    assert "My entries" in client.get("/entries").get_data(as_text=True)


def test_user_name_is_not_case_sensitive(auth, officer):
    assert auth.login("OFC.Ruiz").status_code == 302


@pytest.mark.parametrize(
    "username, password",
    [
        ("ofc.ruiz", "wrong password!"),
        ("nobody.here", PASSWORD),
    ],
)
def test_failed_sign_in_does_not_say_which_part_was_wrong(auth, officer, username, password):
    response = auth.login(username, password)
    assert response.status_code == 401
    assert FAILED in response.get_data(as_text=True)


def test_failed_sign_in_is_audited(app, auth, officer):
    auth.login("ofc.ruiz", "wrong password!")
    with app.app_context():
        event = db.session.scalars(db.select(AuditEvent)).one()
        assert event.action == "auth.sign_in_failed" and event.actor_id is None
        assert event.client_addr == "127.0.0.1"


def test_deactivated_user_cannot_sign_in(app, auth):
    with app.app_context():
        make_user("ofc.gone", schools=[make_school()], active=False)
    response = auth.login("ofc.gone")
    assert response.status_code == 401
    assert FAILED in response.get_data(as_text=True)


def test_deactivation_ends_an_open_session(app, client, auth, officer):
    auth.login("ofc.ruiz")
    with app.app_context():
        db.session.get(User, officer).active = False
        db.session.commit()
    response = client.get("/entries")
    assert response.status_code == 302 and "/login" in response.location


def test_sign_out_needs_a_post_with_csrf_and_ends_the_session(client, auth, officer):
    auth.login("ofc.ruiz")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no CSRF token
    assert client.get("/entries").status_code == 200
    auth.logout()
    assert client.get("/entries").status_code == 302


@pytest.mark.parametrize("token", [None, "forged-token"])
def test_sign_in_without_a_valid_csrf_token_is_refused(client, officer, token):
    data = {"username": "ofc.ruiz", "password": PASSWORD}
    if token:
        data["csrf_token"] = token
    response = client.post("/login", data=data)
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)
    assert client.get("/entries").status_code == 302  # still signed out


def test_sign_in_returns_to_the_page_asked_for(client, auth, officer):
    data = {"username": "ofc.ruiz", "password": PASSWORD, "csrf_token": auth.csrf_token()}
    assert client.post("/login?next=/entries/new", data=data).location == "/entries/new"


PUBLIC_SUMMARY = ("transparency.summary", "transparency.summary_csv")
PUBLIC_FEEDBACK = ("feedback.give", "feedback.thanks")  # anyone: tests/test_public_feedback.py
API_DESCRIPTION = ("api.openapi_document",)  # describes no data: tests/test_openapi.py


def test_every_page_but_sign_in_requires_signing_in(app, client):
    open_endpoints = {
        "auth.login",
        "auth.setup",
        "static",
        "shell.service_worker",
        "shell.manifest",  # auth.setup: tests/test_accounts.py
        *PUBLIC_SUMMARY,  # open to anyone once published: tests/test_transparency.py
        *PUBLIC_FEEDBACK,
        *API_DESCRIPTION,
    }
    for rule in app.url_map.iter_rules():
        if rule.endpoint in open_endpoints:
            continue
        url = re.sub(
            r"<int:\w+>",
            "1",
            rule.rule.replace("<uuid:entry_id>", "00000000-0000-4000-8000-000000000000"),
        )
        method = next(m for m in ("GET", "POST", "DELETE") if m in rule.methods)
        response = client.open(url, method=method)
        if rule.rule.startswith("/api/"):
            assert response.status_code == 401, rule.rule
        elif method == "GET":
            assert response.status_code == 302 and "/login" in response.location, rule.rule
        else:  # a POST or DELETE without a session has no valid CSRF token either
            assert response.status_code == 400, rule.rule


def test_every_view_declares_its_roles(app):
    """A view without role_required would be open to every signed-in role."""
    exempt = {
        "auth.login",
        "auth.logout",
        "auth.setup",
        "static",
        "shell.service_worker",
        "shell.manifest",
        *PUBLIC_SUMMARY,
        *PUBLIC_FEEDBACK,
        *API_DESCRIPTION,
    }
    for endpoint, view in app.view_functions.items():
        if endpoint not in exempt:
            assert hasattr(view, "allowed_roles"), endpoint


def test_api_answers_json_401_when_signed_out(client):
    response = client.get("/api/v1/session")
    assert response.status_code == 401
    assert response.get_json() == {"error": "login_required", "message": "Please sign in."}


def test_signing_out_kills_the_session_even_in_a_copied_cookie(app, client, auth, officer):
    auth.login("ofc.ruiz")
    copied = app.test_client()
    for cookie in client._cookies.values():
        copied.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    assert copied.get("/entries").status_code == 200
    auth.logout()
    assert copied.get("/entries").status_code == 302


def test_a_blank_password_is_told_not_silently_refused(client, auth, officer):
    response = client.post(
        "/login", data={"username": "ofc.ruiz", "password": "", "csrf_token": auth.csrf_token()}
    )
    assert response.status_code == 400
    assert 'id="password-error"' in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/x",
        "//evil.example",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "evil.example",
    ],
)
def test_sign_in_never_returns_off_site(client, auth, officer, target):
    data = {"username": "ofc.ruiz", "password": PASSWORD, "csrf_token": auth.csrf_token()}
    response = client.post("/login", query_string={"next": target}, data=data)
    assert response.location == "/"


def test_pages_carry_security_headers_and_signed_in_pages_are_not_stored(client, auth, officer):
    login_page = client.get("/login")
    assert "frame-ancestors 'none'" in login_page.headers["Content-Security-Policy"]
    assert login_page.headers["X-Content-Type-Options"] == "nosniff"
    auth.login("ofc.ruiz")
    assert client.get("/entries").headers["Cache-Control"] == "no-store"


def test_a_nul_character_in_the_user_name_is_a_failed_sign_in_not_an_error(client, auth, officer):
    assert auth.login("ofc.ruiz\x00", PASSWORD).status_code == 401
