"""Passwords and signing in: the password rules, and sign-ins throttled against guessing."""

from __future__ import annotations

import functools
import math
import re
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from logger import rules
from logger.core import audit, clock
from logger.core.database import lock_until_commit, writing
from logger.core.models import (
    AuditEvent,
    SignInFailure,
    User,
)
from logger.extensions import db

MIN_PASSWORD_LENGTH = 12
MIN_PASSWORD_SCORE = 3  # on zxcvbn's 0-4 scale, 3 is "safely unguessable"
PASSWORD_CHARACTERS_ESTIMATED = 100  # zxcvbn slows down badly on longer input
USERNAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
MAX_USERNAME_LENGTH = 64

# Sign-in throttling (see README, "Production notes"). Failures are counted per account name
# as typed, known or not, over a sliding window; attempts that are refused check no password
# and count for nothing.
SIGN_IN_WINDOW = timedelta(minutes=15)
FAILURES_BEFORE_DELAY = 5  # per account: from here each attempt waits after the latest failure
FIRST_DELAY_SECONDS = 2  # the wait after FAILURES_BEFORE_DELAY failures; doubles with each more
MAX_DELAY_SECONDS = 60
FAILURES_TO_LOCK_ACCOUNT = 10  # per account, from any addresses: locked until the count drops
# An address the account signed in from lately is not locked by others' guessing (only slowed),
# so guessing from elsewhere cannot keep an officer out of their own school's network.
KNOWN_ADDRESS_FOR = timedelta(days=30)
FAILURES_TO_LOCK_ACCOUNT_AT_ADDRESS = 5  # per account from one address: that address is locked
UNREADABLE_NAME = "(unreadable)"  # counted for any typed name that is not clean text


def password_refusal(username: str, password: str) -> str | None:
    """Why a password is too weak, as a sentence for a page, or None."""
    problem = password_problem(username, password)
    return problem and rules.sentence(problem)


def password_problem(username: str, password: str) -> str | None:
    """Why a password is too weak, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"the password must have at least {MIN_PASSWORD_LENGTH} characters"
    problem = rules.text_problem(password, "Password")
    if problem:
        return problem
    if username.lower() in password.lower():
        return "the password must not contain the user name"
    from zxcvbn import zxcvbn  # here: its word lists take 12 MB, and most processes never ask

    estimate = zxcvbn(
        password[:PASSWORD_CHARACTERS_ESTIMATED],
        user_inputs=[username],
        max_length=PASSWORD_CHARACTERS_ESTIMATED,
    )
    if estimate["score"] < MIN_PASSWORD_SCORE:
        feedback = estimate["feedback"]
        why = " ".join(part for part in (feedback["warning"], *feedback["suggestions"]) if part)
        return f"the password is too easy to guess: {why}"  # zxcvbn always suggests something
    return None


@functools.cache
def _stand_in_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))


def authenticate(username: str, password: str) -> User | None:
    """The active user with this name and password, else None (never says which part failed)."""
    user = None
    name = sign_in_account(username)
    if name != UNREADABLE_NAME:  # other text is no one's name, and databases may refuse it
        user = db.session.scalar(select(User).where(func.lower(User.username) == name))
    if user is None or not rules.is_valid_unicode(password):
        check_password_hash(_stand_in_hash(), "")  # same work, so timing does not tell
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


@dataclass(frozen=True)
class SignInAttempt:
    """What came of a sign-in attempt: the user, or none; wait_seconds > 0 when it was refused
    unchecked because of too many recent failures."""

    user: User | None = None
    wait_seconds: int = 0


def sign_in(typed_name: str, password: str, client_addr: str | None) -> SignInAttempt:
    """Check a sign-in against the throttle, then the password; record and audit the outcome,
    committed.

    Unknown user names are counted and refused exactly like known ones. A refused attempt
    writes nothing and says nothing of the password; a success clears the failures of its
    account at its address. The password is checked (the slow part, by design) before the
    write lock is taken, so sign-ins never queue behind one another's hashing; the throttle is
    asked again under the lock, one attempt at an account at a time, so parallel attempts
    cannot all pass it before any failure is written.
    """
    now = clock.utcnow()
    account = sign_in_account(typed_name)
    waiting = _wait_seconds(account, client_addr, now)  # refused unchecked, without a lock
    if waiting:
        return SignInAttempt(wait_seconds=waiting)
    user = authenticate(typed_name, password)
    with writing():
        lock_until_commit(f"sign-in:{account}")  # parallel guesses cannot all pass the count
        failures = _recent_failures(account, now)
        wait_seconds = _wait_seconds(account, client_addr, now, failures)
        if wait_seconds:
            return SignInAttempt(wait_seconds=wait_seconds)
        if user is None:
            _record_failure(account, client_addr, failures, now)
            return SignInAttempt()
        db.session.execute(
            delete(SignInFailure).where(
                SignInFailure.account == account, SignInFailure.client_addr == client_addr
            )
        )
        audit.record("auth.sign_in", actor=user, client_addr=client_addr)
    return SignInAttempt(user=user)


def _wait_seconds(
    account: str, client_addr: str | None, now: datetime, failures: list | None = None
) -> int:
    """How long the throttle holds attempts at this account from this address (0: none)."""
    failures = _recent_failures(account, now) if failures is None else failures
    return _seconds_to_wait(
        failures, client_addr, now, known_address=_signed_in_from(account, client_addr, now)
    )


def sign_in_account(typed_name: str) -> str:
    """The name sign-in failures are counted under: the user name as typed, trimmed and
    lower-cased (so every spelling that reaches one account counts for it), or UNREADABLE_NAME."""
    name = typed_name.strip().lower()
    return name[:MAX_USERNAME_LENGTH] if rules.is_clean_text(name) else UNREADABLE_NAME


def wait_in_words(seconds: int) -> str:
    """A wait for people: "2 seconds", "1 minute", "15 minutes" (rounded up)."""
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def locked_accounts() -> list[tuple[str, int]]:
    """(account name as typed, failures) of the names locked now, everywhere or at one
    address, from failures in the window: the most failures first."""
    per_address = db.session.execute(
        select(SignInFailure.account, func.count(SignInFailure.id))
        .where(SignInFailure.at > clock.utcnow() - SIGN_IN_WINDOW)
        .group_by(SignInFailure.account, SignInFailure.client_addr)
    ).all()
    total, locked = Counter(), set()
    for account, failures in per_address:
        total[account] += failures
        if failures >= FAILURES_TO_LOCK_ACCOUNT_AT_ADDRESS:
            locked.add(account)
    locked |= {
        account for account, failures in total.items() if failures >= FAILURES_TO_LOCK_ACCOUNT
    }
    return sorted(
        ((account, total[account]) for account in locked), key=lambda pair: (-pair[1], pair[0])
    )


def _recent_failures(account: str, now: datetime) -> list[tuple[datetime, str | None]]:
    """(at, client address) of the account's failures in the window, the latest first."""
    return [
        tuple(row)
        for row in db.session.execute(
            select(SignInFailure.at, SignInFailure.client_addr)
            .where(SignInFailure.account == account, SignInFailure.at > now - SIGN_IN_WINDOW)
            .order_by(SignInFailure.at.desc())
        )
    ]


