"""``flask jobs worker``: the background worker (started by ``make run`` next to gunicorn)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup


@click.group("jobs", cls=AppGroup)
def cli() -> None:
    """Background jobs."""


@cli.command("worker")
@click.option("--workers", default=1, show_default=True, help="Worker threads.")
def worker(workers: int) -> None:
    """Run the huey consumer for this app's queue until stopped (Ctrl-C or SIGTERM)."""
    huey = current_app.extensions["huey"]
    consumer = huey.create_consumer(workers=workers, worker_type="thread", periodic=False)
    consumer.run()
