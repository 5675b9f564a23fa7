"""Nothing typed is lost when a session ends.

A supervisor's decision or an officer's entry posted after the session ended
(timed out, or signed out on another device) is kept on the server under a
random token held in this browser's new session; after signing in again, the
page that shows that form opens with everything typed, once. Each keepable
form carries its author, signed by the server (`form_owner`), so only that
person ever gets it back — on a shared computer too. Only posts from this
site's own pages are kept (a page elsewhere cannot plant a decision or sign
anyone out), at most MAX_KEPT_CHARACTERS of them, and at most
MAX_KEPT_PER_ADDRESS a day from one address.

Giving a kept form back deletes it in the same request, the one GET in the
app that writes: typed text, which may describe students, is kept no longer
than its one use needs.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, request, session, url_for
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, func, select
from werkzeug.datastructures import MultiDict

from logger import rules
from logger.core import clock
from logger.core.database import writing
from logger.core.models import KeptForm, User
from logger.extensions import db

SESSION_KEY = "kept_form"
KEEP_FOR = timedelta(hours=24)
# The form's action -> the page that shows the form again.
KEEPABLE = {
    "review.decide": "review.entry",
    "entries.new_contact": "entries.new_contact",
    "entries.edit_entry": "entries.edit_entry",
}
OWNER_FIELD = "form_owner"
NOT_KEPT = ("csrf_token", OWNER_FIELD)
MAX_KEPT_CHARACTERS = 100_000  # more than any form of the app holds
MAX_KEPT_PER_ADDRESS = 20
KEPT_MESSAGE = (
    "Your session had ended, so nothing was saved yet. Sign in again: what you "
    "typed is kept and shown to you to check and send."
)
RESTORED_NOTICE = (
    "Your session had ended before this was saved. What you typed is below: "
    "check it and send it again."
)


def sign_in_again():
    """For a form posted after the session ended: keep what was typed, and send the person
    to sign in and then back to the form. None for any other request (answered as before)."""
    shown_at = KEEPABLE.get(request.endpoint or "")
    if request.method != "POST" or shown_at is None or not _from_this_site():
        return None
    owner, fields = _owner(request.form.get(OWNER_FIELD)), _typed(request.form)
    if owner is None or sum(len(value) for _, value in fields) > MAX_KEPT_CHARACTERS:
        return None
    db.session.rollback()
    token = secrets.token_urlsafe(32)
    with writing():
        now = clock.utcnow()
        db.session.execute(delete(KeptForm).where(KeptForm.kept_at < now - KEEP_FOR))
        full = (
            db.session.scalar(
                select(func.count(KeptForm.token)).where(
                    KeptForm.client_addr == request.remote_addr
                )
            )
            >= MAX_KEPT_PER_ADDRESS
        )
        if not full:
            db.session.add(
                KeptForm(
                    token=token,
                    user_id=owner,
                    endpoint=request.endpoint,
                    view_args=_plain(request.view_args),
                    fields=fields,
                    client_addr=request.remote_addr,
                    kept_at=now,
                )
            )
    if full:
        return None
    session[SESSION_KEY] = token
    flash(KEPT_MESSAGE, "info")
    return redirect(url_for("auth.login", next=url_for(shown_at, **(request.view_args or {}))))


def form_owner() -> str:
    """The signed-in user's id, signed: a hidden field of every keepable form."""
    return _signer().dumps(current_user.id)


def take(endpoint: str, view_args: dict, user: User) -> MultiDict | None:
    """What this user typed into the form posted to `endpoint`, once; None when nothing waits."""
    token = session.get(SESSION_KEY)
    kept = db.session.get(KeptForm, token) if isinstance(token, str) else None
    if kept is None or kept.endpoint != endpoint or kept.view_args != _plain(view_args):
        return None
    if kept.user_id != user.id or kept.kept_at < clock.utcnow() - KEEP_FOR:
        return None
    session.pop(SESSION_KEY)
    fields = MultiDict([tuple(pair) for pair in kept.fields])
    with writing():
        db.session.execute(delete(KeptForm).where(KeptForm.token == token))
    return fields


def carried(old_session) -> dict:
    """The session values that must outlive signing in (the session is otherwise renewed)."""
    return {SESSION_KEY: old_session[SESSION_KEY]} if SESSION_KEY in old_session else {}


def _typed(form) -> list[list[str]]:
    """The posted fields worth keeping: storable text only (the rest is typed again)."""
    return [
        [name, value]
        for name, value in form.items(multi=True)
        if name not in NOT_KEPT and rules.is_clean_text(value, multiline=True)
    ]


def _plain(view_args: dict | None) -> dict:
    return {name: str(value) for name, value in (view_args or {}).items()}


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="form-owner")


def _owner(signed: str | None) -> int | None:
    """The author a form says it has, when the server signed that; else None."""
    try:
        owner = _signer().loads(signed or "")
    except BadSignature:
        return None
    return owner if isinstance(owner, int) and db.session.get(User, owner) else None


def _from_this_site() -> bool:
    """Whether the post came from one of this site's pages (never from a page elsewhere)."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site == "same-origin"
    source = urlsplit(request.headers.get("Origin") or request.headers.get("Referer") or "")
    return bool(source.netloc) and f"{source.scheme}://{source.netloc}/" == request.host_url
