"""Command line for scripts and provisioning: flask --app logger <command>."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from logger import demo, rules
from logger.admin import district, enrollment, roster
from logger.core import audit, backup, clock, data_check
from logger.core.clock import parse_day
from logger.core.database import writing
from logger.core.models import ROLES, SCHOOL_LEVELS, School, User
from logger.evaluation import crdc_worksheet, exports
from logger.extensions import db
from logger.public import summary

# The name of the environment variable that may hold a password, not a password (bandit B105).
PASSWORD_VARIABLE = "SRO_LOGGER_PASSWORD"  # nosec B105
COMMAND_LINE = "command line"  # where the audit trail says a command's change came from


def register(app: Flask) -> None:
    """Add the commands to the app's CLI."""
    for command in (
        create_school,
        create_user,
        load_demo,
        export,
        check_data,
        count_public_summary,
        import_schools,
        import_users,
        import_enrollment,
        deactivate_user,
        backup_database,
    ):
        app.cli.add_command(command)


def _commit_or_fail(action) -> object:
    """Run a domain action and commit, turning its refusal into a one-line error and exit 1."""
    try:
        result = action()
        db.session.commit()
        return result
    except district.AccountError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None


@click.command("create-school")
@with_appcontext
@click.argument("code")
@click.argument("name")
@click.option("--level", required=True, type=click.Choice(SCHOOL_LEVELS))
def create_school(code: str, name: str, level: str) -> None:
    """Add a school."""
    school = _commit_or_fail(
        lambda: district.create_school(code, name, level, client_addr=COMMAND_LINE)
    )
    click.echo(f"Created school {school.code}: {school.name} ({school.level}).")


@click.command("create-user")
@with_appcontext
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option(
    "--school",
    "schools",
    multiple=True,
    metavar="CODE",
    help="An assigned school (officers); repeat for more.",
)
@click.option("--supervisor", metavar="NAME", help="The officer's supervisor.")
def create_user(name: str, role: str, schools: tuple[str, ...], supervisor: str | None) -> None:
    """Add an account. The password is prompted for, or read from SRO_LOGGER_PASSWORD."""
    password = os.environ.get(PASSWORD_VARIABLE) or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )
    user = _commit_or_fail(
        lambda: district.create_user(
            name,
            password,
            role,
            school_codes=schools,
            supervisor_name=supervisor,
            client_addr=COMMAND_LINE,
        )
    )
    click.echo(f"Created {user.role} {user.username}.")


@click.command("demo")
@with_appcontext
def load_demo() -> None:
    """Load a demo district into an empty database and print its sign-ins."""
    if not demo.database_is_empty():
        raise click.ClickException(
            "the database already has data; demo loads only into an empty one"
        )
    sign_ins = _commit_or_fail(demo.load)
    click.echo("Demo district loaded. Demo sign-ins (never use these in production):")
    for username, role, password in sign_ins:
        click.echo(f"  {role:<10} {username:<16} {password}")


def _day(ctx, param, value):
    try:
        return parse_day(value or "")
    except ValueError:
        raise click.BadParameter("write dates like 2026-11-28, from 2000 to 2100") from None


def _school_year(ctx, param, value):
    try:
        return crdc_worksheet.parse_school_year(value or "")
    except ValueError as problem:
        raise click.BadParameter(str(problem)) from None


