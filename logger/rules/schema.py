"""The rules as data: `describe()`, served to offline clients as the schema (/api/v1/schema)."""

from __future__ import annotations

from .checks import UNKNOWN_VERSION, VERSION_FIELD
from .entry_templates import NAME_MAX, TEMPLATE_FIELDS
from .fields import AMENDMENT, CURRENT_VERSION, DICTIONARY_VERSIONS, STUDENT_FIELDS, fields_for
from .flagging import FLAGS, LATE_AFTER_HOURS
from .pii import PII_NOT_NAMES, PII_PATTERNS, PII_WARNING
from .text import TEXT_CONTROL, TEXT_MESSAGES

SPEC_VERSION = 1  # the shape of this description, not the dictionary's version


def describe(version: int = CURRENT_VERSION) -> dict:
    """The rules of a dictionary version as data (JSON-serialisable): served to offline
    clients as the schema; they send `dictionary.version` with each entry they check."""
    return {
        "version": SPEC_VERSION,
        "dictionary": {
            "version": version,
            "field": VERSION_FIELD,
            "known": list(DICTIONARY_VERSIONS),
            "unknown": UNKNOWN_VERSION,
        },
        "fields": [spec.to_json() for spec in fields_for(version)],
        "student_fields": [spec.to_json() for spec in fields_for(version, STUDENT_FIELDS)],
        "amendment": AMENDMENT.to_json(),
        "templates": {"fields": list(TEMPLATE_FIELDS), "name_max": NAME_MAX},
        "flags": {
            name: {"label": text, "principle": principle}
            for name, (text, principle) in FLAGS.items()
        },
        "pii": {
            "patterns": PII_PATTERNS,
            "not_names": sorted(PII_NOT_NAMES),
            "warning": PII_WARNING,
        },
        "late_after_hours": LATE_AFTER_HOURS,
        "text": {"control": TEXT_CONTROL, "messages": TEXT_MESSAGES},
    }
