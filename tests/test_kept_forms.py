"""Nothing typed is lost when a session ends: the form comes back after signing in again."""

from __future__ import annotations

import re

import pytest

from logger.extensions import db
from logger.models import KeptForm, ReviewDecision
from tests.conftest import PASSWORD, Auth, make_contact, make_school, make_user, mentoring_entry

COMMENT = "Say which teacher asked for you, and why staff could not handle it."


@pytest.fixture
def waiting(app):
    """An entry of officer Ruiz waiting for Park; Diaz supervises another team."""
    with app.app_context():
        lincoln = make_school("LHS", "Lincoln High School")
        park = make_user("sgt.park", "supervisor")
        make_user("sgt.diaz", "supervisor")
        ruiz = make_user("ofc.ruiz", schools=[lincoln], supervisor=park)
        return str(make_contact(ruiz, mentoring_entry(lincoln.id)).id)


def token_on(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]* value="([^"]+)"', page).group(1)


def post_decision(client, entry_id, token, **typed):
    return client.post(f"/review/{entry_id}/decision", data={
        "csrf_token": token, "revision": "1", **typed})


def sign_in_and_follow(client, response, username="sgt.park"):
    """From the redirect to the sign-in page, sign in and follow `next`."""
    assert response.status_code == 302 and "/login?next=" in response.location
    login_page = client.get(response.location).get_data(as_text=True)
    assert "what you typed is kept" in login_page
    token = re.search(r'name="csrf_token"[^>]* value="([^"]+)"', login_page).group(1)
    signed_in = client.post(response.location, data={
        "csrf_token": token, "username": username, "password": PASSWORD})
    return client.get(signed_in.location)


def test_a_decision_typed_when_the_session_timed_out_comes_back_after_signing_in(
        app, client, waiting):
    Auth(client).login("sgt.park")
    token = token_on(client, f"/review/{waiting}")
    client.delete_cookie("session")  # the 12-hour session ran out while the page was open
    response = post_decision(client, waiting, token, decision="return", comment=COMMENT)
    page = sign_in_and_follow(client, response)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and page.request.path == f"/review/{waiting}"
    assert COMMENT in text and 'value="return" checked' in text
    assert "Your session had ended before this was saved" in text

    again = client.get(f"/review/{waiting}").get_data(as_text=True)
    assert COMMENT not in again  # shown once, then forgotten
    with app.app_context():
        assert db.session.scalar(db.select(KeptForm)) is None
    assert post_decision(client, waiting, token_on(client, f"/review/{waiting}"),
                         decision="return", comment=COMMENT).status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(ReviewDecision)).comment == COMMENT


def test_a_decision_typed_after_signing_out_elsewhere_comes_back_only_to_its_author(
        app, client, waiting):
    Auth(client).login("sgt.park")
    token = token_on(client, f"/review/{waiting}")
    elsewhere = app.test_client()
    Auth(elsewhere).login("sgt.park")
    Auth(elsewhere).logout()  # signing out ends the account's sessions everywhere
    response = post_decision(client, waiting, token, decision="approve", comment=COMMENT)
    assert response.status_code == 302

    someone_else = sign_in_and_follow(client, response, username="sgt.diaz")
    assert COMMENT not in someone_else.get_data(as_text=True)
    client.post("/logout", data={"csrf_token": token_on(client, "/")})
    Auth(client).login("sgt.park")
    text = client.get(f"/review/{waiting}").get_data(as_text=True)
    assert COMMENT in text and 'value="approve" checked' in text


def test_kept_forms_never_outlive_a_day(app, client, waiting):
    from datetime import timedelta

    Auth(client).login("sgt.park")
    token = token_on(client, f"/review/{waiting}")
    client.delete_cookie("session")
    response = post_decision(client, waiting, token, decision="return", comment=COMMENT)
    with app.app_context():
        kept = db.session.scalar(db.select(KeptForm))
        kept.kept_at -= timedelta(hours=25)
        db.session.commit()
    assert COMMENT not in sign_in_and_follow(client, response).get_data(as_text=True)


def test_a_forged_post_without_a_session_keeps_nothing_worth_stealing(app, client, waiting):
    response = client.post(f"/review/{waiting}/decision", data={
        "csrf_token": "forged", "decision": "approve", "comment": "x\x00y", "revision": "1"})
    assert response.status_code == 302
    with app.app_context():
        kept = db.session.scalar(db.select(KeptForm))
        assert kept.user_id is None
        assert [name for name, _ in kept.fields] == ["decision", "revision"]  # no bad text


def test_json_clients_still_get_401_not_a_redirect(app, client, waiting):
    response = client.post(f"/review/{waiting}/decision", data={"decision": "approve"},
                           headers={"Accept": "application/json"})
    assert response.status_code in (400, 401) and response.is_json


NARRATIVE = "Talked with two students about the bus line after the last bell."


def contact_form(school_id, token):
    return {"csrf_token": token, "entry_id": "", "occurred_at": "2026-11-30T10:00",
            "school_id": str(school_id), "location": "hallway", "initiated_by": "student",
            "classification": "mentoring", "mentoring_type": "mentoring",
            "students_involved": "1", "actions": "none", "narrative": NARRATIVE}


def test_an_entry_typed_without_script_survives_the_session_ending(app, client, waiting):
    Auth(client).login("ofc.ruiz")
    token = token_on(client, "/entries/new")
    client.delete_cookie("session")
    response = client.post("/entries/new", data=contact_form(1, token))
    page = sign_in_and_follow(client, response, username="ofc.ruiz")
    text = page.get_data(as_text=True)
    assert page.request.path == "/entries/new"
    assert NARRATIVE in text and "Your session had ended before this was saved" in text
    assert re.search(r'<input checked[^>]* value="mentoring"', text)  # the chips as tapped


def test_a_fix_typed_without_script_survives_the_session_ending(app, client, waiting):
    Auth(client).login("ofc.ruiz")
    page = client.get(f"/entries/{waiting}/edit").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]* value="([^"]+)"', page).group(1)
    elsewhere = app.test_client()
    Auth(elsewhere).login("ofc.ruiz")
    Auth(elsewhere).logout()
    data = {**contact_form(1, token), "base_revision": "1", "entry_id": waiting}
    response = client.post(f"/entries/{waiting}/edit", data=data)
    page = sign_in_and_follow(client, response, username="ofc.ruiz")
    assert page.request.path == f"/entries/{waiting}/edit"
    assert NARRATIVE in page.get_data(as_text=True)


def test_a_refused_token_while_signed_in_shows_the_fix_again_with_everything_typed(
        app, client, waiting):
    Auth(client).login("ofc.ruiz")
    data = {**contact_form(1, "forged"), "base_revision": "1", "entry_id": waiting}
    response = client.post(f"/entries/{waiting}/edit", data=data)
    assert response.status_code == 400
    assert NARRATIVE in response.get_data(as_text=True)
