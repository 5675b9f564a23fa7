"""The database: accounts, schools, duty assignments, contacts with revisions, audit events."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from logger import rules
from logger.core import clock
from logger.extensions import db

ROLES = ("officer", "supervisor", "admin", "evaluator")
SCHOOL_LEVELS = ("elementary", "middle", "high", "other")
STATUSES = ("submitted", "returned", "approved")
DECISIONS = rules.DECISIONS


def _enum(values: tuple[str, ...], name: str) -> sa.Enum:
    """A portable enum: a VARCHAR with a CHECK constraint on every database."""
    return sa.Enum(
        *values, name=name, native_enum=False, create_constraint=True, length=max(map(len, values))
    )


class UTCDateTime(sa.types.TypeDecorator):
    """Aware datetimes stored as naive UTC, so SQLite and PostgreSQL agree."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: give times with a zone")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


def _utcnow() -> datetime:
    return clock.utcnow()  # looked up at each call, so a test's frozen clock holds here too


class User(UserMixin, db.Model):
    """Someone who signs in: an officer, a supervisor, an admin or an evaluator."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    email: Mapped[str | None] = mapped_column(sa.String(254))  # where setup links go, if any
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    role: Mapped[str] = mapped_column(_enum(ROLES, "role"))
    active: Mapped[bool] = mapped_column(default=True)
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")  # +1 at sign-out
    supervisor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_utcnow)

    supervisor: Mapped[User | None] = relationship(remote_side=[id])
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="officer",
        order_by="Assignment.starts_on, Assignment.id",
        cascade="all, delete-orphan",
    )
    supervisions: Mapped[list[Supervision]] = relationship(
        foreign_keys="Supervision.officer_id",
        order_by="Supervision.started_at, Supervision.id",
        cascade="all, delete-orphan",
    )

    @property
    def is_active(self) -> bool:
        """Deactivated accounts cannot sign in (Flask-Login)."""
        return self.active

    def get_id(self) -> str:
        """The id kept in the session: the account and its session version."""
        return f"{self.id}.{self.session_version}"

    @property
    def schools(self) -> list[School]:
        """The schools assigned today, first assignment first."""
        return self.schools_on(clock.today())

    def schools_on(self, day: date) -> list[School]:
        """The schools assigned on a day, first assignment first, each once."""
        return list(
            dict.fromkeys(
                assignment.school for assignment in self.assignments if assignment.covers(day)
            )
        )

    def set_password(self, password: str) -> None:
        """Keep only a salted hash of the password."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        """Whether this is the account's password."""
        return check_password_hash(self.password_hash, password)


class School(db.Model):
    """A school in the district."""

    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    level: Mapped[str] = mapped_column(_enum(SCHOOL_LEVELS, "school_level"))
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # closed: kept, never deleted


