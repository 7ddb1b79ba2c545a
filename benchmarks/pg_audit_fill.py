#!/usr/bin/env python3
"""PostgreSQL only: finish a ``pages.py`` build whose audit trail was not chained in time.

    .venv/bin/python benchmarks/pg_audit_fill.py --database-url URL --workdir DIR -n 100000

``dataset.scale`` commits the cloned cases, then chains a copy of the template cases' audit
entries for every clone in Python (three SHA-256 per entry): ~2.7 million entries at 100,000
cases, which took over two hours on the shared 2-core machine under a load of 12-14 (about
330 entries a second). When that step is stopped, this script does what is left in SQL, in
one ``INSERT ... SELECT`` over ``generate_series``: the same entries with the same remapped
case and object ids, sequence numbers and times as ``Cloner.clone_audit`` gives them, but
**hashes that are not a chain** (``flask audit verify`` refuses this trail; the pages do not
read hashes). Then it moves the chain head past them (so new entries append), resets the
sequences, runs ``VACUUM ANALYZE`` and writes ``built.json`` so ``pages.py`` reuses the
database. For page timings only.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv=None) -> None:
    from benchmarks import dataset
    from benchmarks.pages import SECRET

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("-n", type=int, default=100_000)
    args = parser.parse_args(argv)
    url = args.database_url
    app = dataset.make_app(url, args.workdir, SECRET)  # imports the models
    from caseapp.core.extensions import db

    tables = dataset.case_tables(db.metadata)
    class_tables = {
        m.class_.__name__: m.local_table.name
        for m in dataset._mappers()
        if getattr(m.local_table, "name", None) in {t.name for t in tables}
    }
    engine = sa.create_engine(url)
    start = time.perf_counter()
    with engine.begin() as conn:
        total_cases = conn.execute(sa.text('SELECT count(*) FROM "case"')).scalar_one()
        template_max_case = conn.execute(
            sa.text("SELECT max(case_id) FROM audit_entry WHERE case_id IS NOT NULL")
        ).scalar_one()
        # As dataset.scale: copies = round(n / template cases) - 1, cases = template * (copies + 1).
        fits = [t for t in range(template_max_case, 1000) if t * round(args.n / t) == total_cases]
        if not fits:
            raise SystemExit("the cases are not a dataset.scale build of -n cases")
        copies = round(args.n / fits[0]) - 1
        same = conn.execute(  # case 1 + t is case 1's first copy
            sa.text(
                'SELECT count(DISTINCT (stage, lead_agency_id)) FROM "case" WHERE id IN (1, :c)'
            ),
            {"c": 1 + fits[0]},
        ).scalar_one()
        if same != 1:
            raise SystemExit(f"{fits[0]} template cases does not fit the clones")
        # Each table's stride: its template's largest id (clone k's ids are id + k * stride).
        stride = {}
        for name in set(class_tables.values()) | {"case"}:
            biggest = conn.exec_driver_sql(f'SELECT max(id) FROM "{name}"').scalar() or 0  # noqa: S608
            stride[name] = biggest // (copies + 1)
            if biggest % (copies + 1):
                raise SystemExit(f"{name}: ids are not {copies + 1} copies of a template")
        whens = " ".join(
            f"WHEN '{cls}' THEN e.object_id + k * {stride[t]}" for cls, t in class_tables.items()
        )
        head = conn.execute(sa.text("SELECT seq, occurred_at FROM audit_chain_head")).one()
        per_copy = conn.execute(
            sa.text("SELECT count(*) FROM audit_entry WHERE case_id IS NOT NULL")
        ).scalar_one()
        print(f"{total_cases:,} cases, {copies:,} copies of {per_copy:,} entries")
        conn.exec_driver_sql(
            f"""
            INSERT INTO audit_entry (id, occurred_at, actor_id, actor_agency_id, action,
                object_type, object_id, case_id, diff, reason, seq, salt, hash, request_id)
            SELECT base_id + n, %(moment)s::timestamptz + n * interval '50 microseconds',
                e.actor_id, e.actor_agency_id, e.action, e.object_type,
                CASE e.object_type {whens} ELSE e.object_id END,
                e.case_id + k * {stride["case"]}, e.diff, e.reason, %(seq)s::int + n,
                md5(n::text || 's'), md5(n::text) || md5(n::text || 'h'), e.request_id
            FROM (SELECT max(id) AS base_id FROM audit_entry) b,
                 generate_series(1, {copies}) AS k,
                 LATERAL (SELECT t.*, row_number() OVER (ORDER BY t.seq) AS r
                          FROM audit_entry t WHERE t.case_id IS NOT NULL
                            AND t.case_id <= {stride["case"]}) e,
                 LATERAL (SELECT (k - 1) * {per_copy} + e.r AS n) nn
            """,  # noqa: S608 -- our own table names and integers
            {"moment": head.occurred_at, "seq": head.seq},
        )
        last = conn.execute(
            sa.text("SELECT seq, hash, occurred_at FROM audit_entry ORDER BY seq DESC LIMIT 1")
        ).one()
        conn.execute(
            sa.text("UPDATE audit_chain_head SET seq = :s, hash = :h, occurred_at = :o"),
            {"s": last.seq, "h": last.hash, "o": last.occurred_at},
        )
        for table in [*tables, sa.table("audit_entry")]:
            conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'),"  # noqa: S608
                f' (SELECT max(id) FROM "{table.name}"))'
            )
        total = conn.execute(sa.text("SELECT count(*) FROM audit_entry")).scalar_one()
    print(f"audit entries: {total:,} ({time.perf_counter() - start:.0f} s)")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()
    del app
    print(f"vacuumed and analysed ({time.perf_counter() - start:.0f} s)")
    Path(args.workdir, "built.json").write_text(json.dumps({"url": url, "n": args.n}))


if __name__ == "__main__":
    main()
