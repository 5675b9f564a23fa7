"""Program records: the evidence of the principles that are not contacts (DESIGN.md, "The whole
program"): community input sessions (1), MOUs (2), officers' selection (5), officers' training
and school staff trained (8), outreach events (9) and community-of-practice activity (12).

Each record type is described once (`RecordType`, its `Field`s): the forms, the lists, the CSV
downloads, the SQLite export and its data dictionary read the same description. Every value
is checked at the door with a message naming its field, and a record is stored whole or not
at all; every change is on the audit trail, a removed record's content with it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from logger import rules
from logger.core import audit
from logger.core.clock import DAY_HELP, SchoolYear, parse_day
from logger.core.models import (
    PRACTICE_KINDS,
    TRAINING_TOPICS,
    Assignment,
    CommunityInputSession,
    Mou,
    OfficerSelection,
    OfficerTraining,
    OutreachEvent,
    PracticeActivity,
    School,
    StaffTraining,
    User,
)
from logger.core.record import record_id
from logger.extensions import db

LABELS = {
    "adolescent_development": "Adolescent development",
    "de_escalation": "De-escalation",
    "implicit_bias": "Implicit bias",
    "disabilities_special_education": "Disabilities and special education",
    "trauma_informed_practice": "Trauma-informed practice",
    "student_privacy_search_law": "Student privacy and search law",
    "restorative_practices": "Restorative practices",
    "peer_network_meeting": "Peer-network meeting",
    "conference": "Conference",
    "mentoring": "Mentoring between officers",
    "other": "Other",
}
MAX_COUNT = 100_000  # people at one event
MAX_HOURS = 1000
MOU_WARNING_DAYS = 60  # the admin is warned this long before the MOU in force ends
HOURS_PATTERN = re.compile(r"(-?)([0-9]{1,6})(?:\.([0-9]{1,2}))?")


@dataclass(frozen=True)
class Field:
    """One value of a record: how it is typed, checked, shown and exported.

    kinds: day, count, hours, line (one line of text), text (several lines), lines (one
    item a line, `least` of them), choice, school, officer, officers, yes_no. `limit` is the
    most characters for text, the largest value for hours.
    """

    name: str
    label: str
    kind: str
    description: str  # for the export's data dictionary
    required: bool = True
    limit: int = 200
    least: int = 0  # the smallest count; the fewest lines
    choices: tuple[str, ...] = ()
    hint: str = ""
    past: bool = False  # a day that cannot be after today: the thing has happened


@dataclass(frozen=True)
class RecordType:
    """One kind of program record, described once for forms, lists, exports and the audit."""

    key: str  # endpoints, the audit's actions and the CSV file's name
    model: type
    principle: int
    title: str  # the list's heading
    one: str  # "a community input session"
    about: str  # a sentence under the heading
    fields: tuple[Field, ...]
    order_by: str  # the day the list is ordered by, latest first
    check: Callable[[dict, dict], None] | None = None  # values, errors: rules across fields

    @property
    def table(self) -> str:
        return self.model.__tablename__

    @property
    def names_officers(self) -> bool:
        """Whether its records name officers (by pseudonym in exports, unless asked)."""
        return any(spec.kind in ("officer", "officers") for spec in self.fields)


def _on(name: str, label: str, what: str, **options) -> Field:
    return Field(name, label, "day", f"{what} (YYYY-MM-DD).", **options)


SUMMARY = dict(kind="text", limit=4000)


def _mou_dates(values: dict, errors: dict) -> None:
    effective, expires = values.get("effective_on"), values.get("expires_on")
    signed, review = values.get("signed_on"), values.get("review_on")
    if effective and expires and expires <= effective:
        errors.setdefault("expires_on", []).append(
            f"The MOU would expire ({expires.isoformat()}) before it takes effect "
            f"({effective.isoformat()}): check both dates."
        )
    if signed and expires and expires < signed:
        errors.setdefault("signed_on", []).append(
            f"The MOU cannot be signed ({signed.isoformat()}) after it expires "
            f"({expires.isoformat()})."
        )
    if review and effective and expires and not effective <= review <= expires:
        errors.setdefault("review_on", []).append(
            f"Review the MOU while it is in force: between {effective.isoformat()} and "
            f"{expires.isoformat()}."
        )


def _hours_or_summary(values: dict, errors: dict) -> None:
    if not values.get("hours") and not values.get("summary") and not errors:
        errors.setdefault("summary", []).append(
            "Give the hours it took or a summary of it (or both)."
        )


RECORD_TYPES = (
    RecordType(
        "community_input",
        CommunityInputSession,
        1,
        "Community input sessions",
        "a community input session",
        "Where students, families and the community had their say on the program.",
        (
            _on("held_on", "Date", "The day the session was held", past=True),
            Field(
                "audience",
                "Audience",
                "line",
                "Who was invited, in words.",
                hint="Who it was for, like “Parents of Jefferson Middle School”.",
            ),
            Field("attended", "How many attended", "count", "How many people attended."),
            Field("summary", "Summary", description="What was asked and heard.", **SUMMARY),
        ),
        "held_on",
    ),
    RecordType(
        "mou",
        Mou,
        2,
        "Memorandums of understanding (MOUs)",
        "an MOU",
        "The agreements between the district and the law enforcement agency: who does what, "
        "for how long.",
        (
            Field(
                "parties",
                "Parties",
                "lines",
                "The parties, one a line (in CSV, joined with ';').",
                limit=1000,
                least=2,
                hint="One a line: the school district and the law enforcement agency, at least.",
            ),
            _on("signed_on", "Signed on", "The day the MOU was signed"),
            _on("effective_on", "In force from", "The first day the MOU is in force"),
            _on("expires_on", "Expires on", "The last day the MOU is in force"),
            _on("review_on", "Review on", "The day the parties review it", required=False),
            Field(
                "reference",
                "Link or file",
                "line",
                "Where the signed MOU is: a link or a file's name.",
                required=False,
                limit=500,
            ),
        ),
        "effective_on",
        _mou_dates,
    ),
    RecordType(
        "selection",
        OfficerSelection,
        5,
        "Officers' selection",
        "an officer's selection record",
        "How each officer was chosen for a school: who sat on the panel, what was looked for.",
        (
            Field("officer", "Officer", "officer", "The officer selected."),
            _on("selected_on", "Selected on", "The day the officer was selected", past=True),
            Field(
                "staff_on_panel",
                "School staff sat on the panel",
                "yes_no",
                "Whether school staff sat on the selection panel (true/false).",
            ),
            Field(
                "community_on_panel",
                "The community sat on the panel",
                "yes_no",
                "Whether community members sat on the selection panel (true/false).",
            ),
            Field(
                "qualifications",
                "Qualifications noted",
                description="The qualifications "
                "the panel noted: experience with young people, temperament, training.",
                **SUMMARY,
            ),
        ),
        "selected_on",
    ),
    RecordType(
        "training",
        OfficerTraining,
        8,
        "Officers' training",
        "a training an officer completed",
        "Courses each officer completed on the topics the COPS principles require.",
        (
            Field("officer", "Officer", "officer", "The officer trained."),
            Field("course", "Course", "line", "The course's name."),
            Field(
                "hours",
                "Hours",
                "hours",
                "Hours of training, to the hundredth.",
                limit=MAX_HOURS,
                hint="Like 8 or 1.5.",
            ),
            _on("completed_on", "Completed on", "The day the course was completed", past=True),
            Field(
                "topic",
                "Topic",
                "choice",
                "The topic: " + ", ".join(TRAINING_TOPICS) + ".",
                choices=TRAINING_TOPICS,
            ),
        ),
        "completed_on",
    ),
    RecordType(
        "staff_training",
        StaffTraining,
        8,
        "School staff trained",
        "a training of school staff",
        "Sessions that taught school staff what the SRO program is, and is not, for.",
        (
            _on("held_on", "Date", "The day the staff were trained", past=True),
            Field(
                "school",
                "School",
                "school",
                "The school's code; empty for staff of several schools.",
                required=False,
            ),
            Field(
                "staff_trained", "How many staff", "count", "How many staff were trained.", least=1
            ),
            Field(
                "summary", "Topic and summary", description="What the training covered.", **SUMMARY
            ),
        ),
        "held_on",
    ),
    RecordType(
        "outreach",
        OutreachEvent,
        9,
        "Outreach events",
        "an outreach event",
        "Events for students and families: presentations, open houses, nights out.",
        (
            _on("held_on", "Date", "The day of the event", past=True),
            Field(
                "school",
                "School",
                "school",
                "The school's code; empty for an event beyond one school.",
                required=False,
            ),
            Field(
                "audience",
                "Kind and audience",
                "line",
                "The kind of event and who it was for.",
                hint="Like “Family night, grades 6–8”.",
            ),
            Field("attended", "How many attended", "count", "How many people attended."),
            Field(
                "summary",
                "Summary",
                description="What happened, in words.",
                required=False,
                **SUMMARY,
            ),
        ),
        "held_on",
    ),
    RecordType(
        "practice",
        PracticeActivity,
        12,
        "Community of practice",
        "a community-of-practice activity",
        "Peer-network meetings, conferences and mentoring between officers.",
        (
            _on("held_on", "Date", "The day of the activity", past=True),
            Field(
                "kind",
                "Kind",
                "choice",
                "The kind: " + ", ".join(PRACTICE_KINDS) + ".",
                choices=PRACTICE_KINDS,
            ),
            Field(
                "officers",
                "Officers who took part",
                "officers",
                "The officers who took part, joined with ';'.",
            ),
            Field(
                "hours",
                "Hours",
                "hours",
                "Hours it took, to the hundredth; may be empty.",
                required=False,
                limit=MAX_HOURS,
            ),
            Field(
                "summary",
                "Summary",
                description="What was shared or learned.",
                required=False,
                **SUMMARY,
            ),
        ),
        "held_on",
        _hours_or_summary,
    ),
)
RECORD_TYPE = {kind.key: kind for kind in RECORD_TYPES}


class Refused(ValueError):
    """A record that cannot be stored; `errors` maps each field's name to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(m for messages in errors.values() for m in messages))
        self.errors = errors


