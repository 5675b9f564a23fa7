"""Outgoing mail, when the district's server can send it (SRO_SMTP_HOST and friends)."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app

TIMEOUT_SECONDS = 10


class MailFailed(Exception):
    """The message could not be handed to the mail server; says why."""


def configured() -> bool:
    """Whether this server sends mail."""
    return bool(current_app.config.get("SRO_SMTP_HOST"))


def send(to: str, subject: str, body: str) -> None:
    """Hand one plain-text message to the mail server; MailFailed if it cannot be."""
    config = current_app.config
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = config["SRO_SMTP_FROM"], to, subject
    message.set_content(body)
    try:
        with smtplib.SMTP(
            config["SRO_SMTP_HOST"], config["SRO_SMTP_PORT"], timeout=TIMEOUT_SECONDS
        ) as server:
            if config["SRO_SMTP_STARTTLS"]:
                server.starttls()
            if config.get("SRO_SMTP_USER"):
                server.login(config["SRO_SMTP_USER"], config.get("SRO_SMTP_PASSWORD") or "")
            server.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise MailFailed(
            f"the mail server at {config['SRO_SMTP_HOST']} refused it or could "
            f"not be reached ({error.__class__.__name__})"
        ) from None
