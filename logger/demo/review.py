"""The demo's supervisors at work: most entries approved within days, a few returned and
fixed, the last two weeks' entries mostly still waiting."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select

from logger import rules
from logger.core.models import Contact
from logger.extensions import db
from logger.officer import entries
from logger.review import workflow

WAITING_DAYS, WAITING_SHARE = 14, 0.7  # recent entries mostly still wait for review
DECISION_DELAY_HOURS = (2, 72)
RETURN_SHARE, FIXED_SHARE = 0.06, 0.7
RETURN_COMMENTS = (
    "Say what the student was doing right before you stepped in.",
    "Which school staff member asked you to respond? Add their role.",
    "The narrative and the actions do not match: which came first?",
    "Add what you tried before the referral.",
    "Was a parent contacted? The narrative says so but the actions do not.",
)
APPROVAL_COMMENTS = (
    "Justified: alternatives were tried first and documented.",
    "Reviewed with the officer; the justification is specific and sufficient.",
    "Approved. Discussed de-escalation options for next time.",
    "Approved; the basis and the last-resort reasons are clear.",
)
FIXES = (
    "Added: the assistant principal asked me to respond.",
    "Added: I asked the student twice to stop before stepping in.",
    "Added: a parent was called from the office afterwards.",
    "Corrected: the referral came after the verbal warning.",
)


def review_the_year(cutoff: datetime, rng: random.Random) -> None:
    """Supervisors decide as a real team would: most entries approved within days, a few
    returned (most of those fixed and approved), the last two weeks' entries mostly waiting."""
    for contact in db.session.scalars(select(Contact).order_by(Contact.created_at)).all():
        received = contact.created_at
        if received > cutoff - timedelta(days=WAITING_DAYS) and rng.random() < WAITING_SHARE:
            continue
        supervisor = contact.officer.supervisor
        decided = min(
            received + timedelta(hours=rng.uniform(*DECISION_DELAY_HOURS)),
            cutoff - timedelta(minutes=1),
        )
        if rng.random() < RETURN_SHARE:
            workflow.decide(
                supervisor,
                contact.id,
                1,
                "return",
                rng.choice(RETURN_COMMENTS),
                decided_at=decided,
                client_addr=None,
            )
            if decided < cutoff - timedelta(days=3) and rng.random() < FIXED_SHARE:
                _fix_and_approve(contact, decided, rng)
            continue
        needs_comment = rules.approval_needs_comment(contact.current.flags)
        workflow.decide(
            supervisor,
            contact.id,
            1,
            "approve",
            rng.choice(APPROVAL_COMMENTS) if needs_comment else None,
            decided_at=decided,
            client_addr=None,
        )


def _fix_and_approve(contact: Contact, returned_at: datetime, rng: random.Random) -> None:
    """The officer adds what the supervisor asked for, under the rules the entry was written
    under; the supervisor approves revision 2."""
    fixed = dict(contact.current.content)
    fixed["narrative"] = f"{fixed.get('narrative', '')} {rng.choice(FIXES)}".strip()
    resent = returned_at + timedelta(hours=rng.uniform(2, 30))
    verdict = entries.check(
        contact.officer, fixed, now=resent, version=contact.current.dictionary_version
    )
    entries.save(
        contact.officer, contact.id, verdict, received_at=resent, client_addr=None, base_revision=1
    )
    approved = resent + timedelta(hours=rng.uniform(1, 24))
    needs_comment = rules.approval_needs_comment(contact.current.flags)
    workflow.decide(
        contact.officer.supervisor,
        contact.id,
        2,
        "approve",
        rng.choice(APPROVAL_COMMENTS) if needs_comment else None,
        decided_at=approved,
        client_addr=None,
    )
