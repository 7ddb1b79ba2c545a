#!/usr/bin/env python3
"""Peak memory and throughput of the audit export, against baselines measured in the same run.

    .venv/bin/python benchmarks/export_memory.py -n 1000000 [--database-url URL] [--workdir DIR]

1. Builds a database from the migrations (SQLite in ``--workdir`` unless ``--database-url``)
   with ``--cases`` realistic cases (``benchmarks/dataset.py``: children, families,
   placements, determinations and decisions, so the export's indicators count real rows;
   ``--bare-cases``: case rows alone) and bulk-inserts N chained audit entries with
   SQLAlchemy Core ``executemany`` -- no ORM per entry, but the very same sealing and hash
   functions as ``record()``.
2. Runs, each in its own subprocess, measuring peak RSS (``RUSAGE_CHILDREN`` ``ru_maxrss``
   of a wrapper that only waits for it) and wall time:
   - ``baseline``: imports the app and opens the database (the memory floor);
   - ``select``: plainly streams every row of ``audit_entry`` (the throughput ceiling);
   - ``export``: writes the bundle exactly as ``flask audit export`` does;
   - ``verify``: checks the bundle with the standalone verifier (``tools/verify_export.py``,
     with its second process; its peak is both processes' together, sampled every 20 ms).
3. Prints peak RSS and entries/s for each, and the ratios export/baseline (memory) and
   export/select (throughput). Exits 1 if the export's peak RSS exceeds ``--limit-mb``.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SECRET = "benchmark-secret-key-0123456789abcdef0123"  # noqa: S105 -- throwaway database
BATCH = 10_000
NAMES = ("Ivan", "Иван", "Timur", "Тимур")

# Runs a command and reports its peak RSS; a fresh wrapper per command keeps the figures apart.
WRAPPER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
rc = subprocess.run(sys.argv[1:]).returncode
seconds = time.perf_counter() - start
kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"returncode": rc, "seconds": seconds, "maxrss_kb": kb}))
"""


def make_app(url: str, instance: str):
    """The app on the benchmark database."""
    from caseapp import create_app

    return create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": instance, "SECRET_KEY": SECRET}
    )


def migrate(url: str, instance: str) -> None:
    """Build the schema from the migrations."""
    from flask_migrate import upgrade

    from caseapp.core import migrations

    app = make_app(url, instance)
    migrations.init_app(app)  # create_app leaves Flask-Migrate to ``flask db``
    with app.app_context():
        upgrade()
        from caseapp.core.extensions import db

        db.engine.dispose()


def insert_cases(url: str, cases: int) -> int:
    """Insert ``cases`` bare cases (and one agency) so entries can point at them."""
    import sqlalchemy as sa

    from caseapp.agencies.models import Agency
    from caseapp.cases.models import Case

    engine = sa.create_engine(url)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        agency = conn.execute(
            Agency.__table__.insert()
            .values(
                code=f"BENCH-{secrets.token_hex(3)}",
                name="Benchmark",
                country="MD",
                kind="child_protection",
                active=True,
            )
            .returning(Agency.__table__.c.id)
        ).scalar_one()
        start = (conn.execute(sa.select(sa.func.max(Case.id))).scalar() or 0) + 1
        rows = [
            {
                "id": start + i,
                "number": f"BM-{start + i}",
                "lead_agency_id": agency,
                "stage": "identified",
                "opened_at": now,
                "updated_at": now,
                "version": 1,
            }
            for i in range(cases)
        ]
        for i in range(0, len(rows), BATCH):
            conn.execute(Case.__table__.insert(), rows[i : i + BATCH])
    engine.dispose()
    return start


def realistic_cases(url: str, instance: str, cases: int) -> list[int]:
    """Build the schema and ``cases`` realistic cases (``benchmarks/dataset.py``: the demo's
    children, families, placements, determinations and decisions cloned, their dates spread
    over two years) without their audit trail; return their ids. The export's indicators
    are computed over these cases, as in a real deployment (issue 16 item 6)."""
    import sqlalchemy as sa

    from benchmarks import dataset

    dataset.build(url, instance, SECRET, cases, audit=False, progress=lambda message: None)
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        ids = list(conn.execute(sa.text('SELECT id FROM "case" ORDER BY id')).scalars())
    engine.dispose()
    return ids


