"""Application logging: request ids and numeric ids only, never a child's personal data.

- Control characters in logged values are escaped, so a value cannot forge log lines
  (ASVS 5.0 V16.4.1).
- The app logs one line per request with the method, the *path* (never the query string,
  which could carry a searched name), the status and the user's numeric id (V16.2.5).
  For gunicorn's own access log, ``make run`` uses a format with ``%(U)s`` (path without
  query) instead of ``%(r)s`` (the request line with the query); do the same in production.
"""

from __future__ import annotations

import logging

from flask import Flask, g, request
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import NoInspectionAvailable

REQUEST_LOGGER = "caseapp.request"
# Loggers that would write SQL result rows or form data at DEBUG: pinned to WARNING so that
# turning the root logger to DEBUG cannot put a child's record into the logs.
QUIET_LOGGERS = ("sqlalchemy.engine", "sqlalchemy.pool", "sqlalchemy.orm")
# gunicorn access log format without the query string (used by ``make run``).
GUNICORN_ACCESS_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s'


def escape_control_chars(message: str) -> str:
    """Escape every control or non-printable character (``\\n`` becomes ``\\\\n``)."""
    return "".join(
        ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode()
        for ch in message
    )


class EscapeControlChars(logging.Filter):
    """Escape control characters in log records so a value cannot forge log lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the message with control characters escaped."""
        record.msg, record.args = escape_control_chars(record.getMessage()), None
        return True


def _user_id(user) -> object:
    """The signed-in user's id without loading anything: after the request's commit the
    user is expired, and reading ``user.id`` would begin a transaction and select the row
    again just for this log line (issue 16). The identity key keeps the id."""
    if user is None:
        return None
    try:
        identity = sa_inspect(user).identity
    except NoInspectionAvailable:  # the anonymous user
        return getattr(user, "id", None)
    return identity[0] if identity else None


def init_app(app: Flask) -> None:
    """Attach the escaping filter and the request log line."""
    app.logger.addFilter(EscapeControlChars())
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    request_logger = logging.getLogger(REQUEST_LOGGER)
    if not any(isinstance(f, EscapeControlChars) for f in request_logger.filters):
        request_logger.addFilter(EscapeControlChars())

    @app.after_request
    def log_request(response):
        user_id = _user_id(g.get("_login_user"))
        request_logger.info(
            "%s %s %s user=%s", request.method, request.path, response.status_code, user_id
        )
        return response
