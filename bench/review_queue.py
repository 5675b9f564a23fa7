"""The review queue's first page with many entries (run by hand; not a test).

Builds a district in a fresh SQLite database, adds entries in bulk (plain
inserts, not the ingest: this measures reading), and asks for the supervisor's
first queue page through the app, at two sizes in the same run. Reports the
median server time of the page and the number of SQL statements it ran, which
must not grow with the number of entries.

    .venv/bin/python bench/review_queue.py [--sizes 1000 100000] [--repeat 15]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import event, insert
from werkzeug.security import generate_password_hash

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from logger import create_app, rules  # noqa: E402
from logger.core.models import Assignment, Contact, ContactRevision, RevisionFlag, School, User  # noqa: E402
from logger.extensions import db  # noqa: E402

PASSWORD = "bench password 2026"
OFFICERS = 20

ACTION_FLAGS = [
    [],
    [],
    [],
    [],
    [],
    [],
    ["search"],
    ["detention"],
    ["arrest"],
    ["restraint"],
    ["use_of_force"],
]


def district() -> tuple[int, list[int], int]:
    """A supervisor and officers at one school; returns (school id, officer ids, supervisor id)."""
    school = School(code="LHS", name="Lincoln High School", level="high")
    supervisor = User(
        username="sgt.bench", role="supervisor", password_hash=generate_password_hash(PASSWORD)
    )
    officers = [
        User(
            username=f"ofc.{n}",
            role="officer",
            supervisor=supervisor,
            password_hash=supervisor.password_hash,
            assignments=[Assignment(school=school, starts_on=date(2000, 1, 1))],
        )
        for n in range(OFFICERS)
    ]
    db.session.add_all([school, supervisor, *officers])
    db.session.commit()
    return school.id, [o.id for o in officers], supervisor.id


def add_entries(
    count: int, school_id: int, officer_ids: list[int], rng: random.Random, waiting_share: float
) -> None:
    """`count` more entries, in bulk, with their flags and concern ranks."""
    now = datetime.now(UTC)
    for start in range(0, count, 5000):
        contacts, revisions, flags = [], [], []
        for _ in range(min(5000, count - start)):
            entry_id = uuid.uuid4()
            received = now - timedelta(minutes=rng.randint(10, 60 * 24 * 365))
            raised = rng.choice(ACTION_FLAGS)
            status = "submitted" if rng.random() < waiting_share else "approved"
            contacts.append(
                {
                    "id": entry_id,
                    "officer_id": rng.choice(officer_ids),
                    "current_revision": 1,
                    "created_at": received,
                }
            )
            revisions.append(
                {
                    "contact_id": entry_id,
                    "number": 1,
                    "officer_id": contacts[-1]["officer_id"],
                    "classification": "criminal",
                    "content": {
                        "classification": "criminal",
                        "actions": raised or ["verbal_warning"],
                        "narrative": "Bulk entry for the benchmark.",
                    },
                    "occurred_at": received - timedelta(minutes=5),
                    "school_id": school_id,
                    "status": status,
                    "is_record": status == "approved",
                    "received_at": received,
                    "concern": rules.concern(raised),
                    "flags": raised,
                }
            )
        db.session.execute(insert(Contact), contacts)
        ids = (
            db.session.execute(
                insert(ContactRevision).returning(ContactRevision.id),
                [{k: v for k, v in r.items() if k != "flags"} for r in revisions],
            )
            .scalars()
            .all()
        )
        flags = [
            {"revision_id": rid, "flag": flag}
            for rid, r in zip(ids, revisions, strict=True)
            for flag in r["flags"]
        ]
        if flags:
            db.session.execute(insert(RevisionFlag), flags)
        db.session.commit()


def measure(app, repeat: int) -> tuple[float, int, int]:
    """(median ms, SQL statements, entries waiting) for the supervisor's first queue page."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]* value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": "sgt.bench", "password": PASSWORD, "csrf_token": token})
    statements = []

    def count(*args):
        statements.append(1)

    times = []
    for attempt in range(repeat + 1):
        statements.clear()
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", count)
            start = time.perf_counter()
            response = client.get("/review")
            elapsed = time.perf_counter() - start
            event.remove(db.engine, "before_cursor_execute", count)
        assert response.status_code == 200, response.status_code
        if attempt:  # the first request warms caches
            times.append(elapsed * 1000)
    waiting = int(re.search(r"(\d+) entr", response.get_data(as_text=True)).group(1))
    return statistics.median(times), len(statements), waiting


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument(
        "--waiting",
        type=float,
        default=0.02,
        help="share of entries still waiting for review (the rest approved)",
    )
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/queue.sqlite3",
                "SECRET_KEY": "bench-only-secret-key-not-for-production",
            }
        )
        with app.app_context():
            upgrade()
            school_id, officer_ids, _ = district()
        stored = 0
        rows = []
        for size in sorted(args.sizes):
            with app.app_context():
                started = time.perf_counter()
                add_entries(size - stored, school_id, officer_ids, rng, args.waiting)
                loading = time.perf_counter() - started
            stored = size
            median_ms, statements, waiting = measure(app, args.repeat)
            rows.append((size, waiting, median_ms, statements, loading))
    print(f"{'entries':>9} {'waiting':>8} {'first page (median)':>20} {'SQL statements':>15}")
    for size, waiting, median_ms, statements, _ in rows:
        print(f"{size:>9,} {waiting:>8,} {median_ms:>17.1f} ms {statements:>15}")
    print(
        json.dumps(
            {
                "sizes": [r[0] for r in rows],
                "median_ms": [round(r[2], 1) for r in rows],
                "statements": [r[3] for r in rows],
            }
        )
    )


if __name__ == "__main__":
    main()