def bulk_insert(url: str, n: int, cases: int = 0, case_ids: list[int] | None = None) -> None:
    """Append ``n`` chained entries after the current head, in batches of executemany.

    With ``cases``, nine entries in ten belong to one of that many cases (round robin: bare
    cases inserted here, or ``case_ids``), with stage changes, gate evaluations and decisions
    among them, and each case's own child's name, so the per-case summary and the pseudonyms
    grow with the number of cases as in a real deployment.
    """
    import sqlalchemy as sa

    from caseapp.audit.bundle_verifier import GENESIS_HASH, chain_hash
    from caseapp.audit.chain import normalise, sealed_of
    from caseapp.audit.models import AuditChainHead, AuditEntry

    if case_ids:
        cases = len(case_ids)
    elif cases:
        first = insert_cases(url, cases)
        case_ids = list(range(first, first + cases))
    gate = {"policy_version": "2026-1", "safeguards": [{"id": "S7", "met": False}]}
    engine = sa.create_engine(url)
    entries, heads = AuditEntry.__table__, AuditChainHead.__table__
    with engine.begin() as conn:
        head = conn.execute(sa.select(heads.c.seq, heads.c.hash, heads.c.occurred_at)).first()
        seq, prev = (head[0], head[1]) if head else (0, GENESIS_HASH)
        moment = (head[2] if head and head[2] else datetime.now(UTC)) + timedelta(seconds=1)
        batch = []
        for i in range(n):
            seq += 1
            moment += timedelta(microseconds=1000)
            row = {
                "seq": seq,
                "occurred_at": moment,
                "actor_id": 1 + i % 50,
                "actor_agency_id": 1 + i % 5,
                "action": ("case:record:view", "case:stage:change", "gate:refuse")[i % 3],
                "object_type": "Case",
                "object_id": 1 + i % 1000,
                "case_id": case_ids[i % cases] if case_ids and i % 10 else None,
                "diff": normalise(
                    {
                        "stage": ["assessment", "determination"],
                        # One child per case, named in Latin or Cyrillic: the export's
                        # pseudonyms see as many names as there are cases.
                        "name": {"given_name": [None, f"{NAMES[i % cases % 4]} {i % cases}"]}
                        if cases
                        else {"given_name": [None, "Ivan"]},
                        **({"gate": gate} if i % 3 == 2 else {}),
                    }
                ),
                "reason": "benchmark entry",
                "salt": secrets.token_hex(16),
            }
            row["hash"] = prev = chain_hash(prev, sealed_of(**row))
            batch.append(row)
            if len(batch) == BATCH:
                conn.execute(entries.insert(), batch)
                batch = []
        if batch:
            conn.execute(entries.insert(), batch)
        values = {"seq": seq, "hash": prev, "occurred_at": moment}
        if head is None:
            conn.execute(heads.insert().values(id=1, **values))
        else:
            conn.execute(heads.update().where(heads.c.id == 1).values(**values))
    engine.dispose()


# -- the measured children --------------------------------------------------------------------


def _vm_kb(field: str) -> int:
    """A ``/proc/self/status`` figure in kB (Linux; 0 elsewhere)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree_kb(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants, in kB (Linux; 0 elsewhere)."""
    total = 0
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                total += sum(_tree_kb(int(child)) for child in fh.read().split())
    except OSError:  # the process ended meanwhile
        pass
    return total


class TreeRSS:
    """Samples the resident memory of this process and its children together (every 20 ms)
    until ``stop``, which returns the highest sum seen (kB): ``ru_maxrss`` tells only the
    largest single process."""

    def __init__(self) -> None:
        import threading

        self.peak = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        pid = os.getpid()
        while not self._done.wait(0.02):
            self.peak = max(self.peak, _tree_kb(pid))

    def stop(self) -> int:
        self._done.set()
        self._thread.join()
        return self.peak


