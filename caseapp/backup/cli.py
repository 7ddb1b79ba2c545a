"""``flask --app caseapp backup create|restore``: whole backups (issue 14, finding 7)."""

from __future__ import annotations

import os
import sys

import click
from flask.cli import AppGroup

PASSPHRASE_ENV = "CASEAPP_BACKUP_PASSPHRASE"  # noqa: S105 -- the variable's name


@click.group("backup", cls=AppGroup)
def cli() -> None:
    """Back up and restore the database with the instance secrets."""


def _passphrase(from_stdin: bool, confirm: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    return click.prompt("Backup passphrase", hide_input=True, confirmation_prompt=confirm)


@cli.command("create")
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True))
@click.option("--passphrase-stdin", is_flag=True, help="Read the passphrase from stdin.")
def create(out, passphrase_stdin) -> None:
    """Write a consistent backup while the app serves (secrets encrypted under a passphrase).

    The passphrase comes from stdin (--passphrase-stdin), CASEAPP_BACKUP_PASSPHRASE, or a
    prompt. Keep it apart from the backup: without it the backup cannot be restored.
    """
    from caseapp.backup.archive import BackupError, create_backup

    try:
        metadata = create_backup(out, _passphrase(passphrase_stdin, confirm=True))
    except (BackupError, ValueError) as err:
        raise click.ClickException(str(err)) from err
    head = metadata["chain_head"] or {"seq": 0}
    click.echo(
        f"wrote {out}: {metadata['dialect']} database, {metadata['counts']['case']} cases, "
        f"audit chain to entry {head['seq']}, signing key {metadata['key_id']}"
    )


@cli.command("restore")
@click.argument("backup", type=click.Path(exists=True, dir_okay=False))
@click.option("--passphrase-stdin", is_flag=True, help="Read the passphrase from stdin.")
def restore(backup, passphrase_stdin) -> None:
    """Restore a backup onto an empty instance; it then checks itself (exit 1 on a failure)."""
    from caseapp.backup.archive import BackupError, restore_backup

    try:
        report = restore_backup(backup, _passphrase(passphrase_stdin, confirm=False))
    except BackupError as err:
        raise click.ClickException(str(err)) from err
    for name, ok, detail in report.checks:
        click.echo(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}")
    if not report.ok:
        click.echo("the restored instance does not match the backup", err=True)
        sys.exit(1)
    click.echo(f"restored {backup}: the instance verifies (key {report.metadata['key_id']})")
