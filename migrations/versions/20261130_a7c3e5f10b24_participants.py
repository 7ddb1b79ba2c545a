"""Participants (issue 10 part 1): five new roles, their assignments to cases, the requests
sent to them with due dates, and the one-time invitation links.

Revision ID: a7c3e5f10b24
Revises: 3b7e0a9c51d2
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

import caseapp.core.db

revision = "a7c3e5f10b24"
down_revision = "3b7e0a9c51d2"
branch_labels = None
depends_on = None

STAFF = ("caseworker", "supervisor", "ombudsperson", "admin")
PARTICIPANTS = (
    "guardian",
    "legal_representative",
    "central_authority_officer",
    "monitor",
    "counterpart_officer",
)
PARTICIPANT_SQL = ", ".join(f"'{r}'" for r in PARTICIPANTS)


def _role_check(roles):
    return "role IN (" + ", ".join(f"'{r}'" for r in roles) + ")"


def _role_enum(name):
    return sa.Enum(
        *STAFF, *PARTICIPANTS, name=name, native_enum=False, create_constraint=True, length=40
    )


def upgrade():
    # The role column's CHECK (the Role enum) gains the participants; a participant, like
    # agency staff, belongs to an agency.
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_user_account_role"), type_="check")
        batch_op.create_check_constraint("role", _role_check(STAFF + PARTICIPANTS))
        batch_op.create_check_constraint(
            "participants_have_agency",
            f"role NOT IN ({PARTICIPANT_SQL}) OR agency_id IS NOT NULL",
        )

    op.create_table(
        "invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", caseapp.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["invited_by_id"],
            ["user_account.id"],
            name=op.f("fk_invitation_invited_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_invitation_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitation")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invitation_token_hash")),
    )
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invitation_user_id"), ["user_id"], unique=False)

    op.create_table(
        "participant_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", _role_enum("assignment_role"), nullable=False),
        sa.Column("guardian_appointment_id", sa.Integer(), nullable=True),
        sa.Column("legal_representative_id", sa.Integer(), nullable=True),
        sa.Column("monitoring_plan_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("started_at", caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", caseapp.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=True),
        sa.Column("ended_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            f"role IN ({PARTICIPANT_SQL})",
            name=op.f("ck_participant_assignment_participant_roles_only"),
        ),
        sa.CheckConstraint(
            "(ended_at IS NULL) = (end_reason IS NULL)",
            name=op.f("ck_participant_assignment_ended_iff_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_participant_assignment_case_id_case")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_participant_assignment_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["ended_by_id"],
            ["user_account.id"],
            name=op.f("fk_participant_assignment_ended_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["guardian_appointment_id"],
            ["guardian_appointment.id"],
            name=op.f("fk_participant_assignment_guardian_appointment_id_guardian_appointment"),
        ),
        sa.ForeignKeyConstraint(
            ["legal_representative_id"],
            ["legal_representative.id"],
            name=op.f("fk_participant_assignment_legal_representative_id_legal_representative"),
        ),
        sa.ForeignKeyConstraint(
            ["monitoring_plan_id"],
            ["monitoring_plan.id"],
            name=op.f("fk_participant_assignment_monitoring_plan_id_monitoring_plan"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_participant_assignment_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participant_assignment")),
    )
    with op.batch_alter_table("participant_assignment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_participant_assignment_case_id"), ["case_id"], unique=False
        )
        batch_op.create_index(
            "ix_participant_assignment_user_ended", ["user_id", "ended_at"], unique=False
        )

    op.create_table(
        "participant_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "approve",
                "confirm",
                "report",
                "attend_hearing",
                name="request_kind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "answer",
            sa.Enum(
                "agreed",
                "declined",
                name="request_answer",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("answer_note", sa.Text(), nullable=True),
        sa.Column("reference", sa.String(length=100), nullable=True),
        sa.Column("answered_at", caseapp.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(answered_at IS NULL) = (answer IS NULL)",
            name=op.f("ck_participant_request_answered_iff_answer"),
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["user_account.id"],
            name=op.f("fk_participant_request_answered_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["participant_assignment.id"],
            name=op.f("fk_participant_request_assignment_id_participant_assignment"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_participant_request_case_id_case")
        ),
        sa.ForeignKeyConstraint(
            ["sent_by_id"],
            ["user_account.id"],
            name=op.f("fk_participant_request_sent_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participant_request")),
    )
    with op.batch_alter_table("participant_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_participant_request_assignment_id"), ["assignment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_participant_request_case_id"), ["case_id"], unique=False
        )
        batch_op.create_index(
            "ix_participant_request_open_due", ["answered_at", "due_on", "id"], unique=False
        )


def downgrade():
    op.drop_table("participant_request")
    op.drop_table("participant_assignment")
    op.drop_table("invitation")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_user_account_participants_have_agency"), type_="check")
        batch_op.drop_constraint(op.f("ck_user_account_role"), type_="check")
        batch_op.create_check_constraint("role", _role_check(STAFF))
