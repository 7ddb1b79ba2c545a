"""Helpers for the audit tests: simulate an attacker with database access."""

from __future__ import annotations

from sqlalchemy import text

from caseapp.core.extensions import db


def drop_triggers() -> None:
    """Remove the append-only triggers (what an attacker with DBA rights could do)."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("DROP TRIGGER audit_entry_no_update_delete ON audit_entry"))
        db.session.execute(text("DROP TRIGGER audit_entry_no_truncate ON audit_entry"))
    else:
        db.session.execute(text("DROP TRIGGER audit_entry_no_update"))
        db.session.execute(text("DROP TRIGGER audit_entry_no_delete"))
    db.session.commit()


def seqs() -> list[int]:
    """All sequence numbers in the table, in order."""
    return list(db.session.scalars(text("SELECT seq FROM audit_entry ORDER BY seq")))
