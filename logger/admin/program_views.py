"""Program records on screen: for each record type a list (admins and evaluators), its CSV
download, and the admin's forms to add, change and remove a record.

Every record type gets the same five routes under /admin/program/<its table>, made from its
description in program_records.RECORD_TYPES.
"""

from __future__ import annotations

from functools import partial, update_wrapper

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from logger.admin import program_records
from logger.admin.program_records import RECORD_TYPES, RecordType
from logger.auth.access import client_addr, role_required
from logger.core import clock
from logger.core.database import writing
from logger.evaluation import exports
from logger.extensions import db

bp = Blueprint("program", __name__, url_prefix="/admin/program")
READERS = ("admin", "evaluator")


@bp.route("")
@role_required(*READERS)
def index():
    """The six kinds of program record, with how many of each are kept."""
    counts = {kind.key: program_records.count(kind) for kind in RECORD_TYPES}
    return render_template("admin/program/index.html", kinds=RECORD_TYPES, counts=counts)


def records(kind: RecordType):
    """Every record of a kind, latest first; officers by name for admins, else by pseudonym."""
    return render_template(
        "admin/program/list.html",
        kind=kind,
        rows=_rows(kind, names=current_user.role == "admin"),
        writable=current_user.role == "admin",
        choice_label=program_records.label,
    )


def records_csv(kind: RecordType):
    """The same list as a CSV file (an export, on the audit trail): officers by pseudonym, as
    in every export, unless an admin asks for their names (?names=yes), on the record."""
    names = current_user.role == "admin" and request.args.get("names") == "yes"
    text = exports.program_csv(kind, _rows(kind, names=names))
    with writing():
        program_records.record_download(
            kind, reader=current_user, client_addr=client_addr(), names=names
        )
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=sro-field-log-{kind.table}.csv"},
    )


def new_record(kind: RecordType):
    """Add a record: the form, and its post (stored whole, or shown again with what is wrong)."""
    return _form(kind, None)


def edit_record(kind: RecordType, record_id: int):
    """Change a record: the form filled in, and its post."""
    return _form(kind, db.session.get(kind.model, record_id) or abort(404))


def remove_record(kind: RecordType, record_id: int):
    """Remove a record entered by mistake (the audit trail keeps what it held)."""
    record = db.session.get(kind.model, record_id) or abort(404)
    with writing():
        program_records.remove(kind, record, admin=current_user, client_addr=client_addr())
    flash(f"Removed {kind.one}.", "success")
    return redirect(url_for(f".{kind.key}"))


def _form(kind: RecordType, record):
    errors = {}
    if request.method == "POST":
        try:
            with writing():
                program_records.save(
                    kind,
                    record,
                    request.form,
                    today=clock.today(),
                    admin=current_user,
                    client_addr=client_addr(),
                )
        except program_records.Refused as refusal:
            errors = refusal.errors
        except IntegrityError:  # another admin kept this officer's selection a moment before
            errors = program_records.one_selection_taken(request.form)
        else:
            flash(f"Saved {kind.one}.", "success")
            return redirect(url_for(f".{kind.key}"))
    values = (
        program_records.posted(kind, request.form)
        if request.method == "POST"
        else (program_records.form_values(kind, record) if record else {})
    )
    return render_template(
        "admin/program/form.html",
        kind=kind,
        record=record,
        values=values,
        errors=errors,
        officers=program_records.officers(),
        schools=program_records.schools(),
        choice_label=program_records.label,
        name_warned=program_records.name_warned(errors),
        names_checked=program_records.NAMES_CHECKED,
    ), 422 if errors else 200


def _rows(kind: RecordType, names: bool) -> list[tuple[int, dict]]:
    """Each record's id and values, officers by user name (names) or by pseudonym."""
    return [
        (
            record.id,
            program_records.shown(kind, record, lambda user: exports.pseudonym(user, names)),
        )
        for record in program_records.listed(kind)
    ]


def _route(kind: RecordType) -> None:
    """The list, its CSV, and the forms to add, change and remove, for one kind of record."""
    at = "/" + kind.table.replace("_", "-")
    for rule, endpoint, view, roles, methods in (
        (at, kind.key, records, READERS, ["GET"]),
        (f"{at}.csv", f"{kind.key}_csv", records_csv, READERS, ["GET"]),
        (f"{at}/new", f"{kind.key}_new", new_record, ("admin",), ["GET", "POST"]),
        (f"{at}/<int:record_id>", f"{kind.key}_edit", edit_record, ("admin",), ["GET", "POST"]),
        (f"{at}/<int:record_id>/remove", f"{kind.key}_remove", remove_record, ("admin",), ["POST"]),
    ):
        bp.add_url_rule(
            rule,
            endpoint,
            role_required(*roles)(update_wrapper(partial(view, kind), view)),
            methods=methods,
        )


for each_kind in RECORD_TYPES:
    _route(each_kind)
