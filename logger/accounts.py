"""Accounts, schools and duty assignments: creating them and checking sign-ins."""

from __future__ import annotations

import functools
import re
import secrets
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db
from .models import ROLES, SCHOOL_LEVELS, Assignment, AuditEvent, School, User

MIN_PASSWORD_LENGTH = 12
FAILURE_WINDOW_MINUTES = 15
MAX_FAILURES_PER_ADDRESS = 20  # per window: slows guessing, never locks an officer out
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


class AccountError(ValueError):
    """A request to create an account, school or assignment that cannot be done; says why."""


def password_problem(username: str, password: str) -> str | None:
    """Why a password is too weak, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"the password must have at least {MIN_PASSWORD_LENGTH} characters"
    if username.lower() in password.lower():
        return "the password must not contain the user name"
    if len(set(password)) < 5:
        return "the password must not repeat so few characters"
    return None


def create_school(code: str, name: str, level: str) -> School:
    """A new school; the code is unique."""
    code = code.strip().upper()
    if not code or not name.strip():
        raise AccountError("a school needs a code and a name")
    if len(code) > 32 or len(name.strip()) > 200:
        raise AccountError("a school code has at most 32 characters and a name at most 200")
    if level not in SCHOOL_LEVELS:
        raise AccountError(f"unknown level {level!r}: use one of {', '.join(SCHOOL_LEVELS)}")
    if db.session.scalar(select(School).filter_by(code=code)):
        raise AccountError(f"a school with code {code} already exists")
    school = School(code=code, name=name.strip(), level=level)
    db.session.add(school)
    return school


def create_user(username: str, password: str, role: str, *, school_codes=(),
                supervisor_name: str | None = None) -> User:
    """A new account, with its schools (officers only) and supervisor (officers only)."""
    username = username.strip().lower()
    if not USERNAME_PATTERN.match(username):
        raise AccountError("a user name is 2 to 64 lower-case letters, digits, '.', '_' or '-'")
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    if db.session.scalar(select(User).filter_by(username=username)):
        raise AccountError(f"a user named {username} already exists")
    if (school_codes or supervisor_name) and role != "officer":
        raise AccountError("only officers have schools and a supervisor")
    problem = password_problem(username, password)
    if problem:
        raise AccountError(problem)
    user = User(username=username, role=role)
    user.set_password(password)
    if supervisor_name:
        user.supervisor = _supervisor(supervisor_name)
    for code in dict.fromkeys(c.strip().upper() for c in school_codes):  # each school once
        user.assignments.append(Assignment(school=_school(code)))
    db.session.add(user)
    return user


def _school(code: str) -> School:
    school = db.session.scalar(select(School).filter_by(code=code.strip().upper()))
    if school is None:
        raise AccountError(f"unknown school {code!r}")
    return school


def _supervisor(username: str) -> User:
    supervisor = db.session.scalar(select(User).filter_by(username=username.strip().lower()))
    if supervisor is None or supervisor.role != "supervisor":
        raise AccountError(f"no supervisor named {username!r}")
    return supervisor


def too_many_failures(client_addr: str | None) -> bool:
    """Whether this address failed to sign in too often lately (counted in the audit trail)."""
    since = datetime.now(timezone.utc) - timedelta(minutes=FAILURE_WINDOW_MINUTES)
    failures = db.session.scalar(
        select(func.count(AuditEvent.id))
        .where(AuditEvent.action == "auth.sign_in_failed", AuditEvent.at >= since,
               AuditEvent.client_addr == client_addr))
    return failures >= MAX_FAILURES_PER_ADDRESS


@functools.cache
def _stand_in_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))


def authenticate(username: str, password: str) -> User | None:
    """The active user with this name and password, else None (never says which part failed)."""
    user = None
    if "\x00" not in username:  # a name no account has, and that some databases refuse
        user = db.session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    if user is None:
        check_password_hash(_stand_in_hash(), password)  # same work, so timing does not tell
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user
