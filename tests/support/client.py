"""A test client whose every request runs like a real one: its own app context and session.

The ``app`` fixture keeps an application context pushed so tests can use the models
directly; Flask would reuse that context for requests, sharing one session (and the cached
locale) across requests in a way no real server does. Each request here runs in a fresh
``contextvars`` context instead, after the test's own transaction is committed, so the
request sees the test's data and does not wait on its lock.
"""

from __future__ import annotations

import contextvars

from flask.testing import FlaskClient, FlaskCliRunner


def _end_test_transaction() -> None:
    from caseapp.core.extensions import db

    db.session.commit()


class IsolatedClient(FlaskClient):
    """Runs each request in a clean context."""

    def open(self, *args, **kwargs):
        """Send a request as a separate unit of work."""
        _end_test_transaction()
        return contextvars.Context().run(super().open, *args, **kwargs)


class IsolatedCliRunner(FlaskCliRunner):
    """Runs each command in a clean context, as ``flask`` would from a shell."""

    def invoke(self, *args, **kwargs):
        """Invoke a CLI command as a separate process would."""
        _end_test_transaction()
        return contextvars.Context().run(super().invoke, *args, **kwargs)