@click.command("export")
@with_appcontext
@click.option(
    "--format",
    "export_format",
    required=True,
    type=click.Choice(("csv", "jsonl", "sqlite", "crdc")),
)
@click.option(
    "--school-year",
    callback=_school_year,
    metavar="YYYY",
    help="crdc: the school year starting in YYYY (default: the current one).",
)
@click.option("--from", "date_from", callback=_day, metavar="DATE", help="Contacts from this day.")
@click.option("--to", "date_to", callback=_day, metavar="DATE", help="Contacts up to this day.")
@click.option(
    "--status", default="approved", type=click.Choice(exports.STATUSES), show_default=True
)
@click.option("--school", metavar="CODE", help="Only this school's contacts.")
@click.option("--officer", metavar="NAME", help="Only this officer's contacts (user name).")
@click.option("--classification", type=click.Choice(rules.CLASSIFICATIONS))
@click.option("--narratives", is_flag=True, help="Include narratives (may hold personal details).")
@click.option("--names", is_flag=True, help="Officers by user name instead of pseudonym.")
@click.option(
    "-o",
    "output",
    required=True,
    type=click.Path(dir_okay=False, writable=True),
    help="The file to write; for csv, students go to FILE-students.csv beside it.",
)
def export(
    export_format,
    school_year,
    date_from,
    date_to,
    status,
    school,
    officer,
    classification,
    narratives,
    names,
    output,
) -> None:
    """Export entries for evaluation (approved ones unless --status says otherwise), or the
    CRDC worksheet of a school year (officer-perceived counts per school)."""
    if export_format == "crdc":
        _worksheet_options(
            school_year, date_from, date_to, status, officer, classification, narratives, names
        )
        choice = exports.Choice.worksheet(school_year, date_from=date_from, date_to=date_to)
    elif school_year is not None:
        raise click.BadParameter(
            "only the crdc worksheet covers a school year; use --from and --to",
            param_hint="--school-year",
        )
    else:
        choice = exports.Choice(
            status=status,
            date_from=date_from,
            date_to=date_to,
            classification=classification,
            narratives=narratives,
            names=names,
        )
    if school:
        if rules.is_clean_text(school):
            choice.school_id = db.session.scalar(
                select(School.id).filter_by(code=school.strip().upper())
            )
        if choice.school_id is None:
            raise click.BadParameter(f"no school has the code {school!r}", param_hint="--school")
    if officer:
        if rules.is_clean_text(officer):
            choice.officer_id = db.session.scalar(
                select(User.id).filter_by(username=officer.strip().lower(), role="officer")
            )
        if choice.officer_id is None:
            raise click.BadParameter(f"no officer is called {officer!r}", param_hint="--officer")
    targets = [(export_format, output)]
    if export_format == "csv":
        stem = output[:-4] if output.endswith(".csv") else output
        targets.append(("students.csv", f"{stem}-students.csv"))
    try:
        exports.save(choice, targets)
    except exports.ExportFailed as failure:
        raise click.ClickException(str(failure)) from None
    exports.record(None, choice, export_format, client_addr=COMMAND_LINE)
    db.session.commit()
    for _, path in targets:
        click.echo(f"Wrote {path}.")


def _worksheet_options(
    school_year, date_from, date_to, status, officer, classification, narratives, names
) -> None:
    """The CRDC worksheet counts the whole record of a period: refuse options that narrow it."""
    if school_year is not None and (date_from or date_to):
        raise click.BadParameter(
            "choose a school year or days (--from, --to), not both", param_hint="--school-year"
        )
    narrowing = [
        option
        for option, used in (
            ("--status", status != "approved"),
            ("--officer", officer),
            ("--classification", classification),
            ("--narratives", narratives),
            ("--names", names),
        )
        if used
    ]
    if narrowing:
        raise click.UsageError(
            f"{', '.join(narrowing)}: the crdc worksheet counts every "
            "officer's approved entries (the record), without narratives "
            "or names"
        )


@click.command("check-data")
@with_appcontext
def check_data() -> None:
    """List stored text that today's validation would refuse; exit 1 if there is any."""
    found = 0
    for line in data_check.problems():
        click.echo(line)
        found += 1
    if found:
        raise click.ClickException(
            f"{found} stored {'text' if found == 1 else 'texts'} would be refused today"
        )
    click.echo("No stored text would be refused today.")


@click.command("count-public-summary")
@with_appcontext
def count_public_summary() -> None:
    """Count the quarters settled since the last count into the public summary (run daily)."""
    with writing():
        summary.count_settled(clock.today(), actor=None, client_addr=COMMAND_LINE)
    counted = [table.quarter.label for table in summary.published_summary()]
    click.echo(
        f"The public summary holds {len(counted)} "
        f"{'quarter' if len(counted) == 1 else 'quarters'} with contacts"
        + (f", the latest {counted[0]}." if counted else ".")
    )


