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