class Assignment(db.Model):
    """An officer's fixed duty assignment to a school, from a day to an optional last day
    (COPS principle 11). An ended assignment is kept: it is the program's history."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id"), index=True)
    starts_on: Mapped[date] = mapped_column(sa.Date)  # the district's days, both included
    ends_on: Mapped[date | None] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_utcnow)

    def covers(self, day: date) -> bool:
        """Whether the officer was assigned to the school on this day."""
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    officer: Mapped[User] = relationship(back_populates="assignments")
    school: Mapped[School] = relationship()


class Contact(db.Model):
    """One contact entry, identified by the UUID minted on the device; content is in revisions."""

    __tablename__ = "contacts"
    __table_args__ = (
        # Finds a revision's contact, its current number and officer from the index alone.
        sa.Index("ix_contacts_current", "id", "current_revision", "officer_id"),
        # An officer's entries in the order they changed: the sync API's cursor walks it.
        sa.Index("ix_contacts_officer_updated_at", "officer_id", "updated_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    officer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    current_revision: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The server's clock when it last changed (a revision or a decision), never a device's.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_utcnow)

    officer: Mapped[User] = relationship()
    revisions: Mapped[list[ContactRevision]] = relationship(
        back_populates="contact", order_by="ContactRevision.number"
    )
    decisions: Mapped[list[ReviewDecision]] = relationship(order_by="ReviewDecision.id")
    current: Mapped[ContactRevision] = relationship(
        primaryjoin="and_(ContactRevision.contact_id == Contact.id, "
        "ContactRevision.number == Contact.current_revision)",
        viewonly=True,
        uselist=False,
    )

    @property
    def record(self) -> ContactRevision | None:
        """The official record: the latest approved revision, or None if never approved."""
        return next((r for r in reversed(self.revisions) if r.status == "approved"), None)

    @property
    def pending(self) -> ContactRevision | None:
        """A revision after the record, waiting for review or returned; None when there is none."""
        record, latest = self.record, self.revisions[-1] if self.revisions else None
        return latest if record is not None and latest is not record else None


# The record's index (ix_contact_revisions_record): when, where, who, and the counted facts.
RECORD_INDEX_COLUMNS = (
    "occurred_at",
    "school_id",
    "classification",
    "officer_id",
    "dictionary_version",
    "id",
    *rules.revision_facts({}, rules.CURRENT_VERSION),
)


class ContactRevision(db.Model):
    """The full entry as received, plus the columns that queues and exports filter on."""

    __tablename__ = "contact_revisions"
    __table_args__ = (
        sa.UniqueConstraint("contact_id", "number"),
        sa.Index("ix_contact_revisions_status_received_at", "status", "received_at"),
        # A team's waiting entries, officer by officer in the queue's order, with what the
        # queue's counts group by: a supervisor's page and counts read only their team's.
        sa.Index(
            "ix_contact_revisions_officer_queue",
            "status",
            "is_current",
            "officer_id",
            "concern",
            "received_at",
            "id",
            "contact_id",
            "number",
            "school_id",
            "classification",
        ),
        # The record by when it happened, with every fact the assessment, the rates and the
        # public summary count: they add it up from this index alone.
        sa.Index(
            "ix_contact_revisions_record",
            *RECORD_INDEX_COLUMNS,
            postgresql_where=sa.text("is_record"),
            sqlite_where=sa.text("is_record"),
        ),
        # Revisions by when they happened, with what a year's review turnaround and waiting
        # entries need: the assessment counts them from the index alone.
        sa.Index(
            "ix_contact_revisions_occurred",
            "occurred_at",
            "status",
            "is_current",
            "seconds_to_decision",
            "received_at",
            "contact_id",
        ),
        # Decided revisions by their wait: a turnaround percentile's exact value, found among
        # the few revisions of one hour of waiting.
        sa.Index(
            "ix_contact_revisions_by_wait",
            "seconds_to_decision",
            "occurred_at",
            postgresql_where=sa.text("seconds_to_decision IS NOT NULL"),
            sqlite_where=sa.text("seconds_to_decision IS NOT NULL"),
        ),
        # Covers the review queue's page and its counts: no table reads for waiting entries.
        sa.Index(
            "ix_contact_revisions_queue",
            "status",
            "concern",
            "received_at",
            "contact_id",
            "number",
            "school_id",
            "classification",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("contacts.id"))
    number: Mapped[int]
    # Its contact's officer, copied at insert (an entry never changes officer): the queue's index.
    officer_id: Mapped[int]
    content: Mapped[dict] = mapped_column(sa.JSON)
    classification: Mapped[str] = mapped_column(_enum(rules.CLASSIFICATIONS, "classification"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id"), index=True)
    status: Mapped[str] = mapped_column(_enum(STATUSES, "status"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    amendment_explanation: Mapped[str | None] = mapped_column(sa.Text)
    concern: Mapped[int] = mapped_column(
        default=len(rules.CONCERN_ORDER), server_default=str(len(rules.CONCERN_ORDER))
    )
    # The data dictionary this revision was checked under: v1 entries stay valid under v1.
    dictionary_version: Mapped[int] = mapped_column(
        default=rules.CURRENT_VERSION, server_default="1"
    )
    # Whether this is its contact's record, the latest approved revision (DESIGN.md, "The
    # record"): set when a supervisor approves it, cleared when a later revision is approved.
    is_record: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Whether this is its contact's current revision (Contact.current_revision): true when it
    # is stored, cleared when a later revision is added. The review queue filters on it.
    is_current: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # Seconds from its receipt to its supervisor's decision (to the nearest second), set when
    # it is approved or returned; NULL while it waits. The assessment's review turnaround.
    seconds_to_decision: Mapped[int | None]

    # The entry's queryable facts (rules/facts.py), written with it and never changed after:
    # the assessment, the rates and the public summary add these up in SQL.
    students_involved: Mapped[int] = mapped_column(default=0, server_default="0")
    students_described: Mapped[int] = mapped_column(default=0, server_default="0")
    enforcement: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    action_citation: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    action_search: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    action_detention: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    action_restraint: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    action_arrest: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    action_use_of_force: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    justified: Mapped[bool | None]
    injuries: Mapped[str | None] = mapped_column(sa.Text)
    crdc_referral: Mapped[bool | None]
    crdc_arrest: Mapped[bool | None]
    restraint_prone: Mapped[bool | None]
    search_found_something: Mapped[bool | None]
    search_basis: Mapped[str | None] = mapped_column(sa.Text)
    detention_minutes: Mapped[int | None]
    parent_notified: Mapped[bool | None]
    principal_notified: Mapped[bool | None]

    contact: Mapped[Contact] = relationship(back_populates="revisions")
    school: Mapped[School] = relationship()
    flag_rows: Mapped[list[RevisionFlag]] = relationship(cascade="all, delete-orphan")
    choice_rows: Mapped[list[RevisionChoice]] = relationship(cascade="all, delete-orphan")
    student_rows: Mapped[list[RevisionStudent]] = relationship(
        cascade="all, delete-orphan", order_by="RevisionStudent.position"
    )

    def derive_facts(self) -> None:
        """Fill the queryable facts from the content, by the rules (before it is stored)."""
        facts = RevisionFacts.of(self.content, self.dictionary_version)
        for column, value in facts.columns.items():
            setattr(self, column, value)
        self.choice_rows = [RevisionChoice(**row) for row in facts.choices]
        self.student_rows = [RevisionStudent(**row) for row in facts.students]

    @property
    def flags(self) -> list[str]:
        """The flags raised on this revision, in the rules' order."""
        raised = {row.flag for row in self.flag_rows}
        return [name for name in rules.FLAGS if name in raised]


