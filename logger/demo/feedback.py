"""The demo's public feedback (principle 9): eleven messages a school year from students,
parents and staff, received and answered through the same functions as real ones. Earlier
years' are all dealt with; in the year under way some are answered, some resolved, and the
latest still wait for an admin."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select

from logger.core.clock import SchoolYear
from logger.core.models import School, User
from logger.extensions import db
from logger.public import feedback

WAITING = 2  # the year under way: its latest feedback, with no answer yet
THANKS = "Thank you: we passed your message on to the officer and the officer's supervisor."
ANSWER_DELAY_HOURS = (2, 96)
RESOLVE_DELAY_HOURS = (4, 240)
# category: (message, answer or None when resolved without one), invented, no student named
MESSAGES = {
    "praise": (
        (
            "The officer at the morning drop-off learns the kids' routines and greets everyone. "
            "My son feels safer walking in.",
            None,
        ),
        (
            "Thank you for the bike safety talk to the fourth grade. My daughter came home and "
            "checked her helmet straps herself.",
            None,
        ),
        (
            "As a teacher I appreciated how calmly the officer helped during the fire drill "
            "mix-up last week.",
            None,
        ),
    ),
    "concern": (
        (
            "Why is the officer standing in the cafeteria every lunch? Some students say it makes "
            "them nervous to eat there.",
            "Thank you for raising this. The officer now walks "
            "through at lunch instead of standing by the door, and the principal will ask the "
            "student council how it feels.",
        ),
        (
            "I worry the officer is being called for dress code problems. That should be the "
            "school's job.",
            "You are right that dress code is the school's matter. We checked "
            "this term's records and reminded staff that the officer is not called for it.",
        ),
        (
            "My child says students are searched at the bus area. Who decides that?",
            "Searches are rare and each one is reviewed by a supervisor with the reasons written "
            "at the time. We would be glad to talk it through by phone.",
        ),
    ),
    "interaction_complaint": (
        (
            "The officer spoke sharply to a group of students waiting after the game, and nobody "
            "explained why they had to leave.",
            "We are sorry the students were not told why. "
            "The officer's supervisor reviewed the evening with him and we have asked that a "
            "reason is always given.",
        ),
        (
            "At pick-up an officer told me to move my car in front of other parents in a way "
            "that felt humiliating.",
            "Thank you for telling us. The supervisor spoke with the "
            "officer about courtesy at pick-up.",
        ),
    ),
    "suggestion": (
        (
            "Could the officer come to a parent night to explain what they do and do not do at "
            "school?",
            "Good idea: the officer will join the parent night next month.",
        ),
        (
            "Please post the program's yearly report somewhere parents can find it.",
            "The public summary of the program is now linked from the district's website.",
        ),
        (
            "Students would like a way to ask the officer questions without being seen doing it.",
            None,
        ),
    ),
}
WAYS = ("email", "phone", "letter", "in_person")
REPLY_TO = ("", "", "a.parent@example.org", "555-010-0142")  # invented; often none given


def receive_the_years(
    under_way: SchoolYear, years_before: int, cutoff: datetime, rng: random.Random
) -> None:
    """Feedback across the years before the one under way and that one up to `cutoff`, in the
    order it arrived, answered and resolved by the demo's admin; in the year under way the
    latest WAITING wait and the one before them is answered, not yet resolved."""
    admin = db.session.scalar(select(User).where(User.role == "admin").order_by(User.id))
    schools = db.session.scalars(select(School).order_by(School.code)).all()
    choices = [
        (category, message, reply)
        for category, pairs in MESSAGES.items()
        for message, reply in pairs
    ]
    for back in range(years_before, -1, -1):
        year = SchoolYear(under_way.first - back, under_way.start_month)
        first, after = year.bounds()
        last = min(after, cutoff)
        if last <= first:
            continue
        picked = rng.sample(choices, k=len(choices))
        moments = sorted(first + (last - first) * rng.random() for _ in picked)
        for index, ((category, message, reply), received) in enumerate(
            zip(picked, moments, strict=True)
        ):
            to_come = len(picked) - 1 - index if back == 0 else len(picked)  # after it, so far
            item = feedback.receive(
                feedback.Checked(
                    values={
                        "category": category,
                        "text": message,
                        "school": "",
                        "reply_to": rng.choice(REPLY_TO),
                    },
                    stamp="",
                    school=rng.choice([None, *schools]),
                ),
                None,
                received,
            )
            if to_come >= WAITING:
                _deal_with(
                    item,
                    (reply or THANKS) if to_come == WAITING else reply,
                    admin,
                    cutoff,
                    resolve=to_come > WAITING,
                    rng=rng,
                )


def _deal_with(
    item, reply: str | None, admin: User, cutoff: datetime, *, resolve: bool, rng: random.Random
) -> None:
    """Answer (unless there is no reply to give) and resolve an item as an admin would have,
    before `cutoff`."""
    at = item.received_at
    if reply is not None:
        at = min(at + timedelta(hours=rng.uniform(*ANSWER_DELAY_HOURS)), cutoff)
        feedback.record_answer(item, reply, rng.choice(WAYS), admin=admin, client_addr=None, now=at)
    if resolve:
        feedback.resolve(
            item,
            admin=admin,
            client_addr=None,
            now=min(at + timedelta(hours=rng.uniform(*RESOLVE_DELAY_HOURS)), cutoff),
        )
