"""The rules as data: `describe()`, served to offline clients as the schema (/api/v1/schema)."""

from __future__ import annotations

from .fields import AMENDMENT, FIELDS, STUDENT_FIELDS
from .flagging import FLAGS, LATE_AFTER_HOURS
from .pii import PII_NOT_NAMES, PII_PATTERNS, PII_WARNING
from .text import TEXT_CONTROL, TEXT_MESSAGES

SPEC_VERSION = 1


def describe() -> dict:
    """The rules as data (JSON-serialisable): served to offline clients as the schema."""
    return {
        "version": SPEC_VERSION,
        "fields": [spec.to_json() for spec in FIELDS],
        "student_fields": [spec.to_json() for spec in STUDENT_FIELDS],
        "amendment": AMENDMENT.to_json(),
        "flags": {name: {"label": text, "principle": principle}
                  for name, (text, principle) in FLAGS.items()},
        "pii": {"patterns": PII_PATTERNS, "not_names": sorted(PII_NOT_NAMES),
                "warning": PII_WARNING},
        "late_after_hours": LATE_AFTER_HOURS,
        "text": {"control": TEXT_CONTROL, "messages": TEXT_MESSAGES},
    }
