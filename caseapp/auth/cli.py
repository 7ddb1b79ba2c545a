"""``flask --app caseapp users ...``"""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from caseapp.agencies.models import Agency
from caseapp.auth import operations
from caseapp.auth.session import EndReason
from caseapp.core.cli import transaction
from caseapp.core.config import SUPPORTED_LOCALES
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
@click.option("--locale", default="en", type=click.Choice(list(SUPPORTED_LOCALES)))
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
        with transaction():
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
    click.echo(f"created user {user.id} <{user.email}> ({user.role})")


def _user_by_email(email: str):
    from caseapp.auth.models import User

    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException("no user with that e-mail address")
    return user


@cli.command("deactivate")
@click.option("--email", required=True)
def deactivate(email) -> None:
    """Deactivate a user; every session of the user ends at once (ASVS 5.0 V7.4.2)."""
    user = _user_by_email(email)
    try:
        with transaction():
            operations.deactivate_user(None, user)
    except ValidationFailed as err:
        raise click.ClickException(err.message) from err
    click.echo(f"deactivated user {user.id}")


@cli.command("end-sessions")
@click.option("--email", help="End this user's sessions.")
@click.option("--all-users", is_flag=True, help="End every user's sessions.")
def end_sessions(email, all_users) -> None:
    """End sessions of one user or of all users (ASVS 5.0 V7.4.5)."""
    from sqlalchemy import update

    from caseapp.auth.models import UserSession
    from caseapp.auth.session import end_all_sessions
    from caseapp.core.db import utcnow

    if not (all_users or email):
        raise click.ClickException("give --email or --all-users")
    with transaction():
        if all_users:
            result = db.session.execute(
                update(UserSession)
                .where(UserSession.ended_at.is_(None))
                .values(ended_at=utcnow(), end_reason=EndReason.ENDED_BY_OPERATOR)
            )
            count = result.rowcount
        else:
            count = end_all_sessions(_user_by_email(email))
    click.echo(f"ended {count} session(s)")


@cli.command("reset-2fa")
@click.option("--email", required=True)
def reset_2fa(email) -> None:
    """Remove a user's second factor (lost phone); they enrol again at the next login."""
    from caseapp.auth import twofactor
    from caseapp.auth.session import end_all_sessions

    user = _user_by_email(email)
    with transaction():
        twofactor.reset(None, user)
        end_all_sessions(user, EndReason.TWO_FACTOR_RESET)
    click.echo(f"second factor removed for user {user.id}")
