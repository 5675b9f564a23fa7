"""Load: many officers syncing and opening My entries at once (run by hand; not a test).

Makes a fresh database (a SQLite file in a temporary folder, or a PostgreSQL database it creates
and drops), --officers officers each assigned to one of 20 schools, and serves the app under
gunicorn (--workers 4) on loopback. Every officer signs in through the form (--workers at a
time) and gets a thread of its own, with its own session; then, for --seconds or until
--max-requests in all, each loops with no pause: sync a batch of 1–20 new entries (a batch
that gets no answer stays in its outbox and is sent again, as the phone does), and one time in
four open My entries. It reports requests per second, p50/p95/p99 latency per kind and errors
by status, then counts every entry in the database against what the officers were told: lost
(answered accepted or duplicate, not stored) and duplicated (stored, or audited as submitted,
more than once) must both be 0.

    .venv/bin/python bench/load.py [--officers 200] [--seconds 60] [--workers 4]
                                   [--database sqlite|postgresql] [--url postgresql://...]
                                   [--max-requests 100000]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import random
import statistics
import tempfile
import threading
import time
import urllib.error
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date

import psycopg
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sync_ingest import PASSWORD, Gunicorn, Officer, bench_env, entries, flask
from werkzeug.security import generate_password_hash

from logger import create_app
from logger.core.models import Assignment, AuditEvent, Contact, ContactRevision, School, User
from logger.extensions import db

SCHOOLS = 20
LOOPBACK = ("127.0.0.1", "localhost", "::1")
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/sro_bench_load"


@dataclass
class Tally:
    """What the officers saw: latencies and failures per kind, and every answer to an entry."""

    seconds: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter = field(default_factory=Counter)
    told: dict[str, str] = field(default_factory=dict)  # entry id -> last status answered
    unanswered: set[str] = field(default_factory=set)  # still in an outbox at the end
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take_turn(self, most: int) -> bool:
        """Count one more request, unless there have been `most` already."""
        with self.lock:
            if self.requests >= most:
                return False
            self.requests += 1
            return True


@contextlib.contextmanager
def fresh_database(kind: str, url: str) -> Iterator[str]:
    """A new, empty database on this machine: its SQLAlchemy URL; removed afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/load.sqlite3"
        return
    parsed = make_url(url)
    if parsed.host not in LOOPBACK:
        raise SystemExit(f"{parsed.host} is not this machine: the benchmark runs on loopback only")
    name = parsed.database
    server = parsed.set(drivername="postgresql", database="postgres")
    with psycopg.connect(server.render_as_string(hide_password=False), autocommit=True) as admin:
        try:
            admin.execute(f'CREATE DATABASE "{name}"')
        except psycopg.errors.DuplicateDatabase:
            raise SystemExit(
                f"database {name} exists: the benchmark only uses (and drops) a "
                "database it creates; drop it or name another with --url"
            ) from None
        try:
            yield parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
        finally:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def make_district(url: str, officers: int) -> list[tuple[str, int]]:
    """Migrate the database and add the schools and officers (one password hash for all);
    return each officer's (user name, school id)."""
    flask(bench_env(url), "db", "upgrade")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-only"})
    with app.app_context():
        schools = [
            School(code=f"S{n:02}", name=f"School {n}", level="high") for n in range(SCHOOLS)
        ]
        password_hash = generate_password_hash(PASSWORD)
        users = []
        for n in range(officers):
            user = User(username=f"ofc.load{n:03}", role="officer", password_hash=password_hash)
            user.assignments = [Assignment(school=schools[n % SCHOOLS], starts_on=date(2000, 1, 1))]
            users.append(user)
        db.session.add_all(users)
        db.session.commit()
        district = [(user.username, user.assignments[0].school_id) for user in users]
        db.session.remove()
        db.engine.dispose()
    return district


def timed(tally: Tally, kind: str, request):
    """Run one request, noting its time, or its failure by HTTP status or error."""
    started = time.perf_counter()
    try:
        answer = request()
    except urllib.error.HTTPError as error:
        tally.errors[f"{kind} {error.code}"] += 1
        return None
    except (OSError, http.client.HTTPException) as error:  # refused, reset, cut off, timed out
        tally.errors[f"{kind} {type(error).__name__}"] += 1
        return None
    tally.seconds[kind].append(time.perf_counter() - started)
    return answer


def signed_in(base: str, district: list[tuple[str, int]], at_once: int) -> list:
    """Each officer's phone signed in through the form, with its CSRF token: `at_once` at a
    time, as a district's officers do not all sign in within the same second."""

    def sign_in(username: str) -> tuple[Officer, str]:
        phone = Officer(base)
        phone.sign_in(username)
        return phone, json.loads(phone.get("/api/v1/session"))["csrf_token"]

    with ThreadPoolExecutor(at_once) as pool:
        return list(pool.map(sign_in, [username for username, _ in district]))


