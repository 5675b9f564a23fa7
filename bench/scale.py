"""Issue 15's paths at scale: the app beside the raw database, in one run (by hand; not a test).

For a database filled by scale_fill.py, asks the app for each path issue 15
names — through the Flask test client, signed in as the role that uses it, so
the time is the server's (no network) — and in the same run has the database
do the equivalent work in one statement; prints both, their ratio, and the
number of SQL statements the app's path issued (which must not grow with the
number of entries: compare two sizes).

- assessment: GET /assessment?year=<the last full school year> (it reads the
  year before it too, for the trend) vs one GROUP BY school and classification
  over the record (latest approved revisions) of those two years;
- export: the evaluator's CSV, JSON Lines and SQLite downloads (export.py's
  child process: rows/s and its peak resident memory) vs `sqlite3 -csv` or
  `COPY (...) TO STDOUT WITH CSV` of the record's revisions, and each format's
  rate beside CSV's;
- review queue: GET /review as the supervisor with the most entries waiting vs
  the first page of their waiting entries in the queue's order (LIMIT 50);
- My entries: GET /entries as an officer vs their 50 newest current revisions;
- one entry: GET /entries/<id> (an entry with two revisions) vs its revisions;
- sync: GET /api/v1/entries?since=<a day ago> (a phone that synced yesterday)
  vs the officer's contacts changed since, in the cursor's order;
- public summary: counting the settled quarters (`count-public-summary`'s
  work, once) vs one GROUP BY over the record.

Times are medians of --repeat runs after one to warm up (the assessment and
the public summary: --slow-runs runs, no warm-up).

    .venv/bin/python bench/scale.py --database sqlite:////tmp/scale.sqlite3
    .venv/bin/python bench/scale.py --database postgresql://postgres@127.0.0.1:5432/wt_scale
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import export  # noqa: E402
import psycopg  # noqa: E402
from review_queue import PASSWORD  # noqa: E402
from scale_fill import app_for, is_postgres, libpq_url, sqlite_path  # noqa: E402
from sqlalchemy import (  # noqa: E402
    delete,
    event,
    func,
    literal_column,
    select,
    tuple_,
)  # noqa: E402

from logger.config import database_url_for_sqlalchemy  # noqa: E402
from logger.core import clock  # noqa: E402
from logger.core.models import (  # noqa: E402
    CURRENT_REVISION,
    Contact,
    ContactRevision,
    Setting,
    User,
)  # noqa: E402
from logger.evaluation import assessment  # noqa: E402
from logger.extensions import db  # noqa: E402
from logger.officer import entries  # noqa: E402
from logger.public import program_summary, summary  # noqa: E402
from logger.web.pagination import PAGE_SIZE  # noqa: E402
from sync.api import _cursor  # noqa: E402

# The record, as models.RECORD_REVISION has it, on revisions alone (migration 0022's mark).
IS_RECORD = ContactRevision.is_record


def sign_in(app, username: str):
    """A test client signed in through the form."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]* value="([^"]+)"', page).group(1)
    response = client.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302, (username, response.status_code)
    return client


@contextlib.contextmanager
def counting(app):
    """Count the SQL statements run inside the block: yields a list, one item a statement."""
    statements = []

    def count(*args):
        statements.append(1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def median_ms(work, runs: int, warm: bool = True) -> float:
    """The median milliseconds of `runs` calls of work(), after one more to warm up."""
    times = []
    for attempt in range(runs + warm):
        start = time.perf_counter()
        work()
        if attempt or not warm:
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def app_path(app, client, path: str, runs: int, warm: bool = True) -> tuple[float, int]:
    """(median ms, SQL statements of the first request) for GET path: the median of `runs`
    requests after the first, or (not warm) of the first and runs - 1 more."""

    def get():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)

    with counting(app) as statements:
        first = median_ms(get, 1, warm=False)
    if warm:
        return median_ms(get, runs, warm=False), len(statements)
    more = [median_ms(get, 1, warm=False) for _ in range(runs - 1)]
    return statistics.median([first, *more]), len(statements)


def raw_ms(app, statement, runs: int) -> tuple[float, int]:
    """(median ms, rows) of one Core statement run by the database, rows fetched."""
    with app.app_context():

        def run():
            run.rows = len(db.session.execute(statement).all())

        ms = median_ms(run, runs)
        db.session.rollback()
    return ms, run.rows


def record_dump(url: str) -> tuple[int, float]:
    """(rows, seconds) of the database's own CSV dump of the record's revisions."""
    query = "SELECT r.* FROM contact_revisions r WHERE r.is_record"
    start = time.perf_counter()
    if is_postgres(url):
        lines = 0
        with psycopg.connect(libpq_url(url)) as conn, conn.cursor() as cursor:
            with cursor.copy(f"COPY ({query}) TO STDOUT WITH CSV") as copy:
                for chunk in copy:
                    lines += bytes(chunk).count(b"\n")
    else:
        out = subprocess.run(
            ["sqlite3", "-csv", sqlite_path(url), query], capture_output=True, check=True
        )
        lines = out.stdout.count(b"\n")
    return lines, time.perf_counter() - start


def people(app) -> dict:
    """Who asks: the supervisor with the most waiting, an officer of theirs, the evaluator,
    and one of that officer's entries with two revisions; the school year to assess."""
    with app.app_context():
        waiting_by_supervisor = db.session.execute(
            select(User.supervisor_id, func.count())
            .select_from(ContactRevision)
            .join(User, User.id == ContactRevision.officer_id)
            .where(ContactRevision.status == "submitted", ContactRevision.is_current)
            .group_by(User.supervisor_id)
            .order_by(func.count().desc())
        ).all()
        supervisor_id, waiting = waiting_by_supervisor[0]
        supervisor = db.session.get(User, supervisor_id)
        officer = db.session.scalars(
            select(User).where(User.supervisor_id == supervisor_id).order_by(User.id)
        ).first()
        entry_id = db.session.scalar(
            select(Contact.id)
            .where(Contact.officer_id == officer.id, Contact.current_revision == 2)
            .limit(1)
        )
        years = assessment.available_years(assessment.start_month())
        year = assessment.default_year(years, clock.today())  # the last that has ended
        return {
            "supervisor": supervisor.username,
            "supervisor_id": supervisor_id,
            "waiting_for_supervisor": waiting,
            "waiting": sum(count for _, count in waiting_by_supervisor),
            "officer": officer.username,
            "officer_id": officer.id,
            "entry_id": entry_id,
            "year": year,
            "first": year.previous.bounds()[0],
            "year_start": year.bounds()[0],
            "end": year.bounds()[1],
            "entries": db.session.scalar(select(func.count(Contact.id))),
            "today": clock.today(),
        }


def measure(url: str, repeat: int, slow_runs: int, skip_export: bool) -> list[dict]:
    """Every path, app beside raw: a list of rows for the table."""
    app = app_for(url)
    who = people(app)
    rows = []

    def add(name, app_ms, raw, statements, rows_read, unit="ms"):
        rows.append(
            {
                "path": name,
                "app": app_ms,
                "raw": raw,
                "unit": unit,
                "ratio": app_ms / raw if unit == "ms" else raw / app_ms,
                "statements": statements,
                "rows": rows_read,
            }
        )
        print(
            f"  {name:<28} app {app_ms:>10,.1f} {unit:<6} raw {raw:>10,.1f} {unit:<6} "
            f"{rows[-1]['ratio']:>6.1f}x  {statements!s:>5} statements  ({rows_read:,} rows)",
            flush=True,
        )

    print(
        f"{who['entries']:,} entries, {who['waiting']:,} waiting "
        f"({who['waiting_for_supervisor']:,} for {who['supervisor']}); "
        f"assessing {who['year'].label}",
        flush=True,
    )
    year = who["year"]
    first, year_start, end = who["first"], who["year_start"], who["end"]

    evaluator = sign_in(app, "eval.bench")
    app_ms, statements = app_path(
        app, evaluator, f"/assessment?year={year.first}", slow_runs, warm=False
    )
    grouped = (
        select(
            ContactRevision.school_id,
            ContactRevision.classification,
            ContactRevision.occurred_at < year_start,
            func.count(),
        )
        .where(IS_RECORD, ContactRevision.occurred_at >= first, ContactRevision.occurred_at < end)
        .group_by(*map(literal_column, "123"))
    )  # by the three columns above
    raw, _ = raw_ms(app, grouped, 3)
    with app.app_context():
        read = db.session.scalar(
            select(func.count()).where(
                IS_RECORD, ContactRevision.occurred_at >= first, ContactRevision.occurred_at < end
            )
        )
    add(f"assessment {year.label}", app_ms, raw, statements, read)

    if not skip_export:
        lines, seconds = record_dump(url)
        for export_format, name in (("csv", "CSV"), ("jsonl", "JSON Lines"), ("sqlite", "SQLite")):
            run = export.export_in_child(
                sqlite_path(url) if not is_postgres(url) else "",
                database_url_for_sqlalchemy(url),
                export_format,
            )
            add(
                f"export {name}",
                run["rows"] / run["seconds"],
                lines / seconds,
                "-",
                run["rows"],
                unit="rows/s",
            )
            rows[-1]["peak_mib"] = round(run["peak_mib"], 1)
            if export_format == "csv":
                csv_rate = rows[-1]["app"]
            print(
                f"  {'':<28} app peak memory {run['peak_mib']:.1f} MiB; raw dump {lines:,} rows; "
                f"CSV's rate / this one's {csv_rate / rows[-1]['app']:.2f}",
                flush=True,
            )

    supervisor = sign_in(app, who["supervisor"])
    app_ms, statements = app_path(app, supervisor, "/review", repeat)
    team = select(User.id).where(User.supervisor_id == who["supervisor_id"])
    page = (
        select(
            ContactRevision.id,
            ContactRevision.contact_id,
            ContactRevision.concern,
            ContactRevision.received_at,
            ContactRevision.officer_id,
        )
        .where(
            ContactRevision.status == "submitted",
            ContactRevision.is_current,
            ContactRevision.officer_id.in_(team),
        )
        .order_by(ContactRevision.concern, ContactRevision.received_at, ContactRevision.id)
        .limit(PAGE_SIZE)
    )
    raw, read = raw_ms(app, page, repeat)
    add("review queue, first page", app_ms, raw, statements, read)

    officer = sign_in(app, who["officer"])
    app_ms, statements = app_path(app, officer, "/entries", repeat)
    mine = (
        select(Contact.id, ContactRevision.occurred_at, ContactRevision.content)
        .join(ContactRevision, CURRENT_REVISION)
        .where(Contact.officer_id == who["officer_id"])
        .order_by(ContactRevision.occurred_at.desc(), Contact.created_at.desc())
        .limit(PAGE_SIZE)
    )
    raw, read = raw_ms(app, mine, repeat)
    add("My entries, first page", app_ms, raw, statements, read)

    app_ms, statements = app_path(app, officer, f"/entries/{who['entry_id']}", repeat)
    raw, read = raw_ms(
        app, select(ContactRevision).where(ContactRevision.contact_id == who["entry_id"]), repeat
    )
    add("one entry's page", app_ms, raw, statements, read)

    since = entries.Position(clock.utcnow() - timedelta(days=1), entries.START.entry_id)
    app_ms, statements = app_path(app, officer, f"/api/v1/entries?since={_cursor(since)}", repeat)
    changed = (
        select(Contact.id, Contact.updated_at, ContactRevision.content)
        .join(ContactRevision, CURRENT_REVISION)
        .where(
            Contact.officer_id == who["officer_id"],
            tuple_(Contact.updated_at, Contact.id) > (since.updated_at, since.entry_id),
        )
        .order_by(Contact.updated_at, Contact.id)
        .limit(501)
    )
    raw, read = raw_ms(app, changed, repeat)
    add("sync: entries since a day", app_ms, raw, statements, read)

    with app.app_context(), counting(app) as statements:
        for kept in (summary.QUARTERS, program_summary.YEARS):  # counted again from nothing
            db.session.execute(delete(Setting).where(Setting.name == kept))
        db.session.commit()
        statements.clear()
        start = time.perf_counter()
        summary.count_settled(who["today"], actor=None, client_addr="bench")
        db.session.commit()
        app_ms = (time.perf_counter() - start) * 1000
    everything = (
        select(ContactRevision.school_id, ContactRevision.classification, func.count())
        .where(IS_RECORD)
        .group_by(ContactRevision.school_id, ContactRevision.classification)
    )
    raw, _ = raw_ms(app, everything, 1)
    add("public summary, first count", app_ms, raw, len(statements), who["entries"])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="a database scale_fill.py filled")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--slow-runs", type=int, default=3, help="runs of the assessment (no warm-up)"
    )
    parser.add_argument("--skip-export", action="store_true")
    args = parser.parse_args()
    rows = measure(args.database, args.repeat, args.slow_runs, args.skip_export)
    print(
        json.dumps(
            [
                {k: round(v, 1) if isinstance(v, float) else v for k, v in row.items()}
                for row in rows
            ]
        )
    )


if __name__ == "__main__":
    main()
