"""Provenance of gate evidence and the party's own confirmation (issue 10, items 2 and 4).

Reviewed by hand. New nullable columns and booleans with a false server default only: every
existing Central Authority approval stays an approval (not refused) recorded by the lead agency,
no monitoring plan is accepted by a monitor yet, no visit report names who put it on record,
and the policy versions keep accepting the caseworker's record (the gate's verdicts do not
change). No data is touched or lost.

- central_authority_approval.refused, .confirmed_by_id: the Central Authority's refusal, and
  the officer who decided in caseapp;
- monitoring_plan.accepted_by_id, .accepted_on: the monitor's own acceptance of the plan;
- monitoring_visit.reported_by_id: who put the visit report on record;
- policy_settings.central_approval_by_party, .monitoring_by_party: S11 and S17 need the
  party's own confirmation.

Revision ID: a7c3e5f1d9b4
Revises: a7c3e5f10b24
Create Date: 2026-11-30 01:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "a7c3e5f1d9b4"
down_revision = "a7c3e5f10b24"
branch_labels = None
depends_on = None


def _user_fk(batch_op, table: str, column: str) -> None:
    batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
    batch_op.create_foreign_key(
        op.f(f"fk_{table}_{column}_user_account"), "user_account", [column], ["id"]
    )


def upgrade():
    with op.batch_alter_table("central_authority_approval", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("refused", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        _user_fk(batch_op, "central_authority_approval", "confirmed_by_id")
    with op.batch_alter_table("monitoring_plan", schema=None) as batch_op:
        _user_fk(batch_op, "monitoring_plan", "accepted_by_id")
        batch_op.add_column(sa.Column("accepted_on", sa.Date(), nullable=True))
    with op.batch_alter_table("monitoring_visit", schema=None) as batch_op:
        _user_fk(batch_op, "monitoring_visit", "reported_by_id")
    with op.batch_alter_table("policy_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "central_approval_by_party", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
        batch_op.add_column(
            sa.Column(
                "monitoring_by_party", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )


def downgrade():
    with op.batch_alter_table("policy_settings", schema=None) as batch_op:
        batch_op.drop_column("monitoring_by_party")
        batch_op.drop_column("central_approval_by_party")
    with op.batch_alter_table("monitoring_visit", schema=None) as batch_op:
        batch_op.drop_constraint(
            op.f("fk_monitoring_visit_reported_by_id_user_account"), type_="foreignkey"
        )
        batch_op.drop_column("reported_by_id")
    with op.batch_alter_table("monitoring_plan", schema=None) as batch_op:
        batch_op.drop_column("accepted_on")
        batch_op.drop_constraint(
            op.f("fk_monitoring_plan_accepted_by_id_user_account"), type_="foreignkey"
        )
        batch_op.drop_column("accepted_by_id")
    with op.batch_alter_table("central_authority_approval", schema=None) as batch_op:
        batch_op.drop_constraint(
            op.f("fk_central_authority_approval_confirmed_by_id_user_account"),
            type_="foreignkey",
        )
        batch_op.drop_column("confirmed_by_id")
        batch_op.drop_column("refused")
