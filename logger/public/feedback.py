"""Public feedback (COPS principle 9): anyone may tell the district about its SRO program,
without signing in; an admin reads it, answers and marks it resolved.

The form never asks who is writing, nor any student's name, and warns when the text looks like
it holds one (the rules' own detector); a second send after the warning is accepted and the
item marked, since a message may rightly name an officer or a staff member. Spam is kept out
without any outside service: a field people never see (bots fill it), a signed stamp of when
the form was shown (sent quicker than a person could, or after a day, it is refused), CSRF,
and at most POSTS_PER_HOUR and POSTS_PER_DAY sent from one address, counted in the database
(several workers share no memory) under a keyed hash of the address, kept a day.

Only admins read the text and the way to reply: either may be personal. Evaluators get the
figures (feedback_figures) in the annual assessment, never the text.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload, selectinload

from logger import rules
from logger.admin.district import EMAIL_PATTERN, MAX_EMAIL
from logger.auth.accounts import wait_in_words
from logger.core import audit, mail
from logger.core.clock import SchoolYear
from logger.core.database import lock_until_commit
from logger.core.models import (
    ANSWER_WAYS,
    FEEDBACK_CATEGORIES,
    FEEDBACK_STATUSES,
    Feedback,
    FeedbackAnswer,
    FeedbackPost,
    School,
    User,
)
from logger.extensions import db

CATEGORY_LABELS = {
    "praise": "Praise",
    "concern": "A concern",
    "interaction_complaint": "A complaint about an interaction with an officer",
    "suggestion": "A suggestion",
}
STATUS_LABELS = {"new": "New", "answered": "Answered", "resolved": "Resolved"}
WAY_LABELS = {
    "mailed_here": "E-mailed from SRO Field Log to the address given",
    "email": "By e-mail, sent from my own mailbox",
    "phone": "By phone",
    "letter": "By letter",
    "in_person": "In person",
    "not_sent": "Not sent (no way to reply): kept as the program's response",
}

MAX_TEXT = 5000
MAX_ANSWER = 5000
NOT_ABOUT_ONE_SCHOOL = "none"  # the school choice of feedback about the whole program
HONEYPOT = "homepage"  # the field people never see; a bot fills it
MIN_SECONDS_TO_FILL = 3  # a person cannot choose, write and send in less
FORM_LIFETIME = timedelta(days=1)
POSTS_PER_HOUR, POSTS_PER_DAY = 5, 20
PHONE_PATTERN = re.compile(r"\+?[0-9 ().-]{7,25}")
PHONE_DIGITS = (7, 15)

NAME_WARNING = (
    "Your message may name a student, or hold a birth date or an ID number. "
    "Please describe what happened without naming students: edit your message, "
    "or send it as it is if it names no student."
)
AUTOMATED = (
    "This form was filled in by a program rather than a person, so it was not sent. "
    "If you are a person, send it again."
)
TOO_QUICK = (
    "That was sent too quickly for us to tell it from automated spam. Check your "
    "message and send it again."
)
EXPIRED = (
    "This form was open for more than a day, or its hidden stamp was changed, so it was "
    "not sent. Check your message and send it again."
)


class Refused(ValueError):
    """An answer or a resolution that cannot be recorded; says why."""


class TooMany(Exception):
    """Too much feedback from one address lately; wait_seconds until the next is taken."""

    def __init__(self, wait_seconds: int):
        super().__init__(
            f"Too many messages have been sent from your network lately. "
            f"Please wait {wait_in_words(wait_seconds)} and send it again."
        )
        self.wait_seconds = wait_seconds


@dataclass
class Checked:
    """A feedback form as posted: its values (to store or show again), the problem with each
    field, a refusal of the whole form, and the name warning."""

    values: dict[str, str]
    stamp: str
    errors: dict[str, str] = field(default_factory=dict)
    refusal: str | None = None
    warning: str | None = None
    school: School | None = None

    @property
    def ok(self) -> bool:
        return not (self.errors or self.refusal or self.warning)


def blank_form(now: datetime) -> Checked:
    """The empty form, stamped with the time it is shown."""
    return Checked(
        values={"school": "", "category": "", "text": "", "reply_to": ""}, stamp=form_stamp(now)
    )


def form_stamp(now: datetime) -> str:
    """The signed time a form was shown, kept in the form."""
    return _stamps().dumps(int(now.timestamp()))


def check(form, now: datetime) -> Checked:
    """Check a posted feedback form: spam signs first, then every field, then the name warning
    (which a second send with name_warning=seen passes)."""
    values = {name: form.get(name, "") for name in ("school", "category", "text", "reply_to")}
    values["text"] = values["text"].replace("\r\n", "\n").strip()
    values["reply_to"] = values["reply_to"].strip()
    shown_at = _shown_at(form.get("stamp", ""))
    checked = Checked(values=values, stamp=form.get("stamp") if shown_at else form_stamp(now))
    if form.get(HONEYPOT, ""):
        checked.refusal = AUTOMATED
    elif shown_at is None or now.timestamp() - shown_at > FORM_LIFETIME.total_seconds():
        checked.refusal, checked.stamp = EXPIRED, form_stamp(now)
    elif now.timestamp() - shown_at < MIN_SECONDS_TO_FILL:
        checked.refusal = TOO_QUICK  # the same stamp: by the next send, it is old enough
    checked.school, school_problem = _school(values["school"])
    problems = {
        "school": school_problem,
        "category": _category_problem(values["category"]),
        "text": _text_problem(values["text"]),
        "reply_to": _reply_to_problem(values["reply_to"]),
    }
    checked.errors = {name: problem for name, problem in problems.items() if problem}
    if (
        not checked.errors
        and rules.possible_pii(values["text"])
        and form.get("name_warning") != "seen"
    ):
        checked.warning = NAME_WARNING
    return checked


def receive(checked: Checked, client_addr: str | None, now: datetime) -> Feedback:
    """Keep checked feedback, unless its address sent too much lately (TooMany: nothing kept).
    The caller commits."""
    key = address_key(client_addr)
    lock_until_commit(f"feedback:{key}")  # one feedback from an address counted at a time
    recent = db.session.scalars(
        select(FeedbackPost.at)
        .where(FeedbackPost.address_key == key, FeedbackPost.at > now - timedelta(days=1))
        .order_by(FeedbackPost.at)
    ).all()
    wait = seconds_to_wait(recent, now)
    if wait:
        raise TooMany(wait)
    stale = (
        select(FeedbackPost.id)
        .where(FeedbackPost.at <= now - timedelta(days=1))
        .with_for_update(skip_locked=True)
    )  # PostgreSQL: never wait on another pruner
    db.session.execute(delete(FeedbackPost).where(FeedbackPost.id.in_(stale)))
    db.session.add(FeedbackPost(address_key=key, at=now))
    values = checked.values
    item = Feedback(
        received_at=now,
        school=checked.school,
        category=values["category"],
        text=values["text"],
        reply_to=values["reply_to"] or None,
        possible_name=rules.possible_pii(values["text"]),
        status="new",
    )
    db.session.add(item)
    db.session.flush()
    audit.record(
        "feedback.received",
        actor=None,
        client_addr=None,
        at=now,  # sender unknown
        detail={
            "feedback_id": item.id,
            "category": item.category,
            "school": checked.school.code if checked.school else None,
        },
    )
    return item


def seconds_to_wait(recent: list[datetime], now: datetime) -> int:
    """How long before an address may send again, given when it sent in the last day
    (oldest first): 0 while under both limits."""
    last_hour = [at for at in recent if at > now - timedelta(hours=1)]
    allowed_at = now
    if len(last_hour) >= POSTS_PER_HOUR:
        allowed_at = last_hour[-POSTS_PER_HOUR] + timedelta(hours=1)
    if len(recent) >= POSTS_PER_DAY:
        allowed_at = max(allowed_at, recent[-POSTS_PER_DAY] + timedelta(days=1))
    return math.ceil((allowed_at - now).total_seconds())


def address_key(client_addr: str | None) -> str:
    """A keyed hash of the address feedback came from (an IPv6 address by its /64, which one
    household holds): the limit counts per address without keeping any."""
    try:
        address = ipaddress.ip_address(client_addr or "")
    except ValueError:
        network = client_addr or "unknown"
    else:
        if address.version == 6 and address.ipv4_mapped:  # an IPv4 sender on a dual-stack socket
            address = address.ipv4_mapped
        network = str(
            ipaddress.ip_network(f"{address}/64", strict=False) if address.version == 6 else address
        )
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"feedback:{network}".encode(), hashlib.sha256).hexdigest()


def ways_for(item: Feedback) -> tuple[str, ...]:
    """The ways an answer to this item can reach its sender: e-mailed from here only when the
    server sends mail and the sender gave an e-mail address."""
    emailed = item.reply_to is not None and EMAIL_PATTERN.fullmatch(item.reply_to)
    return tuple(
        way for way in ANSWER_WAYS if way != "mailed_here" or (emailed and mail.configured())
    )


def prepare_answer(item: Feedback, answer_text: str, way: str) -> str:
    """Check an admin's answer and, when it is to be e-mailed from here, send it: the text to
    record. Refused, with nothing sent, when it cannot be (the mail server's refusal too)."""
    answer_text = answer_text.replace("\r\n", "\n").strip()
    if not answer_text:
        raise Refused("Write the answer before recording it.")
    if len(answer_text) > MAX_ANSWER:
        raise Refused(
            f"An answer can have at most {MAX_ANSWER:,} characters; this one has "
            f"{len(answer_text):,}."
        )
    problem = rules.text_problem(answer_text, "Answer", multiline=True)
    if problem:
        raise Refused(problem)
    if way not in ways_for(item):
        raise Refused("Choose how the answer reached the person.")
    if way == "mailed_here":
        try:
            mail.send(
                item.reply_to,
                "Your feedback about the school resource officer program",
                answer_text,
            )
        except mail.MailFailed as failure:
            raise Refused(f"The answer was not sent, so it is not recorded: {failure}.") from None
    return answer_text


def record_answer(
    item: Feedback,
    answer_text: str,
    way: str,
    *,
    admin: User,
    client_addr: str | None,
    now: datetime,
) -> FeedbackAnswer:
    """Keep a prepared answer; the first one starts the item's response time. The caller
    commits."""
    kept = FeedbackAnswer(
        feedback=item, text=answer_text, way=way, answered_by=admin, answered_at=now
    )
    db.session.add(kept)
    if item.first_answered_at is None:
        item.first_answered_at = now
    if item.status == "new":
        item.status = "answered"
    audit.record(
        "feedback.answered",
        actor=admin,
        client_addr=client_addr,
        at=now,
        detail={"feedback_id": item.id, "way": way},
    )
    return kept


def resolve(item: Feedback, *, admin: User, client_addr: str | None, now: datetime) -> None:
    """Mark an item resolved (answered or not: praise may need no answer). The caller commits."""
    if item.status == "resolved":
        raise Refused("This feedback is already resolved.")
    item.status, item.resolved_at, item.resolved_by = "resolved", now, admin
    audit.record(
        "feedback.resolved",
        actor=admin,
        client_addr=client_addr,
        at=now,
        detail={"feedback_id": item.id, "answered": item.first_answered_at is not None},
    )


def queue(status: str | None, category: str | None):
    """The admin's queue: feedback of a status and a category (None: any), newest first."""
    query = (
        select(Feedback)
        .options(joinedload(Feedback.school))
        .order_by(Feedback.received_at.desc(), Feedback.id.desc())
    )
    if status in FEEDBACK_STATUSES:
        query = query.where(Feedback.status == status)
    if category in FEEDBACK_CATEGORIES:
        query = query.where(Feedback.category == category)
    return query


def item_with_answers(feedback_id: int) -> Feedback | None:
    """One item with its answers and who gave them."""
    return db.session.scalar(
        select(Feedback)
        .where(Feedback.id == feedback_id)
        .options(selectinload(Feedback.answers).joinedload(FeedbackAnswer.answered_by))
    )


def feedback_figures(year: SchoolYear) -> dict:
    """What became of the feedback received in a school year, for the annual assessment.

    Counts the items received from the year's first moment to its end in the district,
    whatever happened to them since:
      "received": int, every item;
      "received_by_category": {category: int} for each of FEEDBACK_CATEGORIES, zeros included;
      "answered": int, items with at least one answer;
      "unanswered": int, items with none (waiting, or resolved without an answer);
      "resolved": int, items marked resolved (answered or not);
      "median_hours_to_first_response": float | None, the median of the hours from receipt to
        the first answer over the answered items (unrounded); None when none was answered.
    """
    first, after = year.bounds()
    rows = db.session.execute(
        select(
            Feedback.category, Feedback.status, Feedback.received_at, Feedback.first_answered_at
        ).where(Feedback.received_at >= first, Feedback.received_at < after)
    ).all()
    by_category = Counter(row.category for row in rows)
    hours = [
        (row.first_answered_at - row.received_at).total_seconds() / 3600
        for row in rows
        if row.first_answered_at is not None
    ]
    return {
        "received": len(rows),
        "received_by_category": {
            category: by_category[category] for category in FEEDBACK_CATEGORIES
        },
        "answered": len(hours),
        "unanswered": len(rows) - len(hours),
        "resolved": sum(row.status == "resolved" for row in rows),
        "median_hours_to_first_response": statistics.median(hours) if hours else None,
    }


def _stamps() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="public-feedback-form")


