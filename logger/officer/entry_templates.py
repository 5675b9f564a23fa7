"""Entry templates: an officer's own and the district's, kept, listed and retired.

What a template may hold is the rules' (`rules.check_template()`); here they are stored,
offered to the officer (their own, then the district's) and retired, never deleted.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from logger import rules
from logger.auth.scopes import template_for, templates_offered_to
from logger.core import audit
from logger.core.models import Contact, EntryTemplate, User
from logger.extensions import db

DUPLICATE_NAME = "You already have a template named “{name}”: choose another name."


def offered(officer: User) -> list[EntryTemplate]:
    """The templates an officer may use: their own and the district's, by name."""
    return db.session.scalars(
        select(EntryTemplate)
        .where(templates_offered_to(officer))
        .order_by(EntryTemplate.name, EntryTemplate.id)
    ).all()


def has_starting_points(officer: User) -> bool:
    """Whether New contact will offer the officer a one-tap start: a template, or their
    previous entry ("Same as last"), so the page keeps room for the buttons from the start."""
    in_service = select(EntryTemplate.id).where(templates_offered_to(officer))
    previous = select(Contact.id).where(Contact.officer_id == officer.id)
    return db.session.scalar(select(in_service.exists() | previous.exists()))


def offered_by_district() -> list[EntryTemplate]:
    """The district's templates in service, by name."""
    return db.session.scalars(
        select(EntryTemplate)
        .where(EntryTemplate.deleted_at.is_(None), EntryTemplate.owner_id.is_(None))
        .order_by(EntryTemplate.name, EntryTemplate.id)
    ).all()


def create(
    owner: User | None, sent: object, *, actor: User, now: datetime, client_addr: str | None
) -> tuple[EntryTemplate | None, dict[str, list[str]]]:
    """Keep a template for an officer (owner) or the district (None); or say what is wrong."""
    template, errors = rules.check_template(sent)
    if not errors and _name_taken(owner, template["name"]):
        errors = {"name": [DUPLICATE_NAME.format(name=template["name"])]}
    if errors:
        return None, errors
    kept = EntryTemplate(
        name=template["name"], owner=owner, fields=template["fields"], created_at=now
    )
    db.session.add(kept)
    db.session.flush()
    audit.record(
        "template.created",
        actor=actor,
        client_addr=client_addr,
        detail={"template": kept.id, "name": kept.name, "district": owner is None},
    )
    return kept, {}


def retire(actor: User, template_id: int, *, now: datetime, client_addr: str | None) -> bool:
    """Stop offering a template the actor keeps (an officer their own, an admin the
    district's); False if they keep none by that id."""
    template = template_for(actor, template_id)
    if template is None:
        return False
    template.deleted_at = now
    audit.record(
        "template.retired",
        actor=actor,
        client_addr=client_addr,
        detail={"template": template.id, "name": template.name},
    )
    return True


def as_json(template: EntryTemplate) -> dict:
    """A template as the phone keeps it."""
    return {
        "id": template.id,
        "name": template.name,
        "fields": template.fields,
        "district": template.owner_id is None,
    }


def _name_taken(owner: User | None, name: str) -> bool:
    owned = (EntryTemplate.owner_id == owner.id) if owner else EntryTemplate.owner_id.is_(None)
    return (
        db.session.scalar(
            select(EntryTemplate.id)
            .where(owned, EntryTemplate.deleted_at.is_(None), EntryTemplate.name == name)
            .limit(1)
        )
        is not None
    )
