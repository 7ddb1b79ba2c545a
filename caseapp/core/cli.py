"""The CLI's one transaction: operator commands commit here, as views commit in ``core.web``.

``with transaction():`` commits when the block ends normally and rolls back when it raises;
a refusal that must be audited although its change is rolled back (``DomainError.audit``,
e.g. a gate refusal) is written after the rollback in its own transaction, as the request
layer does.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from caseapp.core.errors import DomainError
from caseapp.core.extensions import db


@contextmanager
def transaction() -> Iterator[None]:
    """Commit the block's changes, or roll them back (and audit a refusal) if it raises."""
    try:
        yield
    except DomainError as err:
        db.session.rollback()
        if err.audit is not None:
            err.audit.write()  # type: ignore[attr-defined]
            db.session.commit()
        raise
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()