def label(value: str) -> str:
    """The words a person reads for a topic or a kind."""
    return LABELS.get(value) or rules.label(value)


def officers() -> list[User]:
    """Every officer an admin may name in a record, by user name."""
    return db.session.scalars(
        select(User).where(User.role == "officer").order_by(User.username)
    ).all()


def schools() -> list[School]:
    """The schools a record may name, by name."""
    return db.session.scalars(select(School).order_by(School.name)).all()


def listed(kind: RecordType) -> list:
    """Every record of a type, latest first (with the officers of each, in one query)."""
    model = kind.model
    query = select(model).order_by(getattr(model, kind.order_by).desc(), model.id.desc())
    if model is PracticeActivity:
        query = query.options(selectinload(PracticeActivity.officers))
    return db.session.scalars(query).all()


def count(kind: RecordType) -> int:
    """How many records of a type are kept."""
    return db.session.scalar(select(func.count()).select_from(kind.model))


NAMES_CHECKED = "names_checked"  # the admin read the warning: the text names no student
NAME_WARNING = (
    "This may name a student. Program records go to evaluators and into exports: "
    "describe students without their names. If it names no student (an officer or "
    "a member of staff, say), tick “It names no student” and save again."
)


def read(kind: RecordType, form, today: date) -> dict:
    """The values of a record as posted in a form (a MultiDict), checked; Refused says what
    is wrong with each field."""
    values, errors = {}, {}
    for spec in kind.fields:
        raw = form.getlist(spec.name) if spec.kind == "officers" else form.get(spec.name, "")
        try:
            values[spec.name] = _value(spec, raw, today)
        except ValueError as problem:
            errors[spec.name] = [str(problem)]
    if kind.check:
        kind.check(values, errors)
    if not errors and form.get(NAMES_CHECKED) != "yes":
        errors = {
            spec.name: [NAME_WARNING]
            for spec in kind.fields
            if spec.kind == "text" and values[spec.name] and rules.possible_pii(values[spec.name])
        }
    if errors:
        raise Refused(errors)
    return values


