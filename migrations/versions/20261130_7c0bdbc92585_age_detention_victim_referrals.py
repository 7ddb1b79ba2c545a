"""Issue 15 part 1: age assessment as a procedure, transition plans, detention records,
alternatives to detention and referrals of child victims.

Reviewed by hand. New tables; three columns on ``child`` (``age_disputed`` false for every
existing child; the day victim indicators were recorded, backfilled with the migration's
day for children whose record already has them, so the referral alert counts from now);
two policy settings on every existing version (7 days to refer a victim, 90 days' notice
of the 18th birthday), each with its check like the other settings.

Revision ID: 7c0bdbc92585
Revises: 5e1f0a2b9c3d
Create Date: 2026-11-30 01:31:37.881595
"""

import sqlalchemy as sa
from alembic import op

import caseapp.core.db

revision = "7c0bdbc92585"
down_revision = "5e1f0a2b9c3d"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "age_assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "concluded",
                "set_aside",
                name="age_assessment_status",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("assessor_name", sa.String(length=200), nullable=True),
        sa.Column("assessor_agency_id", sa.Integer(), nullable=True),
        sa.Column("documents_examined", sa.Boolean(), nullable=False),
        sa.Column("documents_note", sa.Text(), nullable=True),
        sa.Column("interview_on", sa.Date(), nullable=True),
        sa.Column("interview_note", sa.Text(), nullable=True),
        sa.Column("medical_examination", sa.Boolean(), nullable=False),
        sa.Column("medical_consent_on", sa.Date(), nullable=True),
        sa.Column("medical_reason", sa.Text(), nullable=True),
        sa.Column("result_date_of_birth", sa.Date(), nullable=True),
        sa.Column("result_min", sa.Integer(), nullable=True),
        sa.Column("result_max", sa.Integer(), nullable=True),
        sa.Column("margin_years", sa.Integer(), nullable=False),
        sa.Column("concluded_on", sa.Date(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("margin_years >= 0", name=op.f("ck_age_assessment_margin_not_negative")),
        sa.CheckConstraint(
            "medical_consent_on IS NOT NULL OR NOT medical_examination",
            name=op.f("ck_age_assessment_medical_needs_consent"),
        ),
        sa.CheckConstraint(
            "result_min IS NULL OR result_max IS NULL OR result_min <= result_max",
            name=op.f("ck_age_assessment_result_range_ordered"),
        ),
        sa.ForeignKeyConstraint(
            ["assessor_agency_id"],
            ["agency.id"],
            name=op.f("fk_age_assessment_assessor_agency_id_agency"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_age_assessment_case_id_case")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_age_assessment_created_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_age_assessment")),
    )
    with op.batch_alter_table("age_assessment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_age_assessment_case_id"), ["case_id"], unique=False)

    op.create_table(
        "transition_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column(
            "pathway",
            sa.Enum(
                "residence",
                "asylum",
                "aftercare",
                "adult_return",
                "other",
                name="transition_pathway",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("accommodation", sa.String(length=200), nullable=False),
        sa.Column("support", sa.Text(), nullable=False),
        sa.Column("informed_on", sa.Date(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_transition_plan_case_id_case")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_transition_plan_recorded_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transition_plan")),
    )
    with op.batch_alter_table("transition_plan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_transition_plan_case_id"), ["case_id"], unique=False)

    op.create_table(
        "victim_referral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "trafficking",
                "hate_crime_report",
                "hate_crime_support",
                name="victim_referral_kind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("referred_on", sa.Date(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum(
                "pending",
                "accepted",
                "declined",
                "completed",
                name="victim_referral_outcome",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("outcome_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "(outcome = 'pending') = (outcome_on IS NULL)",
            name=op.f("ck_victim_referral_outcome_dated_when_known"),
        ),
        sa.CheckConstraint(
            "outcome_on IS NULL OR outcome_on >= referred_on",
            name=op.f("ck_victim_referral_outcome_after"),
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_victim_referral_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_victim_referral_case_id_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_victim_referral")),
    )
    with op.batch_alter_table("victim_referral", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_victim_referral_case_id"), ["case_id"], unique=False)

    op.create_table(
        "age_challenge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("lodged_on", sa.Date(), nullable=False),
        sa.Column(
            "lodged_by",
            sa.Enum(
                "child",
                "guardian",
                "lawyer",
                name="age_challenger",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("body", sa.String(length=200), nullable=False),
        sa.Column("grounds", sa.Text(), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum(
                "pending",
                "upheld",
                "rejected",
                name="age_challenge_outcome",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "(outcome = 'pending') = (decided_on IS NULL)",
            name=op.f("ck_age_challenge_decided_when_not_pending"),
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["age_assessment.id"],
            name=op.f("fk_age_challenge_assessment_id_age_assessment"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_age_challenge_case_id_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_age_challenge")),
    )
    with op.batch_alter_table("age_challenge", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_age_challenge_assessment_id"), ["assessment_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_age_challenge_case_id"), ["case_id"], unique=False)

    op.create_table(
        "detention",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=True),
        sa.Column("ordered_by", sa.String(length=200), nullable=True),
        sa.Column("released_on", sa.Date(), nullable=True),
        sa.Column(
            "release_reason",
            sa.Enum(
                "court_order",
                "review",
                "alternative",
                "care_placement",
                "placement_ended",
                "other",
                name="detention_release_reason",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("release_note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "(released_on IS NULL) = (release_reason IS NULL)",
            name=op.f("ck_detention_release_has_reason"),
        ),
        sa.CheckConstraint(
            "released_on IS NULL OR released_on >= started_on",
            name=op.f("ck_detention_release_after"),
        ),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_detention_case_id_case")),
        sa.ForeignKeyConstraint(
            ["placement_id"], ["placement.id"], name=op.f("fk_detention_placement_id_placement")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_detention")),
        sa.UniqueConstraint("placement_id", name=op.f("uq_detention_placement_id")),
    )
    with op.batch_alter_table("detention", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_detention_case_id"), ["case_id"], unique=False)

    op.create_table(
        "alternative_referral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("detention_id", sa.Integer(), nullable=True),
        sa.Column("programme", sa.String(length=200), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("conditions", sa.Text(), nullable=False),
        sa.Column("case_manager", sa.String(length=200), nullable=False),
        sa.Column("referred_on", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "referred",
                "accepted",
                "declined",
                "ended",
                name="alternative_status",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("status_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status_on >= referred_on", name=op.f("ck_alternative_referral_status_after_referral")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_alternative_referral_case_id_case")
        ),
        sa.ForeignKeyConstraint(
            ["detention_id"],
            ["detention.id"],
            name=op.f("fk_alternative_referral_detention_id_detention"),
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["agency.id"], name=op.f("fk_alternative_referral_provider_id_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alternative_referral")),
    )
    with op.batch_alter_table("alternative_referral", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_alternative_referral_case_id"), ["case_id"], unique=False
        )

    op.create_table(
        "detention_challenge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("detention_id", sa.Integer(), nullable=False),
        sa.Column("lawyer_id", sa.Integer(), nullable=False),
        sa.Column("lodged_on", sa.Date(), nullable=False),
        sa.Column("body", sa.String(length=200), nullable=False),
        sa.Column("grounds", sa.Text(), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum(
                "pending",
                "unlawful",
                "dismissed",
                name="detention_challenge_outcome",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "(outcome = 'pending') = (decided_on IS NULL)",
            name=op.f("ck_detention_challenge_decided_when_not_pending"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_detention_challenge_case_id_case")
        ),
        sa.ForeignKeyConstraint(
            ["detention_id"],
            ["detention.id"],
            name=op.f("fk_detention_challenge_detention_id_detention"),
        ),
        sa.ForeignKeyConstraint(
            ["lawyer_id"],
            ["legal_representative.id"],
            name=op.f("fk_detention_challenge_lawyer_id_legal_representative"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_detention_challenge")),
    )
    with op.batch_alter_table("detention_challenge", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_detention_challenge_case_id"), ["case_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_detention_challenge_detention_id"), ["detention_id"], unique=False
        )

    op.create_table(
        "detention_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("detention_id", sa.Integer(), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("reviewed_by", sa.String(length=200), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "continued",
                "release_ordered",
                name="detention_review",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_detention_review_case_id_case")
        ),
        sa.ForeignKeyConstraint(
            ["detention_id"],
            ["detention.id"],
            name=op.f("fk_detention_review_detention_id_detention"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_detention_review")),
    )
    with op.batch_alter_table("detention_review", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_detention_review_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_detention_review_detention_id"), ["detention_id"], unique=False
        )

    with op.batch_alter_table("child", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("age_disputed", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("trafficking_indicators_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("hate_crime_victim_on", sa.Date(), nullable=True))

    with op.batch_alter_table("policy_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("victim_referral_days", sa.Integer(), server_default="7", nullable=False)
        )
        batch_op.add_column(
            sa.Column("transition_notice_days", sa.Integer(), server_default="90", nullable=False)
        )
        batch_op.create_check_constraint(
            op.f("ck_policy_settings_victim_referral_positive"), "victim_referral_days > 0"
        )
        batch_op.create_check_constraint(
            op.f("ck_policy_settings_transition_notice_positive"), "transition_notice_days > 0"
        )
    child = sa.table(
        "child",
        sa.column("trafficking_indicators", sa.Boolean()),
        sa.column("trafficking_indicators_on", sa.Date()),
        sa.column("hate_crime_victim", sa.Boolean()),
        sa.column("hate_crime_victim_on", sa.Date()),
    )
    today = sa.func.current_date()
    op.execute(
        child.update()
        .where(child.c.trafficking_indicators.is_(True))
        .values(trafficking_indicators_on=today)
    )
    op.execute(
        child.update().where(child.c.hate_crime_victim.is_(True)).values(hate_crime_victim_on=today)
    )


def downgrade():
    with op.batch_alter_table("policy_settings", schema=None) as batch_op:
        batch_op.drop_constraint(
            op.f("ck_policy_settings_transition_notice_positive"), type_="check"
        )
        batch_op.drop_constraint(op.f("ck_policy_settings_victim_referral_positive"), type_="check")
        batch_op.drop_column("transition_notice_days")
        batch_op.drop_column("victim_referral_days")

    with op.batch_alter_table("child", schema=None) as batch_op:
        batch_op.drop_column("hate_crime_victim_on")
        batch_op.drop_column("trafficking_indicators_on")
        batch_op.drop_column("age_disputed")

    with op.batch_alter_table("detention_review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_detention_review_detention_id"))
        batch_op.drop_index(batch_op.f("ix_detention_review_case_id"))

    op.drop_table("detention_review")
    with op.batch_alter_table("detention_challenge", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_detention_challenge_detention_id"))
        batch_op.drop_index(batch_op.f("ix_detention_challenge_case_id"))

    op.drop_table("detention_challenge")
    with op.batch_alter_table("alternative_referral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alternative_referral_case_id"))

    op.drop_table("alternative_referral")
    with op.batch_alter_table("detention", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_detention_case_id"))

    op.drop_table("detention")
    with op.batch_alter_table("age_challenge", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_age_challenge_case_id"))
        batch_op.drop_index(batch_op.f("ix_age_challenge_assessment_id"))

    op.drop_table("age_challenge")
    with op.batch_alter_table("victim_referral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_victim_referral_case_id"))

    op.drop_table("victim_referral")
    with op.batch_alter_table("transition_plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_transition_plan_case_id"))

    op.drop_table("transition_plan")
    with op.batch_alter_table("age_assessment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_age_assessment_case_id"))

    op.drop_table("age_assessment")
