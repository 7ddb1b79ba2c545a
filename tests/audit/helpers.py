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


def recreate_triggers() -> None:
    """Put the append-only triggers back, as a careful attacker would."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(
            text(
                "CREATE TRIGGER audit_entry_no_update_delete BEFORE UPDATE OR DELETE ON "
                "audit_entry FOR EACH ROW EXECUTE FUNCTION audit_entry_refuse_change()"
            )
        )
        db.session.execute(
            text(
                "CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry "
                "FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_refuse_change()"
            )
        )
    else:
        for op in ("update", "delete"):
            db.session.execute(
                text(
                    f"CREATE TRIGGER audit_entry_no_{op} BEFORE {op.upper()} ON audit_entry "
                    f"BEGIN SELECT RAISE(ABORT, 'append-only'); END"
                )
            )
    db.session.commit()


def rewrite_chain(seq: int, reason: str) -> None:
    """Rewrite entry ``seq`` behind the app's back and recompute every later hash and the head.

    Triggers dropped, hashes recomputed, triggers recreated: the linear chain verifies again.
    """
    from sqlalchemy import select

    from caseapp.audit.bundle_verifier import GENESIS_HASH, chain_hash
    from caseapp.audit.chain import sealed_of_entry
    from caseapp.audit.models import AuditChainHead, AuditEntry

    drop_triggers()
    db.session.execute(
        text("UPDATE audit_entry SET reason = :r WHERE seq = :s"), {"r": reason, "s": seq}
    )
    db.session.commit()
    prev = GENESIS_HASH
    for entry in db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all():
        new = chain_hash(prev, sealed_of_entry(entry))
        if entry.seq >= seq:
            db.session.execute(
                text("UPDATE audit_entry SET hash = :h WHERE seq = :s"), {"h": new, "s": entry.seq}
            )
        prev = new
    db.session.execute(text("UPDATE audit_chain_head SET hash = :h WHERE id = 1"), {"h": prev})
    db.session.commit()
    assert db.session.get(AuditChainHead, 1) is not None
    recreate_triggers()
