"""Security: server-side sessions, 2FA (TOTP + recovery codes), login throttling, documents.

Reviewed by hand: session tokens and recovery codes are stored only as SHA-256; login
attempts keep a keyed hash of the e-mail typed, never the address; documents keep metadata
only (the bytes live outside the database under a random name).

Revision ID: fa9c15fa548c
Revises: 251ea286ead6
Create Date: 2026-11-22 13:05:55.234427
"""

import sqlalchemy as sa
from alembic import op

import caseapp.core.db

revision = 'fa9c15fa548c'
down_revision = '251ea286ead6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('account_key', sa.String(length=64), nullable=False),
    sa.Column('ip', sa.String(length=64), nullable=False),
    sa.Column('succeeded', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_attempt'))
    )
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.create_index('ix_login_attempt_account_key_occurred_at', ['account_key', 'occurred_at'], unique=False)
        batch_op.create_index('ix_login_attempt_ip_occurred_at', ['ip', 'occurred_at'], unique=False)

    op.create_table('recovery_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_recovery_code_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_code')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_recovery_code_code_hash'))
    )
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_code_user_id'), ['user_id'], unique=False)

    op.create_table('user_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.Enum('second_factor', 'enrol', 'active', name='session_stage', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('created_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('end_reason', sa.String(length=40), nullable=True),
    sa.Column('pending_totp_secret', sa.String(length=64), nullable=True),
    sa.CheckConstraint('(ended_at IS NULL) = (end_reason IS NULL)', name=op.f('ck_user_session_ended_iff_end_reason')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_user_session_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_user_session_token_hash'))
    )
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_session_user_id'), ['user_id'], unique=False)

    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('storage_name', sa.String(length=64), nullable=False),
    sa.Column('original_filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('record_type', sa.String(length=40), nullable=True),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(record_type IS NULL) = (record_id IS NULL)', name=op.f('ck_document_record_type_iff_record_id')),
    sa.CheckConstraint('size_bytes >= 0', name=op.f('ck_document_size_not_negative')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_document_case_id_case')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_document_uploaded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document')),
    sa.UniqueConstraint('storage_name', name=op.f('uq_document_storage_name'))
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_case_id'), ['case_id'], unique=False)

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_enabled_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))



def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_enabled_at')
        batch_op.drop_column('totp_secret')

    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_case_id'))

    op.drop_table('document')
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_session_user_id'))

    op.drop_table('user_session')
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_code_user_id'))

    op.drop_table('recovery_code')
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.drop_index('ix_login_attempt_ip_occurred_at')
        batch_op.drop_index('ix_login_attempt_account_key_occurred_at')

    op.drop_table('login_attempt')
