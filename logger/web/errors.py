"""Error handlers: never a stack trace, and never lose what an officer typed."""

from __future__ import annotations

from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from logger.extensions import db
from logger.officer.views import typed_form_again
from logger.public.views import typed_feedback_again
from logger.review.views import typed_decision_again
from logger.web import kept_forms
from logger.web.responses import MESSAGES, error_response, wants_json

CSRF_NOTICE = (
    "This form's security token was missing or had expired, so nothing was saved. "
    "Everything you typed is still here: check it and save again."
)


def register(app) -> None:
    """Install the handlers."""

    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        feedback_page = None if wants_json() else typed_feedback_again(CSRF_NOTICE)
        if feedback_page is not None:
            return feedback_page
        if not current_user.is_authenticated and not wants_json():
            kept = kept_forms.sign_in_again()  # the session ended while a form was open
            if kept is not None:
                return kept
        if current_user.is_authenticated and not wants_json():  # show what was typed again
            again = {"officer": typed_form_again, "supervisor": typed_decision_again}
            page = again.get(current_user.role, lambda notice: None)(CSRF_NOTICE)
            if page is not None:
                return page
        if wants_json() and not current_user.is_authenticated:
            return error_response(401)  # a signed-out client's token cannot be valid: sign in
        return error_response(
            400,
            "The security token was missing or invalid. Reload the page and try again.",
            error="csrf_failed",
        )

    @app.errorhandler(HTTPException)
    def http_error(error):
        return error_response(error.code, None if error.code in MESSAGES else error.description)

    @app.errorhandler(Exception)
    def unexpected(error):
        app.logger.exception("unhandled error")
        db.session.rollback()
        return error_response(InternalServerError.code)
