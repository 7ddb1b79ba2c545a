"""Error handlers: generic pages with no stack trace; domain errors shown to the user."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from caseapp.core.errors import DomainError

_API_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    429: "too_many_requests",
    500: "server_error",
}


def _page(code: int, message: str | None = None):
    """Render the generic error page for ``code`` (JSON under ``/api/``, issue 11)."""
    if request.path.startswith("/api/"):
        text = message or _("The request could not be served.")
        return jsonify({"error": {"code": _API_CODES.get(code, "error"), "message": text}}), code
    return render_template("errors/error.html", code=code, message=message), code


def register(app: Flask) -> None:
    """Install the handlers."""

    @app.errorhandler(CSRFError)
    def csrf_error(err):
        return _page(400, _("Your form expired or was not sent from this site. Please try again."))

    @app.errorhandler(DomainError)
    def domain_error(err: DomainError):
        # Fallback for a refusal a view did not handle itself: nothing is committed.
        from caseapp.core.extensions import db

        db.session.rollback()
        return _page(err.status_code, err.message)

    for code in (400, 401, 403, 404, 405, 413, 429):
        app.register_error_handler(code, lambda err, code=code: _page(code))

    @app.errorhandler(500)
    def server_error(err):
        return _page(500)
