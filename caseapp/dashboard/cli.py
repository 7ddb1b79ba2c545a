"""``flask --app caseapp dashboard digest``: send the e-mail digests due (run it from cron,
e.g. every hour; each subscriber gets at most one a day), or queue it for the worker."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup


@click.group("dashboard", cls=AppGroup)
def cli() -> None:
    """Home pages: reminders and notifications."""


@cli.command("digest")
@click.option("--queue", is_flag=True, help="Hand the work to the background worker.")
def digest(queue: bool) -> None:
    """Send the daily e-mail digest to every subscriber due one."""
    if queue:
        from caseapp.jobs.queue import task

        task(current_app, "digest")()
        click.echo("queued")
        return
    from caseapp.dashboard.operations import send_digests

    click.echo(f"sent {send_digests()}")


@cli.command("recount-workload")
@click.option("--check", is_flag=True, help="Only tell whether the counts agree (exit 1 if not).")
def recount_workload(check: bool) -> None:
    """Rebuild the caseload counts from the cases (after a bulk load or to repair them)."""
    from caseapp.core.cli import check_or_recount
    from caseapp.dashboard import workload

    check_or_recount(check, "counts", workload.differences, workload.recount)