def child(kind: str, url: str, instance: str, out: str | None) -> None:
    """One measured process (``--child``).

    Besides the wrapper's peak RSS, each child reports its resident memory just before and
    after its work (``rss_before_kb``/``rss_after_kb``): importing the app has a transient
    peak (argon2's 64 MiB dummy hash in caseapp.auth.passwords) that can hide a smaller one.
    """
    if kind == "verify":
        # The standalone verifier as an ombudsperson runs it (``tools/verify_export.py``,
        # nothing of caseapp imported), with its second process (``parallel``, as its command
        # line does); the peak is of both processes together, sampled.
        sys.path.insert(0, str(ROOT / "tools"))
        import verify_export  # type: ignore[import-not-found]

        sampler = TreeRSS()
        start = time.perf_counter()
        report = verify_export.verify_bundle(out, parallel=True)
        work = time.perf_counter() - start
        peak = sampler.stop()
        print(
            json.dumps(
                {
                    "ok": report.ok,
                    "failures": report.failures[:5],
                    "work_seconds": work,
                    "tree_maxrss_kb": peak,
                }
            )
        )
        sys.exit(0 if report.ok else 1)
    app = make_app(url, instance)
    before = _vm_kb("VmRSS")
    with app.app_context():
        from sqlalchemy import select, text

        from caseapp.core.extensions import db

        if kind == "baseline":
            with db.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            print(json.dumps({"rss_before_kb": before, "rss_after_kb": _vm_kb("VmRSS")}))
        elif kind == "select":
            from caseapp.audit.models import AuditEntry

            count, start = 0, time.perf_counter()
            with db.engine.connect().execution_options(sqlite_read_only=True) as conn:
                result = conn.execution_options(yield_per=2000).execute(
                    select(AuditEntry.__table__).order_by(AuditEntry.seq)
                )
                for _row in result:
                    count += 1
            work = time.perf_counter() - start
            print(
                json.dumps(
                    {
                        "rows": count,
                        "work_seconds": work,
                        "rss_before_kb": before,
                        "rss_after_kb": _vm_kb("VmRSS"),
                    }
                )
            )
        elif kind == "export":
            from caseapp.audit.export import ExportOptions, export_bundle

            start = time.perf_counter()
            result = export_bundle(
                None, ExportOptions(recipient="benchmark"), workdir=Path(out).parent
            )
            db.session.commit()
            result.publish(out)
            work = time.perf_counter() - start
            print(
                json.dumps(
                    {
                        "count": result.manifest["count"],
                        "work_seconds": work,
                        "rss_before_kb": before,
                        "rss_after_kb": _vm_kb("VmRSS"),
                    }
                )
            )
        db.engine.dispose()


def measure(kind: str, url: str, instance: str, out: str | None = None) -> dict:
    """Run one child through the wrapper; return its peak RSS, time and output."""
    cmd = [
        sys.executable,
        "-c",
        WRAPPER,
        sys.executable,
        __file__,
        "--child",
        kind,
        "--database-url",
        url,
        "--instance",
        instance,
    ]
    if out:
        cmd += ["--out", out]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=ROOT)  # noqa: S603
    lines = proc.stdout.strip().splitlines()
    stats = json.loads(lines[-1])
    stats["output"] = [json.loads(line) for line in lines[:-1] if line.startswith("{")]
    stats["stderr"] = proc.stderr[-2000:]
    if stats["returncode"] != 0:
        raise RuntimeError(f"{kind} failed: {proc.stderr[-2000:]}")
    return stats


