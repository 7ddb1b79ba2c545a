"""Audit the locked runtime dependencies with pip-audit (ASVS 5.0 V15.2.1).

``python scripts/pip_audit_check.py [requirements/main.txt]``

- a known vulnerability in a pinned dependency: exit 1 (``make test`` fails);
- the advisory service cannot be reached, or answers for no package: a warning, exit 0
  (an offline machine must still be able to run the tests; CI logs show the warning);
- otherwise: exit 0.
"""

from __future__ import annotations

import json
import subprocess  # nosec B404 - runs pip-audit from this venv with fixed arguments
import sys
from pathlib import Path

NETWORK_HINTS = ("ConnectionError", "NameResolutionError", "Max retries", "timed out", "SSLError")


def classify(returncode: int, stdout: str, stderr: str) -> tuple[int, list[str]]:
    """Decide the exit status and the lines to print from one pip-audit run."""
    try:
        report = json.loads(stdout) if stdout.strip() else None
    except json.JSONDecodeError:
        report = None
    if report is None:
        if any(hint in stderr for hint in NETWORK_HINTS):
            return 0, ["WARNING: pip-audit could not reach the advisory service; not audited."]
        return 1, ["pip-audit failed:", *stderr.strip().splitlines()[-5:]]
    deps = report.get("dependencies", [])
    findings = [
        f"{d['name']} {d.get('version', '')}: {v.get('id')} (fixed in {v.get('fix_versions')})"
        for d in deps
        for v in d.get("vulns", [])
    ]
    skipped = [d["name"] for d in deps if d.get("skip_reason")]
    if findings:
        return 1, ["Known vulnerabilities in pinned dependencies:", *findings]
    if deps and len(skipped) == len(deps):
        return 0, [
            "WARNING: the advisory service answered for no package (offline or a mirror "
            "without the JSON API); nothing was audited."
        ]
    lines = [f"pip-audit: no known vulnerabilities in {len(deps) - len(skipped)} packages."]
    if skipped:
        lines.append(f"WARNING: not audited: {', '.join(skipped)}")
    return 0, lines


def main(argv: list[str]) -> int:
    """Run pip-audit on the requirements file and report."""
    requirements = argv[1] if len(argv) > 1 else "requirements/main.txt"
    pip_audit = Path(sys.executable).with_name("pip-audit")
    command = [
        str(pip_audit),
        "-r",
        requirements,
        "--no-deps",
        "--disable-pip",
        "--progress-spinner",
        "off",
        "-f",
        "json",
    ]
    try:
        run = subprocess.run(  # noqa: S603  # nosec B603 - fixed argument list, no shell
            command, capture_output=True, text=True, timeout=300, check=False
        )
    except subprocess.TimeoutExpired:
        print("WARNING: pip-audit timed out (advisory service unreachable?); not audited.")
        return 0
    status, lines = classify(run.returncode, run.stdout, run.stderr)
    print("\n".join(lines))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
