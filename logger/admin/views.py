"""The admin's screens: accounts and their setup links, and the audit trail."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from logger import rules
from logger.admin import district, roster
from logger.auth import setup_links
from logger.auth.access import client_addr, role_required
from logger.core import clock, settings
from logger.core.clock import DAY_HELP, parse_day
from logger.core.database import writing
from logger.core.models import ROLES, SCHOOL_LEVELS, Assignment, AuditEvent, School, User
from logger.core.record import record_id, schools_by_name, within_days
from logger.evaluation.exports import pseudonym
from logger.extensions import db
from logger.officer import entry_templates, entry_times
from logger.officer.forms import EntryTemplateForm
from logger.web.pagination import paginate

bp = Blueprint("audit", __name__, url_prefix="/audit")
accounts_bp = Blueprint("accounts", __name__, url_prefix="/admin/accounts")
schools_bp = Blueprint("schools", __name__, url_prefix="/admin/schools")
settings_bp = Blueprint("settings", __name__, url_prefix="/admin/settings")
roster_bp = Blueprint("roster", __name__, url_prefix="/admin/roster")
templates_bp = Blueprint("district_templates", __name__, url_prefix="/admin/templates")
entry_times_bp = Blueprint("entry_times", __name__, url_prefix="/admin/entry-times")

PAGE_SIZE = 100


@bp.route("")
@role_required("admin")
def trail():
    """Every sign-in, submission, revision, decision and amendment, filterable."""
    query = (
        select(AuditEvent)
        .options(joinedload(AuditEvent.actor))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    problems = []
    action, username = (request.args.get(name, "").strip() for name in ("action", "user"))
    if not all(rules.is_clean_text(text) for text in (action, username)):
        action = username = ""
        problems.append("Ignored a filter holding characters no action or user name has.")
    if action:
        query = query.where(AuditEvent.action == action)
    if username:
        query = query.join(User, AuditEvent.actor_id == User.id).where(
            User.username == username.lower()
        )
    try:
        first, last = (parse_day(request.args.get(name, "")) for name in ("date_from", "date_to"))
    except ValueError:
        first = last = None
        problems.append(DAY_HELP)
    query = query.where(*within_days(AuditEvent.at, first, last))
    actions = db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    return render_template(
        "admin/audit.html",
        page=paginate(query, per_page=PAGE_SIZE),
        actions=list(actions),
        problems=problems,
    )


@accounts_bp.route("")
@role_required("admin")
def accounts():
    """Every account, narrowed by role, school and whether it is active."""
    role = request.args.get("role") if request.args.get("role") in ROLES else None
    school_id = record_id(request.args.get("school_id", ""))
    active = {"yes": True, "no": False}.get(request.args.get("active", ""))
    page = paginate(district.accounts(role, school_id, active), per_page=PAGE_SIZE)
    return render_template("admin/accounts.html", page=page, schools=schools_by_name(), roles=ROLES)


@accounts_bp.route("/new", methods=["GET", "POST"])
@role_required("admin")
def new_account():
    """Open an account; its owner chooses the password through the link shown once."""
    form = request.form
    if request.method == "GET":
        return _account_form()
    try:
        with writing():
            user = district.open_account(
                form.get("username", ""),
                form.get("role", ""),
                school_codes=form.getlist("school") if form.get("role") == "officer" else (),
                supervisor_name=(form.get("supervisor") or None)
                if form.get("role") == "officer"
                else None,
                email=form.get("email", ""),
                admin=current_user,
                client_addr=client_addr(),
            )
            token = setup_links.issue(user, "new account", current_user, client_addr())
    except district.AccountError as refusal:
        return _account_form(str(refusal)), 422
    return _link_shown_once(user, token)


@accounts_bp.route("/<int:user_id>", methods=["GET", "POST"])
@role_required("admin")
def account(user_id: int):
    """One account: its role and supervisor, whether it is active, and its setup link."""
    user = db.session.get(User, user_id) or abort(404)
    if request.method == "POST":
        try:
            with writing():
                district.change_account(
                    user,
                    request.form.get("role", ""),
                    request.form.get("supervisor") or None,
                    request.form.get("email", ""),
                    admin=current_user,
                    client_addr=client_addr(),
                )
        except district.AccountError as refusal:
            return _account_page(user, str(refusal)), 422
        flash(f"Saved {user.username}.", "success")
        return redirect(url_for(".account", user_id=user.id))
    return _account_page(user)


@accounts_bp.route("/<int:user_id>/active", methods=["POST"])
@role_required("admin")
def set_active(user_id: int):
    """Deactivate an account (its sessions end at once) or reactivate it."""
    user = db.session.get(User, user_id) or abort(404)
    active = _yes_or_no("active")
    try:
        with writing():
            district.set_active(user, active, admin=current_user, client_addr=client_addr())
    except district.AccountError as refusal:
        return _account_page(user, str(refusal)), 422
    flash(f"{user.username} is {'active again' if active else 'deactivated'}.", "success")
    return redirect(url_for(".account", user_id=user.id))


@accounts_bp.route("/<int:user_id>/setup-link", methods=["POST"])
@role_required("admin")
def new_setup_link(user_id: int):
    """A new one-time link with which the person chooses a new password (older links stop)."""
    user = db.session.get(User, user_id) or abort(404)
    if not user.active:
        return _account_page(user, "Reactivate the account before giving it a setup link."), 422
    with writing():
        token = setup_links.issue(user, "reset", current_user, client_addr())
    return _link_shown_once(user, token)


@accounts_bp.route("/<int:user_id>/assignments", methods=["POST"])
@role_required("admin")
def assign(user_id: int):
    """Assign the officer to a school from a day, to an optional last day."""
    user = db.session.get(User, user_id) or abort(404)
    try:
        starts_on = parse_day(request.form.get("starts_on", "")) or clock.today()
        ends_on = parse_day(request.form.get("ends_on", ""))
    except ValueError:
        return _account_page(user, DAY_HELP), 422
    try:
        with writing():
            warnings = district.assign(
                user,
                request.form.get("school", ""),
                starts_on,
                ends_on,
                admin=current_user,
                client_addr=client_addr(),
            )
    except district.AccountError as refusal:
        return _account_page(user, str(refusal)), 422
    flash(f"Assigned {user.username}.", "success")
    for warning in warnings:
        flash(warning, "error")
    return redirect(url_for(".account", user_id=user.id))


@accounts_bp.route("/<int:user_id>/assignments/<int:assignment_id>/end", methods=["POST"])
@role_required("admin")
def end_assignment(user_id: int, assignment_id: int):
    """End an assignment on a day (today unless another is given); it stays as history."""
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or assignment.officer_id != user_id:
        abort(404)
    try:
        ends_on = parse_day(request.form.get("ends_on", "")) or clock.today()
    except ValueError:
        return _account_page(assignment.officer, DAY_HELP), 422
    try:
        with writing():
            district.end_assignment(
                assignment, ends_on, admin=current_user, client_addr=client_addr()
            )
    except district.AccountError as refusal:
        return _account_page(assignment.officer, str(refusal)), 422
    flash(
        f"{assignment.officer.username}'s assignment to {assignment.school.name} ends "
        f"{ends_on.isoformat()}.",
        "success",
    )
    return redirect(url_for(".account", user_id=user_id))


@schools_bp.route("")
@role_required("admin")
def schools():
    """Every school, retired ones too, with how many officers are assigned to each."""
    return render_template(
        "admin/schools.html", schools=schools_by_name(), assigned=district.officers_by_school()
    )


@schools_bp.route("/new", methods=["GET", "POST"])
@role_required("admin")
def new_school():
    """Add a school: a code (as exports name it), a name and a level."""
    if request.method == "POST":
        form = request.form
        try:
            with writing():
                district.create_school(
                    form.get("code", ""),
                    form.get("name", ""),
                    form.get("level", ""),
                    admin=current_user,
                    client_addr=client_addr(),
                )
        except district.AccountError as refusal:
            return _school_page(None, str(refusal)), 422
        flash(f"Added {form['name'].strip()}.", "success")
        return redirect(url_for(".schools"))
    return _school_page(None)


@schools_bp.route("/<int:school_id>", methods=["GET", "POST"])
@role_required("admin")
def school(school_id: int):
    """One school: its name and level, and whether it is retired."""
    found = db.session.get(School, school_id) or abort(404)
    if request.method == "POST":
        try:
            with writing():
                district.change_school(
                    found,
                    request.form.get("name", ""),
                    request.form.get("level", ""),
                    admin=current_user,
                    client_addr=client_addr(),
                )
        except district.AccountError as refusal:
            return _school_page(found, str(refusal)), 422
        flash(f"Saved {found.name}.", "success")
        return redirect(url_for(".schools"))
    return _school_page(found)


@schools_bp.route("/<int:school_id>/retired", methods=["POST"])
@role_required("admin")
def retire_school(school_id: int):
    """Retire a school, or bring it back; a school is never deleted."""
    found = db.session.get(School, school_id) or abort(404)
    retired = _yes_or_no("retired")
    with writing():
        district.retire_school(found, retired, admin=current_user, client_addr=client_addr())
    flash(f"{found.name} is {'retired' if retired else 'in service again'}.", "success")
    return redirect(url_for(".schools"))


def _yes_or_no(field: str) -> bool:
    """A yes/no switch posted from one of these pages; 400 for anything else."""
    choice = request.form.get(field)
    if choice not in ("yes", "no"):
        abort(400)
    return choice == "yes"


def _school_page(school: School | None, problem: str | None = None):
    return render_template(
        "admin/school.html", school=school, problem=problem, form=request.form, levels=SCHOOL_LEVELS
    )


@settings_bp.route("", methods=["GET", "POST"])
@role_required("admin")
def district_settings():
    """The district's name, time zone and school year; the environment's values stand."""
    problem = None
    if request.method == "POST":
        try:
            with writing():
                settings.save(request.form, admin=current_user, client_addr=client_addr())
        except settings.SettingsRefused as refusal:
            problem = str(refusal)
        else:
            flash("The district's settings are saved.", "success")
            return redirect(url_for(".district_settings"))
    return render_template(
        "admin/settings.html",
        values=settings.current(),
        problem=problem,
        fixed=settings.overridden(),
        zones=settings.time_zones(),
        form=request.form,
    ), 422 if problem else 200


@roster_bp.route("", methods=["GET", "POST"])
@role_required("admin")
def roster_upload():
    """Upload a CSV of schools or users: every row is checked and shown before anything is kept."""
    if request.method == "GET":
        return render_template("admin/roster.html", roster=None, content="")
    upload = request.files.get("file")
    data = upload.read(roster.MAX_BYTES + 1) if upload else b""
    tried = roster.preview(
        request.form.get("kind", ""), data, admin=current_user, client_addr=client_addr()
    )
    db.session.rollback()
    content = data.decode("utf-8-sig") if tried.ok else ""
    return render_template(
        "admin/roster.html", roster=tried, content=content
    ), 200 if tried.ok else 422


@roster_bp.route("/import", methods=["POST"])
@role_required("admin")
def roster_import():
    """Keep the previewed file: all its rows, or none (it is checked again)."""
    kind, content = request.form.get("kind", ""), request.form.get("content", "")
    with writing():
        imported = roster.import_file(
            kind, content.encode(), admin=current_user, client_addr=client_addr()
        )
    if not imported.ok:
        return render_template("admin/roster.html", roster=imported, content=""), 422
    links = []
    for user, token in imported.links:
        link = url_for("auth.setup", token=token, _external=True)
        links.append((user.username, link, setup_links.mail(user, link)))
    return render_template(
        "admin/roster_done.html", roster=imported, links=links, valid_hours=setup_links.VALID_HOURS
    )


@templates_bp.route("", methods=["GET", "POST"])
@role_required("admin")
def templates():
    """The district's templates, offered to every officer, and a form to publish one."""
    form = EntryTemplateForm()
    status = 200
    if form.validate_on_submit():
        with writing():
            kept, errors = entry_templates.create(
                None,
                form.to_template(),
                actor=current_user,
                now=clock.utcnow(),
                client_addr=client_addr(),
            )
        if kept is not None:
            flash(f"Published “{kept.name}” to every officer.", "success")
            return redirect(url_for(".templates"))
        for path, messages in errors.items():
            field = form[path.removeprefix("fields.")] if path != "fields" else form.actions
            field.errors = list(messages)
        status = 422
    return render_template(
        "admin/templates.html", form=form, templates=entry_templates.offered_by_district()
    ), status


