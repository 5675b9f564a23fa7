"""Signing in and out, and the role check every view carries."""

from __future__ import annotations

import functools

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from . import accounts, audit, kept_forms, rules
from .database import begin_writing
from .extensions import db, login_manager
from .forms import LoginForm
from .models import User
from .responses import error_response, wants_json

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to continue."
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The signed-in user, unless the account was deactivated or signed out since."""
    user_id, _, version = session_id.partition(".")
    if not user_id.isdecimal() or not version.isdecimal():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


@login_manager.unauthorized_handler
def unauthorized():
    """API clients get a JSON 401; people are sent to sign in and brought back."""
    if wants_json():
        return error_response(401)
    kept = kept_forms.sign_in_again()  # a form posted after the session ended
    if kept is not None:
        return kept
    flash(login_manager.login_message, "info")
    if request.method != "GET":  # after signing in, a GET to a POST-only address answers 405
        return redirect(url_for("auth.login"))
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def role_required(*roles: str):
    """Let only signed-in users with one of these roles through; others get 403."""
    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        wrapped.allowed_roles = roles
        return wrapped
    return decorator


def client_addr() -> str | None:
    """The client's address as the app sees it (behind SRO_PROXY_COUNT trusted proxies)."""
    return request.remote_addr


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in; a failure never says which part was wrong."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400 if form.errors else 200
    begin_writing()
    attempt = accounts.sign_in(form.username.data, form.password.data, client_addr())
    db.session.commit()
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
    begin_writing()
    audit.record("auth.sign_out", actor=current_user, client_addr=client_addr())
    current_user.session_version += 1
    db.session.commit()
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
