"""Signed statistics: the export carries indicators.json and indicators.csv, listed in the
signed manifest; both verifiers accept them, and a changed figure fails verification."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from caseapp import ROOT
from caseapp.audit import keys
from caseapp.audit.bundle_verifier import verify_bundle
from tests.audit.bundles import read, resign, write
from tests.indicators.dataset import build

VERIFIER = ROOT / "tools" / "verify_export.py"


@pytest.fixture
def bundle(app, factory, runner, tmp_path):
    build(factory)
    out = tmp_path / "export.zip"
    args = [
        "audit",
        "export",
        "--out",
        str(out),
        "--recipient",
        "ombud-md",
        "--from",
        "2026-01-01",
        "--to",
        "2026-03-31",
    ]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    return out


def standalone(path, tmp_path):
    return subprocess.run(
        [sys.executable, "-I", str(VERIFIER), str(path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )


def test_the_bundle_carries_the_indicators_for_its_range(bundle, tmp_path):
    members = read(bundle)
    manifest = json.loads(members["manifest.json"])
    assert {"indicators.json", "indicators.csv"} <= set(manifest["files"])
    doc = json.loads(members["indicators.json"])
    assert doc["period"] == {"from": "2026-01-01", "to": "2026-03-31"}
    assert doc["scope"] == "all"
    figures = {
        (f["indicator"], f["measure"], f["dimension"], f["category"]): f["value"]
        for f in doc["figures"]
    }
    assert figures[("deprived_of_liberty", "count", "", "")] == 3
    assert figures[("identified", "count", "sex", "female")] == 2
    assert any(i["key"] == "returns" and "002" in i["source"] for i in doc["indicators"])
    csv_text = members["indicators.csv"].decode()
    assert csv_text.splitlines()[0] == "indicator,measure,dimension,category,value"
    assert verify_bundle(bundle).ok
    result = standalone(bundle, tmp_path)
    assert result.returncode == 0, result.stdout


def _change_figure(members: dict, *, resigned: bool) -> dict:
    doc = json.loads(members["indicators.json"])
    for f in doc["figures"]:
        if f["indicator"] == "deprived_of_liberty" and f["measure"] == "count":
            f["value"] = 1  # fewer children in detention than there were
            break
    changed = {**members, "indicators.json": json.dumps(doc).encode()}
    return resign(changed, keys.signing_key()) if resigned else changed


@pytest.mark.parametrize("resigned", [False, True])
def test_a_changed_figure_fails_both_verifiers(bundle, tmp_path, resigned):
    tampered = write(tmp_path / "tampered.zip", _change_figure(read(bundle), resigned=resigned))
    failures = verify_bundle(tampered).failures
    if resigned:  # even someone able to sign cannot make the two files disagree unseen
        assert any("indicators.csv row" in f and "altered" in f for f in failures), failures
    else:
        assert "indicators.json: SHA-256 does not match the manifest (file altered)" in failures
    result = standalone(tampered, tmp_path)
    assert result.returncode == 1 and "FAIL: indicators" in result.stdout


def test_a_changed_csv_figure_fails(bundle, tmp_path):
    members = read(bundle)
    text = (
        members["indicators.csv"]
        .decode()
        .replace("deprived_of_liberty,days,,,46", "deprived_of_liberty,days,,,4")
    )
    assert text != members["indicators.csv"].decode()
    changed = resign({**members, "indicators.csv": text.encode()}, keys.signing_key())
    failures = verify_bundle(write(tmp_path / "t.zip", changed)).failures
    assert any("indicators.csv row" in f for f in failures), failures


def test_a_removed_indicator_file_fails(bundle, tmp_path):
    members = read(bundle)
    del members["indicators.csv"]
    failures = verify_bundle(write(tmp_path / "t.zip", members)).failures
    assert "indicators.csv: listed in the manifest but missing from the bundle" in failures
