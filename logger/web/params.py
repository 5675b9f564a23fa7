"""Reading numbers from query strings and forms, the same way on every page."""

from __future__ import annotations

from flask import abort, request

MAX_ID_DIGITS = 9  # any id this long fits a database integer on every engine


def page_number(last: int) -> int:
    """The ?page= number; 404 when it is not a number from 1 to `last`."""
    number = request.args.get("page", 1, type=int)
    if not 1 <= number <= last:
        abort(404)
    return number


def record_id(text: str) -> int | None:
    """An id as typed in a query or a form (plain digits that fit the database), else None."""
    return int(text) if text.isdecimal() and len(text) <= MAX_ID_DIGITS else None
