"""The CLI's one transaction: operator commands commit here, as views commit in ``core.web``.

``with transaction():`` commits when the block ends normally and rolls back when it raises;
a refusal that must be audited although its change is rolled back (``DomainError.audit``,
e.g. a gate refusal) is written after the rollback in its own transaction, as the request
layer does.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click
from sqlalchemy import Connection

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


def check_or_recount(
    check: bool,
    what: str,
    differences: Callable[[Connection], int],
    recount: Callable[[Connection], int],
) -> None:
    """The body of a ``recount [--check]`` command for what is kept beside the cases (the
    caseload counts; the agencies' case counts and the copies of the child's facts): with
    ``check``, tell how many ``what`` differ from the cases and exit 1 if any do; otherwise
    rebuild them in one transaction."""
    if check:
        wrong = differences(db.session.connection())
        click.echo(f"{wrong} {what} differ from the cases")
        sys.exit(1 if wrong else 0)
    with transaction():
        wrong = recount(db.session.connection())
    click.echo(f"recounted; {wrong} {what} were wrong")
