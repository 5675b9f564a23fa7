"""One-time links with which a person chooses their own password.

An admin never sees or sets anyone's password: a new account, or a reset, gets a
link valid for VALID_FOR that the admin passes on. Only a hash of the link's
token is stored; the link works once; a newer link for the same person voids
the older ones. Choosing the password ends every session the account had.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from logger.auth.accounts import password_refusal
from logger.core import audit, clock
from logger.core import mail as mail_server
from logger.core.models import SetupLink, User
from logger.extensions import db

VALID_HOURS = 72
VALID_FOR = timedelta(hours=VALID_HOURS)
UNUSABLE = (
    "This setup link does not work: it was already used, a newer one replaced it, or it "
    f"is older than {VALID_HOURS} hours. Ask your admin for a new one."
)


class SetupRefused(ValueError):
    """A password that cannot be set this way; says why."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(user: User, purpose: str, admin: User | None, client_addr: str | None) -> str:
    """A new link's token for this person (older unused ones stop working); the caller commits."""
    now = clock.utcnow()
    db.session.execute(
        update(SetupLink)
        .where(
            SetupLink.user_id == user.id, SetupLink.used_at.is_(None), SetupLink.expires_at > now
        )
        .values(expires_at=now)
    )
    token = secrets.token_urlsafe(32)
    db.session.add(
        SetupLink(
            token_hash=_hash(token),
            user_id=user.id,
            purpose=purpose,
            created_by_id=admin.id if admin else None,
            created_at=now,
            expires_at=now + VALID_FOR,
        )
    )
    audit.record(
        "account.setup_link",
        actor=admin,
        client_addr=client_addr,
        detail={"user": user.username, "purpose": purpose},
    )
    return token


def usable(token: str) -> SetupLink | None:
    """The link this token opens, if it can still be used."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    link = db.session.scalar(select(SetupLink).where(SetupLink.token_hash == _hash(token)))
    if link is None or link.used_at is not None or link.expires_at <= clock.utcnow():
        return None
    if not link.user.active:
        return None
    return link


def choose_password(token: str, password: str, client_addr: str | None) -> User:
    """Set the password through the link, once; the caller commits."""
    link = usable(token)
    if link is None:
        raise SetupRefused(UNUSABLE)
    user = link.user
    problem = password_refusal(user.username, password)
    if problem:
        raise SetupRefused(problem)
    link.used_at = clock.utcnow()
    user.set_password(password)
    user.session_version += 1
    audit.record(
        "account.password_set",
        actor=user,
        client_addr=client_addr,
        detail={"purpose": link.purpose},
    )
    return user


def waiting(user: User) -> SetupLink | None:
    """The person's link not yet used, if one still works."""
    return db.session.scalar(
        select(SetupLink)
        .where(
            SetupLink.user_id == user.id,
            SetupLink.used_at.is_(None),
            SetupLink.expires_at > clock.utcnow(),
        )
        .order_by(SetupLink.id.desc())
        .limit(1)
    )


def mail(user: User, link: str) -> str | None:
    """Send the link to the person's e-mail address, if the server sends mail and they have one.
    Returns what happened, for the admin to read, or None when nothing was tried."""
    if not (user.email and mail_server.configured()):
        return None
    try:
        mail_server.send(
            user.email,
            "Choose your SRO Field Log password",
            f"Hello {user.username},\n\nChoose your password for SRO Field Log "
            f"here (the link works once, for {VALID_HOURS} hours):\n\n{link}\n\n"
            "If you did not expect this, tell your admin.\n",
        )
    except mail_server.MailFailed as failure:
        return f"The e-mail to {user.email} was not sent: {failure}. Pass the link on yourself."
    return f"The link was also sent to {user.email}."