def name_warned(errors: dict[str, list[str]]) -> bool:
    """Whether the form was refused only because its text may name a student."""
    return bool(errors) and all(messages == [NAME_WARNING] for messages in errors.values())


def save(kind: RecordType, record, form, *, today: date, admin: User, client_addr: str | None):
    """Store a new record (record None) or change one, on the audit trail; the caller commits.

    Raises Refused, having changed nothing, when any value is wrong."""
    values = read(kind, form, today)
    if kind.key == "selection":
        _one_selection(values["officer"], record)
    before = None if record is None else shown(kind, record, by_name)
    record = record if record is not None else kind.model()
    for name, value in values.items():
        setattr(record, name, value)
    db.session.add(record)
    db.session.flush()
    after = shown(kind, record, by_name)
    if before is None:
        audit.record(
            f"{kind.key}.created",
            actor=admin,
            client_addr=client_addr,
            detail={"record": record.id, **after},
        )
    elif changed := audit.changes(before, after):
        audit.record(
            f"{kind.key}.changed",
            actor=admin,
            client_addr=client_addr,
            detail={"record": record.id, **changed},
        )
    return record


def remove(kind: RecordType, record, *, admin: User, client_addr: str | None) -> None:
    """Remove a record entered by mistake; the audit trail keeps what it held."""
    audit.record(
        f"{kind.key}.removed",
        actor=admin,
        client_addr=client_addr,
        detail={"record": record.id, **shown(kind, record, by_name)},
    )
    db.session.delete(record)


