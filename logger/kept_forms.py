"""Nothing typed is lost when a session ends.

A supervisor's decision or an officer's entry posted after the session ended
(timed out, or signed out on another device) is kept on the server under a
random token held in this browser's new session; after signing in again, the
page that shows that form opens with everything typed, once. Only the person
who was signed in (when the old session still says who that was) gets it back.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import flash, redirect, request, session, url_for
from sqlalchemy import delete
from werkzeug.datastructures import MultiDict

from . import rules
from .clock import utcnow
from .database import begin_writing
from .extensions import db
from .models import KeptForm, User

SESSION_KEY = "kept_form"
KEEP_FOR = timedelta(hours=24)
# The form's action -> the page that shows the form again.
KEEPABLE = {"review.decide": "review.entry", "entries.new_contact": "entries.new_contact",
            "entries.edit_entry": "entries.edit_entry"}
NOT_KEPT = ("csrf_token",)
KEPT_MESSAGE = ("Your session had ended, so nothing was saved yet. Sign in again: what you "
                "typed is kept and shown to you to check and send.")
RESTORED_NOTICE = ("Your session had ended before this was saved. Everything you typed is "
                   "below: check it and send it again.")


def sign_in_again():
    """For a form posted after the session ended: keep what was typed, and send the person
    to sign in and then back to the form. None for any other request."""
    shown_at = KEEPABLE.get(request.endpoint or "")
    if request.method != "POST" or shown_at is None:
        return None
    token = secrets.token_urlsafe(32)
    db.session.rollback()
    begin_writing()
    db.session.execute(delete(KeptForm).where(KeptForm.kept_at < utcnow() - KEEP_FOR))
    db.session.add(KeptForm(token=token, user_id=_last_user_id(), endpoint=request.endpoint,
                            view_args=_plain(request.view_args), fields=_typed(request.form)))
    db.session.commit()
    session[SESSION_KEY] = token
    flash(KEPT_MESSAGE, "info")
    return redirect(url_for("auth.login", next=url_for(shown_at, **(request.view_args or {}))))


def take(endpoint: str, view_args: dict, user: User) -> MultiDict | None:
    """What this user typed into the form posted to `endpoint`, once; None when nothing waits."""
    token = session.get(SESSION_KEY)
    kept = db.session.get(KeptForm, token) if isinstance(token, str) else None
    if kept is None or kept.endpoint != endpoint or kept.view_args != _plain(view_args):
        return None
    if kept.user_id not in (None, user.id) or kept.kept_at < utcnow() - KEEP_FOR:
        return None
    session.pop(SESSION_KEY)
    fields = MultiDict([tuple(pair) for pair in kept.fields])
    begin_writing()
    db.session.execute(delete(KeptForm).where(KeptForm.token == token))
    db.session.commit()
    return fields


def carried(old_session) -> dict:
    """The session values that must outlive signing in (the session is otherwise renewed)."""
    return {SESSION_KEY: old_session[SESSION_KEY]} if SESSION_KEY in old_session else {}


def _typed(form) -> list[list[str]]:
    """The posted fields worth keeping: storable text only (the rest is typed again)."""
    return [[name, value] for name, value in form.items(multi=True)
            if name not in NOT_KEPT and rules.is_clean_text(value, multiline=True)]


def _plain(view_args: dict | None) -> dict:
    return {name: str(value) for name, value in (view_args or {}).items()}


def _last_user_id() -> int | None:
    """The account the ended session belonged to, when the session still says so."""
    user_id = str(session.get("_user_id", "")).partition(".")[0]
    if not user_id.isdecimal() or db.session.get(User, int(user_id)) is None:
        return None
    return int(user_id)
