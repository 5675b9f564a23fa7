"""The rules of a contact entry (data dictionary v1 and v2), written once.

Pure Python, no Flask: the HTML form, the sync API and the review queue call
`check()` and `flags()`; offline clients receive `describe()` as JSON and
interpret the same field specs, so no rule is ever written twice.

Where each rule lives (callers use `from logger import rules; rules.X`):
- fields: the field specs (FIELDS, STUDENT_FIELDS, AMENDMENT), choices, labels, limits
- text: what text may be stored (`text_problem()`), reading numbers and moments, joining words
- checks: `check()` of an entry under a dictionary version and its Verdict, `missing()`,
  `check_amendment()`
- pii: possible student identifiers in free text (a warning)
- flagging: the flags of an entry (`flags()`) and the review queue's order (`concern()`)
- decisions: a supervisor's decision (`check_decision()`, `approval_needs_comment()`)
- assignments: duty assignments by day (`MANY_SCHOOLS`, `period()`, `unassigned_day()`)
- crdc: the Civil Rights Data Collection's counts derived from an entry (`crdc()`)
- facts: an entry's queryable facts, stored beside it for counting in SQL (`revision_facts()`,
  `choice_rows()`, `student_rows()`)
- entry_templates: what a template may hold (`check_template()`)
- telemetry: what an entry's timing may be (`check_timing()`)
- schema: `describe()`, the rules as data for offline clients
"""

from .assignments import MANY_SCHOOLS, period, unassigned_day
from .checks import (
    UNKNOWN_VERSION,
    VERSION_FIELD,
    Verdict,
    check,
    check_amendment,
    missing,
    newly_required,
)
from .crdc import CRDC_COLUMNS, crdc
from .decisions import (
    COMMENT_REQUIRED_TO_APPROVE,
    DECISIONS,
    MAX_COMMENT,
    approval_needs_comment,
    check_decision,
)
from .entry_templates import NAME_MAX, TEMPLATE_FIELDS, TEMPLATE_MESSAGES, check_template
from .facts import (
    ACTION_COLUMNS,
    CHOICE_FIELDS,
    STUDENT_GROUPS,
    TWO_OR_MORE,
    choice_rows,
    revision_facts,
    student_groups,
    student_rows,
)
from .fields import (
    ACTIONS,
    ALTERNATIVES,
    AMENDMENT,
    CITATION_OR_ARREST,
    CLASSIFICATIONS,
    CURRENT_VERSION,
    DETENTION,
    DICTIONARY_VERSIONS,
    DISCIPLINARY,
    EARLIEST_CONTACT,
    ENFORCEMENT,
    ENFORCEMENT_ACTIONS,
    FIELDS,
    FIELDS_BY_NAME,
    FORCE,
    FORCE_TYPES,
    GENDERS,
    GRADE_BANDS,
    INITIATORS,
    INJURIES,
    INJURY_ACTIONS,
    INJURY_POSSIBLE,
    LABELS,
    LAST_RESORT,
    LAST_RESORT_ACTIONS,
    LOCATIONS,
    MAX_FUTURE_MINUTES,
    MAX_TEXT,
    MENTORING_TYPES,
    MINUTES_MAX,
    MINUTES_MIN,
    NOT_MENTORING,
    OFFENSE_CATEGORIES,
    OUTCOME_REFERRALS,
    QUICK_MINUTES,
    RACES,
    RESTRAINT,
    RESTRAINT_TYPES,
    SCHOOL_RULES,
    SEARCH,
    SEARCH_BASES,
    SEARCH_FINDINGS,
    SETTING_FROM_LOCATION,
    SETTINGS,
    STUDENT_FIELDS,
    STUDENTS_MAX,
    STUDENTS_MIN,
    TEXT_TOO_LONG,
    Field,
    condition_holds,
    fields_for,
    label,
    value_at,
)
from .flagging import CONCERN_ORDER, FLAGS, LATE_AFTER_HOURS, concern, flags
from .pii import PII_NOT_NAMES, PII_PATTERNS, PII_WARNING, possible_pii, texts_with_possible_pii
from .schema import SPEC_VERSION, describe
from .telemetry import MAX_SECONDS, MIN_SECONDS, TIMING_IGNORED, check_timing
from .text import (
    TEXT_CONTROL,
    TEXT_MESSAGES,
    is_clean_text,
    is_valid_unicode,
    join_words,
    parse_datetime,
    sentence,
    text_problem,
    whole_number,
)