@dataclass(frozen=True)
class RevisionFacts:
    """A revision's queryable facts (rules/facts.py), as stored: its fact columns, and its
    revision_choices and revision_students rows without the revision's id."""

    columns: dict
    choices: list[dict]
    students: list[dict]

    @classmethod
    def of(cls, content: dict, version: int) -> RevisionFacts:
        return cls(
            rules.revision_facts(content, version),
            [{"field": name, "choice": choice} for name, choice in rules.choice_rows(content)],
            [
                {"position": position, **groups}
                for position, groups in enumerate(rules.student_rows(content))
            ],
        )


@event.listens_for(ContactRevision, "before_insert")
def _copy_officer(mapper, connection, revision: ContactRevision) -> None:
    if revision.officer_id is None:
        revision.officer_id = revision.contact.officer_id


# Joins a contact to its current revision (the one the officer and the review queue see).
CURRENT_REVISION = sa.and_(
    ContactRevision.contact_id == Contact.id, ContactRevision.number == Contact.current_revision
)


class ReviewDecision(db.Model):
    """A supervisor's decision on one revision: approve, or return with a comment."""

    __tablename__ = "review_decisions"
    __table_args__ = (sa.UniqueConstraint("contact_id", "revision"),)  # decided once

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("contacts.id"), index=True)
    revision: Mapped[int]
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    decision: Mapped[str] = mapped_column(_enum(DECISIONS, "decision"))
    comment: Mapped[str | None] = mapped_column(sa.Text)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)

    reviewer: Mapped[User] = relationship()


class RevisionFlag(db.Model):
    """One flag raised by the rules on a revision, queryable by name."""

    __tablename__ = "revision_flags"

    revision_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contact_revisions.id"), primary_key=True
    )
    flag: Mapped[str] = mapped_column(
        _enum(tuple(rules.FLAGS), "flag"), primary_key=True, index=True
    )


