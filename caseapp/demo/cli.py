"""``flask --app caseapp demo``: load demo data into an empty database only."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.command("demo")
@with_appcontext
@click.option(
    "--if-empty",
    is_flag=True,
    help="Do nothing (and succeed) when the database already holds data.",
)
def cli(if_empty: bool) -> None:
    """Load demo agencies, users and cases into an empty database.

    Refuses when the database holds data (so demo accounts never appear in a real system);
    with --if-empty it then does nothing instead. Prints the demo logins and their password.
    """
    from caseapp.core.cli import transaction
    from caseapp.core.clock import today
    from caseapp.demo.loader import DemoRefused, database_is_empty, load_demo

    if if_empty and not database_is_empty():
        _remind_logins()
        return
    try:
        with transaction():
            result = load_demo(today=today())
    except DemoRefused as err:
        raise click.ClickException(
            "The database already holds data; the demo is only loaded into an empty one."
        ) from err
    click.echo(
        f"Loaded {len(result.agencies)} agencies, {len(result.users)} users "
        f"and {len(result.cases)} cases."
    )
    _print_logins(result.users)
    click.echo("Demo cases at the later stages (the others are identified or registered):")
    for number, shows in result.guide:
        click.echo(f"  {number:<15} {shows}")


def _print_logins(users) -> None:
    from caseapp.demo.data import DEMO_PASSWORD

    click.echo(f"Demo logins (the same password for all, DEMO ONLY: {DEMO_PASSWORD}):")
    for user in users:
        agency = user.agency.code if user.agency else "-"
        click.echo(f"  {user.role.value:<13} {agency:<10} {user.email}")
    click.echo(
        "Participants (central_authority_officer, guardian, legal_representative, monitor) see "
        "only the MD cases they are assigned to, from their home page /my; the policy in force "
        "(version 2, /admin/policy) requires the Central Authority's and the monitor's own "
        "confirmation for S11 and S17 (version 1 accepted the caseworker's record)."
    )
    click.echo(
        "Supervisors, the ombudsperson, the admin and the participants must use a second "
        "factor: at their first "
        "login they enrol it by scanning the QR code (or typing the key) with any TOTP "
        "authenticator app, then keep the recovery codes shown."
    )


def _remind_logins() -> None:
    """With --if-empty on a database holding data: no change; list demo logins if present."""
    from sqlalchemy import select

    from caseapp.auth.models import User
    from caseapp.core.extensions import db
    from caseapp.demo.data import USERS

    emails = [spec["email"] for spec in USERS]
    found = list(db.session.scalars(select(User).where(User.email.in_(emails)).order_by(User.id)))
    if found:
        _print_logins(found)