__all__ = [
    # fields
    "ACTIONS",
    "ALTERNATIVES",
    "AMENDMENT",
    "CLASSIFICATIONS",
    "DISCIPLINARY",
    "EARLIEST_CONTACT",
    "ENFORCEMENT",
    "ENFORCEMENT_ACTIONS",
    "FIELDS",
    "FIELDS_BY_NAME",
    "FORCE",
    "FORCE_TYPES",
    "GENDERS",
    "GRADE_BANDS",
    "INITIATORS",
    "INJURIES",
    "INJURY_ACTIONS",
    "INJURY_POSSIBLE",
    "LABELS",
    "LAST_RESORT",
    "LAST_RESORT_ACTIONS",
    "LOCATIONS",
    "MAX_FUTURE_MINUTES",
    "MAX_TEXT",
    "MENTORING_TYPES",
    "OFFENSE_CATEGORIES",
    "RACES",
    "SCHOOL_RULES",
    "STUDENT_FIELDS",
    "STUDENTS_MAX",
    "STUDENTS_MIN",
    "TEXT_TOO_LONG",
    "Field",
    "condition_holds",
    "label",
    "value_at",
    "CITATION_OR_ARREST",
    "CURRENT_VERSION",
    "DETENTION",
    "DICTIONARY_VERSIONS",
    "MINUTES_MAX",
    "MINUTES_MIN",
    "NOT_MENTORING",
    "OUTCOME_REFERRALS",
    "QUICK_MINUTES",
    "RESTRAINT",
    "RESTRAINT_TYPES",
    "SEARCH",
    "SEARCH_BASES",
    "SEARCH_FINDINGS",
    "SETTINGS",
    "SETTING_FROM_LOCATION",
    "fields_for",
    # text
    "TEXT_CONTROL",
    "TEXT_MESSAGES",
    "is_clean_text",
    "is_valid_unicode",
    "join_words",
    "parse_datetime",
    "sentence",
    "text_problem",
    "whole_number",
    # checks
    "UNKNOWN_VERSION",
    "VERSION_FIELD",
    "Verdict",
    "check",
    "check_amendment",
    "missing",
    "newly_required",
    # pii
    "PII_NOT_NAMES",
    "PII_PATTERNS",
    "PII_WARNING",
    "possible_pii",
    "texts_with_possible_pii",
    # flagging
    "CONCERN_ORDER",
    "FLAGS",
    "LATE_AFTER_HOURS",
    "concern",
    "flags",
    # decisions
    "COMMENT_REQUIRED_TO_APPROVE",
    "DECISIONS",
    "MAX_COMMENT",
    "approval_needs_comment",
    "check_decision",
    # assignments
    "MANY_SCHOOLS",
    "period",
    "unassigned_day",
    # crdc
    "CRDC_COLUMNS",
    "crdc",
    # facts
    "ACTION_COLUMNS",
    "CHOICE_FIELDS",
    "STUDENT_GROUPS",
    "TWO_OR_MORE",
    "choice_rows",
    "revision_facts",
    "student_groups",
    "student_rows",
    # entry_templates
    "NAME_MAX",
    "TEMPLATE_FIELDS",
    "TEMPLATE_MESSAGES",
    "check_template",
    # telemetry
    "MAX_SECONDS",
    "MIN_SECONDS",
    "TIMING_IGNORED",
    "check_timing",
    # schema
    "SPEC_VERSION",
    "describe",
]
