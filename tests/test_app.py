"""The application factory and its configuration."""

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from logger import config, create_app

ROOT = Path(__file__).resolve().parent.parent


def test_importing_the_package_builds_no_app():
    code = (
        "import logger, flask; "
        "assert not any(isinstance(v, flask.Flask) for v in vars(logger).values())"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_server_leaves_migrations_to_the_flask_command(tmp_path):
    """gunicorn's app (wsgi.py) never loads Alembic, 11 MiB in every worker; `flask db`
    still has its commands."""
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3", "SECRET_KEY": "test-secret-key"}
    code = "import sys, wsgi; print(sorted({'alembic', 'flask_migrate'} & set(sys.modules)))"
    served = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert served.stdout.strip() == "[]"
    commands = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "logger", "db", "--help"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "upgrade" in commands.stdout


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = config.secret_key(str(tmp_path))
    assert len(first) >= 64
    assert config.secret_key(str(tmp_path)) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_secret_key_from_the_environment_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite3"})
    assert app.config["SECRET_KEY"] == "from-the-environment"


def test_database_url_defaults_to_sqlite_in_the_instance_folder(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert config.database_url("/srv/instance") == "sqlite:////srv/instance/sro-field-log.sqlite3"


def test_postgres_urls_use_psycopg_3(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db/sro")
    assert config.database_url("/x") == "postgresql+psycopg://u@db/sro"
    assert (
        config.database_url_for_sqlalchemy("postgresql://u@db/sro")
        == "postgresql+psycopg://u@db/sro"
    )


def test_sqlite_runs_with_foreign_keys_and_wal(app):
    from logger.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            return
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_session_cookie_is_httponly_lax_and_secure_over_https(app, auth, client):
    from tests.factories import form_token, make_school, make_user

    with app.app_context():
        make_user("ofc.cookie", schools=[make_school()])
    plain = auth.login("ofc.cookie").headers.get_all("Set-Cookie")
    session_cookie = next(c for c in plain if c.startswith("session="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    assert "Secure" not in session_cookie
    secure_client = app.test_client()
    page = secure_client.get("/login", base_url="https://localhost").get_data(as_text=True)
    token = form_token(page)
    response = secure_client.post(
        "/login",
        base_url="https://localhost",
        data={"username": "ofc.cookie", "password": "correct horse battery", "csrf_token": token},
    )
    assert any(
        c.startswith("session=") and "Secure" in c for c in response.headers.get_all("Set-Cookie")
    )


def test_workers_starting_at_once_agree_on_one_secret_key(tmp_path):
    keys, start = [], threading.Barrier(8)

    def first_run():
        start.wait()
        keys.append(config.secret_key(str(tmp_path)))

    threads = [threading.Thread(target=first_run) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 8 and len(set(keys)) == 1 and len(keys[0]) == 64
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]


def test_an_unknown_time_zone_stops_the_app_with_a_clear_reason(tmp_path):
    with pytest.raises(RuntimeError, match="SRO_TIMEZONE='Mars/Olympus' is not a time zone"):
        create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite3",
                "SECRET_KEY": "x" * 40,
                "SRO_TIMEZONE": "Mars/Olympus",
            }
        )
