"""``flask --app caseapp demo``: load demo data into an empty database only."""

from __future__ import annotations

import click


@click.command("demo")
def cli() -> None:
    """Load demo agencies, users and cases into an empty database."""
    from caseapp.demo.data import load_demo

    load_demo()
