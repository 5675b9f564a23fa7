"""Fill a database with many realistic entries, quickly (run by hand; not a test).

Issue 15's benchmarks need databases of 100,000 to 10,000,000 entries; the API
stores a few hundred a second, so this writes the rows in bulk instead: COPY
(psycopg's copy API) on PostgreSQL, `executemany` in large transactions with
bulk-load PRAGMAs on SQLite. The schema is the app's own (its migrations, as
`flask db upgrade` runs them) in a fresh database: a SQLite file is replaced,
a PostgreSQL database's `public` schema is dropped and made again.

What it writes looks like production:

- districts of 20 officers under one supervisor each, one officer for every
  1,000 entries (at least 20), two officers to a school, schools of every level;
  an evaluator and an admin; enrollment for each school year;
- contacts spread over the school days of the two school years before the one
  under way and of that one up to today, day by day (roughly as they reach a server);
  the earlier years under data dictionary v1, the year under way under v2;
- their content drawn from the demo district's scenarios (logger/demo), each
  scenario as often as it is there (so every classification, action and
  justification in its share), with students described; a few hundred
  variants are checked by the rules once, and each entry is one of them with
  its own time and school (the narrative repeats; the fields are real);
- flags and concern ranks from the rules, 3% of entries late;
- review as the demo's supervisors do it: most entries approved within days,
  6% returned (70% of those fixed as revision 2 and approved), 1% of approved
  entries amended (half of the amendments approved, half waiting); the newest
  entries wait, `--waiting` of all entries in all; a decision and an audit
  event for each step.

Then VACUUM ANALYZE on PostgreSQL (this machine's runs with autovacuum off; a
production server's autovacuum would have done both: the visibility map lets the
assessment read the record's covering index alone), ANALYZE on SQLite, and the
fill rate is printed.

    .venv/bin/python bench/scale_fill.py --rows 100000 --database sqlite:////tmp/scale.sqlite3
    .venv/bin/python bench/scale_fill.py --rows 1000000 \\
        --database postgresql://postgres@127.0.0.1:5432/wt_scale
"""

from __future__ import annotations

import argparse
import bisect
import json
import random
import sqlite3
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import psycopg  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from review_queue import PASSWORD  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from logger import create_app, demo, rules  # noqa: E402
from logger.config import database_url_for_sqlalchemy  # noqa: E402
from logger.core import settings  # noqa: E402
from logger.core.clock import SchoolYear, district_zone  # noqa: E402
from logger.core.models import Assignment, School, Setting, Supervision, User  # noqa: E402
from logger.demo import enrollment as demo_enrollment  # noqa: E402
from logger.demo import review as demo_review  # noqa: E402
from logger.demo.facts import add_v2_facts  # noqa: E402
from logger.extensions import db  # noqa: E402
from logger.public import summary  # noqa: E402
from logger.review.workflow import seconds_to_decision  # noqa: E402

SECRET_KEY = "bench-only-secret-key-not-for-production"
EXPORT_KEY = "bench-export-key"
ENTRIES_PER_OFFICER = 1000
TEAM = 20  # officers under one supervisor: one district
LEVELS = ("elementary", "elementary", "middle", "high")  # schools' levels, in turn
VARIANTS = 4  # checked variants of each scenario, level and dictionary version
RETURN_SHARE, FIXED_SHARE, AMENDED_SHARE = demo_review.RETURN_SHARE, demo_review.FIXED_SHARE, 0.01
CHUNK = 20_000  # entries written per transaction
AMENDMENT = "Corrected the time of the contact after checking the attendance office's log."


def app_for(url: str):
    """The app on this database (PostgreSQL URLs go through psycopg 3, as in production)."""
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url_for_sqlalchemy(url),
            "SECRET_KEY": SECRET_KEY,
            "SRO_EXPORT_KEY": EXPORT_KEY,
        }
    )


def is_postgres(url: str) -> bool:
    return url.startswith(("postgresql", "postgres:"))


def libpq_url(url: str) -> str:
    """The URL as psycopg takes it (no SQLAlchemy driver name)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def sqlite_path(url: str) -> str:
    return make_url(url).database


def empty_database(url: str) -> None:
    """Start from nothing: the SQLite file removed, or PostgreSQL's public schema made again."""
    if is_postgres(url):
        with psycopg.connect(libpq_url(url), autocommit=True) as conn:
            conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
            conn.execute("CREATE SCHEMA public")
    else:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(sqlite_path(url) + suffix).unlink(missing_ok=True)


