"""Nothing typed is lost when a session ends: the form comes back after signing in again,
to its author only, and only for posts from the app's own pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from logger.core.models import KeptForm, ReviewDecision, School
from logger.extensions import db
from tests.factories import (
    PASSWORD,
    Auth,
    arrest_entry,
    form_token,
    make_contact,
    make_school,
    make_user,
    mentoring_entry,
)

COMMENT = "Say which teacher asked for you, and why staff could not handle it."
NARRATIVE = "Talked with two students about the bus line after the last bell."
SAME_SITE = {"Origin": "http://localhost"}  # what a browser sends with a post from our page


@pytest.fixture
def waiting(app):
    """An entry of officer Ruiz waiting for Park; Diaz supervises another team."""
    with app.app_context():
        lincoln = make_school("LHS", "Lincoln High School")
        park = make_user("sgt.park", "supervisor")
        make_user("sgt.diaz", "supervisor")
        ruiz = make_user("ofc.ruiz", schools=[lincoln], supervisor=park)
        make_user("ofc.chen", schools=[lincoln], supervisor=park)
        return str(make_contact(ruiz, mentoring_entry(lincoln.id)).id)


def hidden_fields(client, path: str) -> dict:
    """The security token and the signed author of the form on a page."""
    page = client.get(path).get_data(as_text=True)
    return {name: form_token(page, name) for name in ("csrf_token", "form_owner")}


def post_decision(client, entry_id, fields, headers=SAME_SITE, **typed):
    return client.post(
        f"/review/{entry_id}/decision", headers=headers, data={**fields, "revision": "1", **typed}
    )


def sign_in_and_follow(client, response, username="sgt.park"):
    """From the redirect to the sign-in page, sign in and follow `next`."""
    assert response.status_code == 302 and "/login?next=" in response.location
    login_page = client.get(response.location).get_data(as_text=True)
    assert "what you typed is kept" in login_page
    token = form_token(login_page)
    signed_in = client.post(
        response.location, data={"csrf_token": token, "username": username, "password": PASSWORD}
    )
    return client.get(signed_in.location)


def kept_rows(app) -> list[KeptForm]:
    with app.app_context():
        return list(db.session.scalars(db.select(KeptForm)))


def test_a_decision_typed_when_the_session_timed_out_comes_back_after_signing_in(
    app, client, waiting
):
    Auth(client).login("sgt.park")
    fields = hidden_fields(client, f"/review/{waiting}")
    client.delete_cookie("session")  # the 12-hour session ran out while the page was open
    response = post_decision(client, waiting, fields, decision="return", comment=COMMENT)
    page = sign_in_and_follow(client, response)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and page.request.path == f"/review/{waiting}"
    assert COMMENT in text and 'value="return" checked' in text
    assert "Your session had ended before this was saved" in text

    again = client.get(f"/review/{waiting}").get_data(as_text=True)
    assert COMMENT not in again  # shown once, then forgotten
    assert kept_rows(app) == []
    assert (
        post_decision(
            client,
            waiting,
            hidden_fields(client, f"/review/{waiting}"),
            decision="return",
            comment=COMMENT,
        ).status_code
        == 302
    )
    with app.app_context():
        assert db.session.scalar(db.select(ReviewDecision)).comment == COMMENT


def test_a_form_kept_on_a_shared_computer_goes_to_its_author_only(app, client, waiting):
    Auth(client).login("sgt.park")
    fields = hidden_fields(client, f"/review/{waiting}")
    client.delete_cookie("session")  # Park's session ran out; the cookie no longer says who
    response = post_decision(client, waiting, fields, decision="approve", comment=COMMENT)

    someone_else = sign_in_and_follow(client, response, username="sgt.diaz")
    assert COMMENT not in someone_else.get_data(as_text=True)
    assert client.get(f"/review/{waiting}").status_code == 404  # not his officer's entry
    with app.app_context():
        assert len(kept_rows(app)) == 1  # not handed to Diaz, not deleted by his visit


def test_a_decision_typed_after_signing_out_elsewhere_comes_back(app, client, waiting):
    Auth(client).login("sgt.park")
    fields = hidden_fields(client, f"/review/{waiting}")
    elsewhere = app.test_client()
    Auth(elsewhere).login("sgt.park")
    Auth(elsewhere).logout()  # signing out ends the account's sessions everywhere
    response = post_decision(client, waiting, fields, decision="approve", comment=COMMENT)
    text = sign_in_and_follow(client, response).get_data(as_text=True)
    assert COMMENT in text and 'value="approve" checked' in text


def test_when_the_entry_changed_meanwhile_the_supervisor_reads_it_again_first(app, client, waiting):
    Auth(client).login("sgt.park")
    fields = hidden_fields(client, f"/review/{waiting}")
    client.delete_cookie("session")
    response = post_decision(client, waiting, fields, decision="approve", comment=COMMENT)
    officer = app.test_client()
    Auth(officer).login("ofc.ruiz")
    token = officer.get("/api/v1/session").get_json()["csrf_token"]
    with app.app_context():
        school_id = db.session.scalar(db.select(School.id))
    officer.post(
        "/api/v1/sync",
        headers={"X-CSRFToken": token},
        json={
            "entries": [
                {
                    "id": waiting,
                    "base_revision": 1,
                    "contact": mentoring_entry(school_id, students_involved=2),
                }
            ]
        },
    )
    text = sign_in_and_follow(client, response).get_data(as_text=True)
    assert "This entry changed while you were signed out (it is now revision 2" in text
    assert COMMENT in text and 'value="approve" checked' not in text
    assert 'name="revision" value="2"' in text


def test_kept_forms_never_outlive_a_day(app, client, waiting):
    Auth(client).login("sgt.park")
    fields = hidden_fields(client, f"/review/{waiting}")
    client.delete_cookie("session")
    response = post_decision(client, waiting, fields, decision="return", comment=COMMENT)
    with app.app_context():
        kept = db.session.scalar(db.select(KeptForm))
        kept.kept_at -= timedelta(hours=25)
        db.session.commit()
    assert COMMENT not in sign_in_and_follow(client, response).get_data(as_text=True)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "cross-site", **SAME_SITE},
        {"Referer": "http://localhost.evil.example/x"},
    ],
)
def test_a_post_from_another_site_keeps_nothing_and_signs_no_one_out(app, client, waiting, headers):
    Auth(client).login("sgt.park")
    fields = hidden_fields(client, f"/review/{waiting}")
    client.delete_cookie("session")  # a cross-site post arrives without the Lax cookie
    response = post_decision(
        client,
        waiting,
        fields,
        headers=headers,
        decision="approve",
        comment="Planted by someone else.",
    )
    assert response.status_code == 400
    assert kept_rows(app) == []
    assert "session" not in {cookie.key for cookie in client._cookies.values()}


@pytest.mark.parametrize("owner", ["", "forged", "eyJ1c2VyIjoxfQ"])
def test_a_form_without_a_signed_author_is_not_kept(app, client, waiting, owner):
    Auth(client).login("sgt.park")
    fields = {**hidden_fields(client, f"/review/{waiting}"), "form_owner": owner}
    client.delete_cookie("session")
    response = post_decision(client, waiting, fields, decision="approve", comment=COMMENT)
    assert response.status_code == 400 and kept_rows(app) == []


def test_text_the_app_would_refuse_is_not_kept(app, client, waiting):
    Auth(client).login("sgt.park")
    fields = hidden_fields(client, f"/review/{waiting}")
    client.delete_cookie("session")
    post_decision(client, waiting, fields, decision="approve", comment="x\x00y")
    [kept] = kept_rows(app)
    assert sorted(name for name, _ in kept.fields) == ["decision", "revision"]


def test_json_clients_still_get_401_not_a_redirect(app, client, waiting):
    response = client.post(
        f"/review/{waiting}/decision",
        data={"decision": "approve"},
        headers={"Accept": "application/json", **SAME_SITE},
    )
    assert response.status_code == 401 and response.is_json


def test_a_refused_token_while_signed_in_shows_the_decision_again(app, client, waiting):
    Auth(client).login("sgt.park")
    response = post_decision(
        client, waiting, {"csrf_token": "stale"}, decision="return", comment=COMMENT
    )
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert COMMENT in text and 'value="return" checked' in text


def contact_form(school_id, fields):
    return {
        **fields,
        "entry_id": "",
        "occurred_at": "2026-11-30T10:00",
        "school_id": str(school_id),
        "location": "hallway",
        "initiated_by": "student",
        "classification": "mentoring",
        "mentoring_type": "mentoring",
        "students_involved": "1",
        "actions": "none",
        "narrative": NARRATIVE,
    }


def entry_posted_after_the_session_ended(client):
    """Ruiz types a mentoring entry on the no-script form; the session ends before Save."""
    Auth(client).login("ofc.ruiz")
    fields = hidden_fields(client, "/entries/new")
    client.delete_cookie("session")
    return client.post("/entries/new", data=contact_form(1, fields), headers=SAME_SITE)


def test_an_entry_typed_without_script_survives_the_session_ending(app, client, waiting):
    response = entry_posted_after_the_session_ended(client)
    page = sign_in_and_follow(client, response, username="ofc.ruiz")
    text = page.get_data(as_text=True)
    assert page.request.path == "/entries/new"
    assert NARRATIVE in text and "Your session had ended before this was saved" in text
    assert re.search(r'<input checked[^>]* value="mentoring"', text)  # the chips as tapped


def test_another_officer_on_the_same_phone_never_gets_the_entry(app, client, waiting):
    response = entry_posted_after_the_session_ended(client)
    page = sign_in_and_follow(client, response, username="ofc.chen")
    assert NARRATIVE not in page.get_data(as_text=True)


def test_a_fix_typed_without_script_survives_the_session_ending(app, client, waiting):
    Auth(client).login("ofc.ruiz")
    fields = hidden_fields(client, f"/entries/{waiting}/edit")
    elsewhere = app.test_client()
    Auth(elsewhere).login("ofc.ruiz")
    Auth(elsewhere).logout()
    data = {**contact_form(1, fields), "base_revision": "1", "entry_id": waiting}
    response = client.post(f"/entries/{waiting}/edit", data=data, headers=SAME_SITE)
    page = sign_in_and_follow(client, response, username="ofc.ruiz")
    assert page.request.path == f"/entries/{waiting}/edit"
    assert NARRATIVE in page.get_data(as_text=True)


def test_a_refused_token_while_signed_in_shows_the_fix_again_with_everything_typed(
    app, client, waiting
):
    Auth(client).login("ofc.ruiz")
    data = {**contact_form(1, {"csrf_token": "forged"}), "base_revision": "1", "entry_id": waiting}
    response = client.post(f"/entries/{waiting}/edit", data=data)
    assert response.status_code == 400
    assert NARRATIVE in response.get_data(as_text=True)


def test_an_arrest_typed_without_script_keeps_every_field(app, client, waiting):
    Auth(client).login("ofc.ruiz")
    fields = hidden_fields(client, "/entries/new")
    client.delete_cookie("session")
    basis = arrest_entry(1)["justification"]["basis"]
    data = {
        **contact_form(1, fields),
        "classification": "criminal",
        "offense_category": "weapons",
        "actions": "arrest",
        "justification-basis": basis,
    }
    response = client.post("/entries/new", data=data, headers=SAME_SITE)
    text = sign_in_and_follow(client, response, username="ofc.ruiz").get_data(as_text=True)
    assert basis.replace("'", "&#39;") in text and '<option selected value="weapons">' in text