def record_download(
    kind: RecordType, *, reader: User, client_addr: str | None, names: bool = False
) -> None:
    """The audit event a CSV download of a kind of record leaves (apart from the exports of
    the contact record, which the assessment counts)."""
    audit.record(
        "program_records.exported",
        actor=reader,
        client_addr=client_addr,
        detail={"format": "csv", "program_records": kind.table, "names": names},
    )


def by_name(user: User) -> str:
    """An officer as an admin names them: their user name."""
    return user.username


def shown(kind: RecordType, record, name_of: Callable[[User], str]) -> dict:
    """A record's values as text and numbers, as lists, CSV files and exports write them;
    officers named by `name_of` (a user name, or a pseudonym)."""
    out = {}
    for spec in kind.fields:
        value = getattr(record, spec.name)
        if value is None:
            out[spec.name] = None
        elif spec.kind == "day":
            out[spec.name] = value.isoformat()
        elif spec.kind == "school":
            out[spec.name] = value.code
        elif spec.kind == "officer":
            out[spec.name] = name_of(value)
        elif spec.kind == "officers":
            out[spec.name] = ";".join(name_of(officer) for officer in value)
        elif spec.kind == "lines":
            out[spec.name] = ";".join(value.splitlines())
        elif spec.kind == "hours":
            out[spec.name] = float(value)  # SQLite gives back 8.0 as 8
        else:
            out[spec.name] = value
    return out


def posted(kind: RecordType, form) -> dict:
    """What was posted, as the form shows it again (a list for the officers)."""
    return {
        spec.name: form.getlist(spec.name) if spec.kind == "officers" else form.get(spec.name, "")
        for spec in kind.fields
    }


def form_values(kind: RecordType, record) -> dict:
    """A stored record as its form shows it (ids for schools and officers)."""
    out = {}
    for spec in kind.fields:
        value = getattr(record, spec.name)
        if spec.kind in ("school", "officer"):
            out[spec.name] = str(value.id) if value else ""
        elif spec.kind == "officers":
            out[spec.name] = [str(officer.id) for officer in value]
        elif spec.kind == "day":
            out[spec.name] = value.isoformat() if value else ""
        elif spec.kind == "yes_no":
            out[spec.name] = "yes" if value else ""
        else:
            out[spec.name] = "" if value is None else str(value)
    return out


def _value(spec: Field, raw, today: date):
    """One field's value from the form, or ValueError with the message to show."""
    if spec.kind == "officers":
        return _officers(spec, raw)
    if spec.kind == "yes_no":
        return raw == "yes"
    problem = rules.text_problem(raw, spec.label, multiline=spec.kind in ("text", "lines"))
    if problem:
        raise ValueError(problem)
    text = raw.strip()
    if not text:
        if spec.required:
            raise ValueError(
                f"Choose “{spec.label}” from the list."
                if spec.kind in ("choice", "officer")
                else f"Fill in “{spec.label}”."
            )
        return None
    return PARSERS[spec.kind](spec, text, today)


def _day(spec: Field, text: str, today: date) -> date:
    try:
        day = parse_day(text)
    except ValueError:
        raise ValueError(f"“{spec.label}”: {DAY_HELP}") from None
    if spec.past and day > today:
        raise ValueError(
            f"“{spec.label}” is after today ({day.isoformat()}): record it once it has happened."
        )
    return day


def _count(spec: Field, text: str, today: date) -> int:
    number = rules.whole_number(text)
    if number is None or not spec.least <= number <= MAX_COUNT:
        raise ValueError(
            f"“{spec.label}” is a whole number from {spec.least} to {MAX_COUNT:,} "
            f"(it says {text[:20]})."
        )
    return number


def _hours(spec: Field, text: str, today: date) -> float:
    match = HOURS_PATTERN.fullmatch(text)
    if match is None:
        raise ValueError(
            f"“{spec.label}” is a number of hours like 8 or 1.5 (it says {text[:20]})."
        )
    hours = float(text)
    if match.group(1) or hours <= 0:
        raise ValueError(f"“{spec.label}” must be more than 0 (it says {text}).")
    if hours > spec.limit:
        raise ValueError(f"“{spec.label}” is at most {spec.limit} (it says {text}).")
    return hours