@dataclass
class District:
    """The people and places the entries belong to (ids from the database)."""

    schools: list[SimpleNamespace]  # id, level
    officers: list[SimpleNamespace]  # id, school (one of schools), supervisor_id
    years: list[SchoolYear]
    zone: ZoneInfo  # the district's


def make_district(entries: int) -> District:
    """Schools, supervisors, officers (each assigned to one school), an evaluator and an
    admin, through the ORM (a few hundred rows); enrollment for each year; the public
    summary published."""
    zone = district_zone()
    today = datetime.now(UTC).astimezone(zone).date()
    under_way = SchoolYear.containing(today, settings.current()["school_year_start_month"])
    years = [SchoolYear(under_way.first - back, under_way.start_month) for back in (2, 1, 0)]
    officers_wanted = max(TEAM, entries // ENTRIES_PER_OFFICER)
    password_hash = generate_password_hash(PASSWORD)
    schools = [
        School(code=f"S{n:04d}", name=f"School {n:04d}", level=LEVELS[n % len(LEVELS)])
        for n in range((officers_wanted + 1) // 2)
    ]
    supervisors, officers = [], []
    for n in range(officers_wanted):
        if n % TEAM == 0:
            supervisors.append(
                User(
                    username=f"sgt.{len(supervisors):03d}",
                    role="supervisor",
                    password_hash=password_hash,
                )
            )
        supervisor = supervisors[-1]
        officer = User(
            username=f"ofc.{n:04d}",
            role="officer",
            password_hash=password_hash,
            supervisor=supervisor,
        )
        officer.assignments = [Assignment(school=schools[n // 2], starts_on=years[0].first_day)]
        officer.supervisions = [Supervision(supervisor=supervisor)]
        officers.append(officer)
    others = [
        User(username="eval.bench", role="evaluator", password_hash=password_hash),
        User(username="admin.bench", role="admin", password_hash=password_hash),
    ]
    db.session.add_all([*schools, *supervisors, *officers, *others])
    db.session.flush()
    for start in range(0, len(schools), 20):  # an import file holds at most 5,000 rows
        demo_enrollment.add(
            [(s.code, s.name, s.level) for s in schools[start : start + 20]],
            [y.first for y in years],
        )
    db.session.add(Setting(name=summary.SETTING, value={"published": True}))
    db.session.commit()
    return District(
        schools=[SimpleNamespace(id=s.id, level=s.level) for s in schools],
        officers=[
            SimpleNamespace(
                id=o.id,
                supervisor_id=o.supervisor_id,
                school=SimpleNamespace(
                    id=o.assignments[0].school_id, level=o.assignments[0].school.level
                ),
            )
            for o in officers
        ],
        years=years,
        zone=zone,
    )


@dataclass
class Variant:
    """An entry the rules accepted, without its time and school; its flags (but 'late')."""

    content: dict
    flags: list[str]
    location: str
    facts: tuple  # the revision's fact columns (FACTS), by the rules
    choices: list[tuple[str, str]]
    students: list[tuple]  # each student's groups (STUDENT)


def variants(district: District, rng: random.Random) -> dict:
    """For each (dictionary version, school level): checked variants of the demo's scenarios
    and the cumulative weights to draw them in the scenarios' shares."""
    zone = district_zone()
    pool: dict[tuple[int, str], tuple[list[Variant], list[float]]] = {}
    for version, year in ((1, district.years[0]), (2, district.years[-1])):
        for level in sorted(set(LEVELS)):
            school = next(s for s in district.schools if s.level == level)
            found, weights = [], []
            for scenario in demo.SCENARIOS:
                if level not in scenario.levels:
                    continue
                for _ in range(VARIANTS):
                    entry = demo._entry(scenario, school, year.first_day, zone, rng)
                    if version >= 2:
                        add_v2_facts(entry, scenario.facts, rng)
                    occurred = datetime.fromisoformat(entry["occurred_at"])
                    received = occurred + timedelta(minutes=10)
                    verdict = rules.check(
                        entry, assigned_school_ids={school.id}, now=received, version=version
                    )
                    if not verdict.ok or verdict.warnings:
                        raise RuntimeError(f"a variant the rules refuse: {verdict.errors}")
                    content = dict(verdict.entry)
                    del content["occurred_at"], content["school_id"]
                    facts = rules.revision_facts(verdict.entry, version)
                    found.append(
                        Variant(
                            content,
                            rules.flags(verdict.entry, received_at=received),
                            entry["location"],
                            tuple(facts[name] for name in FACTS),
                            rules.choice_rows(verdict.entry),
                            [
                                tuple(groups[name] for name in rules.STUDENT_GROUPS)
                                for groups in rules.student_rows(verdict.entry)
                            ],
                        )
                    )
                    weights.append(scenario.count / VARIANTS)
            total, cumulative = 0.0, []
            for weight in weights:
                total += weight
                cumulative.append(total)
            pool[version, level] = (found, [c / total for c in cumulative])
    return pool


class Writer:
    """Bulk rows into the app's tables: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, url: str):
        self.postgres = is_postgres(url)
        if self.postgres:
            self.conn = psycopg.connect(libpq_url(url))
        else:
            self.conn = sqlite3.connect(sqlite_path(url), isolation_level=None)
            for pragma in (
                "journal_mode=OFF",
                "synchronous=OFF",
                "cache_size=-262144",
                "temp_store=MEMORY",
                "foreign_keys=OFF",
            ):
                self.conn.execute(f"PRAGMA {pragma}")
            self.conn.execute("BEGIN")

    def next_id(self, table: str) -> int:
        return self.conn.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0]

    def uuid(self, value: uuid.UUID):
        return value if self.postgres else value.hex  # SQLAlchemy's Uuid: CHAR(32) on SQLite

    def time(self, value: datetime):
        naive = value.astimezone(UTC).replace(tzinfo=None)  # models.UTCDateTime
        return naive if self.postgres else naive.isoformat(" ", "microseconds")

    def write(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        if not rows:
            return
        names = ", ".join(columns)
        if self.postgres:
            with self.conn.cursor() as cursor:
                with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns))
            self.conn.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)

    def commit(self) -> None:
        if self.postgres:
            self.conn.commit()
        else:
            self.conn.execute("COMMIT")
            self.conn.execute("BEGIN")

    def finish(self) -> None:
        """Commit; set the id sequences past the rows written; VACUUM ANALYZE (PostgreSQL) or
        ANALYZE (SQLite)."""
        if self.postgres:
            self.conn.commit()
            for table in ("contact_revisions", "review_decisions", "audit_events"):
                self.conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {table}))"
                )
            self.conn.commit()
            self.conn.autocommit = True
            self.conn.execute("VACUUM ANALYZE")
        else:
            self.conn.execute("COMMIT")
            self.conn.execute("PRAGMA journal_mode=WAL")  # as the app runs it
            self.conn.execute("ANALYZE")
        self.conn.close()


CONTACT = ("id", "officer_id", "current_revision", "created_at", "updated_at")
REVISION = (
    "id",
    "contact_id",
    "number",
    "officer_id",
    "content",
    "classification",
    "occurred_at",
    "school_id",
    "status",
    "received_at",
    "amendment_explanation",
    "concern",
    "dictionary_version",
    "is_record",
    "is_current",
    "seconds_to_decision",
)
IS_RECORD, IS_CURRENT = REVISION.index("is_record"), REVISION.index("is_current")
SECONDS_TO_DECISION = REVISION.index("seconds_to_decision")
FACTS = tuple(rules.revision_facts({}, 1))  # the fact columns, in the rules' order
FLAG = ("revision_id", "flag")
CHOICE = ("revision_id", "field", "choice")
STUDENT = ("revision_id", "position", *rules.STUDENT_GROUPS)
DECISION = ("id", "contact_id", "revision", "reviewer_id", "decision", "comment", "decided_at")
AUDIT = ("id", "at", "actor_id", "action", "contact_id", "revision", "client_addr", "detail")


def write_entries(
    writer: Writer, district: District, pool: dict, count: int, waiting: float, rng: random.Random
) -> dict[str, int]:
    """`count` contacts with their revisions, flags, decisions and audit events."""
    zone = district.zone
    now = datetime.now(UTC)
    cutoff = now - timedelta(minutes=5)
    days = demo._school_days(district.years[0].first_day, now.astimezone(zone).date())
    v2_from = district.years[-1].first_day
    # The newest 2 × waiting of entries: half of them still wait (a backlog is recent).
    backlog_from = count * (1 - 2 * waiting)
    ids = {
        table: writer.next_id(table)
        for table in ("contact_revisions", "review_decisions", "audit_events")
    }
    written = dict.fromkeys(
        (
            "contacts",
            "contact_revisions",
            "revision_flags",
            "revision_choices",
            "revision_students",
            "review_decisions",
            "audit_events",
        ),
        0,
    )
    day_numbers = sorted(rng.randrange(len(days)) for _ in range(count))
    for start in range(0, count, CHUNK):
        contacts, revisions, flags, decisions, audits = [], [], [], [], []
        choices, students = [], []
        newest = {}  # the received time of the newest revision

        def revision(
            contact_id,
            number,
            content,
            flagged,
            occurred,
            school_id,
            status,
            received,
            explanation=None,
        ):
            """Add a revision (the record if approved; an approved amendment takes it over)."""
            rid = ids["contact_revisions"]
            ids["contact_revisions"] += 1
            if number > 1 and revisions[-1][1] == contact_id:  # the one before, superseded
                revisions[-1][IS_CURRENT] = False
                if status == "approved":
                    revisions[-1][IS_RECORD] = False
            revisions.append(
                [
                    rid,
                    contact_id,
                    number,
                    officer.id,
                    json.dumps(content),
                    content["classification"],
                    writer.time(occurred),
                    school_id,
                    status,
                    writer.time(received),
                    explanation,
                    rules.concern(flagged),
                    content_version,
                    status == "approved",
                    True,
                    None,  # until decided
                    *variant.facts,
                ]
            )  # the entry's
            newest["received"] = received
            flags.extend((rid, flag) for flag in flagged)
            choices.extend((rid, name, choice) for name, choice in variant.choices)
            students.extend(
                (rid, position, *groups) for position, groups in enumerate(variant.students)
            )

        def audit(at, actor_id, action, contact_id, number, detail=None):
            audits.append(
                (
                    ids["audit_events"],
                    writer.time(at),
                    actor_id,
                    action,
                    contact_id,
                    number,
                    None,
                    json.dumps(detail),
                )
            )
            ids["audit_events"] += 1

        def decide(contact_id, number, reviewer_id, decision, comment, at):
            """Decide the newest revision (the one just added), as workflow.decide does."""
            revisions[-1][SECONDS_TO_DECISION] = seconds_to_decision(newest["received"], at)
            decisions.append(
                (
                    ids["review_decisions"],
                    contact_id,
                    number,
                    reviewer_id,
                    decision,
                    comment,
                    writer.time(at),
                )
            )
            ids["review_decisions"] += 1
            audit(
                at,
                reviewer_id,
                f"review.{decision}",
                contact_id,
                number,
                {"comment": comment} if comment else None,
            )

        for n in range(start, min(start + CHUNK, count)):
            officer = rng.choice(district.officers)
            day = days[day_numbers[n]]
            content_version = 2 if day >= v2_from else 1
            found, cumulative = pool[content_version, officer.school.level]
            variant = found[bisect.bisect(cumulative, rng.random())]
            occurred = demo._moment(day, variant.location, zone, rng)
            late = rng.random() < demo.LATE_SHARE
            received = min(
                cutoff,
                occurred
                + (
                    timedelta(hours=rng.uniform(*demo.LATE_DELAY_HOURS))
                    if late
                    else timedelta(minutes=rng.randint(*demo.NORMAL_DELAY_MINUTES))
                ),
            )
            flagged = variant.flags
            if received - occurred > timedelta(hours=rules.LATE_AFTER_HOURS):
                flagged = [f for f in rules.FLAGS if f in {*flagged, "late_entry"}]
            content = {
                "occurred_at": occurred.isoformat(),
                "school_id": officer.school.id,
                **variant.content,
            }
            entry_id = uuid.UUID(int=rng.getrandbits(128), version=4)
            cid = writer.uuid(entry_id)
            audit(received, officer.id, "contact.submitted", cid, 1)
            last = received
            number = 1
            waits = n >= backlog_from and rng.random() < 0.5
            decided = min(
                received + timedelta(hours=rng.uniform(*demo_review.DECISION_DELAY_HOURS)), cutoff
            )
            needs_comment = rules.approval_needs_comment(flagged)
            if waits:
                revision(
                    cid, 1, content, flagged, occurred, officer.school.id, "submitted", received
                )
            elif rng.random() < RETURN_SHARE:
                revision(
                    cid, 1, content, flagged, occurred, officer.school.id, "returned", received
                )
                decide(
                    cid,
                    1,
                    officer.supervisor_id,
                    "return",
                    rng.choice(demo_review.RETURN_COMMENTS),
                    decided,
                )
                last = decided
                if rng.random() < FIXED_SHARE:
                    resent = min(decided + timedelta(hours=rng.uniform(2, 30)), cutoff)
                    fixed = {
                        **content,
                        "narrative": f"{content.get('narrative', '')} "
                        f"{rng.choice(demo_review.FIXES)}".strip(),
                    }
                    approved = min(resent + timedelta(hours=rng.uniform(1, 24)), cutoff)
                    revision(
                        cid, 2, fixed, flagged, occurred, officer.school.id, "approved", resent
                    )
                    audit(resent, officer.id, "contact.revised", cid, 2)
                    decide(
                        cid,
                        2,
                        officer.supervisor_id,
                        "approve",
                        rng.choice(demo_review.APPROVAL_COMMENTS) if needs_comment else None,
                        approved,
                    )
                    last, number = approved, 2
            else:
                revision(
                    cid, 1, content, flagged, occurred, officer.school.id, "approved", received
                )
                decide(
                    cid,
                    1,
                    officer.supervisor_id,
                    "approve",
                    rng.choice(demo_review.APPROVAL_COMMENTS) if needs_comment else None,
                    decided,
                )
                last = decided
                if rng.random() < AMENDED_SHARE:
                    amended_at = min(decided + timedelta(days=rng.uniform(1, 20)), cutoff)
                    later = occurred + timedelta(minutes=10)
                    changed = {**content, "occurred_at": later.isoformat()}
                    approves = rng.random() < 0.5
                    revision(
                        cid,
                        2,
                        changed,
                        flagged,
                        later,
                        officer.school.id,
                        "approved" if approves else "submitted",
                        amended_at,
                        AMENDMENT,
                    )
                    audit(amended_at, officer.id, "contact.amended", cid, 2)
                    last, number = amended_at, 2
                    if approves:
                        approved = min(amended_at + timedelta(hours=rng.uniform(1, 48)), cutoff)
                        decide(
                            cid,
                            2,
                            officer.supervisor_id,
                            "approve",
                            rng.choice(demo_review.APPROVAL_COMMENTS) if needs_comment else None,
                            approved,
                        )
                        last = approved
            contacts.append((cid, officer.id, number, writer.time(received), writer.time(last)))
        for table, columns, rows in (
            ("contacts", CONTACT, contacts),
            ("contact_revisions", (*REVISION, *FACTS), revisions),
            ("revision_flags", FLAG, flags),
            ("revision_choices", CHOICE, choices),
            ("revision_students", STUDENT, students),
            ("review_decisions", DECISION, decisions),
            ("audit_events", AUDIT, audits),
        ):
            writer.write(table, columns, rows)
            written[table] += len(rows)
        writer.commit()
    return written


def fill(url: str, rows: int, seed: int = 15, waiting: float = 0.15) -> dict:
    """A fresh database at url with `rows` entries; returns what was written and how fast."""
    started = time.perf_counter()
    empty_database(url)
    app = app_for(url)
    rng = random.Random(seed)
    with app.app_context():
        upgrade()
        district = make_district(rows)
        pool = variants(district, rng)
        db.session.remove()
        db.engine.dispose()
    schema_seconds = time.perf_counter() - started
    writer = Writer(url)
    written = write_entries(writer, district, pool, rows, waiting, rng)
    bulk_seconds = time.perf_counter() - started - schema_seconds
    writer.finish()
    total = time.perf_counter() - started
    return {
        "entries": rows,
        "database": "postgresql" if is_postgres(url) else "sqlite",
        "officers": len(district.officers),
        "schools": len(district.schools),
        "rows": written,
        "schema_and_district_s": round(schema_seconds, 1),
        "bulk_s": round(bulk_seconds, 1),
        "analyze_s": round(total - schema_seconds - bulk_seconds, 1),
        "entries_per_s": round(rows / bulk_seconds),
        "rows_per_s": round(sum(written.values()) / bulk_seconds),
        "total_s": round(total, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="entries (contacts)")
    parser.add_argument(
        "--database",
        required=True,
        help="sqlite:///path or postgresql://user@host:port/name (emptied)",
    )
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument(
        "--waiting",
        type=float,
        default=0.15,
        help="share of entries waiting for review (the newest)",
    )
    args = parser.parse_args()
    report = fill(args.database, args.rows, args.seed, args.waiting)
    for name, value in report.items():
        print(f"{name:<22} {value:,}" if isinstance(value, int) else f"{name:<22} {value}")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
