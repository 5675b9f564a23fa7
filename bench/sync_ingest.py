"""Sync ingest throughput and app-shell size (run by hand; not a test).

Starts the app under gunicorn on loopback with a fresh database (SQLite, or an
emptied PostgreSQL database with --database), signs an officer in over HTTP,
and sends 10,000 entries in batches of 100 to POST /api/v1/sync, as a phone's
outbox would; with --workers N, gunicorn runs N workers and N phones send at
once. In the same run it inserts the same rows into a plain table with the
driver's executemany (sqlite3, or psycopg on PostgreSQL): the ratio of the two
rates is the figure to compare across machines; and 2,000 of them one row a
transaction, each committed, the database's own limit for one entry a request.
Last, it measures what a phone downloads on first load to work offline: the
shell's pages and files, gzip-compressed as a TLS proxy would send them.

    .venv/bin/python bench/sync_ingest.py [--entries 10000] [--batch 100]
        [--database postgresql://postgres@127.0.0.1:5432/wt_sync] [--workers 1]
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import http.cookiejar
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))  # also when imported as bench.sync_ingest (tests)

from scale_fill import empty_database, libpq_url  # noqa: E402

PASSWORD = "bench password 2026"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def flask(env: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "logger", *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def entries(count: int, school_id: int) -> list[dict]:
    """count mentoring entries a millisecond apart, a minute ago: all after the start of the
    officer's assignment, which `create-user` dates today (a minute apart, 10,000 entries
    reached back a week, and the ingest refused most as at a school not yet assigned)."""
    base = datetime.now(UTC) - timedelta(minutes=1)
    out = []
    for n in range(count):
        contact = {
            "occurred_at": (base - timedelta(milliseconds=n)).isoformat(),
            "school_id": school_id,
            "location": "hallway",
            "setting": "school_grounds",
            "initiated_by": "student",
            "classification": "mentoring",
            "mentoring_type": "informal_counseling",
            "students_involved": 1,
            "actions": ["none"],
            "narrative": f"Checked in with a student about attendance, visit {n}.",
        }
        out.append({"id": str(uuid.uuid4()), "base_revision": 0, "contact": contact})
    return out


class Officer:
    """An HTTP client with a session cookie, as the phone is."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> bytes:
        with self.opener.open(self.base + path, timeout=60) as response:
            return response.read()

    def sign_in(self, username: str, password: str = PASSWORD) -> None:
        page = self.get("/login").decode()
        token = re.search(r'name="csrf_token"[^>]* value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode(
            {"username": username, "password": password, "csrf_token": token}
        ).encode()
        self.opener.open(self.base + "/login", data=body, timeout=60).read()

    def sync(self, batch: list[dict], token: str) -> list[dict]:
        request = urllib.request.Request(
            self.base + "/api/v1/sync",
            data=json.dumps({"entries": batch}).encode(),
            headers={"Content-Type": "application/json", "X-CSRFToken": token},
            method="POST",
        )
        with self.opener.open(request, timeout=120) as response:
            return json.load(response)["results"]


def wait_until_up(base: str, server: subprocess.Popen, log) -> None:
    """Poll until the server answers (it may take a while on a busy machine); exit with its
    log if it dies or never answers."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log.seek(0)
            raise SystemExit(f"the server died:\n{log.read().decode()}")
        try:
            urllib.request.urlopen(base + "/login", timeout=5).read()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server did not answer within 60 s")


RAW_TABLE = (
    "CREATE TABLE raw_contacts (id TEXT PRIMARY KEY, officer_id INT, content TEXT, "
    "classification TEXT, occurred_at TEXT, school_id INT, status TEXT, received_at TEXT)"
)


def raw_rate(rows: list[dict], folder: str, database: str | None, *, singly: bool = False) -> float:
    """Rows per second for the same rows into one plain table: executemany and one commit, or
    (singly) one row a transaction, each committed to disk as the app's commit is."""
    now = datetime.now(UTC).isoformat()
    values = [
        (
            e["id"],
            1,
            json.dumps(e["contact"]),
            "mentoring",
            e["contact"]["occurred_at"],
            1,
            "submitted",
            now,
        )
        for e in rows
    ]
    table = "raw_contacts_singly" if singly else "raw_contacts"
    if database is None:
        db = sqlite3.connect(os.path.join(folder, "raw.sqlite3"))
        db.execute("PRAGMA journal_mode=WAL")
        insert = "INSERT INTO raw_contacts VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    else:
        db = psycopg.connect(libpq_url(database))
        insert = "INSERT INTO raw_contacts VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
    db.execute(RAW_TABLE.replace("raw_contacts", table))
    db.commit()
    insert = insert.replace("raw_contacts", table)
    start = time.perf_counter()
    if singly:
        for row in values:
            db.execute(insert, row)
            db.commit()
    else:
        db.cursor().executemany(insert, values)
        db.commit()
    elapsed = time.perf_counter() - start
    db.close()
    return len(rows) / elapsed


