"""One mail set-up for the whole app (Flask-Mailman): password resets, and later the
participants' invitations and the notification digest (issues 10 and 12).

Where mail goes is a setting, ``MAIL_BACKEND``:

- ``smtp`` in production: set ``CASEAPP_MAIL_SERVER`` (and ``MAIL_PORT``, ``MAIL_USE_TLS``,
  ``MAIL_USERNAME``, ``MAIL_PASSWORD``, ``MAIL_DEFAULT_SENDER``); chosen whenever a mail
  server is configured;
- ``file`` when no server is configured (``make run``): each message is written to a file
  in ``instance/mail/`` (``MAIL_FILE_PATH``), so a developer can open the reset link;
- ``locmem`` in tests: messages are kept in ``mail.outbox``.

Messages carry no child's data: only account matters (a reset link) go out by e-mail.
"""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, current_app
from flask_mailman import EmailMessage, Mail

mail = Mail()
log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Choose the backend (see the module docstring) and bind Flask-Mailman."""
    app.config.setdefault("MAIL_DEFAULT_SENDER", "caseapp <no-reply@localhost>")
    if "MAIL_BACKEND" not in app.config:
        if app.testing:
            app.config["MAIL_BACKEND"] = "locmem"
        elif app.config.get("MAIL_SERVER"):
            app.config["MAIL_BACKEND"] = "smtp"
        else:
            app.config["MAIL_BACKEND"] = "file"
    if app.config["MAIL_BACKEND"] == "file":
        folder = Path(app.config.get("MAIL_FILE_PATH") or Path(app.instance_path) / "mail")
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        app.config["MAIL_FILE_PATH"] = str(folder)
    mail.init_app(app)


def send(to: str, subject: str, body: str) -> bool:
    """Send one plain-text message; True when it was handed to the backend.

    Called after the transaction is committed: a mail server that is down must not undo
    what was recorded. A failure is logged without the address (no personal data in logs).
    """
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=current_app.config["MAIL_DEFAULT_SENDER"],
        to=[to],
    )
    try:
        return message.send() == 1
    except OSError:
        log.exception("mail could not be sent (backend %s)", current_app.config["MAIL_BACKEND"])
        return False


def outbox() -> list[EmailMessage]:
    """Messages kept by the ``locmem`` backend of this app (tests; empty for the others)."""
    state = current_app.extensions["mailman"]
    return state.outbox if hasattr(state, "outbox") else []
