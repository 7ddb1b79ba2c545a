"""Witnessed audit: signed checkpoints, witness keys, countersignatures; exports append-only.

Reviewed by hand. New tables only (no data to carry over). ``audit_export``,
``audit_checkpoint``, ``audit_witness_key`` and ``audit_countersignature`` refuse UPDATE and
DELETE (and TRUNCATE on PostgreSQL), like ``audit_entry`` (issue 14, finding 6).

Revision ID: c7e1a9d4b2f3
Revises: ef4ac736561a
Create Date: 2026-11-29 22:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

import caseapp.core.db

revision = 'c7e1a9d4b2f3'
down_revision = 'ef4ac736561a'
branch_labels = None
depends_on = None

APPEND_ONLY = ('audit_export', 'audit_checkpoint', 'audit_witness_key', 'audit_countersignature')
PG_FUNCTION = """CREATE FUNCTION audit_append_only_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
    END $$"""


def _triggers(dialect: str, table: str) -> list[str]:
    if dialect == 'postgresql':
        return [
            f"""CREATE TRIGGER {table}_no_update_delete BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION audit_append_only_refuse()""",
            f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only_refuse()""",
        ]
    return [
        f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
        BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused'); END""",
        f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
        BEGIN SELECT RAISE(ABORT, '{table} is append-only: DELETE refused'); END""",
    ]


def upgrade():
    op.create_table('audit_checkpoint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('made_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('instance_id', sa.String(length=64), nullable=False),
    sa.Column('tree_size', sa.Integer(), nullable=False),
    sa.Column('chain_hash', sa.String(length=64), nullable=False),
    sa.Column('merkle_root', sa.String(length=64), nullable=False),
    sa.Column('key_id', sa.String(length=64), nullable=False),
    sa.Column('signature', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_checkpoint'))
    )
    with op.batch_alter_table('audit_checkpoint', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_checkpoint_tree_size'), ['tree_size'], unique=False)

    op.create_table('audit_witness_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('key_id', sa.String(length=64), nullable=False),
    sa.Column('public_key', sa.Text(), nullable=False),
    sa.Column('registered_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_witness_key')),
    sa.UniqueConstraint('key_id', name=op.f('uq_audit_witness_key_key_id')),
    sa.UniqueConstraint('name', name=op.f('uq_audit_witness_key_name'))
    )
    op.create_table('audit_countersignature',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('checkpoint_id', sa.Integer(), nullable=False),
    sa.Column('witness_key_id', sa.Integer(), nullable=False),
    sa.Column('signature', sa.String(length=100), nullable=False),
    sa.Column('received_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['checkpoint_id'], ['audit_checkpoint.id'], name=op.f('fk_audit_countersignature_checkpoint_id_audit_checkpoint'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['witness_key_id'], ['audit_witness_key.id'], name=op.f('fk_audit_countersignature_witness_key_id_audit_witness_key'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_countersignature'))
    )
    with op.batch_alter_table('audit_countersignature', schema=None) as batch_op:
        batch_op.create_index('uq_audit_countersignature_pair', ['checkpoint_id', 'witness_key_id'], unique=True)

    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        op.execute(PG_FUNCTION)
    for table in APPEND_ONLY:
        for statement in _triggers(dialect, table):
            op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY:
        if dialect == 'postgresql':
            op.execute(f'DROP TRIGGER IF EXISTS {table}_no_update_delete ON {table}')
            op.execute(f'DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}')
        else:
            op.execute(f'DROP TRIGGER IF EXISTS {table}_no_update')
            op.execute(f'DROP TRIGGER IF EXISTS {table}_no_delete')
    if dialect == 'postgresql':
        op.execute('DROP FUNCTION IF EXISTS audit_append_only_refuse()')
    op.drop_table('audit_countersignature')
    op.drop_table('audit_witness_key')
    with op.batch_alter_table('audit_checkpoint', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_checkpoint_tree_size'))
    op.drop_table('audit_checkpoint')
