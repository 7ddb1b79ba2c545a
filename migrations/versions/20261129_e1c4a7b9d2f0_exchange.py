"""Cross-border exchange (issue 11): partners, links, documents, outbox; API tokens.

Reviewed by hand. New tables only, no data to carry over. ``down_revision`` is the head of
main when the branch was made; the integrator re-chains it.

Revision ID: e1c4a7b9d2f0
Revises: d1e2f3a4b5c6
Create Date: 2026-11-29 22:54:23.643097
"""

import sqlalchemy as sa
from alembic import op

import caseapp.core.db

revision = 'e1c4a7b9d2f0'
down_revision = 'd1e2f3a4b5c6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('exchange_partner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('base_url', sa.String(length=300), nullable=False),
    sa.Column('public_key', sa.String(length=64), nullable=False),
    sa.Column('key_id', sa.String(length=64), nullable=False),
    sa.Column('confirmed_by', sa.String(length=300), nullable=False),
    sa.Column('local_agency_id', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['local_agency_id'], ['agency.id'], name=op.f('fk_exchange_partner_local_agency_id_agency')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_partner')),
    sa.UniqueConstraint('key_id', name=op.f('uq_exchange_partner_key_id'))
    )
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_api_token_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)

    op.create_table('exchange_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.String(length=36), nullable=False),
    sa.Column('exchange_id', sa.String(length=36), nullable=False),
    sa.Column('doc_type', sa.Enum('home_study_request', 'home_study_report', 'guarantee', 'guarantee_withdrawal', 'readiness', 'readiness_withdrawal', 'reintegration_plan', 'travel_plan', 'handover_receipt', 'monitoring_visit_report', 'closure_notice', name='exchange_doc_type', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('schema_version', sa.Integer(), nullable=False),
    sa.Column('direction', sa.Enum('sent', 'received', name='exchange_direction', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('envelope', sa.Text(), nullable=False),
    sa.Column('sent_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('received_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('transport', sa.Enum('network', 'file', name='exchange_transport', native_enum=False, create_constraint=True, length=40), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_exchange_document_case_id_case')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_exchange_document_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['partner_id'], ['exchange_partner.id'], name=op.f('fk_exchange_document_partner_id_exchange_partner')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_document')),
    sa.UniqueConstraint('document_id', name=op.f('uq_exchange_document_document_id'))
    )
    with op.batch_alter_table('exchange_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exchange_document_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exchange_document_exchange_id'), ['exchange_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exchange_document_partner_id'), ['partner_id'], unique=False)

    op.create_table('exchange_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exchange_id', sa.String(length=36), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('incoming', sa.Boolean(), nullable=False),
    sa.Column('created_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_exchange_link_case_id_case')),
    sa.ForeignKeyConstraint(['partner_id'], ['exchange_partner.id'], name=op.f('fk_exchange_link_partner_id_exchange_partner')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_link')),
    sa.UniqueConstraint('exchange_id', name=op.f('uq_exchange_link_exchange_id'))
    )
    with op.batch_alter_table('exchange_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exchange_link_case_id'), ['case_id'], unique=False)

    op.create_table('exchange_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('delivered_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('receipt', sa.Text(), nullable=True),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_exchange_outbox_attempts_not_negative')),
    sa.ForeignKeyConstraint(['document_id'], ['exchange_document.id'], name=op.f('fk_exchange_outbox_document_id_exchange_document')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_outbox')),
    sa.UniqueConstraint('document_id', name=op.f('uq_exchange_outbox_document_id'))
    )
    with op.batch_alter_table('exchange_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exchange_outbox_next_attempt_at'), ['next_attempt_at'], unique=False)



def downgrade():
    with op.batch_alter_table('exchange_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exchange_outbox_next_attempt_at'))

    op.drop_table('exchange_outbox')
    with op.batch_alter_table('exchange_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exchange_link_case_id'))

    op.drop_table('exchange_link')
    with op.batch_alter_table('exchange_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exchange_document_partner_id'))
        batch_op.drop_index(batch_op.f('ix_exchange_document_exchange_id'))
        batch_op.drop_index(batch_op.f('ix_exchange_document_case_id'))

    op.drop_table('exchange_document')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_user_id'))

    op.drop_table('api_token')
    op.drop_table('exchange_partner')
