"""What each user may reach, written once per kind of thing: every screen that lists entries or
templates, or opens one by its id from the address, narrows its query here.

The role gate (`role_required`) says which screens a user may open; these scopes say which
things on them are theirs to see. A thing outside the scope is not there (404), never "yours
to ask for but refused", so an id tells nobody whether it exists.
"""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import selectinload

from logger.core.models import Contact, ContactRevision, EntryTemplate, ReviewDecision, User
from logger.extensions import db


def entries_visible_to(user: User, officer_id=Contact.officer_id) -> ColumnElement[bool]:
    """A condition on entries, by their officer (the contact's, or a revision's copy of it):
    those this user may see. An officer their own; a supervisor those of the officers they
    supervise now; evaluators and admins every entry (they read them in exports, never on an
    officer's or supervisor's screens); nobody else any."""
    if user.role == "officer":
        return officer_id == user.id
    if user.role == "supervisor":
        return officer_id.in_(select(User.id).where(User.supervisor_id == user.id))
    if user.role in ("evaluator", "admin"):
        return true()
    return false()


def entry_for(user: User, entry_id: uuid.UUID) -> Contact | None:
    """One entry this user may see, with its revisions and decisions; None for any other."""
    return db.session.scalar(
        select(Contact)
        .where(Contact.id == entry_id, entries_visible_to(user))
        .options(
            selectinload(Contact.revisions).selectinload(ContactRevision.flag_rows),
            selectinload(Contact.decisions).joinedload(ReviewDecision.reviewer),
        )
    )


def templates_offered_to(officer: User) -> ColumnElement[bool]:
    """A condition on templates: those in service an officer may start from, their own and
    the district's."""
    return EntryTemplate.deleted_at.is_(None) & or_(
        EntryTemplate.owner_id == officer.id, EntryTemplate.owner_id.is_(None)
    )


def templates_kept_by(user: User) -> ColumnElement[bool]:
    """A condition on templates: those in service this user keeps and may retire. An officer
    their own; an admin the district's; nobody else any."""
    if user.role == "officer":
        owned = EntryTemplate.owner_id == user.id
    elif user.role == "admin":
        owned = EntryTemplate.owner_id.is_(None)
    else:
        return false()
    return EntryTemplate.deleted_at.is_(None) & owned


def template_for(user: User, template_id: int) -> EntryTemplate | None:
    """One template this user keeps; None for any other."""
    return db.session.scalar(
        select(EntryTemplate).where(EntryTemplate.id == template_id, templates_kept_by(user))
    )
