"""Error handlers: generic pages with no stack trace; domain errors shown to the user; a
write the database gave up on because of another one answered "busy", with what the user
sent kept to send again."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError

from caseapp.core.db import contention, reset_write_intent, write_intent
from caseapp.core.errors import DomainError

_API_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    503: "busy",
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

    @app.errorhandler(OperationalError)
    def database_gave_up(err: OperationalError):
        if not contention(err):
            raise err  # a lost connection, a full disk...: the server error page, logged
        return busy(err)

    @app.errorhandler(500)
    def server_error(err):
        return _page(500)


# Seconds after which a request the database was too busy for may be sent again.
RETRY_AFTER = 5
# Posted fields never written back into a page: a password is typed again.
_NOT_KEPT = ("password", "confirm")


def busy(err: OperationalError):
    """A write given up after waiting ``DATABASE_LOCK_TIMEOUT`` for another one's lock, or
    ended as a deadlock (``caseapp.core.db.contention``): nothing of the request was stored
    (its transaction is rolled back, its audit entries with it), which the page says; never a
    server error. A form's entries come back on the page, hidden, to be sent again with one
    button, as they were (its version and CSRF token too: an edit that meanwhile conflicts
    is still refused as one); a file or password is not kept, and the page says so. 503 with
    ``Retry-After``. Logged without data: the endpoint and the database's error code."""
    from caseapp.core.extensions import db

    db.session.rollback()
    orig = err.orig
    code = getattr(orig, "sqlstate", None) or getattr(orig, "sqlite_errorname", "")
    current_app.logger.warning("database busy, nothing saved: %s (%s)", request.endpoint, code)
    # What the page reads (the signed-in user and their language, expired by the rollback or
    # never loaded) it reads without waiting for the write lock again (SQLite: deferred).
    token = write_intent(False)
    try:
        response = _busy_response()
    finally:
        db.session.rollback()
        reset_write_intent(token)
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER)
    return response


def _busy_response():
    message = _(
        "The database was busy with other changes and could not take this one in time. "
        "Nothing was saved."
    )
    if request.path.startswith("/api/"):
        return jsonify({"error": {"code": _API_CODES[503], "message": message}})
    kept, dropped = _kept_fields()
    return current_app.make_response(
        render_template(
            "errors/busy.html",
            message=message,
            target=request.full_path.rstrip("?"),  # this site's path: no host
            resend=request.method == "POST" and bool(kept),
            fields=kept,
            dropped=dropped,
        )
    )


def _kept_fields() -> tuple[list[tuple[str, str]], bool]:
    """The posted fields to send again, and whether any (a file, a password) is left out."""
    if request.method != "POST":
        return [], False
    posted = list(request.form.items(multi=True))
    fields = [
        (name, value) for name, value in posted if not any(w in name.lower() for w in _NOT_KEPT)
    ]
    return fields, len(fields) < len(posted) or bool(request.files)
