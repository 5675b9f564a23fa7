"""SRO Field Log: the Flask application factory."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from logger import config
from logger.core.database import tune_sqlite
from logger.extensions import COMPRESSION, compress, csrf, db, login_manager
from logger.web import body_limit, row_ids

MIGRATIONS = str(Path(__file__).parent / "migrations")


class SessionOverHTTPS(SecureCookieSessionInterface):
    """Marks the session cookie Secure whenever the request came over HTTPS; static files never
    touch it."""

    def get_cookie_secure(self, app):
        return super().get_cookie_secure(app) or request.is_secure

    def save_session(self, app, session, response):
        # A static file never changes the session; without Vary: Cookie a browser keeps one copy.
        if request.endpoint != "static":
            super().save_session(app, session, response)


def create_app(test_config: dict | None = None, *, migrations: bool = True) -> Flask:
    """Build the app: config from the environment (or test_config), extensions, blueprints.

    `migrations`: Flask-Migrate, for `flask db` and flask_migrate.upgrade(). A server
    process (wsgi.py) leaves it out: importing Alembic costs each worker 11 MiB it never uses.
    """
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(mode=0o700, parents=True, exist_ok=True)  # secrets, database
    app.config.from_mapping(config.from_environment(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
    if app.config.get("SRO_TIMEZONE") is not None:
        config.check_timezone(app.config["SRO_TIMEZONE"])
    if app.config.get("SRO_SCHOOL_YEAR_START_MONTH") is not None:
        config.check_school_year_start(app.config["SRO_SCHOOL_YEAR_START_MONTH"])
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config.secret_key(app.instance_path)
    if not app.config.get("SRO_EXPORT_KEY"):  # keys officers' pseudonyms in exports
        app.config["SRO_EXPORT_KEY"] = config.instance_secret(app.instance_path, "export_key")
    app.session_interface = SessionOverHTTPS()
    row_ids.register(app)  # before the blueprints add their URLs
    if app.config["SRO_PROXY_COUNT"]:
        count = app.config["SRO_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    body_limit.register(app)  # before CSRF's check reads the form
    db.init_app(app)
    if migrations:
        from flask_migrate import Migrate

        Migrate(app, db, directory=MIGRATIONS, render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    for key, value in COMPRESSION.items():
        app.config.setdefault(key, value)
    compress.init_app(app)
    with app.app_context():
        tune_sqlite(db.engine)

    from logger import cli
    from logger.admin import enrollment_views, program_views
    from logger.admin import views as admin
    from logger.auth import views as auth
    from logger.evaluation import views as evaluation
    from logger.officer import shell
    from logger.officer import views as officer
    from logger.public import views as public
    from logger.review import views as review
    from logger.web import errors, headers, static_files, templating
    from logger.web import views as web
    from sync import api

    for blueprint in (
        auth.bp,
        web.bp,
        officer.bp,
        review.bp,
        admin.bp,
        admin.accounts_bp,
        admin.schools_bp,
        admin.settings_bp,
        admin.roster_bp,
        admin.templates_bp,
        admin.entry_times_bp,
        evaluation.exports_bp,
        evaluation.assessment_bp,
        public.bp,
        public.feedback_bp,
        shell.bp,
        api.bp,
        program_views.bp,
        enrollment_views.bp,
    ):  # issue 13
        app.register_blueprint(blueprint)
    errors.register(app)
    headers.register(app)
    static_files.register(app)
    templating.register(app)
    cli.register(app)
    return app
