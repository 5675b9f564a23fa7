"""The district as an admin sets it up: schools, accounts, officers' schools and supervisors."""

from __future__ import annotations

from sqlalchemy import select

from logger import rules
from logger.auth.accounts import USERNAME_PATTERN, password_problem
from logger.core.models import ROLES, SCHOOL_LEVELS, Assignment, School, User
from logger.extensions import db


class AccountError(ValueError):
    """A request to create an account, school or assignment that cannot be done; says why."""


def create_school(code: str, name: str, level: str) -> School:
    """A new school; the code is unique."""
    _refuse_unclean(code, "School code")
    _refuse_unclean(name, "School name")
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
    _refuse_unclean(username, "User name")
    for code in school_codes:
        _refuse_unclean(code, "School code")
    if supervisor_name:
        _refuse_unclean(supervisor_name, "Supervisor")
    username = username.strip().lower()
    if not USERNAME_PATTERN.fullmatch(username):
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


def _refuse_unclean(value: str, label: str) -> None:
    problem = rules.text_problem(value, label)
    if problem:
        raise AccountError(problem)


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
