"""The officer's screens: New contact, My entries, one entry."""

from __future__ import annotations

import uuid
from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from wtforms.fields.choices import SelectChoice

from logger import rules
from logger.auth.access import client_addr, role_required
from logger.auth.scopes import entry_for
from logger.core import clock
from logger.core.clock import local_input_value
from logger.core.database import writing
from logger.core.models import Contact, School
from logger.officer import entries, entry_templates
from logger.officer.forms import ContactForm, EntryEditForm
from logger.web import kept_forms
from logger.web.pagination import paginate

bp = Blueprint("entries", __name__)

RECENT_DAYS = timedelta(days=30)  # a school left this recently is still offered, for late entries


@bp.route("/entries/new", methods=["GET", "POST"])
@role_required("officer")
def new_contact():
    """The New contact form; a valid post is stored once and shown in My entries."""
    kept = (
        None
        if request.method == "POST"
        else kept_forms.take("entries.new_contact", {}, current_user)
    )
    form = officer_contact_form(kept)
    if not form.is_submitted():
        return render_contact_form(form, notice=kept and kept_forms.RESTORED_NOTICE)
    now = clock.utcnow()
    verdict = entries.check(current_user, form.to_entry(), now=now)
    if verdict.ok and (not verdict.warnings or form.save_anyway.data):
        return _save(form, verdict, now)
    form.show_verdict(verdict)
    return render_contact_form(form, status=422 if verdict.errors else 200)


def officer_contact_form(kept: MultiDict | None = None) -> ContactForm:
    """The New contact form for the signed-in officer: their schools, now, a fresh entry id;
    or, when given, what they typed before their session ended."""
    form = ContactForm() if kept is None else ContactForm(kept)
    form.school_id.choices = _school_choices()
    if kept is None and not form.is_submitted():
        form.entry_id.data = str(uuid.uuid4())
        form.occurred_at.data = local_input_value(clock.utcnow())
        if current_user.schools:
            form.school_id.data = str(current_user.schools[0].id)
    form.fit_student_blocks()
    return form


def _school_choices(also: School | None = None) -> list[SelectChoice]:
    """The officer's schools today, then those they left in the last RECENT_DAYS (for late
    entries: the rules check the school against the contact's day); and the entry's own, if
    they are no longer assigned to it (the rules then say so, rather than a silent change)."""
    today = clock.today()
    names = {school: school.name for school in current_user.schools}
    for assignment in current_user.assignments:
        ended = assignment.ends_on
        if ended and today - RECENT_DAYS <= ended < today and assignment.school not in names:
            names[assignment.school] = f"{assignment.school.name} (until {ended.isoformat()})"
    if also is not None and also not in names:
        names[also] = also.name
    return [SelectChoice(str(school.id), name) for school, name in names.items()]


def render_contact_form(form: ContactForm, status: int = 200, notice: str | None = None):
    """The New contact page, showing whatever the officer typed."""
    return render_template(
        "officer/new.html",
        form=form,
        notice=notice,
        starting_points=entry_templates.has_starting_points(current_user),
    ), status


def typed_form_again(notice: str):
    """The officer's form shown again as they posted it (its security token was refused), or
    None when the request was not one of their forms."""
    if request.endpoint == "entries.new_contact":
        return render_contact_form(officer_contact_form(), status=400, notice=notice)
    if request.endpoint == "entries.edit_entry":
        contact = entry_for(current_user, request.view_args["entry_id"])
        if contact is not None:
            return render_edit_form(entry_edit_form(contact), contact, status=400, notice=notice)
    return None


SAVE_MESSAGES = {
    "accepted": ("success", "Entry saved and sent for review."),
    "duplicate": ("info", "This entry was already saved; it was not saved twice."),
}
CONFLICT_NOTICE = (
    "This form was already used for another entry, so it was not saved over it. "
    "What you typed is kept below: save it as a new entry."
)


def _save(form: ContactForm, verdict, now):
    entry_id = _entry_id(form.entry_id.data)
    with writing():
        outcome = entries.store(
            current_user,
            entry_id,
            verdict,
            received_at=now,
            client_addr=client_addr(),
            base_revision=0,
        ).status
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
    return entries.parse_entry_id(text) or uuid.uuid4()


@bp.route("/entries")
@role_required("officer")
def my_entries():
    """The officer's entries, newest contact first, a page at a time."""
    page = paginate(entries.own_entries(current_user))
    return render_template(
        "officer/list.html",
        page=page,
        saved=request.args.get("saved"),
        returned=entries.returned_count(current_user),
    )


