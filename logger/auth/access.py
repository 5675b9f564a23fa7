"""Who may do what: the signed-in user from the session, and the role check every view carries."""

from __future__ import annotations

import functools

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from logger.core.models import User
from logger.extensions import db, login_manager
from logger.web import kept_forms
from logger.web.responses import error_response, wants_json

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
