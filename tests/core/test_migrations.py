"""The schema comes only from migrations, and models and migrations agree."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import Migrate

from caseapp.cases.number_index import is_index_object


def test_single_head(app):
    """Migrations form one line (no forgotten merge)."""
    config = app.extensions["migrate"].migrate.get_config()
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_models_match_migrations(app, db):
    """``upgrade head`` on an empty database leaves nothing for autogenerate to find."""
    assert isinstance(app.extensions["migrate"].migrate, Migrate)
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "render_as_batch": conn.dialect.name == "sqlite",
                # The case-number text index is the migrations' alone (issue 16).
                "include_name": lambda name, type_, parents: not is_index_object(name),
            },
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == []
