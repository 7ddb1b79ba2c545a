"""Issue 15 part 2: families, durable-solution plans, child-friendly information, complaints
to a named body.

Reviewed by hand. New tables: family (links siblings' cases), family_party (parents and
caregivers), party_act (their consent, refusal, notification on one child's case),
solution_plan (one per case in implementation), information_given. New nullable columns,
no existing data changed: case.family_id, best_interests_determination.family_unity (the
reason a sibling's solution differs, read by S19), complaint.addressed_to_id (an
ombudsperson institution) and complaint.answered_by_id.

Revision ID: a15f2c7d9e01
Revises: 7c0bdbc92585
Create Date: 2026-11-30 01:28:17.318647
"""

import sqlalchemy as sa
from alembic import op

import caseapp.core.db

revision = "a15f2c7d9e01"
down_revision = "7c0bdbc92585"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "family",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_agency_id", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_family_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["lead_agency_id"], ["agency.id"], name=op.f("fk_family_lead_agency_id_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family")),
    )
    with op.batch_alter_table("family", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_family_lead_agency_id"), ["lead_agency_id"], unique=False
        )

    op.create_table(
        "family_party",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "relation",
            sa.Enum(
                "mother",
                "father",
                "sibling",
                "grandparent",
                "aunt_uncle",
                "other_relative",
                "legal_guardian",
                "significant_person",
                name="party_relation",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("legal_custodian", sa.Boolean(), nullable=False),
        sa.Column("with_the_children", sa.Boolean(), nullable=False),
        sa.Column("created_at", caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["family_id"], ["family.id"], name=op.f("fk_family_party_family_id_family")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_party")),
    )
    with op.batch_alter_table("family_party", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_family_party_family_id"), ["family_id"], unique=False)

    op.create_table(
        "information_given",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column(
            "step",
            sa.Enum(
                "identification",
                "guardian",
                "age",
                "assessment",
                "determination",
                "decision",
                "complaints",
                "solution",
                "return",
                name="information_step",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=60), nullable=False),
        sa.Column(
            "means",
            sa.Enum(
                "orally",
                "leaflet",
                "written",
                "video",
                "sign",
                name="information_means",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("interpreter", sa.Boolean(), nullable=False),
        sa.Column("understood", sa.Boolean(), nullable=False),
        sa.Column("given_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_information_given_case_id_case")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_information_given_recorded_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_information_given")),
    )
    with op.batch_alter_table("information_given", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_information_given_case_id"), ["case_id"], unique=False)

    op.create_table(
        "party_act",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "consent",
                "refusal",
                "notified",
                name="party_act_kind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("language", sa.String(length=60), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_party_act_case_id_case")),
        sa.ForeignKeyConstraint(
            ["party_id"], ["family_party.id"], name=op.f("fk_party_act_party_id_family_party")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_party_act_recorded_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party_act")),
    )
    with op.batch_alter_table("party_act", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_party_act_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_party_act_party_id"), ["party_id"], unique=False)

    op.create_table(
        "solution_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column(
            "solution",
            sa.Enum(
                "local_integration",
                "tolerated_stay",
                "return",
                "third_country",
                name="solution",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "residence_kind",
            sa.Enum(
                "permanent",
                "temporary",
                "tolerated",
                "protection",
                "nationality",
                name="residence_kind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("residence_applied_on", sa.Date(), nullable=True),
        sa.Column("residence_granted_on", sa.Date(), nullable=True),
        sa.Column("residence_expires_on", sa.Date(), nullable=True),
        sa.Column("renewal_due_on", sa.Date(), nullable=True),
        sa.Column("school", sa.Text(), nullable=True),
        sa.Column("health", sa.Text(), nullable=True),
        sa.Column("language_support", sa.Text(), nullable=True),
        sa.Column("care_arrangement", sa.Text(), nullable=True),
        sa.Column("receiving_state", sa.String(length=2), nullable=True),
        sa.Column("receiving_agreement_on", sa.Date(), nullable=True),
        sa.Column("receiving_agreement_by", sa.String(length=200), nullable=True),
        sa.Column("family_evidence", sa.Text(), nullable=True),
        sa.Column("travel_on", sa.Date(), nullable=True),
        sa.Column("travel_arrangements", sa.Text(), nullable=True),
        sa.Column("implemented_on", sa.Date(), nullable=True),
        sa.Column("implemented_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "residence_expires_on IS NULL OR residence_granted_on IS NULL OR residence_expires_on > residence_granted_on",
            name=op.f("ck_solution_plan_expires_after_granted"),
        ),
        sa.CheckConstraint(
            "residence_granted_on IS NULL OR residence_applied_on IS NOT NULL",
            name=op.f("ck_solution_plan_granted_after_applied"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_solution_plan_case_id_case")
        ),
        sa.ForeignKeyConstraint(
            ["implemented_by_id"],
            ["user_account.id"],
            name=op.f("fk_solution_plan_implemented_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_solution_plan")),
        sa.UniqueConstraint("case_id", name=op.f("uq_solution_plan_case_id")),
    )
    with op.batch_alter_table("best_interests_determination", schema=None) as batch_op:
        batch_op.add_column(sa.Column("family_unity", sa.Text(), nullable=True))

    # Not batch mode on SQLite: re-creating ``case`` would drop the table every record
    # references (a plain ADD COLUMN with REFERENCES, as 2ce7d1b5b364 does for ``child``).
    if op.get_bind().dialect.name == "sqlite":
        op.execute('ALTER TABLE "case" ADD COLUMN family_id INTEGER REFERENCES "family" (id)')
    else:
        op.add_column("case", sa.Column("family_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            op.f("fk_case_family_id_family"), "case", "family", ["family_id"], ["id"]
        )
    op.create_index(op.f("ix_case_family_id"), "case", ["family_id"], unique=False)

    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.add_column(sa.Column("addressed_to_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("answered_by_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_complaint_addressed_to_id"), ["addressed_to_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_complaint_answered_by_id_user_account"),
            "user_account",
            ["answered_by_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_complaint_addressed_to_id_agency"), "agency", ["addressed_to_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_complaint_addressed_to_id_agency"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_complaint_answered_by_id_user_account"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_complaint_addressed_to_id"))
        batch_op.drop_column("answered_by_id")
        batch_op.drop_column("addressed_to_id")

    op.drop_index(op.f("ix_case_family_id"), table_name="case")
    with op.batch_alter_table("case", schema=None) as batch_op:
        if op.get_bind().dialect.name != "sqlite":
            # On SQLite the upgrade's inline REFERENCES has no name; the batch rebuild (with
            # foreign keys off, migrations/env.py) drops it with the column.
            batch_op.drop_constraint(batch_op.f("fk_case_family_id_family"), type_="foreignkey")
        batch_op.drop_column("family_id")

    with op.batch_alter_table("best_interests_determination", schema=None) as batch_op:
        batch_op.drop_column("family_unity")

    op.drop_table("solution_plan")
    with op.batch_alter_table("party_act", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_party_act_party_id"))
        batch_op.drop_index(batch_op.f("ix_party_act_case_id"))

    op.drop_table("party_act")
    with op.batch_alter_table("information_given", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_information_given_case_id"))

    op.drop_table("information_given")
    with op.batch_alter_table("family_party", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_family_party_family_id"))

    op.drop_table("family_party")
    with op.batch_alter_table("family", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_family_lead_agency_id"))

    op.drop_table("family")