def _shown_at(stamp: str) -> int | None:
    """When the form was shown (seconds since the epoch), from its stamp; None if forged."""
    try:
        shown_at = _stamps().loads(stamp)
    except BadSignature:
        return None
    return shown_at if isinstance(shown_at, int) else None


def _school(choice: str) -> tuple[School | None, str | None]:
    """The school chosen (None for the whole program), and the problem with the choice."""
    if choice == NOT_ABOUT_ONE_SCHOOL:
        return None, None
    school_id = rules.whole_number(choice) if rules.is_clean_text(choice) else None
    school = db.session.get(School, school_id) if school_id is not None else None
    if school is None or school.retired_at is not None:
        return None, "Choose the school it is about, or “Not about one school”."
    return school, None


def _category_problem(category: str) -> str | None:
    if category not in FEEDBACK_CATEGORIES:
        return "Choose what kind of feedback this is."
    return None


def _text_problem(message: str) -> str | None:
    if not message:
        return "Write your feedback."
    if len(message) > MAX_TEXT:
        return (
            f"Your message can have at most {MAX_TEXT:,} characters; this one has "
            f"{len(message):,}. Shorten it and send it again."
        )
    return rules.text_problem(message, "Your message", multiline=True)


def _reply_to_problem(reply_to: str) -> str | None:
    """Why the way to reply is not an e-mail address or a phone number (it may be blank)."""
    if not reply_to:
        return None
    problem = rules.text_problem(reply_to, "A way to reply")
    if problem:
        return problem
    digits = sum(character.isdigit() for character in reply_to)
    if len(reply_to) <= MAX_EMAIL and EMAIL_PATTERN.fullmatch(reply_to):
        return None
    if PHONE_PATTERN.fullmatch(reply_to) and PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]:
        return None
    return "Give an e-mail address (like name@example.org) or a phone number, or leave it blank."
