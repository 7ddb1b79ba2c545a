"""``flask --app caseapp indicators refresh``: compute the indicators of the default period
(the last twelve months) for every scope -- all cases, and each agency's -- and store them
for the page (run it from cron, e.g. every 10 minutes), or queue it for the worker."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from caseapp.core import clock


@click.group("indicators", cls=AppGroup)
def cli() -> None:
    """Indicators: the stored figures the page reads."""


@cli.command("refresh")
@click.option("--queue", is_flag=True, help="Hand each scope to the background worker.")
def refresh_command(queue: bool) -> None:
    """Recompute the default period's figures of every scope, and drop the snapshots of
    other periods nobody asked for in a week. Prints one line per scope (its key, the
    number of figures; no personal data)."""
    from caseapp.core.cli import transaction
    from caseapp.core.db import utcnow
    from caseapp.indicators.period import default_period
    from caseapp.indicators.snapshots import all_scopes, prune, refresh

    period = default_period(clock.today())
    with transaction():
        dropped = prune(utcnow())
    scopes = all_scopes()
    if queue:
        from caseapp.jobs.queue import task

        for scope in scopes:
            task(current_app, "indicators")(
                scope.key, period.start.isoformat(), period.end.isoformat()
            )
        click.echo(f"queued {len(scopes)}")
        return
    for scope in scopes:
        figures = refresh(scope, period)
        click.echo(f"{scope.key}\t{len(figures)} figures")
    click.echo(f"{len(scopes)} scopes refreshed for {period.start} to {period.end}")
    click.echo(f"{dropped} old snapshots dropped")
