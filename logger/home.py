"""Where each role lands after signing in."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from .auth import role_required
from .models import ROLES

bp = Blueprint("home", __name__)


@bp.route("/")
@role_required(*ROLES)
def index():
    if current_user.role == "officer":
        return redirect(url_for("entries.my_entries"))
    return render_template("home.html")
