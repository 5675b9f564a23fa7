"""Signing in and out."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from logger import rules
from logger.auth import accounts
from logger.auth.access import client_addr
from logger.auth.forms import LoginForm
from logger.core import audit
from logger.core.database import writing
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
    with writing():
        attempt = accounts.sign_in(form.username.data, form.password.data, client_addr())
    if attempt.wait_seconds:
        flash("Too many failed sign-ins with this user name. Wait "
              f"{accounts.wait_in_words(attempt.wait_seconds)}, then try again.", "error")
        return (render_template("auth/login.html", form=form), 429,
                {"Retry-After": str(attempt.wait_seconds)})
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
    if (not rules.is_clean_text(target) or not target.startswith("/") or target.startswith("//")
            or "\\" in target or any(character.isspace() for character in target)):
        return None
    return target
