"""Lifecycle records (assessment, determination, decision, return preparation, monitoring)
and the return gate (policy versions, suspension register, approvals).

Reviewed by hand. Autogenerate does not see CHECK constraints added to an existing table, so
the stage/outcome constraints on "case" are added explicitly below (batch mode on SQLite).

Revision ID: 251ea286ead6
Revises: 50165ce959f9
Create Date: 2026-11-22 13:01:58.852254
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import caseapp.core.db

revision = '251ea286ead6'
down_revision = '50165ce959f9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('policy_settings',
    sa.Column('version', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('appeal_period_days', sa.Integer(), nullable=False),
    sa.Column('hearing_max_age_days', sa.Integer(), nullable=False),
    sa.Column('monitoring_schedule_months', sa.JSON(), nullable=False),
    sa.Column('bid_time_limit_days', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('appeal_period_days >= 0', name=op.f('ck_policy_settings_appeal_period_not_negative')),
    sa.CheckConstraint('bid_time_limit_days > 0', name=op.f('ck_policy_settings_bid_limit_positive')),
    sa.CheckConstraint('hearing_max_age_days > 0', name=op.f('ck_policy_settings_hearing_age_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_policy_settings_created_by_id_user_account')),
    sa.PrimaryKeyConstraint('version', name=op.f('pk_policy_settings'))
    )
    op.create_table('return_suspension',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('suspended_from', sa.Date(), nullable=False),
    sa.Column('lifted_on', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('lifted_on IS NULL OR lifted_on >= suspended_from', name=op.f('ck_return_suspension_lift_after')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_return_suspension_created_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_suspension'))
    )
    with op.batch_alter_table('return_suspension', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_return_suspension_country'), ['country'], unique=False)

    op.create_table('best_interests_assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('views', sa.Text(), nullable=True),
    sa.Column('identity', sa.Text(), nullable=True),
    sa.Column('family_environment', sa.Text(), nullable=True),
    sa.Column('care_and_safety', sa.Text(), nullable=True),
    sa.Column('vulnerability', sa.Text(), nullable=True),
    sa.Column('health', sa.Text(), nullable=True),
    sa.Column('education', sa.Text(), nullable=True),
    sa.Column('return_country', sa.String(length=2), nullable=True),
    sa.Column('non_refoulement_risk', sa.Enum('low', 'medium', 'high', name='non_refoulement_risk', native_enum=False, create_constraint=True, length=40), nullable=True),
    sa.Column('armed_conflict', sa.Boolean(), nullable=True),
    sa.Column('violence_risk', sa.Enum('low', 'medium', 'high', name='violence_risk', native_enum=False, create_constraint=True, length=40), nullable=True),
    sa.Column('trafficking_risk', sa.Enum('low', 'medium', 'high', name='trafficking_risk', native_enum=False, create_constraint=True, length=40), nullable=True),
    sa.Column('family_capacity', sa.Text(), nullable=True),
    sa.Column('human_rights_impact', sa.Text(), nullable=True),
    sa.Column('risk_summary', sa.Text(), nullable=True),
    sa.Column('return_safe', sa.Boolean(), nullable=True),
    sa.Column('completed_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('completed_at IS NULL OR return_safe IS NOT NULL', name=op.f('ck_best_interests_assessment_completed_has_conclusion')),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_best_interests_assessment_author_id_user_account')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_best_interests_assessment_case_id_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_best_interests_assessment'))
    )
    with op.batch_alter_table('best_interests_assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_best_interests_assessment_case_id'), ['case_id'], unique=False)

    op.create_table('best_interests_determination',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', 'approved', 'sent_back', 'withdrawn', name='bid_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('opened_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recommended', sa.Enum('local_integration', 'tolerated_stay', 'return', 'third_country', name='recommended', native_enum=False, create_constraint=True, length=40), nullable=True),
    sa.Column('reasons', sa.Text(), nullable=True),
    sa.Column('submitted_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('review_comment', sa.Text(), nullable=True),
    sa.Column('withdrawn_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_reason', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("(status = 'approved') = (approved_by_id IS NOT NULL AND approved_at IS NOT NULL) OR status = 'withdrawn'", name=op.f('ck_best_interests_determination_approved_iff_approver')),
    sa.CheckConstraint("status IN ('draft', 'sent_back') OR submitted_at IS NOT NULL", name=op.f('ck_best_interests_determination_submitted_has_date')),
    sa.CheckConstraint('approved_by_id IS NULL OR approved_by_id <> author_id', name=op.f('ck_best_interests_determination_approver_not_author')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['user_account.id'], name=op.f('fk_best_interests_determination_approved_by_id_user_account')),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_best_interests_determination_author_id_user_account')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_best_interests_determination_case_id_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_best_interests_determination'))
    )
    with op.batch_alter_table('best_interests_determination', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_best_interests_determination_case_id'), ['case_id'], unique=False)

    op.create_table('care_guarantee',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('guarantor_kind', sa.Enum('family', 'foreign_authority', name='guarantor', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('guarantor_name', sa.String(length=200), nullable=False),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('written', sa.Boolean(), nullable=False),
    sa.Column('document_reference', sa.String(length=200), nullable=True),
    sa.Column('withdrawn_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_care_guarantee_case_id_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_care_guarantee'))
    )
    with op.batch_alter_table('care_guarantee', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_care_guarantee_case_id'), ['case_id'], unique=False)

    op.create_table('central_authority_approval',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('authority_agency_id', sa.Integer(), nullable=True),
    sa.Column('authority_name', sa.String(length=200), nullable=False),
    sa.Column('reference', sa.String(length=120), nullable=False),
    sa.Column('approved_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['authority_agency_id'], ['agency.id'], name=op.f('fk_central_authority_approval_authority_agency_id_agency')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_central_authority_approval_case_id_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_central_authority_approval'))
    )
    with op.batch_alter_table('central_authority_approval', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_central_authority_approval_case_id'), ['case_id'], unique=False)

    op.create_table('complaint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('lodged_by', sa.Enum('child', 'guardian', 'representative', name='complainant', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('lodged_on', sa.Date(), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('objects_to_decision', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Enum('open', 'answered', 'closed', name='complaint_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('response', sa.Text(), nullable=True),
    sa.Column('responded_on', sa.Date(), nullable=True),
    sa.CheckConstraint("status = 'open' OR (response IS NOT NULL AND responded_on IS NOT NULL)", name=op.f('ck_complaint_answered_has_response')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_complaint_case_id_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint'))
    )
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_case_id'), ['case_id'], unique=False)

    op.create_table('consent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('child_consents', sa.Boolean(), nullable=False),
    sa.Column('child_consent_on', sa.Date(), nullable=True),
    sa.Column('child_consent_how', sa.Text(), nullable=True),
    sa.Column('guardian_consents', sa.Boolean(), nullable=False),
    sa.Column('guardian_consent_on', sa.Date(), nullable=True),
    sa.Column('non_voluntary', sa.Boolean(), nullable=False),
    sa.Column('last_resort_justification', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('last_resort_approved_by_id', sa.Integer(), nullable=True),
    sa.Column('last_resort_approved_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('NOT non_voluntary OR last_resort_justification IS NOT NULL', name=op.f('ck_consent_last_resort_documented')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_consent_case_id_case')),
    sa.ForeignKeyConstraint(['last_resort_approved_by_id'], ['user_account.id'], name=op.f('fk_consent_last_resort_approved_by_id_user_account')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_consent_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent')),
    sa.UniqueConstraint('case_id', name=op.f('uq_consent_case_id'))
    )
    op.create_table('coordination',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('destination_country', sa.String(length=2), nullable=False),
    sa.Column('counterpart_agency_id', sa.Integer(), nullable=True),
    sa.Column('counterpart_name', sa.String(length=200), nullable=False),
    sa.Column('consulate_contact', sa.String(length=200), nullable=True),
    sa.Column('transit_countries', sa.JSON(), nullable=False),
    sa.Column('legal_basis', sa.Enum('bilateral_agreement', 'chisinau_2002', 'hague_1996', 'national_law', 'other', name='legal_basis', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('legal_basis_reference', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_coordination_case_id_case')),
    sa.ForeignKeyConstraint(['counterpart_agency_id'], ['agency.id'], name=op.f('fk_coordination_counterpart_agency_id_agency')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coordination')),
    sa.UniqueConstraint('case_id', name=op.f('uq_coordination_case_id'))
    )
    op.create_table('coordination_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('direction', sa.Enum('sent', 'received', name='message_direction', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('kind', sa.Enum('request', 'information', 'home_study', 'guarantee', 'confirmation_of_readiness', 'other', name='message_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('counterpart', sa.String(length=200), nullable=False),
    sa.Column('counterpart_is_child_protection', sa.Boolean(), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('documents', sa.Text(), nullable=True),
    sa.Column('created_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_coordination_message_case_id_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coordination_message'))
    )
    with op.batch_alter_table('coordination_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coordination_message_case_id'), ['case_id'], unique=False)

    op.create_table('guardian_appointment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('guardian_name', sa.String(length=200), nullable=False),
    sa.Column('appointing_authority', sa.String(length=200), nullable=False),
    sa.Column('appointed_on', sa.Date(), nullable=False),
    sa.Column('declared_independent', sa.Boolean(), nullable=False),
    sa.Column('independence_statement', sa.Text(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.Text(), nullable=True),
    sa.Column('created_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ended_on IS NULL OR ended_on >= appointed_on', name=op.f('ck_guardian_appointment_ends_after_start')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_guardian_appointment_case_id_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guardian_appointment'))
    )
    with op.batch_alter_table('guardian_appointment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_guardian_appointment_case_id'), ['case_id'], unique=False)

    op.create_table('hearing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('heard_by_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=60), nullable=False),
    sa.Column('child_understands_language', sa.Boolean(), nullable=False),
    sa.Column('interpreter', sa.String(length=200), nullable=True),
    sa.Column('child_friendly_information_given', sa.Boolean(), nullable=False),
    sa.Column('seen_alone', sa.Boolean(), nullable=False),
    sa.Column('options_discussed', sa.Boolean(), nullable=False),
    sa.Column('views_by_option', sa.JSON(), nullable=False),
    sa.Column('views_summary', sa.Text(), nullable=False),
    sa.Column('weight', sa.Enum('decisive', 'significant', 'moderate', 'limited', name='weight', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('weight_reasons', sa.Text(), nullable=False),
    sa.Column('created_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_hearing_case_id_case')),
    sa.ForeignKeyConstraint(['heard_by_id'], ['user_account.id'], name=op.f('fk_hearing_heard_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hearing'))
    )
    with op.batch_alter_table('hearing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hearing_case_id'), ['case_id'], unique=False)

    op.create_table('home_study',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('conducted_by', sa.String(length=200), nullable=False),
    sa.Column('favourable', sa.Boolean(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_home_study_case_id_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_home_study'))
    )
    with op.batch_alter_table('home_study', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_home_study_case_id'), ['case_id'], unique=False)

    op.create_table('legal_representative',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=True),
    sa.Column('free_of_charge', sa.Boolean(), nullable=False),
    sa.Column('assigned_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.CheckConstraint('ended_on IS NULL OR ended_on >= assigned_on', name=op.f('ck_legal_representative_ends_after_start')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_legal_representative_case_id_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_representative'))
    )
    with op.batch_alter_table('legal_representative', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_legal_representative_case_id'), ['case_id'], unique=False)

    op.create_table('monitoring_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('monitor_agency_id', sa.Integer(), nullable=True),
    sa.Column('monitor_name', sa.String(length=200), nullable=False),
    sa.Column('independent', sa.Boolean(), nullable=False),
    sa.Column('schedule_months', sa.JSON(), nullable=False),
    sa.Column('first_visit_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_monitoring_plan_case_id_case')),
    sa.ForeignKeyConstraint(['monitor_agency_id'], ['agency.id'], name=op.f('fk_monitoring_plan_monitor_agency_id_agency')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_monitoring_plan')),
    sa.UniqueConstraint('case_id', name=op.f('uq_monitoring_plan_case_id'))
    )
    op.create_table('monitoring_visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('months_after_return', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('visited_on', sa.Date(), nullable=True),
    sa.Column('visited_by', sa.String(length=200), nullable=True),
    sa.Column('wellbeing', sa.Text(), nullable=True),
    sa.Column('family', sa.Text(), nullable=True),
    sa.Column('school', sa.Text(), nullable=True),
    sa.Column('health', sa.Text(), nullable=True),
    sa.Column('concerns', sa.Text(), nullable=True),
    sa.Column('escalated', sa.Boolean(), nullable=False),
    sa.CheckConstraint('visited_on IS NULL OR (wellbeing IS NOT NULL)', name=op.f('ck_monitoring_visit_visited_has_report')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_monitoring_visit_case_id_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_monitoring_visit'))
    )
    with op.batch_alter_table('monitoring_visit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_monitoring_visit_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_monitoring_visit_due_on'), ['due_on'], unique=False)

    op.create_table('placement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('placement_type', sa.Enum('family_community', 'kinship_care', 'foster_family', 'supervised_independent', 'small_group_home', 'open_shelter', 'closed_institution', 'transit_centre', 'detention', name='placement_type', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('responsible_authority', sa.String(length=200), nullable=False),
    sa.Column('run_by_law_enforcement', sa.Boolean(), nullable=False),
    sa.Column('child_can_leave_at_will', sa.Boolean(), nullable=False),
    sa.Column('separated_from_family', sa.Boolean(), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.CheckConstraint('ended_on IS NULL OR ended_on >= started_on', name=op.f('ck_placement_ends_after_start')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_placement_case_id_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_placement'))
    )
    with op.batch_alter_table('placement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_placement_case_id'), ['case_id'], unique=False)

    op.create_table('reintegration_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('education', sa.Text(), nullable=True),
    sa.Column('health', sa.Text(), nullable=True),
    sa.Column('psychosocial', sa.Text(), nullable=True),
    sa.Column('family_support', sa.Text(), nullable=True),
    sa.Column('responsible_agency', sa.String(length=200), nullable=False),
    sa.Column('resources_confirmed', sa.Boolean(), nullable=False),
    sa.Column('resources_confirmed_by', sa.String(length=200), nullable=True),
    sa.Column('resources_confirmed_on', sa.Date(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.CheckConstraint('NOT resources_confirmed OR (resources_confirmed_by IS NOT NULL AND resources_confirmed_on IS NOT NULL)', name=op.f('ck_reintegration_plan_confirmed_has_who_and_when')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_reintegration_plan_case_id_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reintegration_plan')),
    sa.UniqueConstraint('case_id', name=op.f('uq_reintegration_plan_case_id'))
    )
    op.create_table('return_approval',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=False),
    sa.Column('approved_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('case_version', sa.Integer(), nullable=False),
    sa.Column('policy_version', sa.Integer(), nullable=False),
    sa.Column('gate_evaluation', sa.JSON(), nullable=False),
    sa.Column('withdrawn_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_reason', sa.Text(), nullable=True),
    sa.CheckConstraint('(withdrawn_at IS NULL) = (withdrawn_reason IS NULL)', name=op.f('ck_return_approval_withdrawal_has_reason')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['user_account.id'], name=op.f('fk_return_approval_approved_by_id_user_account')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_return_approval_case_id_case')),
    sa.ForeignKeyConstraint(['policy_version'], ['policy_settings.version'], name=op.f('fk_return_approval_policy_version_policy_settings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_approval'))
    )
    with op.batch_alter_table('return_approval', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_return_approval_case_id'), ['case_id'], unique=False)
        batch_op.create_index('uq_return_approval_one_in_force', ['case_id'], unique=True, sqlite_where=sa.text('withdrawn_at IS NULL'), postgresql_where=sa.text('withdrawn_at IS NULL'))

    op.create_table('return_execution',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('travelled_on', sa.Date(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('received_by', sa.String(length=200), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('recorded_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('received_on >= travelled_on', name=op.f('ck_return_execution_received_after_travel')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_return_execution_case_id_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_execution')),
    sa.UniqueConstraint('case_id', name=op.f('uq_return_execution_case_id'))
    )
    op.create_table('service_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('school', 'healthcare', 'psychosocial', name='service_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('provider', sa.String(length=200), nullable=False),
    sa.Column('mainstream', sa.Boolean(), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_service_record_case_id_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_record'))
    )
    with op.batch_alter_table('service_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_record_case_id'), ['case_id'], unique=False)

    op.create_table('travel_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('travel_on', sa.Date(), nullable=False),
    sa.Column('route', sa.Text(), nullable=False),
    sa.Column('escort_name', sa.String(length=200), nullable=False),
    sa.Column('escort_kind', sa.Enum('child_protection', 'law_enforcement', 'family', 'other', name='escort_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('receiving_official', sa.String(length=200), nullable=False),
    sa.Column('receiving_is_child_protection', sa.Boolean(), nullable=False),
    sa.Column('handover_place', sa.String(length=200), nullable=False),
    sa.Column('handover_at_border', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_travel_plan_case_id_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_travel_plan')),
    sa.UniqueConstraint('case_id', name=op.f('uq_travel_plan_case_id'))
    )
    op.create_table('bid_option',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bid_id', sa.Integer(), nullable=False),
    sa.Column('option', sa.Enum('local_integration', 'tolerated_stay', 'return', 'third_country', name='option', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('assessment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['bid_id'], ['best_interests_determination.id'], name=op.f('fk_bid_option_bid_id_best_interests_determination'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bid_option'))
    )
    with op.batch_alter_table('bid_option', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bid_option_bid_id'), ['bid_id'], unique=False)

    op.create_table('bid_panel_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bid_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.Enum('chair', 'guardian', 'member', name='panel_role', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=True),
    sa.Column('child_protection', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['bid_id'], ['best_interests_determination.id'], name=op.f('fk_bid_panel_member_bid_id_best_interests_determination'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bid_panel_member'))
    )
    with op.batch_alter_table('bid_panel_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bid_panel_member_bid_id'), ['bid_id'], unique=False)

    op.create_table('decision_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('bid_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.Enum('local_integration', 'tolerated_stay', 'return', 'third_country', name='outcome', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=False),
    sa.Column('child_notified_on', sa.Date(), nullable=True),
    sa.Column('notice_language', sa.String(length=60), nullable=True),
    sa.Column('child_understands_language', sa.Boolean(), nullable=False),
    sa.Column('guardian_notified_on', sa.Date(), nullable=True),
    sa.Column('appeal_deadline', sa.Date(), nullable=False),
    sa.Column('superseded_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('appeal_deadline >= decided_on', name=op.f('ck_decision_notice_deadline_after_decision')),
    sa.ForeignKeyConstraint(['bid_id'], ['best_interests_determination.id'], name=op.f('fk_decision_notice_bid_id_best_interests_determination')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_decision_notice_case_id_case')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_decision_notice_decided_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision_notice'))
    )
    with op.batch_alter_table('decision_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_notice_case_id'), ['case_id'], unique=False)

    op.create_table('family_assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('family_member_id', sa.Integer(), nullable=False),
    sa.Column('assessed_on', sa.Date(), nullable=False),
    sa.Column('assessed_by', sa.String(length=200), nullable=False),
    sa.Column('outcome', sa.Enum('suitable', 'not_suitable', 'inconclusive', name='family_assessment_outcome', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_family_assessment_case_id_case')),
    sa.ForeignKeyConstraint(['family_member_id'], ['family_member.id'], name=op.f('fk_family_assessment_family_member_id_family_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_family_assessment'))
    )
    with op.batch_alter_table('family_assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_family_assessment_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_family_assessment_family_member_id'), ['family_member_id'], unique=False)

    op.create_table('appeal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=True),
    sa.Column('lodged_on', sa.Date(), nullable=False),
    sa.Column('lodged_by', sa.String(length=200), nullable=False),
    sa.Column('body', sa.String(length=200), nullable=False),
    sa.Column('grounds', sa.Text(), nullable=True),
    sa.Column('status', sa.Enum('pending', 'upheld', 'rejected', 'withdrawn', name='appeal_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('result_summary', sa.Text(), nullable=True),
    sa.CheckConstraint("(status = 'pending') = (decided_on IS NULL)", name=op.f('ck_appeal_decided_iff_not_pending')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_appeal_case_id_case')),
    sa.ForeignKeyConstraint(['notice_id'], ['decision_notice.id'], name=op.f('fk_appeal_notice_id_decision_notice')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appeal'))
    )
    with op.batch_alter_table('appeal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appeal_case_id'), ['case_id'], unique=False)


    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.create_check_constraint(
            "outcome_iff_decided",
            "stage = 'closed' OR (stage IN ('identified', 'registered', 'assessment',"
            " 'determination')) = (outcome IS NULL)",
        )
        batch_op.create_check_constraint(
            "return_stages_need_return_outcome",
            "stage NOT IN ('return_preparation', 'return_approved', 'returned', 'monitoring')"
            " OR outcome = 'return'",
        )
        batch_op.create_check_constraint(
            "implementation_not_for_return", "stage <> 'implementation' OR outcome <> 'return'"
        )
    # Policy version 1: the reference defaults (DESIGN.md sections 2 and 4).
    policy = sa.table(
        "policy_settings",
        sa.column("version", sa.Integer),
        sa.column("appeal_period_days", sa.Integer),
        sa.column("hearing_max_age_days", sa.Integer),
        sa.column("monitoring_schedule_months", sa.JSON),
        sa.column("bid_time_limit_days", sa.Integer),
        sa.column("created_at", caseapp.core.db.UTCDateTime(timezone=True)),
    )
    op.bulk_insert(
        policy,
        [
            {
                "version": 1,
                "appeal_period_days": 30,
                "hearing_max_age_days": 90,
                "monitoring_schedule_months": [1, 3, 6, 12, 18],
                "bid_time_limit_days": 90,
                "created_at": datetime.now(UTC),
            }
        ],
    )


def downgrade():
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_case_outcome_iff_decided"), type_="check")
        batch_op.drop_constraint(op.f("ck_case_return_stages_need_return_outcome"), type_="check")
        batch_op.drop_constraint(op.f("ck_case_implementation_not_for_return"), type_="check")
    with op.batch_alter_table('appeal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appeal_case_id'))

    op.drop_table('appeal')
    with op.batch_alter_table('family_assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_family_assessment_family_member_id'))
        batch_op.drop_index(batch_op.f('ix_family_assessment_case_id'))

    op.drop_table('family_assessment')
    with op.batch_alter_table('decision_notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_notice_case_id'))

    op.drop_table('decision_notice')
    with op.batch_alter_table('bid_panel_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bid_panel_member_bid_id'))

    op.drop_table('bid_panel_member')
    with op.batch_alter_table('bid_option', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bid_option_bid_id'))

    op.drop_table('bid_option')
    op.drop_table('travel_plan')
    with op.batch_alter_table('service_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_record_case_id'))

    op.drop_table('service_record')
    op.drop_table('return_execution')
    with op.batch_alter_table('return_approval', schema=None) as batch_op:
        batch_op.drop_index('uq_return_approval_one_in_force', sqlite_where=sa.text('withdrawn_at IS NULL'), postgresql_where=sa.text('withdrawn_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_return_approval_case_id'))

    op.drop_table('return_approval')
    op.drop_table('reintegration_plan')
    with op.batch_alter_table('placement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_placement_case_id'))

    op.drop_table('placement')
    with op.batch_alter_table('monitoring_visit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_monitoring_visit_due_on'))
        batch_op.drop_index(batch_op.f('ix_monitoring_visit_case_id'))

    op.drop_table('monitoring_visit')
    op.drop_table('monitoring_plan')
    with op.batch_alter_table('legal_representative', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_legal_representative_case_id'))

    op.drop_table('legal_representative')
    with op.batch_alter_table('home_study', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_home_study_case_id'))

    op.drop_table('home_study')
    with op.batch_alter_table('hearing', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hearing_case_id'))

    op.drop_table('hearing')
    with op.batch_alter_table('guardian_appointment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guardian_appointment_case_id'))

    op.drop_table('guardian_appointment')
    with op.batch_alter_table('coordination_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coordination_message_case_id'))

    op.drop_table('coordination_message')
    op.drop_table('coordination')
    op.drop_table('consent')
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_case_id'))

    op.drop_table('complaint')
    with op.batch_alter_table('central_authority_approval', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_central_authority_approval_case_id'))

    op.drop_table('central_authority_approval')
    with op.batch_alter_table('care_guarantee', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_care_guarantee_case_id'))

    op.drop_table('care_guarantee')
    with op.batch_alter_table('best_interests_determination', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_best_interests_determination_case_id'))

    op.drop_table('best_interests_determination')
    with op.batch_alter_table('best_interests_assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_best_interests_assessment_case_id'))

    op.drop_table('best_interests_assessment')
    with op.batch_alter_table('return_suspension', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_return_suspension_country'))

    op.drop_table('return_suspension')
    op.drop_table('policy_settings')
