"""The static and dependency checks of ``make lint`` (ASVS 5.0 V15.2.1)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location(
    "pip_audit_check", ROOT / "scripts/pip_audit_check.py"
)
pip_audit_check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(pip_audit_check)


def _report(*deps) -> str:
    return json.dumps({"dependencies": list(deps), "fixes": []})


def test_a_known_vulnerability_fails():
    vulnerable = {
        "name": "flask",
        "version": "0.1",
        "vulns": [{"id": "PYSEC-1", "fix_versions": ["1"]}],
    }
    status, lines = pip_audit_check.classify(1, _report(vulnerable), "")
    assert status == 1 and "PYSEC-1" in "\n".join(lines)


def test_unreachable_service_only_warns():
    status, lines = pip_audit_check.classify(1, "", "requests.exceptions.ConnectionError: ...")
    assert status == 0 and lines[0].startswith("WARNING")
    skipped = {"name": "flask", "skip_reason": "Dependency not found on PyPI"}
    status, lines = pip_audit_check.classify(0, _report(skipped), "")
    assert status == 0 and lines[0].startswith("WARNING")


def test_clean_report_passes_and_other_errors_fail():
    clean = {"name": "flask", "version": "3.1.3", "vulns": []}
    assert pip_audit_check.classify(0, _report(clean), "")[0] == 0
    assert pip_audit_check.classify(2, "", "usage: pip-audit: bad option")[0] == 1


def test_bandit_finds_no_medium_or_high_issue_in_caseapp():
    bandit = Path(sys.executable).with_name("bandit")
    run = subprocess.run(
        [
            str(bandit),
            "-q",
            "-r",
            str(ROOT / "caseapp"),
            "--severity-level",
            "medium",
            "-f",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    results = json.loads(run.stdout)["results"]
    assert results == [], [(r["test_id"], r["filename"], r["line_number"]) for r in results]


def test_make_lint_runs_bandit_and_pip_audit():
    makefile = (ROOT / "Makefile").read_text()
    lint = makefile.split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert "bandit" in lint and "scripts/pip_audit_check.py" in lint