@templates_bp.route("/<int:template_id>/retired", methods=["POST"])
@role_required("admin")
def retire_template(template_id: int):
    """Stop offering a district template (it is kept, never deleted)."""
    with writing():
        retired = entry_templates.retire(
            current_user, template_id, now=clock.utcnow(), client_addr=client_addr()
        )
    if not retired:
        abort(404)
    flash("The template is no longer offered.", "success")
    return redirect(url_for(".templates"))


@entry_times_bp.route("")
@role_required("admin")
def seconds_per_entry():
    """How long new entries take on the phone: the median by week, and by officer's pseudonym."""
    now = clock.utcnow()
    recent = entry_times.between(now - timedelta(weeks=entry_times.WEEKS_SHOWN), now)
    return render_template(
        "admin/entry_times.html",
        weeks=entry_times.by_week(now),
        officers=entry_times.by_officer(recent, lambda u: pseudonym(u, False)),
        weeks_shown=entry_times.WEEKS_SHOWN,
    )


def _account_form(problem: str | None = None):
    return render_template(
        "admin/account_new.html",
        problem=problem,
        form=request.form,
        roles=ROLES,
        schools=district.schools_in_service(),
        supervisors=district.supervisors(),
    )


def _account_page(user: User, problem: str | None = None):
    return render_template(
        "admin/account.html",
        user=user,
        problem=problem,
        roles=ROLES,
        supervisors=district.supervisors(),
        today=clock.today(),
        schools=district.schools_in_service(),
        link=setup_links.waiting(user),
        last_admin=district.is_last_admin(user),
    )


def _link_shown_once(user: User, token: str):
    """The page that shows a setup link: the only time anyone sees it (and its e-mail, sent
    when the server sends mail and the account has an address)."""
    link = url_for("auth.setup", token=token, _external=True)
    return render_template(
        "admin/setup_link.html",
        user=user,
        link=link,
        mailed=setup_links.mail(user, link),
        valid_hours=setup_links.VALID_HOURS,
    )
