"""The gate-evidence migration carries existing data over (issue 9, principle 10): free-text
names that name exactly one register entry become references, the rest stay visible as
text; a guarantee's withdrawal becomes a withdrawal record; age ranges get their anchor; child
names survive (SQLite must not re-create ``child``: it would cascade to ``child_name``)."""

from datetime import date

import sqlalchemy as sa
from flask_migrate import upgrade

from caseapp import create_app
from caseapp.core import migrations
from tests.conftest import SECRET
from tests.support.migration_db import insert_row

GATE_EVIDENCE = "2ce7d1b5b364"  # the gate-evidence migration


def _before(app) -> str:
    """The revision just before the gate-evidence migration (the chain is re-ordered at
    merges, so it is looked up, not written down)."""
    from alembic.script import ScriptDirectory

    config = migrations.init_app(app).migrate.get_config()
    return ScriptDirectory.from_config(config).get_revision(GATE_EVIDENCE).down_revision


def test_existing_data_is_carried_over(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET, "INSTANCE_PATH": str(tmp_path)}
    )
    with app.app_context():
        upgrade(revision=_before(app))
        from caseapp.core.extensions import db

        with db.engine.begin() as conn:
            lead = insert_row(conn, "agency", code="L", name="Lead", country="MD")
            ca = insert_row(
                conn,
                "agency",
                code="CA",
                name="Central Authority",
                country="MD",
                kind="central_authority",
            )
            cp = insert_row(
                conn,
                "agency",
                code="CP",
                name="Odesa Service",
                country="UA",
                kind="counterpart_abroad",
            )
            user = insert_row(conn, "user_account", email="a@example.org", agency_id=lead)
            case = insert_row(
                conn,
                "case",
                number="MD-2026-000001",
                lead_agency_id=lead,
                caseworker_id=user,
                outcome="return",
            )
            child = insert_row(
                conn, "child", case_id=case, age_min=15, age_max=17, identified_on="2026-02-01"
            )
            insert_row(conn, "child_name", child_id=child, given_name="Ivan", search_key="ivan")
            g = insert_row(
                conn,
                "care_guarantee",
                case_id=case,
                guarantor_name="Mother",
                given_on="2026-02-10",
                withdrawn_on="2026-02-20",
            )
            insert_row(
                conn,
                "central_authority_approval",
                case_id=case,
                authority_name="central authority ",
                reference="R",
                approved_on="2026-02-11",
            )
            insert_row(
                conn,
                "coordination",
                case_id=case,
                destination_country="UA",
                counterpart_name="Odesa Service",
            )
            insert_row(
                conn,
                "coordination_message",
                case_id=case,
                counterpart="Odesa Service",
                subject="Ready",
                on_date="2026-02-12",
            )
            insert_row(
                conn,
                "reintegration_plan",
                case_id=case,
                education="School",
                health=None,
                responsible_agency="Odesa Service",
                resources_confirmed=False,
            )
            insert_row(
                conn,
                "travel_plan",
                case_id=case,
                travel_on="2026-04-01",
                route="Road",
                escort_name="E",
                receiving_official="Officer",
                handover_place="Office",
                receiving_is_child_protection=True,
            )
            insert_row(
                conn,
                "monitoring_plan",
                case_id=case,
                monitor_name="Unknown NGO",
                schedule_months="[1]",
            )
        upgrade()
        with db.engine.connect() as conn:
            one = lambda sql: conn.execute(sa.text(sql)).one()  # noqa: E731
            assert one("SELECT count(*) FROM child_name")[0] == 1
            assert one("SELECT age_assessed_on FROM child")[0] in (date(2026, 2, 1), "2026-02-01")
            w = one("SELECT kind, on_date, guarantee_id, made_by FROM withdrawal")
            assert (w[0], str(w[1]), w[2], w[3]) == ("guarantee", "2026-02-20", g, "Mother")
            assert one("SELECT withdrawn_on FROM care_guarantee")[0] is not None
            assert one(
                "SELECT authority_agency_id, authority_name FROM central_authority_approval"
            ) == (ca, "central authority ")
            assert one("SELECT counterpart_agency_id FROM coordination")[0] == cp
            assert one("SELECT agency_id FROM coordination_message")[0] == cp
            plan = one(
                "SELECT responsible_agency_id, education_agency_id, health_agency_id,"
                " responsible_agency FROM reintegration_plan"
            )
            assert plan == (cp, cp, None, "Odesa Service")
            assert one("SELECT receiving_kind, receiving_official FROM travel_plan") == (
                "child_protection",
                "Officer",
            )
            # Not in the register: stays as text, nothing invented.
            assert one("SELECT monitor_agency_id, monitor_name FROM monitoring_plan") == (
                None,
                "Unknown NGO",
            )
            assert one("SELECT central_approval_valid_days FROM policy_settings")[0] == 180
        db.engine.dispose()