def _text(spec: Field, text: str, today: date) -> str:
    if len(text) > spec.limit:
        raise ValueError(
            f"Shorten “{spec.label}” to {spec.limit:,} characters or fewer (it has {len(text):,})."
        )
    return text.replace("\r\n", "\n")


def _lines(spec: Field, text: str, today: date) -> str:
    lines = [line.strip() for line in _text(spec, text, today).splitlines() if line.strip()]
    if len(lines) < spec.least:
        raise ValueError(f"Give at least {spec.least} {spec.label.lower()}, one a line.")
    return "\n".join(lines)


def _choice(spec: Field, text: str, today: date) -> str:
    if text not in spec.choices:
        raise ValueError(
            f"Choose the {spec.label.lower()} from the list: "
            f"{rules.join_words([label(c) for c in spec.choices])}."
        )
    return text


def _school(spec: Field, text: str, today: date) -> School:
    school = db.session.get(School, record_id(text) or 0)
    if school is None:
        raise ValueError("Choose the school from the list, or none.")
    return school


def _officer(spec: Field, text: str, today: date | None) -> User:
    officer = db.session.get(User, record_id(text) or 0)
    if officer is None or officer.role != "officer":
        raise ValueError("Choose the officer from the list.")
    return officer


def _officers(spec: Field, raw: list[str]) -> list[User]:
    chosen = list(dict.fromkeys(raw))
    if not chosen:
        raise ValueError(f"Choose the {spec.label.lower()} from the list: one at least.")
    return [_officer(spec, text, None) for text in chosen]


PARSERS = {
    "day": _day,
    "count": _count,
    "hours": _hours,
    "line": _text,
    "text": _text,
    "lines": _lines,
    "choice": _choice,
    "school": _school,
    "officer": _officer,
}


def _one_selection(officer: User, record: OfficerSelection | None) -> None:
    held = db.session.scalar(select(OfficerSelection).filter_by(officer_id=officer.id))
    if held is not None and held is not record:
        raise Refused(_selection_taken(officer))


def _selection_taken(officer: User) -> dict[str, list[str]]:
    return {"officer": [f"{officer.username} already has a selection record: change that one."]}


def one_selection_taken(form) -> dict[str, list[str]]:
    """The message for a selection record refused by the database (one an officer), when
    another admin kept one for the same officer between the check and the save."""
    officer = db.session.get(User, record_id(form.get("officer", "")) or 0)
    return _selection_taken(officer) if officer else {"officer": ["Choose the officer again."]}


# The MOU in force, for the admin's home page.


@dataclass
class MouNotice:
    """Why the admin should look at the MOUs: none in force today, or the one in force (and
    any that follow it without a gap) ends within MOU_WARNING_DAYS."""

    ends_on: date | None  # the last day an MOU is in force; None: none is in force today
    days_left: int | None = None


def mou_notice(today: date) -> MouNotice | None:
    """The warning the admin's home page shows about the MOU, or None when all is well."""
    covered_until = _covered_until(today, db.session.scalars(select(Mou)).all())
    if covered_until is None:
        return MouNotice(None)
    days_left = (covered_until - today).days
    return MouNotice(covered_until, days_left) if days_left <= MOU_WARNING_DAYS else None


def _covered_until(first: date, mous: list[Mou]) -> date | None:
    """The last day of the run of days from `first` on which some MOU is in force, MOUs that
    follow one another without a gap counted together; None when none is in force on `first`."""
    until = None
    while reaching := [
        mou.expires_on
        for mou in mous
        if mou.covers(first if until is None else until + timedelta(days=1))
    ]:
        until = max(reaching)
    return until


# The figures the annual assessment reads.


