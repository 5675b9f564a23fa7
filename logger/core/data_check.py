"""check-data: find stored text that today's validation would refuse.

Text is checked at every door (`rules.text_problem`), so nothing new can be
stored broken; this scans what is already stored — entries, amendment
explanations, review comments, account and school names — and names each
problem by where it is, so it can be fixed before an export meets it.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select

from logger import rules
from logger.core.models import ContactRevision, ReviewDecision, School, User
from logger.extensions import db

BATCH = 1000
TEXT_FIELDS = {spec.name for spec in rules.FIELDS if spec.type == "text"}


def problems() -> Iterator[str]:
    """One line per stored text the app would refuse today, e.g.
    'entry 1b4e… revision 2, narrative: “narrative” holds an invisible control character…'.

    It checks the text itself (valid Unicode, no control characters); entries stored
    under older rules stay valid under those rules and are not reported for that.
    """
    for contact_id, number, content, explanation in db.session.execute(
        select(
            ContactRevision.contact_id,
            ContactRevision.number,
            ContactRevision.content,
            ContactRevision.amendment_explanation,
        )
        .order_by(ContactRevision.contact_id, ContactRevision.number)
        .execution_options(yield_per=BATCH)
    ):
        where = f"entry {contact_id} revision {number}"
        for path, text in _texts(content):
            yield from _problem(where, path, text, multiline=path in TEXT_FIELDS)
        if explanation is not None:
            yield from _problem(where, rules.AMENDMENT.name, explanation, multiline=True)
    for contact_id, revision, comment in db.session.execute(
        select(ReviewDecision.contact_id, ReviewDecision.revision, ReviewDecision.comment)
        .where(ReviewDecision.comment.is_not(None))
        .execution_options(yield_per=BATCH)
    ):
        yield from _problem(
            f"entry {contact_id} revision {revision}", "review comment", comment, multiline=True
        )
    for user_id, username in db.session.execute(select(User.id, User.username)):
        yield from _problem(f"user {user_id}", "username", username)
    for school_id, code, name in db.session.execute(select(School.id, School.code, School.name)):
        yield from _problem(f"school {school_id}", "code", code)
        yield from _problem(f"school {school_id}", "name", name)


def _texts(value, path: str = "") -> Iterator[tuple[str, str]]:
    """(dotted path, text) for every string in a stored entry, keys included."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            inner = f"{path}.{key}" if path else str(key)
            yield from _texts(key, inner)
            yield from _texts(item, inner)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, f"{path}.{index}")


def _problem(where: str, path: str, text: str, *, multiline: bool = False) -> Iterator[str]:
    problem = rules.text_problem(text, path, multiline=multiline)
    if problem:
        yield f"{where}, {path}: {problem}"
