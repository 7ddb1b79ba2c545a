"""The return gate reads evidence (issue 9): agency-register references instead of free
text, withdrawals as records, reintegration components, the handover's receiving party and
placement on arrival, age ranges anchored at their assessment date, legal custodians,
validity windows and minimums in the policy, provenance on received records.

Reviewed by hand. Existing data is carried over, nothing is dropped:
- free-text names stay in their columns (shown as legacy text) and, where the text names
  exactly one agency of the register (case-insensitive), the new agency reference is set;
- a guarantee's ``withdrawn_on`` becomes a ``withdrawal`` record (the column stays as its
  mirror);
- a reintegration component's responsible agency is the plan's agency when that is known;
- an age range is anchored at the day the child was identified, else the case's opening;
- "receiving official is child protection" becomes the receiving kind ``child_protection``.
Facts no record can give (the guardian's organisation, the placement on arrival, who holds
legal custody) are left empty, so the gate says exactly what is missing.

Revision ID: 2ce7d1b5b364
Revises: c7e1a9d4b2f3
Create Date: 2026-11-29 22:11:40.676584
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import CreateColumn

import caseapp.core.db

revision = '2ce7d1b5b364'
down_revision = 'c7e1a9d4b2f3'
branch_labels = None
depends_on = None


def _agency_ids_by_name(conn, kinds=None):
    """Lower-cased agency name -> id, for names that identify exactly one agency."""
    agency = sa.table("agency", sa.column("id"), sa.column("name"), sa.column("kind"))
    query = sa.select(agency.c.id, agency.c.name)
    if kinds:
        query = query.where(agency.c.kind.in_(kinds))
    seen: dict[str, list[int]] = {}
    for row in conn.execute(query):
        seen.setdefault((row.name or "").strip().lower(), []).append(row.id)
    return {name: ids[0] for name, ids in seen.items() if len(ids) == 1}


def _match(names, text):
    return names.get((text or "").strip().lower())


def _carry_over():
    conn = op.get_bind()
    names = _agency_ids_by_name(conn)
    central = _agency_ids_by_name(conn, ["central_authority"])

    typed = {"withdrawn_on": sa.Date(), "on_date": sa.Date(), "identified_on": sa.Date(),
             "date_of_birth": sa.Date(), "age_assessed_on": sa.Date(),
             "created_at": caseapp.core.db.UTCDateTime(), "opened_at": caseapp.core.db.UTCDateTime()}

    def table(name, *cols):
        return sa.table(name, *(sa.column(c, typed.get(c)) for c in cols))

    # Guarantee withdrawals become records of their own.
    g = table("care_guarantee", "id", "case_id", "withdrawn_on", "guarantor_name")
    w = table("withdrawal", "case_id", "kind", "on_date", "guarantee_id", "made_by", "reason",
              "created_at", "provenance")
    now = datetime.now(UTC)
    for row in conn.execute(sa.select(g).where(g.c.withdrawn_on.is_not(None))):
        conn.execute(w.insert().values(
            case_id=row.case_id, kind="guarantee", on_date=row.withdrawn_on, guarantee_id=row.id,
            made_by=row.guarantor_name, reason="Carried over from the guarantee record.",
            created_at=now, provenance="recorded_by_lead_agency"))

    # Free-text names that name exactly one agency of the register.
    ca = table("central_authority_approval", "id", "authority_agency_id", "authority_name")
    for row in conn.execute(sa.select(ca).where(ca.c.authority_agency_id.is_(None))):
        if (found := _match(central, row.authority_name)) is not None:
            conn.execute(ca.update().where(ca.c.id == row.id).values(authority_agency_id=found))
    co = table("coordination", "id", "case_id", "counterpart_agency_id", "counterpart_name")
    counterpart_of = {}
    for row in conn.execute(sa.select(co)):
        agency_id = row.counterpart_agency_id or _match(names, row.counterpart_name)
        if agency_id is not None and row.counterpart_agency_id is None:
            conn.execute(co.update().where(co.c.id == row.id).values(counterpart_agency_id=agency_id))
        counterpart_of[row.case_id] = (agency_id, (row.counterpart_name or "").strip().lower())
    m = table("coordination_message", "id", "case_id", "counterpart", "agency_id")
    for row in conn.execute(sa.select(m)):
        agency_id = _match(names, row.counterpart)
        known = counterpart_of.get(row.case_id)
        if agency_id is None and known and known[1] == (row.counterpart or "").strip().lower():
            agency_id = known[0]
        if agency_id is not None:
            conn.execute(m.update().where(m.c.id == row.id).values(agency_id=agency_id))
    hs = table("home_study", "id", "conducted_by", "agency_id")
    for row in conn.execute(sa.select(hs)):
        if (found := _match(names, row.conducted_by)) is not None:
            conn.execute(hs.update().where(hs.c.id == row.id).values(agency_id=found))
    mp = table("monitoring_plan", "id", "monitor_agency_id", "monitor_name")
    for row in conn.execute(sa.select(mp).where(mp.c.monitor_agency_id.is_(None))):
        if (found := _match(names, row.monitor_name)) is not None:
            conn.execute(mp.update().where(mp.c.id == row.id).values(monitor_agency_id=found))
    rp = table("reintegration_plan", "id", "responsible_agency", "resources_confirmed_by",
               "education", "health", "psychosocial", "family_support",
               "responsible_agency_id", "resources_confirmed_by_agency_id",
               "education_agency_id", "health_agency_id", "psychosocial_agency_id",
               "family_support_agency_id")
    for row in conn.execute(sa.select(rp)):
        lead = _match(names, row.responsible_agency)
        values = {"responsible_agency_id": lead,
                  "resources_confirmed_by_agency_id": _match(names, row.resources_confirmed_by)}
        for part in ("education", "health", "psychosocial", "family_support"):
            if (getattr(row, part) or "").strip():
                values[f"{part}_agency_id"] = lead
        conn.execute(rp.update().where(rp.c.id == row.id).values(**values))
    tp = table("travel_plan", "id", "receiving_is_child_protection", "receiving_official",
               "receiving_kind", "receiving_agency_id")
    for row in conn.execute(sa.select(tp)):
        values = {}
        if row.receiving_is_child_protection:
            values["receiving_kind"] = "child_protection"
        if (found := _match(names, row.receiving_official)) is not None:
            values["receiving_agency_id"] = found
        if values:
            conn.execute(tp.update().where(tp.c.id == row.id).values(**values))

    # Age ranges are anchored at the day the child was identified, else the case's opening.
    child = table("child", "id", "case_id", "date_of_birth", "age_min", "identified_on",
                  "age_assessed_on")
    case = table("case", "id", "opened_at")
    rows = conn.execute(
        sa.select(child.c.id, child.c.identified_on, case.c.opened_at)
        .select_from(child.join(case, case.c.id == child.c.case_id))
        .where(child.c.date_of_birth.is_(None), child.c.age_min.is_not(None))
    )
    for row in rows:
        anchor = row.identified_on
        if anchor is None and row.opened_at is not None:
            anchor = row.opened_at.date()
        if anchor is not None:
            conn.execute(child.update().where(child.c.id == row.id).values(age_assessed_on=anchor))


def _add_column(table, name, type_, default, fk):
    """Add a column to an existing table, with its foreign key and enum CHECK.

    On SQLite this is a plain ``ALTER TABLE ... ADD COLUMN`` (SQLite accepts REFERENCES and
    CHECK there), not batch mode: batch mode re-creates the table, and dropping the old
    ``child`` table would cascade to ``child_name`` (ON DELETE CASCADE) and lose the names.
    """
    nullable = default is None
    column = sa.Column(name, type_, nullable=nullable,
                       server_default=default if default is not None else None)
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.add_column(table, column)
        if fk:
            op.create_foreign_key(op.f(f"fk_{table}_{name}_{fk}"), table, fk, [name], ["id"])
        return
    spec = str(CreateColumn(column).compile(dialect=bind.dialect))
    if fk:
        spec += f' REFERENCES "{fk}" (id)'
    if isinstance(type_, sa.Enum):
        values = ", ".join(f"'{v}'" for v in type_.enums)
        spec += f" CONSTRAINT ck_{table}_{type_.name} CHECK ({name} IN ({values}))"
    op.execute(f'ALTER TABLE "{table}" ADD COLUMN {spec}')


def upgrade():
    # New tables and columns first (read by hand against the models); the data carried over below.
    op.create_table('withdrawal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('guarantee', 'child_consent', 'guardian_consent', 'readiness', 'objection', name='withdrawal_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('guarantee_id', sa.Integer(), nullable=True),
    sa.Column('made_by', sa.String(length=200), nullable=True),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('provenance', sa.Enum('recorded_by_lead_agency', 'confirmed_by_participant', 'signed_by_partner', name='provenance', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.CheckConstraint("(kind = 'guarantee') = (guarantee_id IS NOT NULL)", name=op.f('ck_withdrawal_guarantee_iff_kind')),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_withdrawal_agency_id_agency')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_withdrawal_case_id_case')),
    sa.ForeignKeyConstraint(['guarantee_id'], ['care_guarantee.id'], name=op.f('fk_withdrawal_guarantee_id_care_guarantee')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_withdrawal_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_withdrawal'))
    )
    with op.batch_alter_table('withdrawal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_withdrawal_case_id'), ['case_id'], unique=False)

    prov = lambda: sa.Enum('recorded_by_lead_agency', 'confirmed_by_participant', 'signed_by_partner', name='provenance', native_enum=False, create_constraint=True, length=40)  # noqa: E731
    placement = sa.Enum('family_community', 'kinship_care', 'foster_family', 'supervised_independent', 'small_group_home', 'open_shelter', 'closed_institution', 'transit_centre', 'detention', name='arrival_placement_type', native_enum=False, create_constraint=True, length=40)
    receiving = sa.Enum('child_protection', 'legal_guardian', 'family_member', 'law_enforcement', 'other', name='receiving_kind', native_enum=False, create_constraint=True, length=40)
    recorded = 'recorded_by_lead_agency'
    for table, name, type_, default, fk in [
        ('care_guarantee', 'guarantor_agency_id', sa.Integer(), None, 'agency'),
        ('care_guarantee', 'provenance', prov(), recorded, None),
        ('central_authority_approval', 'provenance', prov(), recorded, None),
        ('child', 'age_assessed_on', sa.Date(), None, None),
        ('coordination_message', 'agency_id', sa.Integer(), None, 'agency'),
        ('coordination_message', 'provenance', prov(), recorded, None),
        ('family_member', 'legal_custodian', sa.Boolean(), sa.false(), None),
        ('family_member', 'with_the_child', sa.Boolean(), sa.false(), None),
        ('guardian_appointment', 'organisation_id', sa.Integer(), None, 'agency'),
        ('guardian_appointment', 'guardian_user_id', sa.Integer(), None, 'user_account'),
        ('hearing', 'interpreter_agency_id', sa.Integer(), None, 'agency'),
        ('hearing', 'interpreter_user_id', sa.Integer(), None, 'user_account'),
        ('home_study', 'agency_id', sa.Integer(), None, 'agency'),
        ('home_study', 'provenance', prov(), recorded, None),
        ('monitoring_plan', 'provenance', prov(), recorded, None),
        ('policy_settings', 'central_approval_valid_days', sa.Integer(), '180', None),
        ('policy_settings', 'confirmation_valid_days', sa.Integer(), '90', None),
        ('policy_settings', 'guarantee_valid_days', sa.Integer(), '365', None),
        ('policy_settings', 'first_visit_within_days', sa.Integer(), '45', None),
        ('reintegration_plan', 'education_agency_id', sa.Integer(), None, 'agency'),
        ('reintegration_plan', 'education_not_needed', sa.Text(), None, None),
        ('reintegration_plan', 'health_agency_id', sa.Integer(), None, 'agency'),
        ('reintegration_plan', 'health_not_needed', sa.Text(), None, None),
        ('reintegration_plan', 'psychosocial_agency_id', sa.Integer(), None, 'agency'),
        ('reintegration_plan', 'psychosocial_not_needed', sa.Text(), None, None),
        ('reintegration_plan', 'family_support_agency_id', sa.Integer(), None, 'agency'),
        ('reintegration_plan', 'family_support_not_needed', sa.Text(), None, None),
        ('reintegration_plan', 'responsible_agency_id', sa.Integer(), None, 'agency'),
        ('reintegration_plan', 'resources_confirmed_by_agency_id', sa.Integer(), None, 'agency'),
        ('reintegration_plan', 'provenance', prov(), recorded, None),
        ('travel_plan', 'escort_agency_id', sa.Integer(), None, 'agency'),
        ('travel_plan', 'receiving_kind', receiving, None, None),
        ('travel_plan', 'receiving_agency_id', sa.Integer(), None, 'agency'),
        ('travel_plan', 'receiving_family_member_id', sa.Integer(), None, 'family_member'),
        ('travel_plan', 'arrival_placement_type', placement, None, None),
        ('travel_plan', 'arrival_placement_name', sa.String(length=200), None, None),
        ('travel_plan', 'arrival_can_leave_at_will', sa.Boolean(), None, None),
        ('travel_plan', 'arrival_run_by_law_enforcement', sa.Boolean(), sa.false(), None),
    ]:
        _add_column(table, name, type_, default, fk)
    # End of the schema changes.
    _carry_over()


# table -> {enum column upgrade added: its enum's name}, for the CHECKs named after them.
ENUM_COLUMNS = {
    **{table: {"provenance": "provenance"} for table in (
        "care_guarantee", "central_authority_approval", "coordination_message", "home_study",
        "monitoring_plan", "reintegration_plan")},
    "travel_plan": {"receiving_kind": "receiving_kind",
                    "arrival_placement_type": "arrival_placement_type"},
}


def downgrade():
    """Drop what upgrade added. The withdrawal records and agency references are lost; the
    free text they came from is still in place (guarantee withdrawals in ``withdrawn_on``)."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.execute("ALTER TABLE child DROP COLUMN age_assessed_on")
    for table, columns in [
        ('travel_plan', ['arrival_run_by_law_enforcement', 'arrival_can_leave_at_will',
                         'arrival_placement_name', 'arrival_placement_type',
                         'receiving_family_member_id', 'receiving_agency_id', 'receiving_kind',
                         'escort_agency_id']),
        ('reintegration_plan', ['provenance', 'resources_confirmed_by_agency_id',
                                'responsible_agency_id', 'family_support_not_needed',
                                'family_support_agency_id', 'psychosocial_not_needed',
                                'psychosocial_agency_id', 'health_not_needed', 'health_agency_id',
                                'education_not_needed', 'education_agency_id']),
        ('policy_settings', ['first_visit_within_days', 'guarantee_valid_days',
                             'confirmation_valid_days', 'central_approval_valid_days']),
        ('monitoring_plan', ['provenance']),
        ('home_study', ['provenance', 'agency_id']),
        ('hearing', ['interpreter_user_id', 'interpreter_agency_id']),
        ('guardian_appointment', ['guardian_user_id', 'organisation_id']),
        ('family_member', ['with_the_child', 'legal_custodian']),
        ('coordination_message', ['provenance', 'agency_id']),
        ('central_authority_approval', ['provenance']),
        ('care_guarantee', ['provenance', 'guarantor_agency_id']),
    ]:
        with op.batch_alter_table(table, schema=None) as batch_op:
            if sqlite:
                # The enum CHECKs upgrade added with the columns (``_add_column``) are named
                # and so kept by the batch rebuild, where they would name a dropped column.
                for column in ENUM_COLUMNS.get(table, {}).keys() & set(columns):
                    batch_op.drop_constraint(
                        batch_op.f(f"ck_{table}_{ENUM_COLUMNS[table][column]}"), type_="check"
                    )
            for column in columns:
                batch_op.drop_column(column)
    op.drop_index(op.f('ix_withdrawal_case_id'), table_name='withdrawal')
    op.drop_table('withdrawal')
