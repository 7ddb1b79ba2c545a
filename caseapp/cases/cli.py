"""The ``flask --app caseapp cases`` command group, and its ``recount [--check]``: the number of
cases each agency leads and the copies of the child's facts on each case, checked against
the cases and children or rebuilt from them after a repair by hand (``caseapp.cases.counts``)."""

from __future__ import annotations

import click
from flask.cli import AppGroup


@click.group("cases", cls=AppGroup)
def cli() -> None:
    """Cases and the return gate (002: safeguards S1-S19)."""


# ``list``, ``gate`` and ``approve`` are added by ``caseapp.gate.cli``.


@cli.command("recount")
@click.option("--check", is_flag=True, help="Only tell whether they agree (exit 1 if not).")
def recount(check: bool) -> None:
    """Rebuild each agency's number of cases from the cases, and each case's copies of the
    child's facts from the child (kept by the database's triggers; needed only after a
    change written with them off)."""
    from caseapp.cases import counts
    from caseapp.core.cli import check_or_recount

    check_or_recount(check, "agency counts or case copies", counts.differences, counts.recount)
