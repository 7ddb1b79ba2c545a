"""The export benchmark's code path, small: correctness only, never timings."""

from __future__ import annotations

import importlib.util

from caseapp import ROOT


def _benchmark():
    spec = importlib.util.spec_from_file_location(
        "export_memory", ROOT / "benchmarks" / "export_memory.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_benchmark_exports_and_verifies_bulk_inserted_entries(database_url, tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    figures = _benchmark().run(2000, database_url, str(instance), tmp_path, fresh=False)
    assert figures["export_manifest_count"] == 2000
    assert figures["verify_ok"] is True
    assert figures["select"]["output"][-1]["rows"] == 2000
    for kind in ("baseline", "select", "export", "verify"):
        assert figures[kind]["maxrss_kb"] > 0


def test_benchmark_entries_belong_to_realistic_cases(tmp_path):
    """The default build: the demo's cases cloned (``benchmarks/dataset.py``), the entries
    spread over them, so the export's indicators count real rows (issue 16 item 6)."""
    import sqlalchemy as sa

    instance = tmp_path / "instance"
    instance.mkdir()
    url = f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    figures = _benchmark().run(300, url, str(instance), tmp_path, cases=56)
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        cases = conn.execute(sa.text('SELECT count(*) FROM "case"')).scalar()
        children = conn.execute(sa.text("SELECT count(*) FROM child")).scalar()
        linked = conn.execute(
            sa.text(
                'SELECT count(DISTINCT a.case_id) FROM audit_entry a JOIN "case" c'
                " ON c.id = a.case_id WHERE a.reason = 'benchmark entry'"
            )
        ).scalar()
    engine.dispose()
    assert cases > 28 and children >= cases  # the demo's cases and their clones
    assert linked == cases  # nine entries in ten, round robin over every built case
    # Every entry of the chain is exported: the demo's own and the 300 inserted.
    assert figures["export_manifest_count"] > 300
    assert figures["verify_ok"] is True
