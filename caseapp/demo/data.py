"""The demo data set (filled in by the intake work)."""

from __future__ import annotations

import click


def load_demo() -> None:
    """Load demo data; refuse when the database already has agencies."""
    click.echo("no demo data yet")