def shell_size(officer: Officer) -> tuple[int, int, int]:
    """(files, bytes, gzip bytes) of what the service worker caches on first load."""
    sw = officer.get("/sw.js").decode()
    files = json.loads(re.search(r"const SHELL_FILES = (\[.*?\]);", sw).group(1))
    pages = json.loads(re.search(r"const SHELL_PAGES = (\[.*?\]);", sw).group(1))
    paths = ["/sw.js", "/manifest.webmanifest", *pages, *files]
    bodies = [officer.get(path) for path in paths]
    return len(paths), sum(map(len, bodies)), sum(len(gzip.compress(b, 6)) for b in bodies)


def bench_env(database_url: str) -> dict:
    """The environment the app runs under: this database, a fixed secret key."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench-only-secret-key-not-for-production",
        "SRO_LOGGER_PASSWORD": PASSWORD,
    }


class Gunicorn:
    """The app under gunicorn on a free loopback port, in a process group of its own so that
    it can be killed whole (master and workers) and started again on the same port."""

    def __init__(self, env: dict, *, workers: int = 1):
        self.env, self.workers = env, workers
        self.bind = f"127.0.0.1:{free_port()}"
        self.base = f"http://{self.bind}"
        self.process: subprocess.Popen | None = None
        self.log = tempfile.TemporaryFile()

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                str(self.workers),
                "--bind",
                self.bind,
                "wsgi:app",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
            start_new_session=True,
        )
        wait_until_up(self.base, self.process, self.log)

    def kill(self) -> None:
        """SIGKILL the master and every worker at once, as a power cut or the OOM killer would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()

    def __enter__(self) -> Gunicorn:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


@contextlib.contextmanager
def served(folder: str, database: str | None = None, workers: int = 1) -> Iterator[str]:
    """The app under gunicorn on loopback with a fresh database (a SQLite file in folder, or
    the PostgreSQL database emptied), one school and the officer ofc.bench; yields its
    address."""
    if database is not None:
        empty_database(database)
    env = bench_env(database or f"sqlite:///{folder}/bench.sqlite3")
    flask(env, "db", "upgrade")
    flask(env, "create-school", "LHS", "Lincoln High School", "--level", "high")
    flask(env, "create-user", "ofc.bench", "--role", "officer", "--school", "LHS")
    with Gunicorn(env, workers=workers) as server:
        yield server.base


def send_all(base: str, rows: list[dict], batch: int, phones: int) -> dict[str, int]:
    """Send the rows in batches from `phones` signed-in clients at once; the statuses."""
    shares = [rows[n::phones] for n in range(phones)]
    statuses: dict[str, int] = {}
    failures: list[BaseException] = []
    lock = threading.Lock()
    clients = []
    for _ in range(phones):
        officer = Officer(base)
        officer.sign_in("ofc.bench")
        clients.append((officer, json.loads(officer.get("/api/v1/session"))["csrf_token"]))

    def send(officer: Officer, token: str, share: list[dict]) -> None:
        try:
            for i in range(0, len(share), batch):
                for result in officer.sync(share[i : i + batch], token):
                    with lock:
                        statuses[result["status"]] = statuses.get(result["status"], 0) + 1
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)

    threads = [
        threading.Thread(target=send, args=(*client, share))
        for client, share in zip(clients, shares, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"a phone's send failed: {failures[0]!r}")
    return statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--database", help="postgresql://... (emptied); SQLite when left out")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers, and phones")
    args = parser.parse_args()
    engine = "PostgreSQL" if args.database else "SQLite"

    with tempfile.TemporaryDirectory() as folder:
        with served(folder, args.database, args.workers) as base:
            officer = Officer(base)
            officer.sign_in("ofc.bench")
            session = json.loads(officer.get("/api/v1/session"))
            rows = entries(args.entries, session["schools"][0]["id"])
            start = time.perf_counter()
            statuses = send_all(base, rows, args.batch, args.workers)
            api_seconds = time.perf_counter() - start
            resend_start = time.perf_counter()
            officer.sync(rows[: args.batch], session["csrf_token"])
            resend_seconds = time.perf_counter() - resend_start
            files, raw_bytes, gz_bytes = shell_size(officer)
        raw = raw_rate(rows, folder, args.database)
        raw_singly = raw_rate(rows[:2000], folder, args.database, singly=True)

    api_rate = len(rows) / api_seconds
    where = f"gunicorn, {args.workers} worker{'s' if args.workers > 1 else ''}, {engine}"
    print(f"entries sent                 {len(rows):,} in batches of {args.batch}")
    print(f"results                      {statuses}")
    print(f"sync API ({where})  {api_rate:,.0f} entries/s ({api_seconds:.1f} s)")
    print(f"resending one batch          {resend_seconds * 1000:.0f} ms (all duplicates)")
    print(f"plain executemany            {raw:,.0f} rows/s")
    print(f"ratio                        {raw / api_rate:,.0f}x slower than a bare insert")
    print(f"one row a transaction        {raw_singly:,.0f} rows/s (each commit on disk)")
    print(f"the sync API's share         {api_rate / raw_singly:.2f} of that rate")
    print(
        f"app shell on first load      {files} files, {raw_bytes / 1024:.1f} KiB, "
        f"{gz_bytes / 1024:.1f} KiB gzip-compressed"
    )


if __name__ == "__main__":
    main()
