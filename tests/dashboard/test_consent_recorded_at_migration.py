"""Migration d7e3a1c5f9b2 fills ``consent.recorded_at`` from the audit trail: the time of each
consent's newest ``consent:record`` entry, the last resort's "waiting since" the home page
showed until then; None where the trail has none (issue 16)."""

import sqlalchemy as sa
from flask_migrate import upgrade

from caseapp.core.extensions import db
from tests.support.migration_db import agency_people_cases, audit_entry, database_at, insert_row


def test_backfill_takes_the_newest_consent_record_entry(tmp_path):
    with database_at(tmp_path, "b2d4f6a8c0e1"):
        with db.engine.begin() as conn:
            (user,), (recorded, silent) = agency_people_cases(conn, ("cw",), 2)
            consents = {
                case: insert_row(
                    conn,
                    "consent",
                    case_id=case,
                    recorded_by_id=user,
                    non_voluntary=True,
                    last_resort_justification="Documented.",
                )
                for case in (recorded, silent)
            }
            entries = [
                ("consent:record", "Consent", consents[recorded], recorded, "03-01"),
                ("consent:record", "Consent", consents[recorded], recorded, "05-20"),
                ("consent:guardian:give", "Consent", consents[recorded], recorded, "06-01"),
                ("consent:record", "TravelPlan", consents[recorded], recorded, "06-02"),
                # The other consent's id on another case: not this one's.
                ("consent:record", "Consent", consents[silent], recorded, "06-03"),
            ]
            for seq, (action, object_type, object_id, case, day) in enumerate(entries, 1):
                audit_entry(
                    conn,
                    seq,
                    occurred_at=f"2026-{day} 10:00:00.000000",
                    actor_id=user,
                    action=action,
                    object_type=object_type,
                    object_id=object_id,
                    case_id=case,
                )
        upgrade()
        with db.engine.connect() as conn:
            rows = dict(conn.execute(sa.text("SELECT case_id, recorded_at FROM consent")).all())
    assert str(rows[recorded]).startswith("2026-05-20 10:00:00")
    assert rows[silent] is None
