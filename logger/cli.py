"""Command line for scripts and provisioning: flask --app logger <command>."""

from __future__ import annotations

import os

import click
from flask import Flask
from flask.cli import with_appcontext

from . import accounts, demo
from .extensions import db
from .models import ROLES, SCHOOL_LEVELS

PASSWORD_VARIABLE = "SRO_LOGGER_PASSWORD"


def register(app: Flask) -> None:
    """Add the commands to the app's CLI."""
    for command in (create_school, create_user, load_demo):
        app.cli.add_command(command)


def _commit_or_fail(action) -> object:
    """Run a domain action and commit, turning its refusal into a one-line error and exit 1."""
    try:
        result = action()
        db.session.commit()
        return result
    except accounts.AccountError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None


@click.command("create-school")
@with_appcontext
@click.argument("code")
@click.argument("name")
@click.option("--level", required=True, type=click.Choice(SCHOOL_LEVELS))
def create_school(code: str, name: str, level: str) -> None:
    """Add a school."""
    school = _commit_or_fail(lambda: accounts.create_school(code, name, level))
    click.echo(f"Created school {school.code}: {school.name} ({school.level}).")


@click.command("create-user")
@with_appcontext
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--school", "schools", multiple=True, metavar="CODE",
              help="An assigned school (officers); repeat for more.")
@click.option("--supervisor", metavar="NAME", help="The officer's supervisor.")
def create_user(name: str, role: str, schools: tuple[str, ...], supervisor: str | None) -> None:
    """Add an account. The password is prompted for, or read from SRO_LOGGER_PASSWORD."""
    password = os.environ.get(PASSWORD_VARIABLE) or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True)
    user = _commit_or_fail(lambda: accounts.create_user(
        name, password, role, school_codes=schools, supervisor_name=supervisor))
    click.echo(f"Created {user.role} {user.username}.")


@click.command("demo")
@with_appcontext
def load_demo() -> None:
    """Load a demo district into an empty database and print its sign-ins."""
    if not demo.database_is_empty():
        raise click.ClickException("the database already has data; demo loads only into an "
                                   "empty one")
    sign_ins = _commit_or_fail(demo.load)
    click.echo("Demo district loaded. Demo sign-ins (never use these in production):")
    for username, role, password in sign_ins:
        click.echo(f"  {role:<10} {username:<16} {password}")
