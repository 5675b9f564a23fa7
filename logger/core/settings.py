"""The district's settings: its name, time zone and the month its school year starts.

An admin sets them in the app; an environment variable (SRO_DISTRICT_NAME,
SRO_TIMEZONE, SRO_SCHOOL_YEAR_START_MONTH) overrides the app's value, for
deployments that keep configuration outside the database. Read once per request.
"""

from __future__ import annotations

import functools
from zoneinfo import available_timezones

from flask import current_app, g
from sqlalchemy import select

from logger import config, rules
from logger.core import audit, clock
from logger.core.models import Setting, User
from logger.extensions import db

SETTING = "district"
DEFAULTS = {
    "name": "",
    "timezone": config.DEFAULT_TIMEZONE,
    "school_year_start_month": config.DEFAULT_SCHOOL_YEAR_START_MONTH,
}
OVERRIDES = {
    "name": "SRO_DISTRICT_NAME",
    "timezone": "SRO_TIMEZONE",
    "school_year_start_month": "SRO_SCHOOL_YEAR_START_MONTH",
}
MAX_NAME = 200


class SettingsRefused(ValueError):
    """A setting that cannot be used; says why."""


def current() -> dict:
    """The settings in force: the environment's, else the app's, else the defaults."""
    if "district_settings" not in g:
        values = _saved()
        for name, variable in OVERRIDES.items():
            if current_app.config.get(variable) is not None:
                values[name] = current_app.config[variable]
        g.district_settings = values
    return g.district_settings


def overridden() -> set[str]:
    """The settings the environment sets, which the app cannot change."""
    return {
        name for name, variable in OVERRIDES.items() if current_app.config.get(variable) is not None
    }


@functools.cache
def time_zones() -> list[str]:
    """Every time zone a district can choose, by name."""
    return sorted(
        zone
        for zone in available_timezones()
        if "/" in zone and not zone.startswith(("Etc/", "SystemV/", "posix/", "right/"))
    )


def save(form, *, admin: User, client_addr: str | None) -> None:
    """Store the settings the form sets (not those the environment fixes), checked and on the
    record; the caller commits."""
    fixed = overridden()
    before = _saved()
    values = dict(before)
    if "name" not in fixed:
        values["name"] = _name(form.get("name", ""))
    if "timezone" not in fixed:
        values["timezone"] = _zone(form.get("timezone", ""))
    if "school_year_start_month" not in fixed:
        values["school_year_start_month"] = _month(form.get("school_year_start_month", ""))
    stored = db.session.get(Setting, SETTING) or Setting(name=SETTING)
    stored.value, stored.changed_at, stored.changed_by_id = values, clock.utcnow(), admin.id
    db.session.add(stored)
    changed = audit.changes(before, values)
    if changed:
        audit.record("district.settings", actor=admin, client_addr=client_addr, detail=changed)
    g.pop("district_settings", None)


def _saved() -> dict:
    """What the app has saved, over the defaults (the environment not considered)."""
    stored = db.session.scalar(select(Setting.value).where(Setting.name == SETTING))
    return {**DEFAULTS, **(stored or {})}


def _name(text: str) -> str:
    problem = rules.text_problem(text, "District name")
    if problem:
        raise SettingsRefused(problem)
    if len(text.strip()) > MAX_NAME:
        raise SettingsRefused(f"Shorten the district name to {MAX_NAME} characters or fewer.")
    return text.strip()


def _zone(text: str) -> str:
    if text not in time_zones():
        raise SettingsRefused("Choose the district's time zone from the list.")
    return text


def _month(text: str) -> int:
    if not text.isdecimal() or not 1 <= int(text) <= 12:
        raise SettingsRefused("Choose the month the school year starts.")
    return int(text)
