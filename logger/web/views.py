"""Where each role lands after signing in."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from logger.admin import district
from logger.auth.access import role_required
from logger.core import clock
from logger.core.models import ROLES
from logger.review import workflow

bp = Blueprint("home", __name__)


@bp.route("/")
@role_required(*ROLES)
def index():
    """Officers go to My entries; supervisors see what waits for them; admins, loose ends."""
    if current_user.role == "officer":
        return redirect(url_for("entries.my_entries"))
    waiting = workflow.waiting_summary(current_user) if current_user.role == "supervisor" else None
    loose_ends = district.attention() if current_user.role == "admin" else None
    return render_template(
        "web/home.html", waiting=waiting, attention=loose_ends, now=clock.utcnow()
    )