def _signed_in_from(account: str, client_addr: str | None, now: datetime) -> bool:
    """Whether this account signed in from this address lately (the audit trail says)."""
    return (
        db.session.scalar(
            select(AuditEvent.id)
            .join(User, AuditEvent.actor_id == User.id)
            .where(
                AuditEvent.action == "auth.sign_in",
                AuditEvent.client_addr == client_addr,
                AuditEvent.at > now - KNOWN_ADDRESS_FOR,
                func.lower(User.username) == account,
            )
            .limit(1)
        )
        is not None
    )


def _seconds_to_wait(
    failures, client_addr: str | None, now: datetime, *, known_address: bool = False
) -> int:
    """How long before the next attempt, given the account's recent failures (latest first):
    an account lock holds everywhere but at an address the account signed in from lately,
    where attempts are only slowed."""
    times = [at for at, _ in failures]
    here = [at for at, addr in failures if addr == client_addr]
    allowed_at = now
    if len(here) >= FAILURES_TO_LOCK_ACCOUNT_AT_ADDRESS:
        allowed_at = max(allowed_at, here[FAILURES_TO_LOCK_ACCOUNT_AT_ADDRESS - 1] + SIGN_IN_WINDOW)
    if len(times) >= FAILURES_TO_LOCK_ACCOUNT and not known_address:
        allowed_at = max(allowed_at, times[FAILURES_TO_LOCK_ACCOUNT - 1] + SIGN_IN_WINDOW)
    elif len(times) >= FAILURES_BEFORE_DELAY:
        allowed_at = max(allowed_at, times[0] + _delay_after(len(times)))
    return math.ceil((allowed_at - now).total_seconds())


def _delay_after(failure_count: int) -> timedelta:
    doublings = failure_count - FAILURES_BEFORE_DELAY
    return timedelta(seconds=min(FIRST_DELAY_SECONDS * 2**doublings, MAX_DELAY_SECONDS))


def _record_failure(account: str, client_addr: str | None, failures, now: datetime) -> None:
    """Write and audit a failed sign-in, audit a lock it starts, and prune expired failures."""
    stale = (
        select(SignInFailure.id)
        .where(SignInFailure.at <= now - SIGN_IN_WINDOW)
        .with_for_update(skip_locked=True)
    )  # PostgreSQL: never wait on another pruner
    db.session.execute(delete(SignInFailure).where(SignInFailure.id.in_(stale)))
    db.session.add(SignInFailure(account=account, client_addr=client_addr, at=now))
    audit.record(
        "auth.sign_in_failed", actor=None, client_addr=client_addr, detail={"username": account}
    )
    failures = [(now, client_addr), *failures]
    times = [at for at, _ in failures]
    here = [at for at, addr in failures if addr == client_addr]
    for scope, counted, limit in (
        ("account", times, FAILURES_TO_LOCK_ACCOUNT),
        ("account_at_address", here, FAILURES_TO_LOCK_ACCOUNT_AT_ADDRESS),
    ):
        if len(counted) == limit:  # this failure starts the lock
            audit.record(
                "auth.sign_in_locked",
                actor=None,
                client_addr=client_addr,
                detail={
                    "username": account,
                    "scope": scope,
                    "failures": limit,
                    "until": (counted[-1] + SIGN_IN_WINDOW).isoformat(),
                },
            )