class RevisionChoice(db.Model):
    """One choice of a multiple-choice field of a revision (rules.CHOICE_FIELDS), countable."""

    __tablename__ = "revision_choices"

    revision_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contact_revisions.id"), primary_key=True
    )
    field: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    choice: Mapped[str] = mapped_column(sa.Text, primary_key=True)


class RevisionStudent(db.Model):
    """One student described in a revision: the groups they count in (rules.student_groups),
    never an identity."""

    __tablename__ = "revision_students"

    revision_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contact_revisions.id"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True)  # 0 for the first described
    race: Mapped[str | None] = mapped_column(sa.Text)
    gender: Mapped[str | None] = mapped_column(sa.Text)
    disability: Mapped[str | None] = mapped_column(sa.String(3))
    limited_english: Mapped[str | None] = mapped_column(sa.String(3))
    grade_band: Mapped[str | None] = mapped_column(sa.Text)


class AuditEvent(db.Model):
    """Who did what, when, from where: append-only."""

    __tablename__ = "audit_events"
    __table_args__ = (sa.Index("ix_audit_events_action_at", "action", "at"),)  # 0025

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=_utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(40))
    contact_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, index=True)
    revision: Mapped[int | None]
    client_addr: Mapped[str | None] = mapped_column(sa.String(45))
    detail: Mapped[dict | None] = mapped_column(sa.JSON)

    actor: Mapped[User | None] = relationship()


class Setting(db.Model):
    """A district-wide choice an admin makes in the app, e.g. publishing the public summary."""

    __tablename__ = "settings"

    name: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    value: Mapped[dict] = mapped_column(sa.JSON)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))


class SignInFailure(db.Model):
    """One failed sign-in: the account name as typed (known or not) and the address it came from.

    Throttling counts these per account and per account and address, in the
    database, so every worker on every host sees the same counts.
    """

    __tablename__ = "sign_in_failures"
    __table_args__ = (sa.Index("ix_sign_in_failures_account_at", "account", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(sa.String(64))
    client_addr: Mapped[str | None] = mapped_column(sa.String(45))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=_utcnow)


class KeptForm(db.Model):
    """What someone typed into a form when their session had ended, kept until they sign in."""

    __tablename__ = "kept_forms"

    token: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))  # its author
    endpoint: Mapped[str] = mapped_column(sa.String(64))
    view_args: Mapped[dict] = mapped_column(sa.JSON)
    fields: Mapped[list] = mapped_column(sa.JSON)  # [name, value] pairs, in the order posted
    client_addr: Mapped[str | None] = mapped_column(sa.String(45))
    kept_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_utcnow, index=True)


class Supervision(db.Model):
    """Who supervised an officer, from when to when (the officer's supervisor_id is the
    current one). Kept as history: reviewing is supervision on real duties (principle 6)."""

    __tablename__ = "supervisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    supervisor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    supervisor: Mapped[User] = relationship(foreign_keys=[supervisor_id])


class SetupLink(db.Model):
    """A one-time link with which someone chooses their password (a new account, or a reset).

    Only a hash of its token is kept: the link itself is shown once, to the admin.
    """

    __tablename__ = "setup_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    purpose: Mapped[str] = mapped_column(sa.String(16))  # "new account" or "reset"
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


# Joins a contact to its record: its latest approved revision (DESIGN.md, "The record").
# An amendment waiting for review, or returned, never takes the approved one's place.
RECORD_REVISION = sa.and_(ContactRevision.contact_id == Contact.id, ContactRevision.is_record)
# The number of a newer revision waiting for review or returned, beside the record; else NULL.
PENDING_REVISION = sa.case(
    (Contact.current_revision > ContactRevision.number, Contact.current_revision), else_=None
)


class EntryTemplate(db.Model):
    """Choices an officer repeats, kept under a name; with no owner, the district's for everyone."""

    __tablename__ = "entry_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(rules.NAME_MAX))
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    fields: Mapped[dict] = mapped_column(sa.JSON)  # only rules.TEMPLATE_FIELDS, as checked
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # kept, no longer offered

    owner: Mapped[User | None] = relationship()