@bp.route("/entries/<uuid:entry_id>")
@role_required("officer")
def show_entry(entry_id: uuid.UUID):
    """One of the officer's entries, with every revision."""
    contact = entry_for(current_user, entry_id) or abort(404)
    return render_template("officer/show.html", contact=contact)


EDIT_HEADINGS = {
    "returned": "Fix entry",
    "submitted": "Correct entry",
    "approved": "Amend approved entry",
}
EDIT_MESSAGES = {
    "returned": ("success", "Entry fixed and sent back for review."),
    "submitted": ("success", "Entry corrected; it waits for review."),
    "approved": (
        "success",
        "Amendment sent for review. The approved version stays the record "
        "until your supervisor approves it.",
    ),
}
UNCHANGED = ("info", "Nothing was changed, so nothing was sent.")
STALE_NOTICE = (
    "This entry changed since you opened this page: it is at revision {revision} "
    "now ({status}). Nothing was saved and what you typed is kept below. Compare it "
    "with the entry's page, then save again to send yours as a change to it."
)


@bp.route("/entries/<uuid:entry_id>/edit", methods=["GET", "POST"])
@role_required("officer")
def edit_entry(entry_id: uuid.UUID):
    """Fix a returned entry, correct a waiting one or amend an approved one, without script."""
    contact = entry_for(current_user, entry_id) or abort(404)
    kept = (
        None
        if request.method == "POST"
        else kept_forms.take("entries.edit_entry", {"entry_id": entry_id}, current_user)
    )
    form = entry_edit_form(contact, kept)
    if not form.is_submitted():
        return render_edit_form(form, contact, notice=kept and kept_forms.RESTORED_NOTICE)
    now = clock.utcnow()
    verdict = entries.check(current_user, form.to_entry(), now=now)
    explanation = form.amendment_explanation.data if contact.current.status == "approved" else None
    explanation_errors = {} if explanation is None else rules.check_amendment(explanation)
    if verdict.ok and not explanation_errors and (not verdict.warnings or form.save_anyway.data):
        return _save_edit(form, contact, verdict, now, explanation)
    form.show_verdict(verdict)
    form.show_amendment_errors(explanation_errors)
    failed = verdict.errors or explanation_errors
    return render_edit_form(form, contact, status=422 if failed else 200)


def entry_edit_form(contact: Contact, kept: MultiDict | None = None) -> EntryEditForm:
    """The entry's form: as posted (or kept when the session ended), or filled from its
    current revision."""
    form = EntryEditForm() if kept is None else EntryEditForm(kept)
    current = contact.current
    form.school_id.choices = _school_choices(also=current.school)
    if kept is None and not form.is_submitted():
        form.process(
            data={
                **EntryEditForm.data_from_entry(current.content),
                "entry_id": str(contact.id),
                "base_revision": contact.current_revision,
            }
        )
    form.fit_student_blocks()
    return form


def render_edit_form(
    form: EntryEditForm, contact: Contact, status: int = 200, notice: str | None = None
):
    """The edit page: the entry's form, with the supervisor's comment or the amendment asked."""
    current = contact.current
    review = contact.decisions[-1] if contact.decisions else None
    return render_template(
        "officer/edit.html",
        form=form,
        contact=contact,
        current=current,
        heading=EDIT_HEADINGS[current.status],
        review=review if current.status == "returned" else None,
        amendment=rules.AMENDMENT,
        notice=notice,
        newly_required=rules.newly_required(current.content, current.dictionary_version),
    ), status


def _save_edit(form: EntryEditForm, contact: Contact, verdict, now, explanation: str | None):
    status_before = contact.current.status
    with writing():
        saved = entries.store(
            current_user,
            contact.id,
            verdict,
            received_at=now,
            client_addr=client_addr(),
            base_revision=rules.whole_number(form.base_revision.data or "") or 0,
            amendment_explanation=explanation,
        )
    if saved.status == "forbidden":
        abort(403)
    if saved.status == "conflict":  # changed meanwhile: show it, keep what was typed
        form.base_revision.data = str(contact.current_revision)
        notice = STALE_NOTICE.format(
            revision=contact.current_revision, status=rules.label(contact.current.status).lower()
        )
        return render_edit_form(form, contact, status=409, notice=notice)
    if saved.status == "invalid":
        form.show_amendment_errors(saved.errors)
        return render_edit_form(form, contact, status=422)
    category, message = EDIT_MESSAGES[status_before] if saved.status == "accepted" else UNCHANGED
    flash(message, category)
    return redirect(url_for(".show_entry", entry_id=contact.id))
