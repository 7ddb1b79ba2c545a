"""``flask exchange ...``: this instance's key, the partner register, delivery, files.

- ``flask exchange key`` prints the public key and its fingerprint (read it to the partner);
- ``flask exchange partner-add`` pairs a partner (fingerprint confirmed by another channel);
- ``flask exchange partners`` lists them;
- ``flask exchange deliver`` posts the due outbox items (run it from cron or ``--loop``);
- ``flask exchange export DOCUMENT_ID FILE`` / ``flask exchange import FILE`` move a signed
  document as a file, with the same checks as the network inbox.
"""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from caseapp.core.cli import transaction
from caseapp.core.errors import DomainError
from caseapp.core.extensions import db


@click.group("exchange", cls=AppGroup)  # subcommands run in the app context
def cli() -> None:
    """Cross-border exchange with partner instances (issue 11)."""


@cli.command("key")
def key() -> None:
    """Print this instance's exchange public key and fingerprint."""
    from caseapp.exchange import keys

    click.echo(f"public key:  {keys.public_key_text()}")
    click.echo(f"fingerprint: {keys.grouped(keys.key_id())}")


@cli.command("partner-add")
@click.option("--name", required=True)
@click.option("--country", required=True, help="two-letter code, e.g. MD")
@click.option("--url", "base_url", required=True, help="the partner's address")
@click.option("--public-key", required=True, help="base64, from the partner's `exchange key`")
@click.option("--fingerprint", required=True, help="as confirmed by another channel")
@click.option("--confirmed-by", required=True, help="how the fingerprint was confirmed")
@click.option("--agency", "agency_code", required=True, help="our agency code leading returns")
def partner_add(name, country, base_url, public_key, fingerprint, confirmed_by, agency_code):
    """Pair a partner instance."""
    from caseapp.agencies.models import Agency
    from caseapp.exchange.operations import add_partner

    agency = db.session.scalar(select(Agency).where(Agency.code == agency_code))
    if agency is None:
        raise click.ClickException("no agency with this code")
    try:
        with transaction():
            partner = add_partner(
                None,
                name=name,
                country=country,
                base_url=base_url,
                public_key=public_key,
                fingerprint_confirmed=fingerprint,
                confirmed_by=confirmed_by,
                local_agency=agency,
            )
    except DomainError as err:
        fields = err.details if isinstance(err.details, dict) else {}
        details = "; ".join(f"{k}: {' '.join(v)}" for k, v in fields.items())
        raise click.ClickException(f"{err.message} {details}".strip()) from err
    click.echo(f"partner {partner.id}: {partner.name} ({partner.country}) {partner.key_id}")


@cli.command("partners")
def partners() -> None:
    """List the partner register."""
    from caseapp.exchange.models import Partner

    for p in db.session.scalars(select(Partner).order_by(Partner.id)):
        state = "active" if p.active else "inactive"
        click.echo(f"{p.id}\t{p.country}\t{p.name}\t{p.base_url}\t{p.key_id}\t{state}")


@cli.command("deliver")
@click.option("--retry-now", is_flag=True, help="ignore the backoff and try every item now")
@click.option("--loop", type=int, default=0, help="keep delivering every N seconds")
def deliver(retry_now: bool, loop: int) -> None:
    """Post the due outbox items to the partners' inboxes."""
    from caseapp.exchange.transport import deliver_due

    while True:
        for attempt in deliver_due(ignore_backoff=retry_now):
            state = "delivered" if attempt.delivered else f"failed ({attempt.error})"
            click.echo(f"{attempt.document_id} {state}")
        if loop <= 0:
            return
        time.sleep(loop)


@cli.command("export")
@click.argument("document_id")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def export(document_id: str, path: Path) -> None:
    """Write the signed document DOCUMENT_ID (one we sent) to PATH."""
    from caseapp.exchange.models import Direction, ExchangeDocument
    from caseapp.exchange.transport import export_file

    with transaction():
        sent = db.session.scalar(
            select(ExchangeDocument).where(
                ExchangeDocument.document_id == document_id,
                ExchangeDocument.direction == Direction.SENT,
            )
        )
        if sent is None:
            raise click.ClickException("no document sent with this id")
        data = export_file(None, sent)
    path.write_bytes(data)
    click.echo(f"written {path}")


@cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_(path: Path) -> None:
    """Receive the signed document in PATH (the same checks as the network inbox)."""
    from caseapp.exchange.inbox import receive
    from caseapp.exchange.models import Transport

    try:
        with transaction():
            stored, _receipt = receive(path.read_bytes(), transport=Transport.FILE)
    except DomainError as err:
        raise click.ClickException(f"{getattr(err, 'code', 'refused')}: {err.message}") from err
    click.echo(f"received {stored.doc_type} {stored.document_id}")
