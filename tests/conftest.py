"""Fixtures: an app on a real database (SQLite by default, PostgreSQL with TEST_DATABASE_URL),
migrated once per run, emptied after every test; a live server; signed-in clients.
Builders of test data are in tests/factories.py."""

from __future__ import annotations

import os
import threading

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from logger import config, create_app
from logger.extensions import db
from tests.factories import Auth, empty_database, make_school, make_user
from tests.smtp_sink import SmtpSink


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return config.database_url_for_sqlalchemy(url)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """The app on a freshly migrated test database."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-only-not-a-secret",
            "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path_factory),
        }
    )
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
        empty_database()


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


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def admin(app, client):
    """An admin, admin.lee, signed in on `client`."""
    with app.app_context():
        make_user("admin.lee", role="admin")
    auth = Auth(client)
    auth.login("admin.lee")
    return auth


@pytest.fixture
def mail_server(app, monkeypatch):
    """A mail server the app sends to, for this test: its messages are in `.messages`."""
    sink = SmtpSink()
    for name, value in (
        ("SRO_SMTP_HOST", "127.0.0.1"),
        ("SRO_SMTP_PORT", sink.port),
        ("SRO_SMTP_STARTTLS", False),
        ("SRO_SMTP_FROM", "sro@district.org"),
    ):
        monkeypatch.setitem(app.config, name, value)
    yield sink
    sink.shutdown()
    sink.server_close()
