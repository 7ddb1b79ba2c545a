"""The export bundle: it verifies, and each kind of tampering fails with a precise message."""

from __future__ import annotations

import ast
import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from caseapp import ROOT
from caseapp.audit import keys
from caseapp.audit.bundle_verifier import verify_bundle
from caseapp.audit.models import AuditEntry, AuditExport
from tests.audit.bundles import join, lines, populate, read, resign, write

VERIFIER = ROOT / "tools" / "verify_export.py"


@pytest.fixture
def bundle(db, factory, runner, tmp_path):
    """A bundle of a populated database, made through the CLI."""
    populate(factory)
    out = tmp_path / "export.zip"
    result = runner.invoke(args=["audit", "export", "--out", str(out), "--recipient", "ombud-md"])
    assert result.exit_code == 0, result.output
    return out


def failures(path, **kwargs) -> list[str]:
    """What verification reports as failed."""
    return verify_bundle(path, **kwargs).failures


def test_bundle_verifies_with_cli_and_standalone_tool(bundle, runner, tmp_path):
    result = runner.invoke(args=["audit", "verify-export", str(bundle)])
    assert result.exit_code == 0, result.output
    assert "OK: the bundle verifies" in result.output
    pem = tmp_path / "key.pem"
    pem.write_bytes(keys.public_key_pem())
    standalone = subprocess.run(
        [
            sys.executable,
            "-I",
            str(VERIFIER),
            str(bundle),
            "--public-key",
            str(pem),
            "--fingerprint",
            keys.key_id(),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert standalone.returncode == 0, standalone.stdout + standalone.stderr
    assert keys.key_id() in standalone.stdout


def test_standalone_verifier_imports_nothing_from_caseapp():
    tree = ast.parse(VERIFIER.read_text())
    modules = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any(m and m.startswith("caseapp") for m in modules)
    assert VERIFIER.resolve() == (ROOT / "caseapp/audit/bundle_verifier.py").resolve()


def test_standalone_verifier_seals_the_apps_fields():
    """The verifier's copy of SEALED_FIELDS is the app's one definition, field for field."""
    from caseapp.audit import bundle_verifier, chain

    assert bundle_verifier.SEALED_FIELDS == chain.SEALED_FIELDS
    assert "personal" in chain.SEALED_FIELDS  # not two empty tuples


def test_manifest_describes_the_range_and_chain(bundle, db):
    manifest = json.loads(read(bundle)["manifest.json"])
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
    exported = [e for e in entries if e.action != "audit:export"]
    assert manifest["first_seq"] == 1
    assert manifest["last_seq"] == exported[-1].seq
    assert manifest["count"] == len(exported)
    assert manifest["chain_head_hash"] == exported[-1].hash
    assert manifest["key_id"] == keys.key_id()
    assert set(manifest["files"]) == {
        "entries.jsonl",
        "entries.csv",
        "cases.json",
        "checkpoints.jsonl",
        "indicators.json",
        "indicators.csv",
    }
    assert entries[-1].action == "audit:export"  # the export itself is audited
    assert db.session.scalar(select(AuditExport.head_hash)) == exported[-1].hash


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("entries.jsonl", "entries.jsonl: SHA-256 does not match the manifest"),
        ("entries.csv", "entries.csv: SHA-256 does not match the manifest"),
        ("cases.json", "cases.json: SHA-256 does not match the manifest"),
        ("manifest.json", "manifest.sig: signature does not verify"),
        ("manifest.sig", "manifest.sig: signature does not verify"),
        ("public_key.pem", "public key"),
    ],
)
def test_one_flipped_byte_in_any_file_fails(bundle, tmp_path, name, expected):
    members = read(bundle)
    data = bytearray(members[name])
    # Flip a byte where it changes meaning but keeps the file parseable where possible.
    if name == "manifest.json":
        index = data.index(b'"count"') + 2
    else:
        index = {"manifest.sig": 5, "public_key.pem": 40}.get(name, len(data) // 2)
    data[index] ^= 0x01
    if name == "manifest.sig" and not chr(data[index]).isalnum():
        # The signature is random per key; keep the flipped character valid base64 so the
        # check reached is the signature itself (an invalid one is reported as "not base64").
        data[index] = ord("A") if members[name][index] != ord("A") else ord("B")
    members[name] = bytes(data)
    found = failures(write(tmp_path / "t.zip", members))
    assert any(expected in f for f in found), found


def test_truncated_file_fails(bundle, tmp_path):
    members = read(bundle)
    members["entries.jsonl"] = members["entries.jsonl"][:-30]
    found = failures(write(tmp_path / "t.zip", members))
    assert any("bytes, the manifest says" in f and "truncated" in f for f in found), found
    assert any("not valid JSON" in f for f in found), found


def test_truncated_zip_fails(bundle, tmp_path):
    cut = tmp_path / "cut.zip"
    cut.write_bytes(bundle.read_bytes()[:-200])
    assert any("not a readable zip" in f for f in failures(cut))


def _tampered(bundle, tmp_path, edit, **manifest_changes):
    """Edit entries.jsonl, then re-hash and re-sign with the real key (insider attack)."""
    members = read(bundle)
    items = lines(members)
    members["entries.jsonl"] = join(edit(items))
    return write(tmp_path / "t.zip", resign(members, keys.signing_key(), **manifest_changes))


def test_deleted_entry_fails(bundle, tmp_path):
    found = failures(_tampered(bundle, tmp_path, lambda items: items[:2] + items[3:]))
    assert any("line 3: sequence number 4, expected 3" in f for f in found), found


def test_duplicated_entry_fails(bundle, tmp_path):
    found = failures(_tampered(bundle, tmp_path, lambda items: items[:3] + items[2:]))
    assert any("line 4: sequence number 3, expected 4" in f and "duplicated" in f for f in found)


def test_reordered_entries_fail(bundle, tmp_path):
    def swap(items):
        items[1], items[2] = items[2], items[1]
        return items

    found = failures(_tampered(bundle, tmp_path, swap))
    assert any("line 2: sequence number 3, expected 2" in f for f in found), found


def test_inserted_entry_fails_even_when_renumbered(bundle, tmp_path):
    def insert(items):
        forged = json.loads(items[1])
        forged["reason"] = "forged"
        out = [*items[:2], json.dumps(forged).encode(), *items[2:]]
        renumbered = []
        for n, item in enumerate(out, start=1):
            entry = json.loads(item)
            entry["seq"] = n
            renumbered.append(json.dumps(entry).encode())
        return renumbered

    found = failures(_tampered(bundle, tmp_path, insert))
    assert any("line 3 (seq 3): hash does not follow" in f for f in found), found


def test_altered_entry_fails_even_when_resigned(bundle, tmp_path):
    def alter(items):
        entry = json.loads(items[2])
        entry["action"] = "case:stage:undo"
        items[2] = json.dumps(entry).encode()
        return items

    found = failures(_tampered(bundle, tmp_path, alter))
    assert found == [
        "entries.jsonl line 3 (seq 3): hash does not follow from the previous entry "
        "(entry altered, or entries reordered)"
    ]


def test_time_going_backwards_fails(bundle, tmp_path):
    def backwards(items):
        entry = json.loads(items[3])
        entry["occurred_at"] = "2000-01-01T00:00:00.000000Z"
        items[3] = json.dumps(entry).encode()
        return items

    found = failures(_tampered(bundle, tmp_path, backwards))
    assert any("line 4 (seq 4): time 2000-01-01" in f for f in found), found


def test_manifest_signed_by_another_key_fails(bundle, tmp_path):
    other = Ed25519PrivateKey.generate()
    members = resign(read(bundle), other)
    found = failures(write(tmp_path / "t.zip", members))
    assert any("signature does not verify with key" in f for f in found), found


def test_swapped_key_caught_with_the_real_public_key(bundle, tmp_path, runner):
    """A forger who ships their own key passes only if the reader trusts the bundle's key."""
    other = Ed25519PrivateKey.generate()
    other_pem = other.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    raw = other.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    from caseapp.audit.bundle_verifier import fingerprint

    members = read(bundle)
    members["public_key.pem"] = other_pem
    forged = write(tmp_path / "t.zip", resign(members, other, key_id=fingerprint(raw)))
    real = tmp_path / "real.pem"
    real.write_bytes(keys.public_key_pem())
    result = runner.invoke(args=["audit", "verify-export", str(forged), "--public-key", str(real)])
    assert result.exit_code == 1
    assert "manifest.sig: signature does not verify with key " + keys.key_id() in result.output
    found = failures(forged, expected_fp=keys.key_id())
    assert any("is not the expected" in f for f in found), found


def test_csv_is_safe_against_formula_injection(bundle):
    rows = list(csv.DictReader(io.StringIO(read(bundle)["entries.csv"].decode())))
    reasons = [r["reason"] for r in rows if r["action"] == "return:approve"]
    assert reasons == ['\'=HYPERLINK("http://evil")']


def test_public_key_command(runner):
    result = runner.invoke(args=["audit", "public-key"])
    assert result.exit_code == 0
    assert "BEGIN PUBLIC KEY" in result.output
    assert keys.key_id() in result.output


def test_signing_key_is_private_to_the_instance(app):
    keys.signing_key()
    path = Path(app.instance_path) / keys.SIGNING_KEY_FILE
    assert path.stat().st_mode & 0o777 == 0o600
    assert (Path(app.instance_path) / keys.PSEUDONYM_SECRET_FILE).exists() is False or (
        (Path(app.instance_path) / keys.PSEUDONYM_SECRET_FILE).stat().st_mode & 0o777 == 0o600
    )
