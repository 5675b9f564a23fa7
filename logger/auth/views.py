"""Signing in and out, choosing a password through a setup link, and changing your own."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from logger import rules
from logger.auth import accounts, setup_links
from logger.auth.access import client_addr, role_required
from logger.auth.forms import LoginForm
from logger.core import audit
from logger.core.database import writing
from logger.core.models import ROLES
from logger.web import kept_forms

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in; a failure never says which part was wrong."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400 if form.errors else 200
    attempt = accounts.sign_in(form.username.data, form.password.data, client_addr())
    if attempt.wait_seconds:
        flash(
            "Too many failed sign-ins with this user name. Wait "
            f"{accounts.wait_in_words(attempt.wait_seconds)}, then try again.",
            "error",
        )
        return (
            render_template("auth/login.html", form=form),
            429,
            {"Retry-After": str(attempt.wait_seconds)},
        )
    if attempt.user is None:
        flash("That user name and password do not match an active account.", "error")
        return render_template("auth/login.html", form=form), 401
    kept = kept_forms.carried(session)
    session.clear()  # a new session for the new sign-in; only a kept form's token carries over
    session.update(kept)
    login_user(attempt.user)
    session.permanent = True
    return redirect(_safe_next(request.args.get("next")) or url_for("home.index"))


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out here and everywhere else this account is signed in."""
    with writing():
        audit.record("auth.sign_out", actor=current_user, client_addr=client_addr())
        current_user.session_version += 1
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


def _safe_next(target: str | None) -> str | None:
    """A plain path on this site to return to after sign-in, or None.

    Only clean text starting with a single "/" (so no scheme or host), with no backslash
    or whitespace, is kept: browsers drop tabs and read a backslash as "/", so either could
    turn the path into "//host" on another site; a line break cannot go in a header.
    """
    if (
        not rules.is_clean_text(target)
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or any(character.isspace() for character in target)
    ):
        return None
    return target


@bp.route("/setup/<token>", methods=["GET", "POST"])
def setup(token: str):
    """Choose your password through the one-time link your admin gave you."""
    link = setup_links.usable(token)
    if link is None:
        return render_template("auth/setup.html", link=None, problem=setup_links.UNUSABLE), 410
    problem = None
    if request.method == "POST":
        password = request.form.get("password", "")
        if password != request.form.get("confirm", ""):
            problem = "The two passwords differ. Type the same password twice."
        else:
            try:
                with writing():
                    user = setup_links.choose_password(token, password, client_addr())
            except setup_links.SetupRefused as refusal:
                problem = str(refusal)
            else:
                logout_user()
                session.clear()
                flash(f"Your password is set. Sign in as {user.username}.", "success")
                return redirect(url_for("auth.login"))
    return render_template(
        "auth/setup.html", link=link, problem=problem, min_length=accounts.MIN_PASSWORD_LENGTH
    ), 422 if problem else 200


@bp.route("/account/password", methods=["GET", "POST"])
@role_required(*ROLES)
def change_password():
    """Change your own password; every other session of the account ends."""
    problem = None
    if request.method == "POST":
        form = request.form
        if not current_user.check_password(form.get("current", "")):
            problem = "That is not your current password."
        elif form.get("password", "") != form.get("confirm", ""):
            problem = "The two new passwords differ. Type the same password twice."
        else:
            problem = accounts.password_refusal(current_user.username, form.get("password", ""))
            if not problem:
                with writing():
                    current_user.set_password(form["password"])
                    current_user.session_version += 1  # ends the other sessions
                    audit.record(
                        "account.password_changed", actor=current_user, client_addr=client_addr()
                    )
                login_user(current_user._get_current_object())  # this session: the new version
                flash("Your password is changed; you are signed out everywhere else.", "success")
                return redirect(url_for("home.index"))
    return render_template(
        "auth/password.html", problem=problem, min_length=accounts.MIN_PASSWORD_LENGTH
    ), 422 if problem else 200
