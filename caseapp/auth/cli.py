"""``flask --app caseapp users ...``"""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from caseapp.agencies.models import Agency
from caseapp.auth import operations
from caseapp.core.errors import ValidationFailed
from caseapp.core.extensions import db
from caseapp.core.permissions import Role


@click.group("users", cls=AppGroup)  # AppGroup: subcommands run in the app context
def cli() -> None:
    """Manage user accounts."""


@cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--agency", "agency_code", help="Agency code (required for agency staff).")
@click.option("--locale", default="en", type=click.Choice(["en", "ru"]))
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create(email, name, role, agency_code, locale, password_stdin) -> None:
    """Create a user; the password is prompted for, or read from standard input."""
    agency = None
    if agency_code:
        agency = db.session.scalar(select(Agency).where(Agency.code == agency_code))
        if agency is None:
            raise click.ClickException(f"no agency with code {agency_code!r}")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = operations.create_user(
            None,
            email=email,
            name=name,
            role=Role(role),
            agency=agency,
            password=password,
            locale=locale,
        )
    except ValidationFailed as err:
        raise click.ClickException(err.message) from err
    db.session.commit()
    click.echo(f"created user {user.id} <{user.email}> ({user.role})")
