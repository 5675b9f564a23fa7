"""Public feedback (principle 9): anyone sends it without signing in, no student named, spam and
floods kept out; an admin reads, answers and resolves it; the assessment gets its figures."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from logger.core import clock
from logger.core.clock import SchoolYear
from logger.core.models import (
    ANSWER_WAYS,
    FEEDBACK_CATEGORIES,
    FEEDBACK_STATUSES,
    AuditEvent,
    Feedback,
    FeedbackAnswer,
    FeedbackPost,
    School,
    User,
)
from logger.extensions import db
from logger.public import feedback
from tests.factories import Auth, form_token

CALM = "The officer at the bus loop stayed calm and helped a lost sixth grader find the office."
ADMIN_ROUTES = ("/admin/feedback", "/admin/feedback/{id}")
ADMIN_POSTS = ("/admin/feedback/{id}/answers", "/admin/feedback/{id}/resolved")


def signed_in(app, username: str) -> Auth:
    auth = Auth(app.test_client())
    assert auth.login(username).status_code == 302
    return auth


def old_stamp(app, minutes: float = 1) -> str:
    """A form stamp as if the form had been shown `minutes` ago."""
    with app.app_context():
        return feedback.form_stamp(clock.utcnow() - timedelta(minutes=minutes))


def send(app, client, address: str = "203.0.113.7", **fields):
    """Open the feedback page and send it, as a person would a minute later."""
    page = client.get("/feedback", environ_base={"REMOTE_ADDR": address})
    form = {
        "csrf_token": form_token(page.get_data(as_text=True)),
        "stamp": old_stamp(app),
        "school": "none",
        "category": "praise",
        "text": CALM,
        "reply_to": "",
        **fields,
    }
    return client.post("/feedback", data=form, environ_base={"REMOTE_ADDR": address})


def stored(app) -> list[Feedback]:
    with app.app_context():
        items = db.session.scalars(select(Feedback).order_by(Feedback.id)).all()
        db.session.expunge_all()
        return items


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def make_feedback(app, text: str = CALM, **columns) -> int:
    with app.app_context():
        item = Feedback(
            received_at=columns.pop("received_at", clock.utcnow()),
            text=text,
            category=columns.pop("category", "concern"),
            status="new",
            **columns,
        )
        db.session.add(item)
        db.session.commit()
        return item.id


def page_text(response) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


# Sending


def test_anyone_sends_feedback_without_signing_in(app, district, client):
    response = send(
        app,
        client,
        school=str(district["lincoln"]),
        category="concern",
        reply_to="parent@example.org",
    )
    assert response.status_code == 302 and response.location.endswith("/feedback/thanks")
    assert "your feedback is sent" in page_text(client.get(response.location))
    [item] = stored(app)
    assert (item.school_id, item.category, item.text, item.reply_to, item.status) == (
        district["lincoln"],
        "concern",
        CALM,
        "parent@example.org",
        "new",
    )
    assert not item.possible_name and item.first_answered_at is None
    with app.app_context():
        [post] = db.session.scalars(select(FeedbackPost)).all()
        assert "203.0.113.7" not in post.address_key and len(post.address_key) == 64
        [event] = db.session.scalars(select(AuditEvent)).all()
        assert (event.action, event.actor_id, event.client_addr) == (
            "feedback.received",
            None,
            None,
        )  # who sent it is not kept
        assert event.detail == {"feedback_id": item.id, "category": "concern", "school": "LHS"}


def test_feedback_about_the_whole_program_and_a_phone_to_reply_to(app, district, client):
    assert send(app, client, reply_to=" (555) 010-2030 ").status_code == 302
    [item] = stored(app)
    assert item.school_id is None and item.reply_to == "(555) 010-2030"


def test_the_page_is_linked_from_sign_in_and_the_public_summary(app, district, client):
    assert 'href="/feedback"' in client.get("/login").get_data(as_text=True)
    admin = signed_in(app, "admin.lee")
    admin.client.post(
        "/public-summary/publishing",
        data={"published": "yes", "csrf_token": admin.csrf_token("/public-summary/publishing")},
    )
    assert 'href="/feedback"' in client.get("/public-summary").get_data(as_text=True)


def test_a_message_that_may_name_a_student_is_held_once_with_a_warning(app, district, client):
    named = "Mr. Alvarez's son Jacob Miller was pushed against the lockers by the officer."
    response = send(app, client, text=named, category="interaction_complaint")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert feedback.NAME_WARNING in unescape(page) and 'name="name_warning" value="seen"' in page
    assert "Send it as it is" in page and named in unescape(page)
    assert stored(app) == []
    assert send(app, client, text=named, name_warning="seen").status_code == 302
    [item] = stored(app)
    assert item.possible_name  # the admin is told the sender was warned


def test_a_message_edited_after_the_warning_is_kept_unmarked(app, district, client):
    assert send(app, client, text="A student, Jacob Miller, was pushed.").status_code == 422
    assert send(app, client, text="A student was pushed.", name_warning="seen").status_code == 302
    assert not stored(app)[0].possible_name


def test_feedback_of_100_kb_is_refused_with_a_message_and_nothing_kept(app, district, client):
    response = send(app, client, text="x" * 100_000)
    assert response.status_code == 422
    assert "Your message can have at most 5,000 characters; this one has 100,000." in page_text(
        response
    )
    assert count(app, Feedback) == count(app, FeedbackPost) == count(app, AuditEvent) == 0


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"text": "   "}, "Write your feedback."),
        ({"text": "Fine\x00then"}, "“Your message” holds an invisible control character"),
        ({"category": "rant"}, "Choose what kind of feedback this is."),
        ({"category": ""}, "Choose what kind of feedback this is."),
        ({"school": ""}, "Choose the school it is about"),
        ({"school": "999999"}, "Choose the school it is about"),
        ({"school": "1 OR 1=1"}, "Choose the school it is about"),
        (
            {"reply_to": "call me"},
            "Give an e-mail address (like name@example.org) or a phone number",
        ),
        ({"reply_to": "12"}, "Give an e-mail address"),
        ({"reply_to": "a@b.org\nBcc: x@y.org"}, "“A way to reply” holds a line break"),
    ],
)
def test_a_wrong_field_is_said_and_nothing_kept(app, district, client, fields, message):
    response = send(app, client, **fields)
    assert response.status_code == 422
    assert message in page_text(response)
    assert count(app, Feedback) == 0


def test_a_retired_school_is_not_offered(app, district, client):
    with app.app_context():
        db.session.get(School, district["adams"]).retired_at = clock.utcnow()
        db.session.commit()
    assert "Adams Middle" not in client.get("/feedback").get_data(as_text=True)
    assert send(app, client, school=str(district["adams"])).status_code == 422


def test_html_and_scripts_are_shown_escaped_to_the_admin(app, district, client):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)> <b>bold</b>'
    assert send(app, client, text=hostile, reply_to="x@example.org").status_code == 302
    admin = signed_in(app, "admin.lee")
    [item] = stored(app)
    for path in ("/admin/feedback", f"/admin/feedback/{item.id}"):
        page = admin.client.get(path).get_data(as_text=True)
        assert "<script>alert" not in page and "<img src=x" not in page and "<b>bold" not in page
        assert "&lt;script&gt;alert(" in page
    assert item.text == hostile  # kept as typed, escaped only where shown


# Spam and floods


def test_a_filled_hidden_field_is_refused_as_automated(app, district, client):
    response = send(app, client, **{feedback.HONEYPOT: "http://spam.example"})
    assert response.status_code == 422 and feedback.AUTOMATED in page_text(response)
    assert count(app, Feedback) == 0


def test_a_form_sent_too_quickly_is_refused_and_the_person_can_send_again(
    app, district, client, monkeypatch
):
    page = client.get("/feedback").get_data(as_text=True)
    form = {
        "csrf_token": form_token(page),
        "stamp": form_token(page, "stamp"),
        "school": "none",
        "category": "praise",
        "text": CALM,
    }
    response = client.post("/feedback", data=form)
    assert response.status_code == 422 and feedback.TOO_QUICK in page_text(response)
    assert CALM in unescape(response.get_data(as_text=True))  # nothing typed is lost
    later = clock.utcnow() + timedelta(seconds=feedback.MIN_SECONDS_TO_FILL + 1)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    again = form_token(response.get_data(as_text=True), "stamp")
    assert client.post("/feedback", data={**form, "stamp": again}).status_code == 302


@pytest.mark.parametrize("stamp", ["", "12345", "forged.stamp", "MTIz.bad"])
def test_a_missing_or_forged_stamp_is_refused(app, district, client, stamp):
    response = send(app, client, stamp=stamp)
    assert response.status_code == 422 and feedback.EXPIRED in page_text(response)
    assert count(app, Feedback) == 0


def test_a_form_open_for_more_than_a_day_is_refused(app, district, client):
    response = send(app, client, stamp=old_stamp(app, minutes=25 * 60))
    assert response.status_code == 422 and feedback.EXPIRED in page_text(response)


def test_feedback_without_the_csrf_token_is_refused(app, district, client):
    response = client.post(
        "/feedback",
        data={"stamp": old_stamp(app), "school": "none", "category": "praise", "text": CALM},
    )
    assert response.status_code == 400 and count(app, Feedback) == 0
    page = page_text(response)  # what was typed comes back, with a token that will do
    assert "security token was missing or had expired" in page and CALM in page
    again = client.post(
        "/feedback",
        data={
            "csrf_token": form_token(response.get_data(as_text=True)),
            "stamp": old_stamp(app),
            "school": "none",
            "category": "praise",
            "text": CALM,
        },
    )
    assert again.status_code == 302 and count(app, Feedback) == 1


def test_feedback_posted_1000_times_from_one_address_keeps_five(app, district, client):
    page = client.get("/feedback", environ_base={"REMOTE_ADDR": "198.51.100.4"})
    form = {
        "csrf_token": form_token(page.get_data(as_text=True)),
        "stamp": old_stamp(app),
        "school": "none",
        "category": "suggestion",
        "text": CALM,
    }
    answers = [
        client.post("/feedback", data=form, environ_base={"REMOTE_ADDR": "198.51.100.4"})
        for _ in range(1000)
    ]
    assert [r.status_code for r in answers] == [302] * 5 + [429] * 995
    refused = answers[-1]
    assert (
        "Too many messages have been sent from your network lately. Please wait 60 minutes"
        in page_text(refused)
    )
    assert 3500 < int(refused.headers["Retry-After"]) <= 3600
    assert CALM in unescape(refused.get_data(as_text=True))  # nothing typed is lost
    assert count(app, Feedback) == count(app, FeedbackPost) == 5
    assert send(app, client, address="192.0.2.10").status_code == 302  # another address
    assert count(app, Feedback) == 6


def test_an_ipv6_household_counts_as_one_address(app):
    with app.app_context():
        assert feedback.address_key("2001:db8:1:2::1") == feedback.address_key("2001:db8:1:2::ff")
        assert feedback.address_key("2001:db8:1:3::1") != feedback.address_key("2001:db8:1:2::1")
        assert feedback.address_key("192.0.2.1") != feedback.address_key("192.0.2.2")


def test_ipv4_senders_on_a_dual_stack_socket_are_each_their_own_address(app):
    """An IPv4 sender reaching a server bound to [::] arrives as ::ffff:a.b.c.d: its /64 would
    put every IPv4 sender in one bucket, and one spammer would close feedback for all."""
    with app.test_request_context():
        assert feedback.address_key("::ffff:192.0.2.1") != feedback.address_key("::ffff:192.0.2.2")
        assert feedback.address_key("::ffff:192.0.2.1") == feedback.address_key("192.0.2.1")


def test_the_limits_are_five_an_hour_and_twenty_a_day():
    now = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
    at = lambda minutes_ago: now - timedelta(minutes=minutes_ago)  # noqa: E731
    assert feedback.seconds_to_wait([at(m) for m in (50, 40, 30, 20)], now) == 0
    # five in the last hour: the oldest of them (50 min ago) leaves the hour in 10 minutes
    assert feedback.seconds_to_wait([at(m) for m in (50, 40, 30, 20, 10)], now) == 600
    # twenty over the day, none in the last hour: the oldest leaves the day in 30 minutes
    day = [at(23 * 60 + 30 - 60 * n) for n in range(20)][::-1]  # 23.5 h ago ... 4.5 h ago
    day.sort()
    assert feedback.seconds_to_wait(day, now) == 30 * 60
    assert feedback.seconds_to_wait(day[1:], now) == 0


# The admin's queue


def answer(admin: Auth, item_id: int, text: str, way: str):
    path = f"/admin/feedback/{item_id}"
    return admin.client.post(
        f"{path}/answers", data={"answer": text, "way": way, "csrf_token": admin.csrf_token(path)}
    )


def resolve(admin: Auth, item_id: int):
    path = f"/admin/feedback/{item_id}"
    return admin.client.post(f"{path}/resolved", data={"csrf_token": admin.csrf_token(path)})


def test_an_admin_answers_and_resolves_with_audit_events_and_response_time(
    app, district, monkeypatch
):
    received = datetime(2026, 10, 5, 14, 0, tzinfo=UTC)
    item_id = make_feedback(app, received_at=received, reply_to="555 010 2030")
    admin = signed_in(app, "admin.lee")
    monkeypatch.setattr(clock, "utcnow", lambda: received + timedelta(hours=5))
    response = answer(
        admin, item_id, "Thank you; the principal and I will call you today.", "phone"
    )
    assert response.status_code == 302
    monkeypatch.setattr(clock, "utcnow", lambda: received + timedelta(days=1))
    assert answer(admin, item_id, "We met with the officer.", "phone").status_code == 302
    assert resolve(admin, item_id).status_code == 302
    [item] = stored(app)
    assert item.status == "resolved"
    assert item.first_answered_at - item.received_at == timedelta(hours=5)
    assert item.resolved_at == received + timedelta(days=1)
    page = page_text(admin.client.get(f"/admin/feedback/{item_id}"))
    assert "5 h after it arrived" in page and "By phone" in page
    assert "Resolved by admin.lee" in page and "Mark resolved" not in page
    with app.app_context():
        events = db.session.execute(
            select(AuditEvent.action, AuditEvent.detail, User.username)
            .join(User, AuditEvent.actor_id == User.id)
            .where(AuditEvent.action.like("feedback.%"))
            .order_by(AuditEvent.id)
        ).all()
    assert [tuple(event) for event in events] == [
        ("feedback.answered", {"feedback_id": item_id, "way": "phone"}, "admin.lee"),
        ("feedback.answered", {"feedback_id": item_id, "way": "phone"}, "admin.lee"),
        ("feedback.resolved", {"feedback_id": item_id, "answered": True}, "admin.lee"),
    ]
    assert resolve(admin, item_id).status_code == 409  # once


def test_praise_can_be_resolved_without_an_answer(app, district):
    item_id = make_feedback(app, category="praise")
    assert resolve(signed_in(app, "admin.lee"), item_id).status_code == 302
    [item] = stored(app)
    assert item.status == "resolved" and item.first_answered_at is None


@pytest.mark.parametrize(
    "text, way, message",
    [
        ("", "phone", "Write the answer before recording it."),
        ("x" * 5001, "phone", "An answer can have at most 5,000 characters; this one has 5,001."),
        ("Called.", "", "Choose how the answer reached the person."),
        ("Called.", "carrier pigeon", "Choose how the answer reached the person."),
        ("Called.", "mailed_here", "Choose how the answer reached the person."),  # no mail server
    ],
)
def test_a_wrong_answer_is_said_and_nothing_kept(app, district, text, way, message):
    item_id = make_feedback(app, reply_to="parent@example.org")
    response = answer(signed_in(app, "admin.lee"), item_id, text, way)
    assert response.status_code == 422 and message in page_text(response)
    assert count(app, FeedbackAnswer) == 0 and stored(app)[0].status == "new"


def test_an_answer_is_mailed_to_the_address_given(app, district, mail_server):
    item_id = make_feedback(app, reply_to="parent@example.org")
    admin = signed_in(app, "admin.lee")
    assert "E-mailed from SRO Field Log" in admin.client.get(f"/admin/feedback/{item_id}").text
    assert answer(admin, item_id, "We looked into it.", "mailed_here").status_code == 302
    [message] = mail_server.messages
    assert message["To"] == "parent@example.org"
    assert "We looked into it." in message.get_payload(decode=True).decode()


def test_an_answer_the_mail_server_refuses_is_not_kept(app, district, monkeypatch):
    monkeypatch.setitem(app.config, "SRO_SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SRO_SMTP_PORT", 9)  # discard: nothing listens
    item_id = make_feedback(app, reply_to="parent@example.org")
    response = answer(signed_in(app, "admin.lee"), item_id, "We looked into it.", "mailed_here")
    assert response.status_code == 422
    assert "The answer was not sent, so it is not recorded" in page_text(response)
    assert count(app, FeedbackAnswer) == 0


def test_the_queue_filters_by_status_newest_first_and_pages(app, district):
    base = datetime(2026, 10, 5, 14, 0, tzinfo=UTC)
    for n in range(55):
        make_feedback(
            app,
            text=f"Suggestion number {n}.",
            received_at=base + timedelta(hours=n),
            category="suggestion",
        )
    done = make_feedback(app, text="Already dealt with.", received_at=base - timedelta(days=1))
    resolve_admin = signed_in(app, "admin.lee")
    resolve(resolve_admin, done)
    client = resolve_admin.client
    first = page_text(client.get("/admin/feedback?status=new"))
    assert "55 items, newest first" in first and "Page 1 of 2" in first
    assert first.index("Suggestion number 54") < first.index("Suggestion number 53")
    assert "Already dealt with" not in first
    assert "Already dealt with" in page_text(client.get("/admin/feedback?status=resolved"))
    assert "56 items" in page_text(client.get("/admin/feedback"))
    assert "1 item," in page_text(client.get("/admin/feedback?category=concern"))
    assert client.get("/admin/feedback?page=9").status_code == 404


def test_the_admin_home_page_counts_feedback_waiting(app, district):
    make_feedback(app)
    make_feedback(app)
    page = page_text(signed_in(app, "admin.lee").client.get("/"))
    assert "2 public feedback messages wait for an answer" in page


@pytest.mark.parametrize("role", ["officer", "supervisor", "evaluator"])
def test_only_admins_open_the_queue(app, district, role):
    item_id = make_feedback(app)
    username = {"officer": "ofc.ruiz", "supervisor": "sgt.park", "evaluator": "eval.ode"}[role]
    other = signed_in(app, username)
    token = other.csrf_token("/")
    for path in ADMIN_ROUTES:
        assert other.client.get(path.format(id=item_id)).status_code == 403, path
    for path in ADMIN_POSTS:
        response = other.client.post(
            path.format(id=item_id), data={"csrf_token": token, "answer": "x", "way": "phone"}
        )
        assert response.status_code == 403, path
    assert stored(app)[0].status == "new" and count(app, FeedbackAnswer) == 0
    assert other.client.get("/feedback").status_code == 200  # the public page is for all


def test_signed_out_the_queue_asks_to_sign_in(app, district, client):
    item_id = make_feedback(app)
    for path in ADMIN_ROUTES:
        response = client.get(path.format(id=item_id))
        assert response.status_code == 302 and "/login" in response.location
    for path in ADMIN_POSTS:
        assert client.post(path.format(id=item_id)).status_code == 400  # no CSRF token
    assert client.get("/feedback").status_code == client.get("/feedback/thanks").status_code == 200


def test_an_item_that_is_not_there_is_404(app, district):
    admin = signed_in(app, "admin.lee")
    assert admin.client.get("/admin/feedback/424242").status_code == 404
    assert answer(admin, 424242, "Hello.", "phone").status_code == 404


# The figures for the annual assessment


def test_feedback_figures_worked_example(app, district, ctx):
    """School year 2025-26 (from August, Chicago): five items received in it, one before, one
    after. Answered: after 2 h, 10 h and 30 h -> median 10 h; one of those and an unanswered
    praise are resolved."""
    year = SchoolYear(2025, 8)
    start = datetime(2025, 8, 1, 5, 0, tzinfo=UTC)  # 00:00 in Chicago (CDT)
    rows = [  # received (hours after the year's start), category, hours to first answer, resolved
        (0, "concern", 2, True),
        (100, "concern", 10, False),
        (2000, "interaction_complaint", 30, False),
        (3000, "praise", None, True),
        (8000, "suggestion", None, False),
        (-1, "concern", 1, True),  # 31 July, 23:00 in Chicago: the year before
        (365 * 24, "concern", 1, False),  # 1 August 2026: the next year
    ]
    for hours, category, answered, resolved in rows:
        received = start + timedelta(hours=hours)
        db.session.add(
            Feedback(
                received_at=received,
                category=category,
                text=CALM,
                status="resolved" if resolved else "answered" if answered else "new",
                first_answered_at=received + timedelta(hours=answered) if answered else None,
            )
        )
    db.session.commit()
    assert feedback.feedback_figures(year) == {
        "received": 5,
        "received_by_category": {
            "praise": 1,
            "concern": 2,
            "interaction_complaint": 1,
            "suggestion": 1,
        },
        "answered": 3,
        "unanswered": 2,
        "resolved": 2,
        "median_hours_to_first_response": 10.0,
    }
    assert feedback.feedback_figures(SchoolYear(2020, 8)) == {
        "received": 0,
        "received_by_category": dict.fromkeys(feedback.CATEGORY_LABELS, 0),
        "answered": 0,
        "unanswered": 0,
        "resolved": 0,
        "median_hours_to_first_response": None,
    }


def test_an_even_count_takes_the_middle_two(app, district, ctx):
    start = datetime(2025, 9, 1, 12, 0, tzinfo=UTC)
    for answered in (1, 3, 6, 40):
        db.session.add(
            Feedback(
                received_at=start,
                category="concern",
                text=CALM,
                status="answered",
                first_answered_at=start + timedelta(hours=answered),
            )
        )
    db.session.commit()
    assert feedback.feedback_figures(SchoolYear(2025, 8))["median_hours_to_first_response"] == 4.5


# Anything posted


FIELD_VALUES = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        ["none", "1", "praise", "concern", "a@b.org", "555 010 2030", "seen", "", "\x00", "<b>"]
    ),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    fields=st.dictionaries(
        st.sampled_from(
            [
                "school",
                "category",
                "text",
                "reply_to",
                "name_warning",
                feedback.HONEYPOT,
                "stamp",
                "extra",
            ]
        ),
        FIELD_VALUES,
    ),
    good_stamp=st.booleans(),
)
def test_anything_posted_gives_a_page_and_keeps_all_or_nothing(app, district, fields, good_stamp):
    client = app.test_client()
    before = count(app, Feedback), count(app, FeedbackPost), count(app, AuditEvent)
    page = client.get("/feedback").get_data(as_text=True)
    form = {
        "csrf_token": form_token(page),
        **({"stamp": old_stamp(app)} if good_stamp else {}),
        **fields,
    }
    response = client.post("/feedback", data=form)
    assert response.status_code in (302, 422, 429), response.status_code
    after = count(app, Feedback), count(app, FeedbackPost), count(app, AuditEvent)
    if response.status_code == 302:
        assert after == tuple(n + 1 for n in before)
        with app.app_context():
            item = db.session.scalars(select(Feedback).order_by(Feedback.id.desc())).first()
            assert item.text and item.category in feedback.CATEGORY_LABELS
    else:
        assert after == before


def test_every_category_status_and_way_of_answering_has_its_words():
    assert set(feedback.CATEGORY_LABELS) == set(FEEDBACK_CATEGORIES)
    assert set(feedback.WAY_LABELS) == set(ANSWER_WAYS)
    assert set(feedback.STATUS_LABELS) == set(FEEDBACK_STATUSES)
