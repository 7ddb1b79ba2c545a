"""The schema migrations (Flask-Migrate, i.e. Alembic) bound only where they are used.

Flask-Migrate imports Alembic and Mako (about 25 MB, issue 16 item 6), which neither a web
worker nor the job worker ever needs. So ``create_app`` registers only our ``db`` command
group, which has Flask-Migrate's options and imports its subcommands (``upgrade``,
``migrate``, ``heads``...) the first time the group is looked into; invoking the group binds
the app (``init_app``) before the subcommand runs. Nothing else imports ``flask_migrate``:
the tests that need the migrations' configuration call ``init_app`` themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
from flask import current_app, g

if TYPE_CHECKING:
    from flask import Flask
    from flask_migrate import _MigrateConfig


def init_app(app: Flask) -> _MigrateConfig:
    """Bind Flask-Migrate to ``app`` (once) and return its ``app.extensions["migrate"]``."""
    if "migrate" not in app.extensions:
        from flask_migrate import Migrate

        from caseapp import ROOT
        from caseapp.core.extensions import db

        commands = app.cli.commands.get("db")
        Migrate(app, db, directory=str(ROOT / "migrations"))
        if commands is not None:  # Migrate.init_app puts its own group there: keep ours
            app.cli.add_command(commands, name="db")
    return app.extensions["migrate"]


class _LazyMigrateGroup(click.Group):
    """Flask-Migrate's ``db`` group, imported when a subcommand is listed or looked up."""

    @staticmethod
    def _commands() -> click.Group:
        from flask_migrate.cli import db as migrate_group

        return migrate_group

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._commands().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._commands().get_command(ctx, cmd_name)


@click.group("db", cls=_LazyMigrateGroup)
@click.option(
    "-d", "--directory", default=None, help='Migration script directory (default is "migrations")'
)
@click.option(
    "-x",
    "--x-arg",
    multiple=True,
    help="Additional arguments consumed by custom env.py scripts",
)
def cli(directory: str | None, x_arg: tuple[str, ...]) -> None:
    """Perform database migrations."""
    init_app(current_app._get_current_object())  # type: ignore[attr-defined]
    # Flask-Migrate's own group callback does the same: Migrate.get_config() reads them.
    g.directory = directory
    g.x_arg = x_arg
