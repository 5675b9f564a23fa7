"""The district as an admin runs it: schools, accounts, officers' schools and supervisors.

Every change is on the audit trail; no account or school is ever deleted.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from logger import rules
from logger.admin import program_records
from logger.auth.accounts import USERNAME_PATTERN, locked_accounts, password_problem
from logger.core import audit, clock
from logger.core.models import (
    CURRENT_REVISION,
    ROLES,
    SCHOOL_LEVELS,
    Assignment,
    Contact,
    ContactRevision,
    Feedback,
    School,
    SetupLink,
    Supervision,
    User,
)
from logger.core.record import schools_by_name
from logger.extensions import db

EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MAX_EMAIL = 254


class AccountError(ValueError):
    """A request to create an account, school or assignment that cannot be done; says why."""


def create_school(
    code: str, name: str, level: str, *, admin: User | None = None, client_addr: str | None = None
) -> School:
    """A new school, on the record; the code is unique. The caller commits."""
    _refuse_unclean(code, "School code")
    code = code.strip().upper()
    if not code:
        raise AccountError("a school needs a code and a name")
    if len(code) > 32:
        raise AccountError("a school code has at most 32 characters and a name at most 200")
    if db.session.scalar(select(School).filter_by(code=code)):
        raise AccountError(f"a school with code {code} already exists")
    school = School(code=code)
    _describe_school(school, name, level)
    db.session.add(school)
    audit.record(
        "school.created",
        actor=admin,
        client_addr=client_addr,
        detail={"school": code, "name": school.name, "level": level},
    )
    return school


def change_school(
    school: School, name: str, level: str, *, admin: User, client_addr: str | None
) -> None:
    """Rename a school or change its level (its code stays: exports name schools by it)."""
    before = {"name": school.name, "level": school.level}
    _describe_school(school, name, level)
    after = {"name": school.name, "level": school.level}
    changed = audit.changes(before, after)
    if changed:
        audit.record(
            "school.changed",
            actor=admin,
            client_addr=client_addr,
            detail={"school": school.code, **changed},
        )


def retire_school(school: School, retired: bool, *, admin: User, client_addr: str | None) -> None:
    """Retire a school (it is kept with every entry, but no one is assigned there any more),
    or bring it back."""
    if (school.retired_at is not None) == retired:
        return
    school.retired_at = clock.utcnow() if retired else None
    audit.record(
        "school.retired" if retired else "school.restored",
        actor=admin,
        client_addr=client_addr,
        detail={"school": school.code},
    )


def _describe_school(school: School, name: str, level: str) -> None:
    _refuse_unclean(name, "School name")
    if not name.strip():
        raise AccountError("a school needs a code and a name")
    if len(name.strip()) > 200:
        raise AccountError("a school code has at most 32 characters and a name at most 200")
    if level not in SCHOOL_LEVELS:
        raise AccountError(f"unknown level {level!r}: use one of {', '.join(SCHOOL_LEVELS)}")
    school.name, school.level = name.strip(), level


def create_user(
    username: str,
    password: str,
    role: str,
    *,
    school_codes=(),
    supervisor_name: str | None = None,
    starts_on: date | None = None,
    client_addr: str | None = None,
) -> User:
    """A new account with its password (the command line's way, for the first admin), on the
    record; an officer's schools are assigned from `starts_on` (today unless given)."""
    username = _checked_account(username, role, school_codes, supervisor_name)
    problem = password_problem(username, password)
    if problem:
        raise AccountError(problem)
    user = _add_account(
        username, role, school_codes, supervisor_name, password, starts_on or clock.today()
    )
    _record_created(user, None, client_addr)
    return user


def open_account(
    username: str,
    role: str,
    *,
    school_codes=(),
    supervisor_name: str | None = None,
    email: str = "",
    admin: User | None,
    client_addr: str | None,
) -> User:
    """A new account whose owner chooses the password through a setup link (sent to `email`
    too, when the server sends mail); the caller commits."""
    username = _checked_account(username, role, school_codes, supervisor_name)
    address = _email(email)
    user = _add_account(
        username,
        role,
        school_codes,
        supervisor_name,
        password=secrets.token_urlsafe(32),  # known to no one until replaced
        starts_on=clock.today(),
    )
    user.email = address
    _record_created(user, admin, client_addr)
    return user


def _record_created(user: User, admin: User | None, client_addr: str | None) -> None:
    db.session.flush()
    audit.record(
        "account.created",
        actor=admin,
        client_addr=client_addr,
        detail={
            "user": user.username,
            "role": user.role,
            "schools": [a.school.code for a in user.assignments],
            "supervisor": user.supervisor.username if user.supervisor else None,
        },
    )


def change_account(
    user: User,
    role: str,
    supervisor_name: str | None,
    email: str = "",
    *,
    admin: User,
    client_addr: str | None,
) -> None:
    """Set an account's role, e-mail address and (officers only) supervisor, on the record;
    the caller commits."""
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    if role != "admin" and is_last_admin(user):
        raise AccountError("this is the last active admin: make another admin first")
    team = _officers_of(user)
    if role != "supervisor" and team:
        raise AccountError(
            f"{user.username} supervises {len(team)} "
            f"{'officer' if len(team) == 1 else 'officers'}: give "
            f"{'them' if len(team) > 1 else 'that officer'} another supervisor "
            "first"
        )
    supervisor = None
    if role == "officer" and supervisor_name:
        _refuse_unclean(supervisor_name, "Supervisor")
        supervisor = _supervisor(supervisor_name)
        if supervisor.id == user.id:
            raise AccountError("an officer cannot supervise themselves")
    address = _email(email)
    before = {
        "role": user.role,
        "email": user.email,
        "supervisor": user.supervisor.username if user.supervisor else None,
    }
    user.role, user.email = role, address
    _supervise(user, supervisor)
    after = {
        "role": role,
        "email": address,
        "supervisor": supervisor.username if supervisor else None,
    }
    changed = audit.changes(before, after)
    if changed:
        audit.record(
            "account.changed",
            actor=admin,
            client_addr=client_addr,
            detail={"user": user.username, **changed},
        )


def set_active(user: User, active: bool, *, admin: User | None, client_addr: str | None) -> None:
    """Deactivate (ending every session at once) or reactivate an account; never delete it."""
    if user.active == active:
        return
    if not active and is_last_admin(user):
        raise AccountError("this is the last active admin: make another admin first")
    user.active = active
    if not active:
        user.session_version += 1  # signed out everywhere, now
    audit.record(
        "account.reactivated" if active else "account.deactivated",
        actor=admin,
        client_addr=client_addr,
        detail={"user": user.username},
    )


def is_last_admin(user: User) -> bool:
    """Whether this is the only active admin (who must stay one)."""
    return (
        user.role == "admin"
        and user.active
        and db.session.scalar(select(func.count(User.id)).where(User.role == "admin", User.active))
        == 1
    )


def accounts(role: str | None = None, school_id: int | None = None, active: bool | None = None):
    """The accounts, by user name, narrowed by role, school (officers) and whether active."""
    query = select(User).options(selectinload(User.assignments)).order_by(User.username)
    if role:
        query = query.where(User.role == role)
    if school_id:
        query = query.where(
            User.id.in_(
                select(Assignment.officer_id).where(Assignment.school_id == school_id, *_current())
            )
        )
    if active is not None:
        query = query.where(User.active == active)
    return query


def officers_by_school() -> dict[int, int]:
    """How many active officers are assigned to each school, by school id."""
    return dict(
        db.session.execute(
            select(Assignment.school_id, func.count(Assignment.officer_id.distinct()))
            .join(User, User.id == Assignment.officer_id)
            .where(User.active, *_current())
            .group_by(Assignment.school_id)
        ).all()
    )


def assign(
    officer: User,
    school_code: str,
    starts_on: date,
    ends_on: date | None,
    *,
    admin: User,
    client_addr: str | None,
) -> list[str]:
    """Assign an officer to a school from a day to an optional last day; the caller commits.

    Returns warnings to show (the assignment stands): an officer assigned to more than
    MANY_SCHOOLS schools at once is spread too thin to be a school's fixed officer.
    """
    if officer.role != "officer":
        raise AccountError("only officers are assigned to schools")
    _refuse_unclean(school_code, "School code")
    school = _school(school_code)
    if ends_on is not None and ends_on < starts_on:
        raise AccountError(
            f"the assignment would end ({ends_on.isoformat()}) before it starts "
            f"({starts_on.isoformat()})"
        )
    for other in officer.assignments:
        if other.school_id == school.id and _overlap(other, starts_on, ends_on):
            raise AccountError(
                f"{officer.username} is already assigned to {school.name} "
                f"{rules.period(other.starts_on, other.ends_on)}: end that "
                "assignment or choose other dates"
            )
    assignment = Assignment(school=school, starts_on=starts_on, ends_on=ends_on)
    officer.assignments.append(assignment)
    audit.record(
        "assignment.created",
        actor=admin,
        client_addr=client_addr,
        detail={
            "user": officer.username,
            "school": school.code,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat() if ends_on else None,
        },
    )
    at_once = max(len(officer.schools_on(day)) for day in {starts_on, clock.today()})
    if at_once > rules.MANY_SCHOOLS:
        return [
            f"{officer.username} is now assigned to {at_once} schools at once: more than "
            f"{rules.MANY_SCHOOLS} leaves no school a fixed officer (COPS principle 11)."
        ]
    return []


def end_assignment(
    assignment: Assignment, ends_on: date, *, admin: User, client_addr: str | None
) -> None:
    """End an assignment on a day (its last); it stays as history. The caller commits."""
    if ends_on < assignment.starts_on:
        raise AccountError(
            f"an assignment cannot end ({ends_on.isoformat()}) before it starts "
            f"({assignment.starts_on.isoformat()})"
        )
    if assignment.ends_on is not None and assignment.ends_on <= ends_on:
        raise AccountError(f"this assignment already ends on {assignment.ends_on.isoformat()}")
    assignment.ends_on = ends_on
    audit.record(
        "assignment.ended",
        actor=admin,
        client_addr=client_addr,
        detail={
            "user": assignment.officer.username,
            "school": assignment.school.code,
            "starts_on": assignment.starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
        },
    )


@dataclass
class Attention:
    """What an admin should look at: the district's loose ends, each a list."""

    officers_without_supervisor: list[User]
    officers_without_school: list[User]
    schools_without_officer: list[School]
    unused_links: list[SetupLink]
    locked: list[tuple[str, int]]
    longest_waiting: list[ContactRevision]
    mou: program_records.MouNotice | None  # none in force, or the one in force ends soon
    feedback_waiting: int  # public feedback not answered yet (principle 9)

    @property
    def anything(self) -> bool:
        return any(getattr(self, name) for name in self.__dataclass_fields__)


WAITING_SHOWN = 5


def attention() -> Attention:
    """The district's loose ends, for the admin's home page."""
    officers = db.session.scalars(
        select(User)
        .where(User.role == "officer", User.active)
        .options(selectinload(User.assignments))
        .order_by(User.username)
    ).all()
    staffed = set(officers_by_school())
    return Attention(
        officers_without_supervisor=[o for o in officers if o.supervisor_id is None],
        officers_without_school=[o for o in officers if not o.schools],
        schools_without_officer=[s for s in schools_in_service() if s.id not in staffed],
        unused_links=db.session.scalars(
            select(SetupLink)
            .join(User, User.id == SetupLink.user_id)
            .where(SetupLink.used_at.is_(None), SetupLink.expires_at > clock.utcnow(), User.active)
            .order_by(SetupLink.created_at)
        ).all(),
        locked=locked_accounts(),
        longest_waiting=db.session.scalars(
            select(ContactRevision)
            .join(Contact, CURRENT_REVISION)
            .where(ContactRevision.status == "submitted")
            .options(joinedload(ContactRevision.contact).joinedload(Contact.officer))
            .order_by(ContactRevision.received_at)
            .limit(WAITING_SHOWN)
        ).all(),
        mou=program_records.mou_notice(clock.today()),
        feedback_waiting=db.session.scalar(
            select(func.count(Feedback.id)).where(Feedback.status == "new")
        ),
    )


def schools_in_service() -> list[School]:
    """The schools officers can be assigned to (not retired), by name."""
    return [school for school in schools_by_name() if school.retired_at is None]


def supervisors() -> list[User]:
    """The active supervisors an officer may be given, by user name."""
    return db.session.scalars(
        select(User).where(User.role == "supervisor", User.active).order_by(User.username)
    ).all()


def _current():
    """SQL conditions: an assignment that covers today."""
    today = clock.today()
    return (
        Assignment.starts_on <= today,
        or_(Assignment.ends_on.is_(None), Assignment.ends_on >= today),
    )


def _overlap(assignment: Assignment, starts_on: date, ends_on: date | None) -> bool:
    return (ends_on is None or assignment.starts_on <= ends_on) and (
        assignment.ends_on is None or starts_on <= assignment.ends_on
    )


def _supervise(officer: User, supervisor: User | None) -> None:
    """Give the officer this supervisor (or none) from now, ending the one before in the
    history. Their waiting entries follow: a queue holds its officers' entries."""
    if officer.supervisor is supervisor:
        return
    now = clock.utcnow()
    for current in officer.supervisions:
        if current.ended_at is None:
            current.ended_at = now
    officer.supervisor = supervisor
    if supervisor is not None:
        officer.supervisions.append(Supervision(supervisor=supervisor, started_at=now))


def _officers_of(user: User) -> list[User]:
    return db.session.scalars(select(User).where(User.supervisor_id == user.id)).all()


def _checked_account(username: str, role: str, school_codes, supervisor_name) -> str:
    """The user name as stored, once everything about the new account is checked."""
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
    return username


def _add_account(
    username: str,
    role: str,
    school_codes,
    supervisor_name: str | None,
    password: str,
    starts_on: date,
) -> User:
    user = User(username=username, role=role)
    user.set_password(password)
    if supervisor_name:
        _supervise(user, _supervisor(supervisor_name))
    for code in dict.fromkeys(c.strip().upper() for c in school_codes):  # each school once
        user.assignments.append(Assignment(school=_school(code), starts_on=starts_on))
    db.session.add(user)
    return user


def _email(text: str) -> str | None:
    """An e-mail address as typed (blank: none), or AccountError."""
    _refuse_unclean(text, "E-mail address")
    address = text.strip()
    if not address:
        return None
    if len(address) > MAX_EMAIL or not EMAIL_PATTERN.fullmatch(address):
        raise AccountError(f"{address!r} is not an e-mail address like name@district.org")
    return address


def _refuse_unclean(value: str, label: str) -> None:
    problem = rules.text_problem(value, label)
    if problem:
        raise AccountError(problem)


def _school(code: str) -> School:
    school = db.session.scalar(select(School).filter_by(code=code.strip().upper()))
    if school is None:
        raise AccountError(f"unknown school {code!r}")
    if school.retired_at is not None:
        raise AccountError(f"{school.name} is retired: no one is assigned there")
    return school


def _supervisor(username: str) -> User:
    supervisor = db.session.scalar(select(User).filter_by(username=username.strip().lower()))
    if supervisor is None or supervisor.role != "supervisor":
        raise AccountError(f"no supervisor named {username!r}")
    return supervisor
