"""The JSON API the offline client talks to: who is signed in, and the rules as data."""

from flask import Blueprint, jsonify
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from logger import rules
from logger.auth import role_required
from logger.models import ROLES

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.route("/session")
@role_required(*ROLES)
def session_info():
    """The signed-in user, their schools and a fresh CSRF token for the next POST."""
    return jsonify(
        user={"id": current_user.id, "username": current_user.username,
              "role": current_user.role},
        schools=[{"id": s.id, "code": s.code, "name": s.name, "level": s.level}
                 for s in current_user.schools],
        csrf_token=generate_csrf(),
    )


@bp.route("/schema")
@role_required(*ROLES)
def schema():
    """The rules of an entry, as data the client validates with offline."""
    return jsonify(rules.describe())
