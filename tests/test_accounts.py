"""Accounts in the browser (issue 10, item 1): an admin opens, changes, deactivates and
reactivates accounts; each person chooses their own password through a one-time link."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from logger.core import clock
from logger.core.models import AuditEvent, Contact, Mou, ReviewDecision, User
from logger.extensions import db
from logger.review import workflow
from tests.factories import Auth, form_token, make_contact, make_school, make_user, mentoring_entry

NEW_PASSWORD = "maple lantern orbit 42"


@pytest.fixture
def office(app):
    """Lincoln High School, an admin, a supervisor, and officer Ruiz with one entry."""
    with app.app_context():
        lincoln = make_school("LHS", "Lincoln High School")
        make_user("admin.lee", role="admin")
        park = make_user("sgt.park", role="supervisor")
        ruiz = make_user("ofc.ruiz", schools=[lincoln], supervisor=park)
        make_contact(ruiz, mentoring_entry(lincoln.id))
        return {"lincoln": lincoln.id, "ruiz": ruiz.id, "park": park.id}


def signed_in(app, username: str) -> Auth:
    auth = Auth(app.test_client())
    assert auth.login(username).status_code == 302
    return auth


def post(auth: Auth, path: str, data: dict, page: str | None = None):
    token = auth.csrf_token(page or path)
    return auth.client.post(path, data={**data, "csrf_token": token})


def open_account(admin: Auth, **form) -> str:
    """Open an account through the form; returns the setup link's path."""
    response = post(admin, "/admin/accounts/new", form)
    assert response.status_code == 200, response.get_data(as_text=True)
    return setup_path(response.get_data(as_text=True))


def setup_path(page: str) -> str:
    return re.search(r'value="https?://[^/"]+(/setup/[^"]+)"', page).group(1)