def run(
    n: int,
    url: str,
    instance: str,
    workdir: Path,
    fresh: bool = True,
    insert: bool = True,
    cases: int = 0,
    bare: bool = False,
) -> dict:
    """Build the data and take every measurement; return the figures."""
    start = time.perf_counter()
    case_ids = None
    if fresh and (bare or not cases):
        migrate(url, instance)
    elif fresh:
        case_ids = realistic_cases(url, instance, cases)
    cases_seconds = time.perf_counter() - start
    start = time.perf_counter()
    if insert:
        bulk_insert(url, n, cases, case_ids)
    insert_seconds = time.perf_counter() - start
    out = str(workdir / "export.zip")
    figures = {
        "n": n,
        "cases": cases,
        "cases_seconds": cases_seconds,
        "insert_seconds": insert_seconds,
    }
    for kind in ("baseline", "select", "export", "verify"):
        figures[kind] = measure(kind, url, instance, out if kind in ("export", "verify") else None)
    figures["bundle_bytes"] = os.path.getsize(out)
    figures["export_manifest_count"] = figures["export"]["output"][-1]["count"]
    figures["verify_ok"] = figures["verify"]["output"][-1]["ok"]
    # Every entry of the chain is walked and exported: the bulk-inserted ones and the demo's.
    total = figures["export_manifest_count"]
    mb = {k: figures[k]["maxrss_kb"] / 1024 for k in ("baseline", "select", "export")}
    # Verification runs in two processes: the larger of their exact peaks and the sampled
    # peak of both together, whichever is higher.
    verify = figures["verify"]
    mb["verify"] = max(verify["maxrss_kb"], verify["output"][-1]["tree_maxrss_kb"]) / 1024
    # Throughput over the work itself (the process start-up is in the baseline).
    rate = {
        k: total / figures[k]["output"][-1]["work_seconds"] for k in ("select", "export", "verify")
    }
    figures["summary"] = {
        "peak_rss_mb": {k: round(v, 1) for k, v in mb.items()},
        "entries_per_second": {k: round(v) for k, v in rate.items()},
        "export_rss_vs_baseline": round(mb["export"] / mb["baseline"], 2),
        "export_throughput_vs_select": round(rate["export"] / rate["select"], 3),
        "verify_throughput_vs_select": round(rate["verify"] / rate["select"], 3),
        "steady_rss_mb": {
            k: [
                round(figures[k]["output"][-1][f] / 1024, 1)
                for f in ("rss_before_kb", "rss_after_kb")
            ]
            for k in ("baseline", "select", "export")
        },
    }
    return figures


def main() -> int:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=100_000, help="cases the entries belong to")
    parser.add_argument("--database-url", help="default: a new SQLite file in --workdir")
    parser.add_argument("--instance", help=argparse.SUPPRESS)
    parser.add_argument("--workdir")
    parser.add_argument("--limit-mb", type=float, default=100.0)
    parser.add_argument("--child", choices=("baseline", "select", "export", "verify"))
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument(
        "--bare-cases",
        action="store_true",
        help="cases with no child or records (faster to build; the indicators see nothing)",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="measure again on --workdir's database (no insert)"
    )
    args = parser.parse_args()
    if args.child:
        child(args.child, args.database_url, args.instance, args.out)
        return 0
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="caseapp-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    instance = workdir / "instance"
    instance.mkdir(exist_ok=True)
    url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    figures = run(
        args.n,
        url,
        str(instance),
        workdir,
        fresh=not args.reuse,
        insert=not args.reuse,
        cases=args.cases,
        bare=args.bare_cases,
    )
    summary = figures["summary"]
    kind = "bare" if args.bare_cases else "realistic"
    print(
        f"entries: {figures['export_manifest_count']:,} in {args.cases:,} {kind} cases "
        f"(cases built in {figures['cases_seconds']:.1f} s, "
        f"bulk insert {figures['insert_seconds']:.1f} s), "
        f"bundle {figures['bundle_bytes'] / 1e6:.1f} MB"
    )
    for kind in ("baseline", "select", "export", "verify"):
        rate = summary["entries_per_second"].get(kind)
        print(
            f"  {kind:9} peak RSS {summary['peak_rss_mb'][kind]:7.1f} MB"
            f"   process {figures[kind]['seconds']:7.1f} s"
            + (f"   {rate:>9,} entries/s" if rate else "")
        )
    for kind, (before, after) in summary["steady_rss_mb"].items():
        print(f"  {kind:9} resident before its work {before:7.1f} MB, after {after:7.1f} MB")
    print(
        f"export peak RSS / baseline: {summary['export_rss_vs_baseline']}x; "
        f"export throughput / plain SELECT: {summary['export_throughput_vs_select']}; "
        f"verification throughput / plain SELECT: {summary['verify_throughput_vs_select']}"
    )
    within = max(summary["peak_rss_mb"][k] for k in ("export", "verify")) <= args.limit_mb
    print(f"export and verify peak RSS {'within' if within else 'OVER'} {args.limit_mb:.0f} MB")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
