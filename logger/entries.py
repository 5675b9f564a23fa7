"""The officer's screens: New contact, My entries, one entry."""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from . import contacts
from .auth import client_addr, role_required
from .clock import local_input_value, utcnow
from .database import begin_writing
from .extensions import db
from .forms import ContactForm
from .params import page_number

bp = Blueprint("entries", __name__)

PAGE_SIZE = 50
MAX_PAGE = 100_000


@bp.route("/entries/new", methods=["GET", "POST"])
@role_required("officer")
def new_contact():
    """The New contact form; a valid post is stored once and shown in My entries."""
    form = officer_contact_form()
    if not form.is_submitted():
        return render_contact_form(form)
    now = utcnow()
    verdict = contacts.check(current_user, form.to_entry(), now=now)
    if verdict.ok and (not verdict.warnings or form.save_anyway.data):
        return _save(form, verdict, now)
    form.show_verdict(verdict)
    return render_contact_form(form, status=422 if verdict.errors else 200)


def officer_contact_form() -> ContactForm:
    """The New contact form for the signed-in officer: their schools, now, a fresh entry id."""
    form = ContactForm()
    form.school_id.choices = [SelectChoice(str(s.id), s.name) for s in current_user.schools]
    if not form.is_submitted():
        form.entry_id.data = str(uuid.uuid4())
        form.occurred_at.data = local_input_value(utcnow())
        if current_user.schools:
            form.school_id.data = str(current_user.schools[0].id)
    form.fit_student_blocks()
    return form


def render_contact_form(form: ContactForm, status: int = 200, notice: str | None = None):
    """The New contact page, showing whatever the officer typed."""
    return render_template("entries/new.html", form=form, notice=notice), status


SAVE_MESSAGES = {
    "accepted": ("success", "Entry saved and sent for review."),
    "duplicate": ("info", "This entry was already saved; it was not saved twice."),
}
CONFLICT_NOTICE = ("This form was already used for another entry, so it was not saved over it. "
                   "What you typed is kept below: save it as a new entry.")


def _save(form: ContactForm, verdict, now):
    entry_id = _entry_id(form.entry_id.data)
    begin_writing()
    outcome = contacts.store(current_user, entry_id, verdict, received_at=now,
                             client_addr=client_addr(), base_revision=0).status
    db.session.commit()
    if outcome == "forbidden":
        abort(403)
    if outcome == "conflict":  # this id holds another entry: keep what was typed, as a new one
        form.entry_id.data = str(uuid.uuid4())
        return render_contact_form(form, status=409, notice=CONFLICT_NOTICE)
    category, message = SAVE_MESSAGES[outcome]
    flash(message, category)
    return redirect(url_for(".my_entries", saved=str(entry_id)))


def _entry_id(text: str | None) -> uuid.UUID:
    """The form's entry id (minted when the form opened), or a new one if it is missing or bad."""
    return contacts.parse_entry_id(text) or uuid.uuid4()


@bp.route("/entries")
@role_required("officer")
def my_entries():
    """The officer's entries, newest contact first, a page at a time."""
    page = db.paginate(contacts.own_entries(current_user), page=page_number(MAX_PAGE), per_page=PAGE_SIZE,
                       max_per_page=PAGE_SIZE)
    return render_template("entries/list.html", page=page, saved=request.args.get("saved"),
                           returned=contacts.returned_count(current_user))


@bp.route("/entries/<uuid:entry_id>")
@role_required("officer")
def show_entry(entry_id: uuid.UUID):
    """One of the officer's entries, with every revision."""
    contact = contacts.own_entry(current_user, entry_id)
    if contact is None:
        abort(404)
    return render_template("entries/show.html", contact=contact)