def choose_password(app, path: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    client = app.test_client()
    page = client.get(path)
    if page.status_code != 200:  # the link no longer opens the form
        return page
    return client.post(
        path,
        data={
            "csrf_token": form_token(page.get_data(as_text=True)),
            "password": password,
            "confirm": password if confirm is None else confirm,
        },
    )


def user(app, username: str) -> User:
    with app.app_context():
        found = db.session.scalar(select(User).filter_by(username=username))
        if found is not None:
            db.session.expunge(found)
        return found


def actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def can_sign_in(app, username: str, password: str) -> bool:
    return Auth(app.test_client()).login(username, password).status_code == 302


@pytest.mark.parametrize("role", ["officer", "supervisor", "evaluator"])
def test_only_admins_reach_the_account_pages(app, office, role):
    username = {"officer": "ofc.ruiz", "supervisor": "sgt.park"}.get(role, "eval.ode")
    if role == "evaluator":
        with app.app_context():
            make_user("eval.ode", role="evaluator")
    someone = signed_in(app, username)
    for path in ("/admin/accounts", "/admin/accounts/new", f"/admin/accounts/{office['ruiz']}"):
        assert someone.client.get(path).status_code == 403, path
    for path in (
        "/admin/accounts/new",
        f"/admin/accounts/{office['ruiz']}",
        f"/admin/accounts/{office['ruiz']}/active",
        f"/admin/accounts/{office['ruiz']}/setup-link",
    ):
        response = post(someone, path, {"username": "x.y", "role": "admin", "active": "no"}, "/")
        assert response.status_code == 403, path
    assert user(app, "ofc.ruiz").active and user(app, "x.y") is None


def test_an_admin_opens_an_account_and_only_its_owner_chooses_the_password(app, office):
    admin = signed_in(app, "admin.lee")
    path = open_account(
        admin, username=" Ofc.Diaz ", role="officer", school="LHS", supervisor="sgt.park"
    )
    diaz = user(app, "ofc.diaz")
    assert diaz.role == "officer" and diaz.supervisor_id == office["park"]
    with app.app_context():
        assert [school.code for school in db.session.get(User, diaz.id).schools] == ["LHS"]
    assert actions(app)[-2:] == ["account.created", "account.setup_link"]
    page = admin.client.get(f"/admin/accounts/{diaz.id}").get_data(as_text=True)
    assert "has not been used yet" in page and path not in page  # the link itself: shown once

    assert choose_password(app, path).status_code == 302
    assert can_sign_in(app, "ofc.diaz", NEW_PASSWORD)
    assert choose_password(app, path).status_code == 410  # it works once
    assert "already used" in app.test_client().get(path).get_data(as_text=True)
    assert actions(app)[-1] == "auth.sign_in" and "account.password_set" in actions(app)


@pytest.mark.parametrize(
    "form, message",
    [
        ({"username": "ofc.ruiz", "role": "officer"}, "a user named ofc.ruiz already exists"),
        ({"username": "Ruiz Maria", "role": "officer"}, "a user name is 2 to 64 lower-case"),
        ({"username": "ofc.\x07bell", "role": "officer"}, "control character"),
        ({"username": "ofc.new", "role": "chief"}, "unknown role"),
        ({"username": "   ", "role": "officer"}, "a user name is 2 to 64 lower-case"),
        (
            {"username": "ofc.new", "role": "officer", "supervisor": "ofc.ruiz"},
            "no supervisor named",
        ),
        ({"username": "ofc.new", "role": "officer", "school": "XYZ"}, "unknown school"),
    ],
)
def test_a_bad_new_account_is_refused_with_a_reason_and_nothing_is_created(
    app, office, form, message
):
    admin = signed_in(app, "admin.lee")
    with app.app_context():
        before = db.session.scalar(select(func.count(User.id)))
    response = post(admin, "/admin/accounts/new", form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message.lower() in page.lower()
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == before
    if "\x07" not in form["username"]:
        assert f'value="{form["username"]}"' in page  # what was typed stays


@pytest.mark.parametrize(
    "password, confirm, message",
    [
        ("short pass", None, "at least 12 characters"),
        ("ofc.diaz-is-me-2026", None, "must not contain the user name"),
        ("passwordpassword", None, "too easy to guess"),
        (NEW_PASSWORD, "maple lantern orbit 43", "The two passwords differ"),
    ],
)
def test_a_weak_or_mistyped_password_is_refused_and_the_link_keeps_working(
    app, office, password, confirm, message
):
    path = open_account(signed_in(app, "admin.lee"), username="ofc.diaz", role="officer")
    response = choose_password(app, path, password, confirm)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert not can_sign_in(app, "ofc.diaz", password)
    assert choose_password(app, path).status_code == 302


def test_a_setup_link_stops_working_after_72_hours(app, office, monkeypatch):
    path = open_account(signed_in(app, "admin.lee"), username="ofc.diaz", role="officer")
    issued = clock.utcnow()
    monkeypatch.setattr(clock, "utcnow", lambda: issued + timedelta(hours=72, minutes=1))
    assert choose_password(app, path).status_code == 410
    for made_up in ("/setup/x", "/setup/" + "a" * 43, "/setup/" + "é" * 60):
        assert app.test_client().get(made_up).status_code == 410


def test_a_reset_link_voids_the_older_one_and_ends_the_owners_sessions(app, office):
    admin = signed_in(app, "admin.lee")
    ruiz = signed_in(app, "ofc.ruiz")
    first = setup_path(
        post(
            admin,
            f"/admin/accounts/{office['ruiz']}/setup-link",
            {},
            f"/admin/accounts/{office['ruiz']}",
        ).get_data(as_text=True)
    )
    second = setup_path(
        post(
            admin,
            f"/admin/accounts/{office['ruiz']}/setup-link",
            {},
            f"/admin/accounts/{office['ruiz']}",
        ).get_data(as_text=True)
    )
    assert choose_password(app, first).status_code == 410
    assert ruiz.client.get("/entries").status_code == 200  # nothing changed yet
    assert choose_password(app, second).status_code == 302
    assert ruiz.client.get("/entries").status_code == 302  # signed out by the new password
    assert can_sign_in(app, "ofc.ruiz", NEW_PASSWORD)


def test_deactivating_ends_the_sessions_at_once_and_keeps_the_entries(app, office):
    admin = signed_in(app, "admin.lee")
    ruiz = signed_in(app, "ofc.ruiz")
    page = f"/admin/accounts/{office['ruiz']}"
    assert post(admin, f"{page}/active", {"active": "no"}, page).status_code == 302
    assert ruiz.client.get("/entries").status_code == 302
    assert not can_sign_in(app, "ofc.ruiz", "correct horse battery")
    with app.app_context():
        assert db.session.scalar(select(func.count(Contact.id))) == 1
    assert "Make a new setup link" in admin.client.get(page).get_data(as_text=True)
    assert post(admin, f"{page}/setup-link", {}, page).status_code == 422  # reactivate first
    assert post(admin, f"{page}/active", {"active": "yes"}, page).status_code == 302
    assert can_sign_in(app, "ofc.ruiz", "correct horse battery")
    assert actions(app).count("account.deactivated") == actions(app).count("account.reactivated")
    assert post(admin, f"{page}/active", {"active": "maybe"}, page).status_code == 400


def test_the_last_active_admin_stays_an_active_admin(app, office):
    admin = signed_in(app, "admin.lee")
    lee = user(app, "admin.lee").id
    page = f"/admin/accounts/{lee}"
    refused = post(admin, f"{page}/active", {"active": "no"}, page)
    assert refused.status_code == 422 and "last active admin" in refused.get_data(as_text=True)
    refused = post(admin, page, {"role": "evaluator"})
    assert refused.status_code == 422 and "last active admin" in refused.get_data(as_text=True)
    assert user(app, "admin.lee").role == "admin" and user(app, "admin.lee").active
    with app.app_context():
        make_user("admin.kim", role="admin")
    assert post(admin, page, {"role": "evaluator"}).status_code == 302
    assert user(app, "admin.lee").role == "evaluator"


def test_role_and_supervisor_changes_are_checked_and_audited(app, office):
    admin = signed_in(app, "admin.lee")
    park_page = f"/admin/accounts/{office['park']}"
    refused = post(admin, park_page, {"role": "officer", "supervisor": "sgt.park"})
    assert refused.status_code == 422
    assert "supervises 1 officer" in refused.get_data(as_text=True)  # Ruiz needs another first
    with app.app_context():
        make_user("sgt.chen", role="supervisor")
    ruiz_page = f"/admin/accounts/{office['ruiz']}"
    assert post(admin, ruiz_page, {"role": "officer", "supervisor": "sgt.chen"}).status_code == 302
    assert user(app, "ofc.ruiz").supervisor_id == user(app, "sgt.chen").id
    refused = post(admin, park_page, {"role": "officer", "supervisor": "sgt.park"})
    assert "cannot supervise themselves" in refused.get_data(as_text=True)
    with app.app_context():
        changed = db.session.scalar(select(AuditEvent).filter_by(action="account.changed"))
        assert changed.detail == {"user": "ofc.ruiz", "supervisor": ["sgt.park", "sgt.chen"]}
    assert admin.client.get("/admin/accounts/999999").status_code == 404


def test_the_list_narrows_by_role_school_and_status(app, office):
    admin = signed_in(app, "admin.lee")
    with app.app_context():
        make_user("ofc.gone", active=False)

    def listed(query: str) -> set[str]:
        page = admin.client.get(f"/admin/accounts?{query}").get_data(as_text=True)
        return set(re.findall(r'/admin/accounts/\d+">([^<]+)</a>', page))

    assert listed("") == {"admin.lee", "sgt.park", "ofc.ruiz", "ofc.gone"}
    assert listed("role=officer") == {"ofc.ruiz", "ofc.gone"}
    assert listed(f"school_id={office['lincoln']}") == {"ofc.ruiz"}
    assert listed("active=no") == {"ofc.gone"}
    assert listed("role=chief&school_id=abc&active=perhaps") == listed("")


def test_changing_your_own_password_ends_your_other_sessions_only(app, office):
    desk, phone = signed_in(app, "sgt.park"), signed_in(app, "sgt.park")
    wrong = post(
        desk,
        "/account/password",
        {"current": "guess", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert wrong.status_code == 422 and "not your current password" in wrong.get_data(as_text=True)
    changed = post(
        desk,
        "/account/password",
        {"current": "correct horse battery", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert changed.status_code == 302
    assert desk.client.get("/review").status_code == 200
    assert phone.client.get("/review").status_code == 302
    assert can_sign_in(app, "sgt.park", NEW_PASSWORD)
    assert "account.password_changed" in actions(app)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=st.text(alphabet=st.characters(codec=None, exclude_categories=("Cs",)), max_size=70))
def test_any_typed_user_name_opens_an_account_or_says_why(app, office, name):
    admin = signed_in(app, "admin.lee")
    response = post(admin, "/admin/accounts/new", {"username": name, "role": "evaluator"})
    assert response.status_code in (200, 422)
    with app.app_context():
        made = db.session.scalar(select(User).where(User.role == "evaluator"))
        assert (made is not None) == (response.status_code == 200)
        if made is not None:
            assert made.username == name.strip().lower()
            db.session.execute(db.text("DELETE FROM audit_events"))
            db.session.execute(db.text("DELETE FROM setup_links"))
            db.session.delete(made)
            db.session.commit()


def test_a_new_supervisor_gets_the_waiting_entries_and_the_history_keeps_both(app, office):
    with app.app_context():
        make_user("sgt.chen", role="supervisor")
        ruiz = db.session.get(User, office["ruiz"])
        decided = make_contact(ruiz, mentoring_entry(office["lincoln"]))
        workflow.decide(
            db.session.get(User, office["park"]),
            decided.id,
            1,
            "return",
            "Add the time.",
            decided_at=clock.utcnow(),
            client_addr=None,
        )
        db.session.commit()
    admin = signed_in(app, "admin.lee")
    page = f"/admin/accounts/{office['ruiz']}"
    assert post(admin, page, {"role": "officer", "supervisor": "sgt.park"}).status_code == 302
    assert post(admin, page, {"role": "officer", "supervisor": "sgt.chen"}).status_code == 302
    park, chen_desk = signed_in(app, "sgt.park"), signed_in(app, "sgt.chen")
    assert "ofc.ruiz" not in park.client.get("/review").get_data(as_text=True)
    assert "1 entry waits" in chen_desk.client.get("/review").get_data(as_text=True)
    with app.app_context():
        [decision] = db.session.scalars(select(ReviewDecision)).all()
        assert decision.reviewer.username == "sgt.park"  # made by Park, stays Park's
        history = [
            (s.supervisor.username, s.ended_at is None)
            for s in db.session.get(User, office["ruiz"]).supervisions
        ]
        assert history == [("sgt.park", False), ("sgt.chen", True)]
    shown = admin.client.get(page).get_data(as_text=True)
    assert "Supervised by: sgt.park from" in shown and "; sgt.chen from" in shown


def home_text(admin: Auth) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", admin.client.get("/").get_data(as_text=True)).split())


def test_the_admin_home_page_says_what_needs_attention(app, office):
    admin = signed_in(app, "admin.lee")
    text = home_text(admin)
    assert "Entries waiting longest for review : ofc.ruiz's, 0 min (for sgt.park)." in text
    with app.app_context():
        make_school("AMS", "Adams Middle", "middle")
        make_user("ofc.new")  # no supervisor, no school
    open_account(admin, username="ofc.diaz", role="officer", school="LHS", supervisor="sgt.park")
    for _ in range(5):  # from one address: that address is locked out of the account
        Auth(app.test_client()).login("ofc.ruiz", "a wrong guess")
    text = home_text(admin)
    assert "1 officer has no supervisor , so no one reviews their entries: ofc.new ." in text
    # Diaz was given Lincoln when the account was opened
    assert "1 officer is assigned to no school today and cannot log contacts: ofc.new ." in text
    assert "1 school has no officer assigned : Adams Middle ." in text
    assert "1 setup link has not been used yet : ofc.diaz (until" in text
    assert "1 sign-in name is locked after repeated failures" in text
    assert "ofc.ruiz (5 failures)" in text


def test_a_district_in_order_needs_nothing(app):
    with app.app_context():
        lincoln = make_school("LHS", "Lincoln High School")
        make_user("admin.lee", role="admin")
        make_user("ofc.ruiz", schools=[lincoln], supervisor=make_user("sgt.park", "supervisor"))
        today = clock.today()  # and an MOU in force for a while yet (issue 13)
        db.session.add(
            Mou(
                parties="District\nPolice",
                signed_on=today,
                effective_on=today,
                expires_on=today + timedelta(days=365),
            )
        )
        db.session.commit()
    assert (
        "Needs attention Nothing: every active officer has a supervisor and a school"
        in home_text(signed_in(app, "admin.lee"))
    )


def test_the_setup_link_is_mailed_when_the_server_sends_mail(app, office, mail_server):
    admin = signed_in(app, "admin.lee")
    response = post(
        admin,
        "/admin/accounts/new",
        {"username": "ofc.diaz", "role": "officer", "email": " diaz@district.org "},
    )
    page = response.get_data(as_text=True)
    assert "The link was also sent to diaz@district.org." in page
    [message] = mail_server.messages
    assert message["To"] == "diaz@district.org" and message["From"] == "sro@district.org"
    assert setup_path(page) in message.get_payload(decode=True).decode()
    assert choose_password(app, setup_path(page)).status_code == 302


def test_a_mail_server_that_cannot_be_reached_is_said_and_the_link_still_shown(
    app, office, monkeypatch
):
    monkeypatch.setitem(app.config, "SRO_SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SRO_SMTP_PORT", 9)  # discard: nothing listens
    admin = signed_in(app, "admin.lee")
    page = post(
        admin,
        "/admin/accounts/new",
        {"username": "ofc.diaz", "role": "officer", "email": "diaz@district.org"},
    ).get_data(as_text=True)
    assert "The e-mail to diaz@district.org was not sent" in page
    assert choose_password(app, setup_path(page)).status_code == 302


@pytest.mark.parametrize("address", ["diaz", "diaz@district", "a b@c.org", "x@y.org\x00"])
def test_a_wrong_e_mail_address_is_refused(app, office, address):
    admin = signed_in(app, "admin.lee")
    response = post(
        admin, "/admin/accounts/new", {"username": "ofc.diaz", "role": "officer", "email": address}
    )
    assert response.status_code == 422 and user(app, "ofc.diaz") is None