def officer_day(
    phone: Officer, token: str, school_id: int, tally: Tally, until: float, most: int, seed: int
) -> None:
    """One officer: sync and look, with no pause, until time or turns run out."""
    pick = random.Random(seed)
    outbox: list[dict] = []
    while time.monotonic() < until and tally.take_turn(most):
        if outbox and pick.random() < 0.25 or not outbox and pick.random() < 0.2:
            timed(tally, "my entries", lambda: phone.get("/entries"))
            continue
        outbox = outbox or entries(pick.randint(1, 20), school_id)
        results = timed(tally, "sync", lambda batch=outbox: phone.sync(batch, token))
        if results is None:
            continue  # no answer: the batch stays in the outbox
        with tally.lock:
            tally.told.update((r["id"], r["status"]) for r in results)
        outbox = []
    with tally.lock:
        tally.unanswered.update(e["id"] for e in outbox)


def run(
    base: str, district: list[tuple[str, int]], seconds: float, most: int, workers: int
) -> tuple[Tally, float]:
    """Every officer at once, once all are signed in; the tally and how long the load lasted."""
    phones, tally = signed_in(base, district, workers), Tally()
    began = time.monotonic()
    threads = [
        threading.Thread(
            target=officer_day, args=(phone, token, school, tally, began + seconds, most, n)
        )
        for n, ((phone, token), (_, school)) in enumerate(zip(phones, district, strict=True))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally, time.monotonic() - began


def stored(url: str) -> tuple[Counter, Counter]:
    """Revisions per stored entry, and contact.submitted audit events per entry."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-only"})
    with app.app_context():
        revisions = Counter(
            {
                str(i): n
                for i, n in db.session.execute(
                    select(Contact.id, func.count(ContactRevision.id))
                    .join(Contact.revisions)
                    .group_by(Contact.id)
                )
            }
        )
        submitted = Counter(
            {
                str(i): n
                for i, n in db.session.execute(
                    select(AuditEvent.contact_id, func.count())
                    .filter_by(action="contact.submitted")
                    .group_by(AuditEvent.contact_id)
                )
            }
        )
        db.session.remove()
        db.engine.dispose()
    return revisions, submitted


def report(tally: Tally, elapsed: float, revisions: Counter, submitted: Counter) -> int:
    """Print the figures; the exit status is 1 if any entry was lost or duplicated."""
    requests = sum(len(times) for times in tally.seconds.values()) + sum(tally.errors.values())
    print(
        f"load lasted                  {elapsed:.1f} s, {requests:,} requests, "
        f"{requests / elapsed:,.1f} requests/s"
    )
    print(f"{'':29}{'requests':>9} {'per s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for kind, times in sorted(tally.seconds.items()):
        cut = statistics.quantiles(times, n=100) if len(times) > 1 else times * 99
        print(
            f"{kind:<29}{len(times):>9,} {len(times) / elapsed:>7.1f} "
            f"{cut[49] * 1000:>8.0f} {cut[94] * 1000:>8.0f} {cut[98] * 1000:>8.0f}"
        )
    print(f"errors                       {dict(tally.errors) or 'none'}")
    answered = Counter(tally.told.values())
    told = {i for i, status in tally.told.items() if status in ("accepted", "duplicate")}
    lost = told - set(revisions)
    duplicated = {i for i, n in revisions.items() if n > 1} | {
        i for i, n in submitted.items() if n > 1
    }
    unknown = set(revisions) - told - tally.unanswered
    print(f"entries answered             {dict(answered)}")
    print(
        f"entries stored               {len(revisions):,} "
        f"({len(revisions) / elapsed:,.1f} a second)"
    )
    print(
        f"left in outboxes at the end  {len(tally.unanswered):,} "
        f"(of which stored: {len(tally.unanswered & set(revisions)):,}; a resend answers "
        "duplicate)"
    )
    print(f"lost                         {len(lost)}")
    print(f"duplicated                   {len(duplicated)}")
    print(f"stored, never sent           {len(unknown)}")
    return 1 if lost or duplicated or unknown else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--max-requests", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--url",
        default=DEFAULT_URL,
        help="PostgreSQL: the database to create, use and drop (loopback only)",
    )
    args = parser.parse_args()

    with fresh_database(args.database, args.url) as url:
        district = make_district(url, args.officers)
        with Gunicorn(bench_env(url), workers=args.workers) as server:
            print(
                f"{args.officers} officers, {args.workers} gunicorn workers, {args.database}, "
                f"{args.seconds:g} s or {args.max_requests:,} requests"
            )
            tally, elapsed = run(
                server.base, district, args.seconds, args.max_requests, args.workers
            )
        revisions, submitted = stored(url)
    raise SystemExit(report(tally, elapsed, revisions, submitted))


if __name__ == "__main__":
    main()
