"""Text the app stores and reads: valid text, whole numbers, moments and lists of words."""

from __future__ import annotations

import re
from datetime import datetime

# Text the app stores: valid Unicode (encodable as UTF-8) with no control character
# but tab, and line breaks where a field has several lines. Checked at every door
# (entries, comments, names, imports, filters), so rendering and exporting never
# meet text they cannot write. The patterns read alike in Python and JavaScript.
TEXT_CONTROL = {
    "multiline": r"[\u0000-\u0008\u000B-\u001F\u007F-\u009F]",
    "single_line": r"[\u0000-\u0008\u000A-\u001F\u007F-\u009F]",
}
TEXT_MESSAGES = {
    "broken": "“{label}” holds a broken character (not valid Unicode): retype that part.",
    "multiline": "“{label}” holds an invisible control character: delete it (tabs and line "
    "breaks are fine).",
    "single_line": "“{label}” holds a line break or an invisible control character: "
    "write it on one line.",
}
_TEXT_CONTROL = {kind: re.compile(pattern) for kind, pattern in TEXT_CONTROL.items()}


def text_problem(value: str, label: str, *, multiline: bool = False) -> str | None:
    """Why this text cannot be stored, in words naming the field; None when it can.

    Line breaks sent as CR LF (as browsers post them) count as line breaks.
    """
    if not is_valid_unicode(value):
        return TEXT_MESSAGES["broken"].format(label=label)
    kind = "multiline" if multiline else "single_line"
    if _TEXT_CONTROL[kind].search(value.replace("\r\n", "\n") if multiline else value):
        return TEXT_MESSAGES[kind].format(label=label)
    return None


def is_valid_unicode(text: str) -> bool:
    """Whether text can be written as UTF-8 (no lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def is_clean_text(value: object, *, multiline: bool = False) -> bool:
    """Whether a value is text the app would store (for filters that ignore anything else)."""
    return isinstance(value, str) and text_problem(value, "", multiline=multiline) is None


def sentence(problem: str) -> str:
    """A message as a sentence on a page: a capital first letter and one full stop."""
    return problem[:1].upper() + problem[1:].rstrip(".") + "."


def join_words(words: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def whole_number(text: str) -> int | None:
    """An int from plain ASCII digits (as a form sends them), else None; never raises."""
    text = text.strip()
    return int(text) if re.fullmatch(r"[0-9]{1,18}", text) else None


def parse_datetime(value) -> datetime | None:
    """An aware datetime from ISO 8601 text with a UTC offset, else None."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None
