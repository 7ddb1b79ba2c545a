"""Background audit exports: one row per job (who asked, range, progress, file).

Reviewed by hand: a new table only, no existing data touched. The file itself lives in
instance/exports/, never in the database.

Revision ID: 3b7e0a9c51d2
Revises: b7c41e2d9a05
Create Date: 2026-11-29 22:26:14.518739
"""

import sqlalchemy as sa
from alembic import op

import caseapp.core.db

revision = '3b7e0a9c51d2'
down_revision = "b7c41e2d9a05"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('export_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.String(length=200), nullable=False),
    sa.Column('date_from', sa.Date(), nullable=True),
    sa.Column('date_to', sa.Date(), nullable=True),
    sa.Column('case_number', sa.String(length=20), nullable=True),
    sa.Column('status', sa.Enum('queued', 'running', 'done', 'failed', name='job_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('total', sa.Integer(), nullable=True),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=100), nullable=True),
    sa.Column('downloaded', sa.Boolean(), nullable=False),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('created_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_export_job_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_job'))
    )
    with op.batch_alter_table('export_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_export_job_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('export_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_export_job_user_id'))

    op.drop_table('export_job')
