"""SRO Field Log: the Flask application factory."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config
from .extensions import csrf, db, login_manager, migrate

MIGRATIONS = str(Path(__file__).parent / "migrations")


class SessionOverHTTPS(SecureCookieSessionInterface):
    """Marks the session cookie Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app):
        return super().get_cookie_secure(app) or request.is_secure


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: config from the environment (or test_config), extensions, blueprints."""
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(config.from_environment(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config.secret_key(app.instance_path)
    app.session_interface = SessionOverHTTPS()
    if app.config["SRO_PROXY_COUNT"]:
        count = app.config["SRO_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS, render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    with app.app_context():
        _tune_sqlite(db.engine)

    from sync import api

    from . import auth, cli, entries, errors, home, templating
    for module in (auth, home, entries, api):
        app.register_blueprint(module.bp)
    errors.register(app)
    templating.register(app)
    cli.register(app)
    return app


def _tune_sqlite(engine) -> None:
    """SQLite: foreign keys on, WAL journal, and real transactions that queue writers.

    pysqlite's legacy mode opens transactions only before writes, which breaks
    savepoints; and a deferred transaction that reads, then writes, fails at
    once when another writer got in between. So every transaction starts with
    BEGIN IMMEDIATE: writers wait their turn (busy_timeout) and never fail.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, connection_record):
        dbapi_connection.isolation_level = None  # SQLAlchemy, not pysqlite, begins transactions
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