@dataclass
class ProgramFigures:
    """The program records of one school year, for the annual assessment. Officers are named
    by their export pseudonym, as the assessment names them elsewhere.

    - input_sessions, input_attended: community input sessions held in the year and how
      many attended them (principle 1).
    - mou_all_year: whether MOUs were in force on every day of the year, one following
      another without a gap; mous: each MOU in force on any day of it, as a dict (parties
      as a list, signed_on, effective_on, expires_on, review_on as dates or None,
      reference) (principle 2).
    - officers_active: officers assigned to a school on any day of the year;
      selected / not_selected: those of them with and without a selection record (5).
    - training_hours: hours of training completed in the year, by officer (every active
      officer, 0.0 for none; anyone else trained too); topic_officers: for each required
      topic, in TRAINING_TOPICS order, how many officers completed a course on it;
      staff_trainings, staff_trained: trainings of school staff and staff trained (8).
    - outreach_events, outreach_attended: outreach events and their attendance (9).
    - practice_activities: community-of-practice activities, practice_by_kind their count
      by kind (PRACTICE_KINDS order), practice_officers the officers who took part in any,
      practice_hours the hours recorded for them (12).
    Names are sorted; hours are rounded to the hundredth.
    """

    year: SchoolYear
    input_sessions: int = 0
    input_attended: int = 0
    mou_all_year: bool = False
    mous: list[dict] = field(default_factory=list)
    officers_active: list[str] = field(default_factory=list)
    selected: list[str] = field(default_factory=list)
    not_selected: list[str] = field(default_factory=list)
    training_hours: dict[str, float] = field(default_factory=dict)
    topic_officers: dict[str, int] = field(default_factory=dict)
    staff_trainings: int = 0
    staff_trained: int = 0
    outreach_events: int = 0
    outreach_attended: int = 0
    practice_activities: int = 0
    practice_by_kind: dict[str, int] = field(default_factory=dict)
    practice_officers: list[str] = field(default_factory=list)
    practice_hours: float = 0.0


def program_figures(year: SchoolYear) -> ProgramFigures:
    """The program records of a school year, counted for the annual assessment."""
    from logger.evaluation.exports import pseudonym  # exports read this module's records

    def name(user: User) -> str:
        return pseudonym(user, False)

    first, last = year.first_day, year.last_day
    figures = ProgramFigures(year)
    sessions = _within(CommunityInputSession, first, last)
    figures.input_sessions, figures.input_attended = (
        len(sessions),
        sum(s.attended for s in sessions),
    )

    mous = db.session.scalars(
        select(Mou)
        .where(Mou.effective_on <= last, Mou.expires_on >= first)
        .order_by(Mou.effective_on, Mou.id)
    ).all()
    covered = _covered_until(first, mous)
    figures.mou_all_year = covered is not None and covered >= last
    figures.mous = [
        {
            "parties": m.parties.splitlines(),
            "signed_on": m.signed_on,
            "effective_on": m.effective_on,
            "expires_on": m.expires_on,
            "review_on": m.review_on,
            "reference": m.reference,
        }
        for m in mous
    ]

    active = db.session.scalars(
        select(User).where(
            User.role == "officer",
            User.id.in_(
                select(Assignment.officer_id).where(
                    Assignment.starts_on <= last,
                    or_(Assignment.ends_on.is_(None), Assignment.ends_on >= first),
                )
            ),
        )
    ).all()
    selected = set(db.session.scalars(select(OfficerSelection.officer_id)))
    figures.officers_active = sorted(map(name, active))
    figures.selected = sorted(name(o) for o in active if o.id in selected)
    figures.not_selected = sorted(name(o) for o in active if o.id not in selected)

    trainings = _within(OfficerTraining, first, last, "completed_on")
    hours = dict.fromkeys(figures.officers_active, 0.0)
    for training in trainings:
        hours[name(training.officer)] = hours.get(name(training.officer), 0.0) + training.hours
    figures.training_hours = {who: round(hours[who], 2) for who in sorted(hours)}
    figures.topic_officers = {
        topic: len({t.officer_id for t in trainings if t.topic == topic})
        for topic in TRAINING_TOPICS
    }
    staff = _within(StaffTraining, first, last)
    figures.staff_trainings, figures.staff_trained = len(staff), sum(s.staff_trained for s in staff)

    events = _within(OutreachEvent, first, last)
    figures.outreach_events, figures.outreach_attended = (
        len(events),
        sum(e.attended for e in events),
    )

    practice = _within(PracticeActivity, first, last)
    figures.practice_activities = len(practice)
    figures.practice_by_kind = {
        kind: sum(a.kind == kind for a in practice) for kind in PRACTICE_KINDS
    }
    figures.practice_officers = sorted({name(o) for a in practice for o in a.officers})
    figures.practice_hours = round(sum(a.hours or 0.0 for a in practice), 2)
    return figures


def _within(model, first: date, last: date, column: str = "held_on") -> list:
    day = getattr(model, column)
    query = select(model).where(day >= first, day <= last)
    if model is PracticeActivity:
        query = query.options(selectinload(PracticeActivity.officers))
    return db.session.scalars(query).all()
