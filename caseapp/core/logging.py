"""Application logging: request ids and numeric ids only, never a child's personal data."""

from __future__ import annotations

import logging

from flask import Flask


class EscapeControlChars(logging.Filter):
    """Escape control characters in log records so a value cannot forge log lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the message with control characters escaped."""
        message = record.getMessage()
        escaped = "".join(
            ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode()
            for ch in message
        )
        record.msg, record.args = escaped, None
        return True


def init_app(app: Flask) -> None:
    """Attach the escaping filter to the app logger."""
    app.logger.addFilter(EscapeControlChars())