def _import(path: str, import_file) -> roster.CsvFile:
    """Import a CSV file whole with `import_file(data, admin=, client_addr=)`, or name each bad
    row and exit 1 having changed nothing."""
    try:
        with open(path, "rb") as file:
            data = file.read(roster.MAX_BYTES + 1)
    except OSError as error:
        raise click.ClickException(f"cannot read {path}: {error.strerror}") from None
    try:
        result = import_file(data, admin=None, client_addr=COMMAND_LINE)
        if result.ok:
            db.session.commit()
    except IntegrityError:  # another import of the same rows committed first
        db.session.rollback()
        raise click.ClickException(
            "nothing was imported: the same rows were being imported "
            "at the same time; run the command again"
        ) from None
    if not result.ok:
        db.session.rollback()
        lines = (
            [result.problem]
            if result.problem
            else [f"line {row.line}: {row.problem}" for row in result.bad_rows]
        )
        raise click.ClickException("nothing was imported:\n" + "\n".join(lines))
    return result


@click.command("import-schools")
@with_appcontext
@click.argument("path", metavar="FILE")
def import_schools(path: str) -> None:
    """Add the schools of a CSV file (code,name,level): all of them, or none."""
    result = _import(path, functools.partial(roster.import_file, "schools"))
    click.echo(f"Imported {len(result.rows)} {'school' if len(result.rows) == 1 else 'schools'}.")


@click.command("import-users")
@with_appcontext
@click.argument("path", metavar="FILE")
def import_users(path: str) -> None:
    """Add the accounts of a CSV file (username,role,schools,supervisor): all, or none.
    Prints each new account's setup link path: put the site's address before it."""
    result = _import(path, functools.partial(roster.import_file, "users"))
    click.echo(
        f"Imported {len(result.rows)} {'account' if len(result.rows) == 1 else 'accounts'}. "
        "Setup links (valid 72 hours, shown only now):"
    )
    for user, token in result.links:
        click.echo(f"  {user.username:<24} /setup/{token}")


@click.command("import-enrollment")
@with_appcontext
@click.argument("path", metavar="FILE")
def import_enrollment(path: str) -> None:
    """Import enrollment from a CSV file (school,school_year,group,students): all rows, or none.
    Each school's year in the file replaces what was stored for it."""
    result = _import(path, enrollment.import_file)
    rows, years = len(result.counts), len(result.school_years)
    click.echo(
        f"Imported {rows:,} enrollment {'row' if rows == 1 else 'rows'} ({years} "
        f"{'school and year' if years == 1 else 'schools and years'})"
        + (f", replacing {result.replaced:,} stored rows." if result.replaced else ".")
    )


@click.command("deactivate-user")
@with_appcontext
@click.argument("name")
def deactivate_user(name: str) -> None:
    """Deactivate an account: signed out everywhere at once; everything it did stays."""
    user = (
        db.session.scalar(select(User).filter_by(username=name.strip().lower()))
        if rules.is_clean_text(name)
        else None
    )
    if user is None:
        raise click.ClickException(f"no account is called {name!r}")
    _commit_or_fail(lambda: district.set_active(user, False, admin=None, client_addr=COMMAND_LINE))
    click.echo(f"Deactivated {user.username}.")


@click.command("backup")
@with_appcontext
@click.option("-o", "output", required=True, metavar="FILE", help="The new file to write.")
@click.option("--overwrite", is_flag=True, help="Replace FILE if it exists.")
def backup_database(output: str, overwrite: bool) -> None:
    """Copy the SQLite database, consistently, while the app serves (PostgreSQL: pg_dump).

    A backup changes no data, but it is a copy of every record: like an export,
    it leaves an audit event.
    """
    target = Path(output)
    try:
        size = backup.take(backup.database_file(db.engine.url), target, overwrite=overwrite)
    except backup.BackupRefused as refusal:
        raise click.ClickException(str(refusal)) from None
    with writing():
        audit.record(
            "backup",
            actor=None,
            client_addr=COMMAND_LINE,
            detail={"file": str(target.resolve()), "bytes": size},
        )
    click.echo(f"Wrote {output} ({size / 1024:,.0f} KiB).")
