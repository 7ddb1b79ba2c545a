"""``flask --app caseapp audit ...``: verify the chain, export and verify bundles, public key."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
from flask.cli import AppGroup

from caseapp.audit import keys
from caseapp.audit.bundle_verifier import verify_bundle
from caseapp.core.errors import DomainError


@click.group("audit", cls=AppGroup)
def cli() -> None:
    """The tamper-evident audit trail (DESIGN.md section 6)."""


@cli.command("verify")
def verify() -> None:
    """Check the live chain in the database; exit 1 and name the first broken entry."""
    from caseapp.audit.verify import verify_chain

    status = verify_chain()
    if status.ok:
        click.echo(f"OK: {status.count} entries, chain head {status.head_hash}")
        return
    click.echo(f"BROKEN at entry {status.broken_seq}: {status.problem}", err=True)
    sys.exit(1)


def _date(ctx, param, value):
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as err:
        raise click.BadParameter("use YYYY-MM-DD") from err


@cli.command("export")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True))
@click.option("--from", "date_from", callback=_date, help="First day (UTC), YYYY-MM-DD.")
@click.option("--to", "date_to", callback=_date, help="Last day (UTC, inclusive), YYYY-MM-DD.")
@click.option("--case", "case_number", help="Only this case number (others are withheld).")
@click.option(
    "--recipient",
    default="ombudsperson",
    show_default=True,
    help="Who receives it: selects the pseudonym key.",
)
@click.option(
    "--identified",
    is_flag=True,
    help="Include names (recipient must be in AUDIT_IDENTIFIED_RECIPIENTS).",
)
@click.option("--note", help="Why the export is made (recorded in the audit trail).")
def export(out, date_from, date_to, case_number, recipient, identified, note) -> None:
    """Write a signed export bundle (zip) for an ombudsperson."""
    from caseapp.audit.export import ExportOptions, export_bundle
    from caseapp.core.cli import transaction

    options = ExportOptions(
        recipient=recipient,
        date_from=date_from,
        date_to=date_to,
        case_number=case_number,
        identified=identified,
        note=note,
    )
    bar = None

    def on_total(total: int) -> None:
        nonlocal bar
        bar = click.progressbar(length=total, label="exporting", file=sys.stderr)
        bar.__enter__()

    result = None
    try:
        with transaction():  # the export's own audit entry is committed with it
            try:
                result = export_bundle(
                    None,
                    options,
                    workdir=Path(out).resolve().parent,
                    progress=lambda n: bar.update(n),
                    on_total=on_total,
                )
            finally:
                if bar is not None:
                    bar.__exit__(None, None, None)
    except DomainError as err:
        raise click.ClickException(err.message) from err
    except Exception:
        if result is not None:
            result.discard()
        raise
    result.publish(out)
    m = result.manifest
    click.echo(
        f"wrote {out}: entries {m['first_seq']}..{m['last_seq']} ({m['count']}), "
        f"chain head {m['chain_head_hash']}, key {m['key_id']}"
    )


@cli.command("verify-export")
@click.argument("bundle", type=click.Path(exists=True, dir_okay=False))
@click.option("--public-key", type=click.File("rb"), help="PEM key obtained by another channel.")
@click.option("--fingerprint", help="Expected key fingerprint (hex).")
def verify_export(bundle, public_key, fingerprint) -> None:
    """Check a bundle (same code as tools/verify_export.py); exit 1 on any failure."""
    report = verify_bundle(bundle, public_key.read() if public_key else None, fingerprint)
    for note in report.notes:
        click.echo(note)
    for failure in report.failures:
        click.echo(f"FAIL: {failure}", err=True)
    if not report.ok:
        click.echo(f"{len(report.failures)} check(s) failed", err=True)
        sys.exit(1)
    click.echo("OK: the bundle verifies")


@cli.command("public-key")
def public_key() -> None:
    """Print the export-signing public key (PEM) and its fingerprint."""
    click.echo(keys.public_key_pem().decode(), nl=False)
    fp = keys.key_id()
    click.echo(f"fingerprint (SHA-256): {fp}")
    click.echo(f"                       {keys.grouped(fp)}")
