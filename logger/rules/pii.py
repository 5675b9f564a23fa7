"""Possible personal information (names, birth dates, ID numbers) in the free text of an entry.

A warning, never a refusal.
"""

from __future__ import annotations

import re

from .fields import FIELDS, value_at

# A text is suspect when `digits`, `date` or `cue` matches, or when `pair` (two
# capitalised words; group 1, overlapping) finds a pair with neither word in
# `not_names`. The patterns use syntax that Python and JavaScript read alike.
_UPPER, _LOWER = "A-ZÀ-ÖØ-Þ", "a-zß-öø-ÿ"
_NOT_LETTER_BEFORE, _NOT_LETTER_AFTER = f"(?<![{_UPPER}{_LOWER}])", f"(?![{_UPPER}{_LOWER}])"
_WORD = f"[{_UPPER}][{_LOWER}]+"
PII_PATTERNS = {
    "digits": r"[0-9]{6,}",
    "date": r"\b[0-9]{1,2}[/.-][0-9]{1,2}[/.-](?:[0-9]{4}|[0-9]{2})\b"
    r"|\b(?:DOB|D\.O\.B|born on|birth ?date)\b",
    "cue": rf"\b(?:Mr|Mrs|Ms|Miss|Mx)\.? {_WORD}|\b(?:named|name is|called) {_WORD}",
    "pair": rf"{_NOT_LETTER_BEFORE}(?=({_WORD} {_WORD}){_NOT_LETTER_AFTER})",
}
# Capitalised pairs with one of these words are places, roles or sentence openers, not names.
PII_NOT_NAMES = frozenset(
    """
    The A An This That These Those He She They It We I Officer Deputy Sergeant Sgt Principal
    Assistant Vice Coach Teacher Counselor Nurse School High Middle Elementary Academy Street
    St Avenue Ave Road Rd Drive Park Lot Gym Cafeteria Hall Room Office Main North South East
    West Campus Bus Student Students Parent Parents Staff Security Resource Monday Tuesday
    Wednesday Thursday Friday Saturday Sunday January February March April May June July
    August September October November December Police Department County District Center After
    Before During When While Then Later Also And But Or At In On Of For To With No Yes Mom Dad
    """.split()
)
PII_WARNING = (
    "This may identify a student (a name, a birth date or an ID number). "
    "Describe students without names, birth dates or numbers."
)

# re.ASCII: \b means what it means in JavaScript, so both sides flag the same texts.
_PII_REGEXES = {kind: re.compile(pattern, re.ASCII) for kind, pattern in PII_PATTERNS.items()}


def possible_pii(text: str) -> bool:
    """Whether free text looks like it names, dates or numbers a student."""
    if any(_PII_REGEXES[kind].search(text) for kind in ("digits", "date", "cue")):
        return True
    return any(
        not set(pair.group(1).split()) & PII_NOT_NAMES
        for pair in _PII_REGEXES["pair"].finditer(text)
    )


def texts_with_possible_pii(entry: dict) -> list[str]:
    """The text fields of an entry whose text may identify a student."""
    texts = ((spec.name, value_at(entry, spec.name)) for spec in FIELDS if spec.type == "text")
    return [name for name, text in texts if isinstance(text, str) and possible_pii(text)]