class EntryTiming(db.Model):
    """How long a new entry took on the phone, and whether a template was used: no content."""

    __tablename__ = "entry_timings"

    contact_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("contacts.id"), primary_key=True)
    officer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    seconds: Mapped[int]
    template_used: Mapped[bool]
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)  # the server's clock


class AuditIsAppendOnly(Exception):
    """Raised when code tries to change or delete an audit event."""


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session, flush_context, instances):
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditEvent):
            raise AuditIsAppendOnly("audit events are never changed or deleted")


@event.listens_for(Session, "do_orm_execute")
def _refuse_audit_bulk_changes(state):
    if (state.is_update or state.is_delete) and state.statement.table.name == "audit_events":
        raise AuditIsAppendOnly("audit events are never changed or deleted")


# Program records (principles 1, 2, 5, 8, 9, 12): the program's evidence beside the contacts.
TRAINING_TOPICS = (
    "adolescent_development",
    "de_escalation",
    "implicit_bias",
    "disabilities_special_education",
    "trauma_informed_practice",
    "student_privacy_search_law",
    "restorative_practices",
)
PRACTICE_KINDS = ("peer_network_meeting", "conference", "mentoring", "other")
HOURS = sa.Numeric(6, 2, asdecimal=False)  # hours to the hundredth, read back as a float


class CommunityInputSession(db.Model):
    """A session where the community had its say on the program (principle 1)."""

    __tablename__ = "community_input_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[date] = mapped_column(sa.Date, index=True)
    audience: Mapped[str] = mapped_column(sa.String(200))
    attended: Mapped[int]
    summary: Mapped[str] = mapped_column(sa.Text)


class Mou(db.Model):
    """A memorandum of understanding between the district and the law enforcement agency
    (principle 2): in force from its effective day to its expiry day, both included."""

    __tablename__ = "mous"

    id: Mapped[int] = mapped_column(primary_key=True)
    parties: Mapped[str] = mapped_column(sa.Text)  # one party a line
    signed_on: Mapped[date] = mapped_column(sa.Date)
    effective_on: Mapped[date] = mapped_column(sa.Date)
    expires_on: Mapped[date] = mapped_column(sa.Date, index=True)
    review_on: Mapped[date | None] = mapped_column(sa.Date)
    reference: Mapped[str | None] = mapped_column(sa.String(500))  # a link or a file's name

    def covers(self, day: date) -> bool:
        """Whether the MOU is in force on this day."""
        return self.effective_on <= day <= self.expires_on


class OfficerSelection(db.Model):
    """How an officer was selected for the program (principle 5): one record an officer."""

    __tablename__ = "officer_selections"

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), unique=True)
    selected_on: Mapped[date] = mapped_column(sa.Date)
    staff_on_panel: Mapped[bool]
    community_on_panel: Mapped[bool]
    qualifications: Mapped[str] = mapped_column(sa.Text)

    officer: Mapped[User] = relationship()


class OfficerTraining(db.Model):
    """A course an officer completed, on one of the required topics (principle 8)."""

    __tablename__ = "officer_trainings"

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    completed_on: Mapped[date] = mapped_column(sa.Date, index=True)
    course: Mapped[str] = mapped_column(sa.String(200))
    hours: Mapped[float] = mapped_column(HOURS)
    topic: Mapped[str] = mapped_column(_enum(TRAINING_TOPICS, "training_topic"))

    officer: Mapped[User] = relationship()


class StaffTraining(db.Model):
    """School staff trained on the SRO program (principle 8)."""

    __tablename__ = "staff_trainings"

    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[date] = mapped_column(sa.Date, index=True)
    school_id: Mapped[int | None] = mapped_column(sa.ForeignKey("schools.id"))
    staff_trained: Mapped[int]
    summary: Mapped[str] = mapped_column(sa.Text)

    school: Mapped[School | None] = relationship()


class OutreachEvent(db.Model):
    """An event for students and families (principle 9)."""

    __tablename__ = "outreach_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[date] = mapped_column(sa.Date, index=True)
    school_id: Mapped[int | None] = mapped_column(sa.ForeignKey("schools.id"))
    audience: Mapped[str] = mapped_column(sa.String(200))
    attended: Mapped[int]
    summary: Mapped[str | None] = mapped_column(sa.Text)

    school: Mapped[School | None] = relationship()


