"""Configuration from the environment; secrets never come from the code."""

import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "America/Chicago"
DEFAULT_SCHOOL_YEAR_START_MONTH = 8  # August


def database_url(instance_path: str) -> str:
    """DATABASE_URL for SQLAlchemy; else a SQLite file in the instance folder."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{Path(instance_path) / 'sro-field-log.sqlite3'}"
    return database_url_for_sqlalchemy(url)


def database_url_for_sqlalchemy(url: str) -> str:
    """A database URL spelled for SQLAlchemy: PostgreSQL URLs go through psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def secret_key(instance_path: str) -> str:
    """The secret key kept in the instance folder, made on first run (readable by owner only)."""
    return instance_secret(instance_path, "secret_key")


def instance_secret(instance_path: str, name: str) -> str:
    """A random secret kept in the instance folder under `name`, made on first use.

    Several workers may start at once: each writes a candidate to its own file
    and links it into place; whoever loses reads the winner's secret.
    """
    path = Path(instance_path) / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, candidate = tempfile.mkstemp(dir=path.parent, prefix=f".{name}.")
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
            os.link(candidate, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(candidate)
    key = path.read_text().strip()
    if len(key) < 32:
        raise RuntimeError(
            f"{path} holds no usable secret: delete it, or set it in the environment"
        )
    return key


def check_timezone(name: str) -> None:
    """Refuse to start with a time zone that does not exist, rather than fail on every page."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise RuntimeError(
            f"SRO_TIMEZONE={name!r} is not a time zone (e.g. America/Chicago)"
        ) from None


def check_school_year_start(month) -> None:
    """Refuse to start with a school year that begins in no month."""
    if not isinstance(month, int) or not 1 <= month <= 12:
        raise RuntimeError(
            f"SRO_SCHOOL_YEAR_START_MONTH={month!r} is not a month: give 1 to 12 (8 for August)"
        )


def _month(text: str):
    return int(text) if text.strip().isdecimal() else text


def from_environment(instance_path: str) -> dict:
    """Settings read from the environment, with safe defaults for everything but secrets."""
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY"),
        "SQLALCHEMY_DATABASE_URI": database_url(instance_path),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),  # one long shift
        "WTF_CSRF_TIME_LIMIT": None,  # valid for the session: a form open all shift still saves
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        # The district's settings: set here, they override what an admin sets in the app.
        "SRO_DISTRICT_NAME": os.environ.get("SRO_DISTRICT_NAME"),
        "SRO_TIMEZONE": os.environ.get("SRO_TIMEZONE"),
        "SRO_PROXY_COUNT": int(os.environ.get("SRO_PROXY_COUNT", "0")),
        # Outgoing mail, for setup links; without SRO_SMTP_HOST the admin passes links on.
        "SRO_SMTP_HOST": os.environ.get("SRO_SMTP_HOST"),
        "SRO_SMTP_PORT": int(os.environ.get("SRO_SMTP_PORT", "587")),
        "SRO_SMTP_STARTTLS": os.environ.get("SRO_SMTP_STARTTLS", "yes") != "no",
        "SRO_SMTP_USER": os.environ.get("SRO_SMTP_USER"),
        "SRO_SMTP_PASSWORD": os.environ.get("SRO_SMTP_PASSWORD"),
        "SRO_SMTP_FROM": os.environ.get("SRO_SMTP_FROM", "sro-field-log@localhost"),
        "SRO_EXPORT_KEY": os.environ.get("SRO_EXPORT_KEY"),
        "SRO_SCHOOL_YEAR_START_MONTH": _month(os.environ["SRO_SCHOOL_YEAR_START_MONTH"])
        if os.environ.get("SRO_SCHOOL_YEAR_START_MONTH")
        else None,
    }
