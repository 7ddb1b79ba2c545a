"""People, agencies, cases, children, family members and the audit table.

Reviewed by hand: stages and enums are VARCHAR with named CHECK constraints (portable
between SQLite and PostgreSQL); the audit table keeps plain ids for actors so it outlives them.

Revision ID: 50165ce959f9
Revises: (none)
Create Date: 2026-11-22 12:55:39.184959
"""

import sqlalchemy as sa
from alembic import op

import caseapp.core.db

revision = '50165ce959f9'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agency',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('kind', sa.Enum('child_protection', 'central_authority', 'ngo', 'law_enforcement', 'consulate', 'counterpart_abroad', 'ombudsperson', name='agency_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency')),
    sa.UniqueConstraint('code', name=op.f('uq_agency_code'))
    )
    op.create_table('case_number_counter',
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('country', 'year', name=op.f('pk_case_number_counter'))
    )
    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.Enum('caseworker', 'supervisor', 'ombudsperson', 'admin', name='role', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role NOT IN ('caseworker', 'supervisor') OR agency_id IS NOT NULL", name=op.f('ck_user_account_agency_staff_have_agency')),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_user_account_agency_id_agency')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_account')),
    sa.UniqueConstraint('email', name=op.f('uq_user_account_email'))
    )
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_account_agency_id'), ['agency_id'], unique=False)

    op.create_table('case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('lead_agency_id', sa.Integer(), nullable=False),
    sa.Column('caseworker_id', sa.Integer(), nullable=True),
    sa.Column('stage', sa.Enum('identified', 'registered', 'assessment', 'determination', 'decided', 'return_preparation', 'return_approved', 'returned', 'monitoring', 'implementation', 'closed', name='stage', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('outcome', sa.Enum('local_integration', 'tolerated_stay', 'return', 'third_country', name='outcome', native_enum=False, create_constraint=True, length=40), nullable=True),
    sa.Column('opened_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closure_reason', sa.Text(), nullable=True),
    sa.Column('updated_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("(stage = 'closed') = (closed_at IS NOT NULL)", name=op.f('ck_case_closed_iff_closed_at')),
    sa.CheckConstraint("stage <> 'closed' OR closure_reason IS NOT NULL", name=op.f('ck_case_closed_has_reason')),
    sa.ForeignKeyConstraint(['caseworker_id'], ['user_account.id'], name=op.f('fk_case_caseworker_id_user_account')),
    sa.ForeignKeyConstraint(['lead_agency_id'], ['agency.id'], name=op.f('fk_case_lead_agency_id_agency')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case')),
    sa.UniqueConstraint('number', name=op.f('uq_case_number'))
    )
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_caseworker_id'), ['caseworker_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_lead_agency_id'), ['lead_agency_id'], unique=False)

    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_agency_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=80), nullable=False),
    sa.Column('object_type', sa.String(length=60), nullable=True),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('diff', sa.JSON(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_audit_entry_case_id_case'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index('ix_audit_entry_case_id_occurred_at', ['case_id', 'occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_occurred_at'), ['occurred_at'], unique=False)

    op.create_table('child',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('sex', sa.Enum('female', 'male', 'other', 'unknown', name='sex', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=True),
    sa.Column('age_min', sa.Integer(), nullable=True),
    sa.Column('age_max', sa.Integer(), nullable=True),
    sa.Column('age_method', sa.Enum('document', 'self_declared', 'psychosocial', 'medical', 'multidisciplinary', 'unknown', name='age_method', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('nationality_status', sa.Enum('national', 'stateless', 'at_risk_of_statelessness', 'undetermined', name='nationality_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('nationalities', sa.JSON(), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('interpreter_needed', sa.Boolean(), nullable=False),
    sa.Column('country_of_origin', sa.String(length=2), nullable=True),
    sa.Column('transit_countries', sa.JSON(), nullable=False),
    sa.Column('current_location', sa.String(length=200), nullable=True),
    sa.Column('identified_by', sa.Enum('police', 'border_guard', 'social_services', 'ngo', 'self_referral', 'other', name='identified_by', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('identified_by_name', sa.String(length=200), nullable=True),
    sa.Column('identified_on', sa.Date(), nullable=True),
    sa.Column('identified_place', sa.String(length=200), nullable=True),
    sa.Column('care_status', sa.Enum('accompanied', 'separated', 'unaccompanied', name='care_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('identity_verification', sa.Enum('not_verified', 'documents_seen', 'confirmed_with_consulate', name='identity_verification', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('legal_status', sa.String(length=200), nullable=True),
    sa.Column('parents_identity_verified', sa.Boolean(), nullable=False),
    sa.Column('trafficking_indicators', sa.Boolean(), nullable=False),
    sa.Column('disability', sa.Boolean(), nullable=False),
    sa.Column('health_needs', sa.Boolean(), nullable=False),
    sa.Column('violence_victim', sa.Boolean(), nullable=False),
    sa.Column('hate_crime_victim', sa.Boolean(), nullable=False),
    sa.Column('charged_irregular_entry', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.CheckConstraint('age_min IS NULL OR age_max IS NULL OR age_min <= age_max', name=op.f('ck_child_age_range_ordered')),
    sa.CheckConstraint('age_min IS NULL OR age_min >= 0', name=op.f('ck_child_age_min_not_negative')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_child_case_id_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_child')),
    sa.UniqueConstraint('case_id', name=op.f('uq_child_case_id'))
    )
    with op.batch_alter_table('child', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_child_country_of_origin'), ['country_of_origin'], unique=False)

    op.create_table('family_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('relation', sa.Enum('mother', 'father', 'sibling', 'grandparent', 'aunt_uncle', 'other_relative', 'legal_guardian', 'significant_person', name='relation', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('whereabouts', sa.String(length=200), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('contact_status', sa.Enum('not_contacted', 'in_contact', 'unreachable', 'refused_contact', name='contact_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('tracing_status', sa.Enum('not_started', 'in_progress', 'traced', 'not_found', 'deceased', name='tracing_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('assessment_result', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_family_member_case_id_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_family_member'))
    )
    with op.batch_alter_table('family_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_family_member_case_id'), ['case_id'], unique=False)

    op.create_table('child_name',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('given_name', sa.String(length=120), nullable=False),
    sa.Column('family_name', sa.String(length=120), nullable=True),
    sa.Column('patronymic', sa.String(length=120), nullable=True),
    sa.Column('is_primary', sa.Boolean(), nullable=False),
    sa.Column('search_key', sa.String(length=400), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_child_name_child_id_child'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_child_name'))
    )
    with op.batch_alter_table('child_name', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_child_name_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_child_name_search_key'), ['search_key'], unique=False)



def downgrade():
    with op.batch_alter_table('child_name', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_child_name_search_key'))
        batch_op.drop_index(batch_op.f('ix_child_name_child_id'))

    op.drop_table('child_name')
    with op.batch_alter_table('family_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_family_member_case_id'))

    op.drop_table('family_member')
    with op.batch_alter_table('child', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_child_country_of_origin'))

    op.drop_table('child')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_occurred_at'))
        batch_op.drop_index('ix_audit_entry_case_id_occurred_at')
        batch_op.drop_index(batch_op.f('ix_audit_entry_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_action'))

    op.drop_table('audit_entry')
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_lead_agency_id'))
        batch_op.drop_index(batch_op.f('ix_case_caseworker_id'))

    op.drop_table('case')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_account_agency_id'))

    op.drop_table('user_account')
    op.drop_table('case_number_counter')
    op.drop_table('agency')
