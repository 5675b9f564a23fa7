"""Fixtures: an app on a real database (SQLite by default, PostgreSQL with TEST_DATABASE_URL),
migrated once per run, emptied after every test; builders for users, schools and contacts."""

from __future__ import annotations

import os
import re
import threading
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from flask_migrate import upgrade
from werkzeug.security import generate_password_hash
from werkzeug.serving import make_server

from logger import config, contacts, create_app
from logger.extensions import db
from logger.models import Assignment, School, User

PASSWORD = "correct horse battery"
_PASSWORD_HASH = generate_password_hash(PASSWORD)


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return config.database_url_for_sqlalchemy(url)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """The app on a freshly migrated test database."""
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-only-not-a-secret",
        "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path_factory),
        "SRO_TIMEZONE": "America/Chicago",
    })
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        upgrade()
    yield app


@pytest.fixture(autouse=True)
def _empty_database_after(request):
    """Every test starts from an empty database (rows deleted in dependency order)."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())


class LiveServer:
    """The app on a free loopback port, served by a real WSGI server in a thread.

    `requests` logs (method, path) of every request that reached the server.
    """

    def __init__(self, app):
        self.app = app
        self.requests: list[tuple[str, str]] = []
        self._server = make_server("127.0.0.1", 0, self._logged, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"

    def _logged(self, environ, start_response):
        self.requests.append((environ["REQUEST_METHOD"], environ["PATH_INFO"]))
        return self.app(environ, start_response)

    def start(self) -> None:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self._server.shutdown()


@pytest.fixture(scope="session")
def _live_server(app):
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def live_server(_live_server):
    """The running server, its request log emptied for this test."""
    _live_server.requests.clear()
    return _live_server


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium (Playwright cannot download its own browser here)."""
    args = {**browser_type_launch_args, "args": ["--disable-gpu", "--disable-quic"]}
    if "channel" not in args:
        args["executable_path"] = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    return args


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Tests may evaluate script in pages that forbid eval (the app's CSP)."""
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def ctx(app):
    """An application context for tests that call the domain directly.

    Not for tests that also send requests: the test client would share this
    context's session and its stale objects. Build data in `with app.app_context()`.
    """
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def make_school(code: str = "LHS", name: str = "Lincoln High School", level: str = "high") -> School:
    school = School(code=code, name=name, level=level)
    db.session.add(school)
    db.session.commit()
    return school


def make_user(username: str, role: str = "officer", *, schools=(), supervisor=None,
              active: bool = True) -> User:
    """A user whose password is PASSWORD (hashed once per run)."""
    user = User(username=username, role=role, active=active, password_hash=_PASSWORD_HASH,
                supervisor=supervisor)
    user.assignments = [Assignment(school=school) for school in schools]
    db.session.add(user)
    db.session.commit()
    return user


@pytest.fixture
def district(app):
    """Two schools; officer Ruiz assigned to Lincoln only, officer Chen to Adams only; a
    supervisor, an evaluator and an admin. Returns the school ids."""
    with app.app_context():
        lincoln = make_school("LHS", "Lincoln High School")
        adams = make_school("AMS", "Adams Middle", "middle")
        make_user("ofc.ruiz", schools=[lincoln])
        make_user("ofc.chen", schools=[adams])
        make_user("sgt.park", role="supervisor")
        make_user("eval.ode", role="evaluator")
        make_user("admin.lee", role="admin")
        return {"lincoln": lincoln.id, "adams": adams.id}


def mentoring_entry(school_id: int, **changes) -> dict:
    """A valid mentoring entry, as the sync API would send it."""
    entry = {
        "occurred_at": (datetime.now(timezone.utc) - timedelta(hours=1)).isoformat(),
        "school_id": school_id, "location": "hallway", "initiated_by": "student",
        "classification": "mentoring", "mentoring_type": "informal_counseling",
        "students_involved": 1, "actions": ["none"], "narrative": "",
    }
    entry.update(changes)
    return entry


def arrest_entry(school_id: int, **changes) -> dict:
    """A valid criminal entry with an arrest and its full justification."""
    entry = mentoring_entry(school_id, classification="criminal", offense_category="weapons",
                            actions=["arrest"], initiated_by="school_staff")
    del entry["mentoring_type"]
    entry["justification"] = {
        "basis": "Staff found a knife in the student's backpack during a fight report.",
        "alternatives_tried": ["verbal_deescalation", "school_staff_involved"],
        "why_last_resort": "The student refused to hand over a second weapon and threatened staff.",
    }
    entry["students"] = [{"grade_band": "high", "perceived_race": ["white"],
                          "perceived_gender": "male", "perceived_disability": False}]
    entry.update(changes)
    return entry


def make_contact(officer: User, entry: dict, *, received_at: datetime | None = None):
    """Store an entry for an officer through the domain, as the app would."""
    received_at = received_at or datetime.now(timezone.utc)
    verdict = contacts.check(officer, entry, now=received_at)
    assert verdict.ok, verdict.errors
    saved = contacts.save(officer, uuid.uuid4(), verdict, received_at=received_at,
                          client_addr="127.0.0.1")
    db.session.commit()
    return saved.contact


class Auth:
    """Signs a test client in and out through the real form."""

    def __init__(self, client):
        self.client = client

    def csrf_token(self, path: str = "/login") -> str:
        page = self.client.get(path, follow_redirects=True).get_data(as_text=True)
        return re.search(r'name="csrf_token"[^>]* value="([^"]+)"', page).group(1)

    def login(self, username: str, password: str = PASSWORD):
        return self.client.post("/login", data={"username": username, "password": password,
                                                "csrf_token": self.csrf_token()})

    def logout(self):
        return self.client.post("/logout", data={"csrf_token": self.csrf_token("/")})


@pytest.fixture
def auth(client):
    return Auth(client)
