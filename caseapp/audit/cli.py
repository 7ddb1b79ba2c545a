"""``flask --app caseapp audit ...``: verify the chain, export and verify bundles, public key."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
from flask.cli import AppGroup

from caseapp.audit import keys
from caseapp.audit.bundle_verifier import verify_bundle
from caseapp.core.cli import transaction
from caseapp.core.errors import DomainError


@click.group("audit", cls=AppGroup)
def cli() -> None:
    """The tamper-evident audit trail (DESIGN.md section 6)."""


@cli.command("verify")
@click.option(
    "--against",
    type=click.Path(exists=True, dir_okay=False),
    help="An earlier export bundle: name the first entry that differs from it.",
)
def verify(against) -> None:
    """Check the live chain against its checkpoints and past exports; exit 1 if broken."""
    from caseapp.audit.bundle_verifier import entry_hashes
    from caseapp.audit.verify import verify_chain

    if against:
        report = verify_bundle(against, keys.public_key_pem())
        if not report.ok:
            for failure in report.failures:
                click.echo(f"FAIL: {failure}", err=True)
            raise click.ClickException(f"{against} does not verify; it cannot be compared")
    status = verify_chain(against=entry_hashes(against) if against else None)
    if status.ok:
        click.echo(
            f"OK: {status.count} entries, chain head {status.head_hash}, Merkle root "
            f"{status.merkle_root}; {status.references_checked} checkpoint(s) and past "
            "export(s) match"
        )
        return
    click.echo(f"BROKEN at entry {status.broken_seq}: {status.problem}", err=True)
    sys.exit(1)


@cli.command("checkpoint")
def checkpoint() -> None:
    """Verify the chain, then sign and store a checkpoint of its head (run it from cron)."""
    from caseapp.audit.checkpoints import record_checkpoint
    from caseapp.audit.verify import verify_chain

    status = verify_chain()
    if not status.ok:
        click.echo(f"BROKEN at entry {status.broken_seq}: {status.problem}", err=True)
        sys.exit(1)
    with transaction():
        made = record_checkpoint(status.count, status.head_hash, status.merkle_root)
    click.echo(
        f"checkpoint #{made.id}: entry {made.tree_size}, chain hash {made.chain_hash}, "
        f"Merkle root {made.merkle_root}"
    )


@cli.command("witness-add")
@click.option("--name", required=True, help="Who holds the key (e.g. the ombudsperson's office).")
@click.option("--public-key", "public_key_file", required=True, type=click.File("rb"))
def witness_add(name, public_key_file) -> None:
    """Register an ombudsperson's Ed25519 public key for countersigning checkpoints."""
    from caseapp.audit.checkpoints import register_witness

    try:
        with transaction():
            witness = register_witness(name, public_key_file.read())
    except DomainError as err:
        raise click.ClickException(err.message) from err
    click.echo(f"registered {witness.name}: key {witness.key_id}")


@cli.command("countersign")
@click.argument("countersignature", type=click.File("rb"))
def countersign(countersignature) -> None:
    """Store a witness's countersignature (made with tools/verify_export.py --countersign)."""
    import json

    from caseapp.audit.checkpoints import store_countersignature

    try:
        document = json.loads(countersignature.read())
        if not isinstance(document, dict):
            raise ValueError("not a JSON object")
    except ValueError as err:
        raise click.ClickException(f"not a countersignature ({err})") from err
    try:
        with transaction():
            signed = store_countersignature(document)
    except DomainError as err:
        raise click.ClickException(err.message) from err
    click.echo(f"countersignature stored for checkpoint #{signed.checkpoint_id}")


@cli.command("prove")
@click.option("--case", "case_number", required=True, help="Prove this case's entries.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True))
def prove(case_number, out) -> None:
    """Inclusion proofs of one case's entries in a new signed checkpoint (no other entry).

    Also proves the new checkpoint consistent with every earlier one (RFC 9162).
    """
    import json

    from caseapp.audit.proofs import case_proof

    try:
        with transaction():
            proof = case_proof(case_number)
    except DomainError as err:
        raise click.ClickException(err.message) from err
    Path(out).write_text(json.dumps(proof, indent=1, sort_keys=True, ensure_ascii=False))
    click.echo(
        f"wrote {out}: {len(proof['entries'])} entries of case {case_number} in the checkpoint "
        f"of entry {proof['checkpoint']['tree_size']}"
    )


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
                    progress=lambda n: bar.update(n) if bar is not None else None,
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
@click.option(
    "--public-key",
    type=click.File("rb"),
    help="PEM key obtained by another channel (default: this instance's own key).",
)
@click.option("--fingerprint", help="Expected key fingerprint (hex).")
def verify_export(bundle, public_key, fingerprint) -> None:
    """Check a bundle (same code as tools/verify_export.py); exit 1 on any failure.

    Uses this instance's own key unless ``--public-key`` is given (never the key inside the
    bundle), and requires the bundle to contain every checkpoint this instance has signed.
    """
    from caseapp.audit.checkpoints import stored_lines
    from caseapp.audit.verify import snapshot

    pem = public_key.read() if public_key else keys.public_key_pem()
    with snapshot() as conn:
        known = {
            str(line["tree_size"]): line
            for line in stored_lines(conn)
            if line["key_id"] == keys.key_id()
        }
    state = {"instances": {keys.instance_id(): {"checkpoints": known}}}
    report = verify_bundle(bundle, pem, fingerprint, state=state, parallel=True)
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
