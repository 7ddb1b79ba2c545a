"""Another writer holding a lock, on a real second connection (the busy answer's tests)."""

from __future__ import annotations

from contextlib import contextmanager

import sqlalchemy as sa


@contextmanager
def another_writer(db, case_id: int):
    """A second connection holding what a write to case ``case_id`` must lock."""
    engine = sa.create_engine(db.engine.url.render_as_string(hide_password=False))
    conn = engine.connect()
    try:
        conn.begin()  # SQLite: BEGIN IMMEDIATE (``core.db``), the database's write lock
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT seq FROM audit_chain_head FOR UPDATE"))
            conn.execute(
                sa.text('SELECT id FROM "case" WHERE id = :id FOR UPDATE'), {"id": case_id}
            )
        else:
            conn.execute(sa.text("SELECT 1"))
        yield
    finally:
        conn.rollback()
        conn.close()
        engine.dispose()


@contextmanager
def job_row_writer(url: sa.URL, job_id: int):
    """A second connection to ``url`` holding what a write to export job ``job_id`` must lock
    (SQLite: the database's write lock; PostgreSQL: the job's row)."""
    engine = sa.create_engine(url.render_as_string(hide_password=False))
    conn = engine.connect()
    try:
        conn.begin()
        if conn.dialect.name == "postgresql":
            conn.execute(
                sa.text("SELECT id FROM export_job WHERE id = :id FOR UPDATE"), {"id": job_id}
            )
        else:
            conn.execute(sa.text("SELECT 1"))
        yield
    finally:
        conn.rollback()
        conn.close()
        engine.dispose()