practice_participants = sa.Table(
    "practice_participants",
    db.metadata,
    sa.Column(
        "activity_id", sa.ForeignKey("practice_activities.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("officer_id", sa.ForeignKey("users.id"), primary_key=True, index=True),
)


class PracticeActivity(db.Model):
    """A peer-network meeting, conference or mentoring between officers (principle 12)."""

    __tablename__ = "practice_activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[date] = mapped_column(sa.Date, index=True)
    kind: Mapped[str] = mapped_column(_enum(PRACTICE_KINDS, "practice_kind"))
    hours: Mapped[float | None] = mapped_column(HOURS)
    summary: Mapped[str | None] = mapped_column(sa.Text)

    officers: Mapped[list[User]] = relationship(
        secondary=practice_participants, order_by="User.username"
    )


# Public feedback (principle 9)

FEEDBACK_CATEGORIES = ("praise", "concern", "interaction_complaint", "suggestion")
FEEDBACK_STATUSES = ("new", "answered", "resolved")
# How an answer reached the person: e-mailed from here, by the admin another way, or not sent.
ANSWER_WAYS = ("mailed_here", "email", "phone", "letter", "in_person", "not_sent")


class Feedback(db.Model):
    """Feedback or a concern about the SRO program from anyone, sent without signing in.

    Who sent it is not kept: only the way to reply they chose to give, which only admins see.
    """

    __tablename__ = "feedback"
    __table_args__ = (sa.Index("ix_feedback_status_received_at", "status", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_utcnow, index=True)
    school_id: Mapped[int | None] = mapped_column(sa.ForeignKey("schools.id"))  # None: no one
    category: Mapped[str] = mapped_column(_enum(FEEDBACK_CATEGORIES, "feedback_category"))
    text: Mapped[str] = mapped_column(sa.Text)
    reply_to: Mapped[str | None] = mapped_column(sa.String(254))  # an e-mail address or phone
    possible_name: Mapped[bool] = mapped_column(default=False)  # sent on after the warning
    status: Mapped[str] = mapped_column(_enum(FEEDBACK_STATUSES, "feedback_status"), default="new")
    first_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    school: Mapped[School | None] = relationship()
    resolved_by: Mapped[User | None] = relationship()
    answers: Mapped[list[FeedbackAnswer]] = relationship(
        back_populates="feedback", order_by="FeedbackAnswer.answered_at, FeedbackAnswer.id"
    )


class FeedbackAnswer(db.Model):
    """An admin's answer to feedback, and how it reached the person."""

    __tablename__ = "feedback_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(sa.ForeignKey("feedback.id"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    way: Mapped[str] = mapped_column(_enum(ANSWER_WAYS, "answer_way"))
    answered_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_utcnow)

    feedback: Mapped[Feedback] = relationship(back_populates="answers")
    answered_by: Mapped[User] = relationship()


class FeedbackPost(db.Model):
    """One feedback sent from an address, for the rate limit: a keyed hash of the address,
    never the address; kept a day."""

    __tablename__ = "feedback_posts"
    __table_args__ = (sa.Index("ix_feedback_posts_address_key_at", "address_key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address_key: Mapped[str] = mapped_column(sa.String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=_utcnow)


# Enrollment (denominators for the assessment)


class Enrollment(db.Model):
    """How many students a school had in a school year, in all (`total`) or in one group of
    students (admin/enrollment.py names the groups). Imported from the district's student
    records; importing a school's year again replaces all of that year's rows for the school."""

    __tablename__ = "enrollment"
    __table_args__ = (
        sa.UniqueConstraint("school_id", "school_year", "student_group"),
        sa.CheckConstraint("students >= 0", name="students_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id"))
    school_year: Mapped[int]  # the calendar year it starts in: 2025 for 2025–26
    student_group: Mapped[str] = mapped_column(sa.String(40))  # "total", "race:black", ...
    students: Mapped[int]
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    school: Mapped[School] = relationship()
