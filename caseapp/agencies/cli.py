"""``flask --app caseapp agencies ...``"""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from caseapp.agencies import operations
from caseapp.agencies.models import Agency, AgencyKind
from caseapp.core.cli import transaction
from caseapp.core.errors import ValidationFailed
from caseapp.core.extensions import db


@click.group("agencies", cls=AppGroup)  # AppGroup: subcommands run in the app context
def cli() -> None:
    """Manage agencies."""


@cli.command("create")
@click.option("--code", required=True)
@click.option("--name", required=True)
@click.option("--country", required=True, help="ISO 3166-1 alpha-2, e.g. MD")
@click.option("--kind", required=True, type=click.Choice([k.value for k in AgencyKind]))
def create(code, name, country, kind) -> None:
    """Create an agency."""
    try:
        with transaction():
            agency = operations.create_agency(
                None, code=code, name=name, country=country, kind=AgencyKind(kind)
            )
    except ValidationFailed as err:
        raise click.ClickException(err.message) from err
    click.echo(f"created agency {agency.code} ({agency.kind}, {agency.country})")


@cli.command("list")
def list_() -> None:
    """List agencies."""
    for agency in db.session.scalars(select(Agency).order_by(Agency.code)):
        click.echo(f"{agency.code}\t{agency.country}\t{agency.kind}\t{agency.name}")
