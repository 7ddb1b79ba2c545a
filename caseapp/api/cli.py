"""``flask api token-create EMAIL NAME`` / ``flask api token-revoke ID``."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from caseapp.core.cli import transaction
from caseapp.core.errors import DomainError
from caseapp.core.extensions import db


@click.group("api", cls=AppGroup)  # subcommands run in the app context
def cli() -> None:
    """API tokens for scripts (issue 11 item 5)."""


@cli.command("token-create")
@click.argument("email")
@click.argument("name")
def token_create(email: str, name: str) -> None:
    """Issue a token acting as the user EMAIL; the token is printed once."""
    from caseapp.api.operations import create_token
    from caseapp.auth.models import User

    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        raise click.ClickException("no such user")
    try:
        with transaction():
            token, text = create_token(None, user, name=name)
    except DomainError as err:
        raise click.ClickException(err.message) from err
    click.echo(f"token {token.id}: {text}")


@cli.command("token-revoke")
@click.argument("token_id", type=int)
def token_revoke(token_id: int) -> None:
    """Revoke token TOKEN_ID."""
    from caseapp.api.models import ApiToken
    from caseapp.api.operations import revoke_token

    with transaction():
        token = db.session.get(ApiToken, token_id)
        if token is None:
            raise click.ClickException("no such token")
        revoke_token(None, token)
    click.echo("revoked")
