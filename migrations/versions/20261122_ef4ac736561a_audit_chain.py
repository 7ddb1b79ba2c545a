"""Tamper-evident audit trail: hash chain, chain head, export register, append-only triggers.

Reviewed by hand. Existing audit entries (if any) are chained in id order before the new
columns become NOT NULL. The triggers make the database itself refuse UPDATE and DELETE on
``audit_entry`` (and TRUNCATE on PostgreSQL); they are created last because SQLite's batch
mode recreates the table (and would drop them). A later migration that recreates
``audit_entry`` in batch mode on SQLite must create the triggers again.

Revision ID: ef4ac736561a
Revises: fa9c15fa548c
Create Date: 2026-11-22 13:04:22.114838
"""

import secrets

import sqlalchemy as sa
from alembic import op

import caseapp.core.db
from caseapp.audit.bundle_verifier import GENESIS_HASH, chain_hash, format_time, personal_digest

revision = 'ef4ac736561a'
down_revision = 'fa9c15fa548c'
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = (
    """CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
    BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry
    BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only: DELETE refused'); END""",
)
PG_TRIGGERS = (
    """CREATE FUNCTION audit_entry_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit_entry is append-only: % refused', TG_OP;
    END $$""",
    """CREATE TRIGGER audit_entry_no_update_delete BEFORE UPDATE OR DELETE ON audit_entry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_refuse_change()""",
    """CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_refuse_change()""",
)


def _chain_existing_entries():
    """Give entries written before this migration their place in the chain, in id order."""
    entry = sa.table(
        'audit_entry',
        sa.column('id', sa.Integer()),
        sa.column('seq', sa.Integer()),
        sa.column('occurred_at', caseapp.core.db.UTCDateTime(timezone=True)),
        sa.column('actor_id', sa.Integer()),
        sa.column('actor_agency_id', sa.Integer()),
        sa.column('action', sa.String()),
        sa.column('object_type', sa.String()),
        sa.column('object_id', sa.Integer()),
        sa.column('case_id', sa.Integer()),
        sa.column('diff', sa.JSON()),
        sa.column('reason', sa.Text()),
        sa.column('salt', sa.String()),
        sa.column('hash', sa.String()),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(entry).order_by(entry.c.id)).mappings().all()
    prev, seq, last_time = GENESIS_HASH, 0, None
    for row in rows:
        seq += 1
        moment = row['occurred_at'] if last_time is None else max(row['occurred_at'], last_time)
        salt = secrets.token_hex(16)
        sealed = {
            'seq': seq,
            'occurred_at': format_time(moment),
            'action': row['action'],
            'object_type': row['object_type'],
            'object_id': row['object_id'],
            'case_id': row['case_id'],
            'actor_agency_id': row['actor_agency_id'],
            'personal': personal_digest(salt, row['actor_id'], row['diff'], row['reason']),
        }
        prev = chain_hash(prev, sealed)
        last_time = moment
        bind.execute(
            entry.update()
            .where(entry.c.id == row['id'])
            .values(seq=seq, occurred_at=moment, salt=salt, hash=prev)
        )
    head = sa.table(
        'audit_chain_head',
        sa.column('id', sa.Integer()),
        sa.column('seq', sa.Integer()),
        sa.column('hash', sa.String()),
        sa.column('occurred_at', caseapp.core.db.UTCDateTime(timezone=True)),
    )
    bind.execute(head.insert().values(id=1, seq=seq, hash=prev, occurred_at=last_time))


def upgrade():
    op.create_table('audit_chain_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('occurred_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('id = 1', name=op.f('ck_audit_chain_head_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain_head'))
    )
    op.create_table('audit_export',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('made_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('made_by_id', sa.Integer(), nullable=True),
    sa.Column('recipient', sa.String(length=200), nullable=False),
    sa.Column('identified', sa.Boolean(), nullable=False),
    sa.Column('first_seq', sa.Integer(), nullable=True),
    sa.Column('last_seq', sa.Integer(), nullable=True),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('head_hash', sa.String(length=64), nullable=False),
    sa.Column('manifest_sha256', sa.String(length=64), nullable=False),
    sa.Column('filters', sa.JSON(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['made_by_id'], ['user_account.id'], name=op.f('fk_audit_export_made_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_export'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('salt', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))

    _chain_existing_entries()

    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.alter_column('seq', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('salt', existing_type=sa.String(length=32), nullable=False)
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_audit_entry_seq'), ['seq'])

    statements = PG_TRIGGERS if op.get_bind().dialect.name == 'postgresql' else SQLITE_TRIGGERS
    for statement in statements:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_entry')
        op.execute('DROP TRIGGER IF EXISTS audit_entry_no_update_delete ON audit_entry')
        op.execute('DROP FUNCTION IF EXISTS audit_entry_refuse_change()')
    else:
        op.execute('DROP TRIGGER IF EXISTS audit_entry_no_update')
        op.execute('DROP TRIGGER IF EXISTS audit_entry_no_delete')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_entry_seq'), type_='unique')
        batch_op.drop_column('hash')
        batch_op.drop_column('salt')
        batch_op.drop_column('seq')

    op.drop_table('audit_export')
    op.drop_table('audit_chain_head')
