"""Witnessed checkpoints, the Merkle tree, proofs and countersignatures (issue 14, finding 6)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select, text

from caseapp import ROOT
from caseapp.audit import keys
from caseapp.audit.actions import AuditAction
from caseapp.audit.bundle_verifier import (
    Frontier,
    consistent,
    leaf_hash,
    main,
    node_hash,
    root_from_inclusion,
    verify_bundle,
    verify_proof,
)
from caseapp.audit.checkpoints import CHECKPOINT_FILE
from caseapp.audit.merkle import Tree
from caseapp.audit.models import AuditCheckpoint, AuditEntry, AuditWitnessKey
from caseapp.audit.recorder import record
from tests.audit.bundles import populate, read, resign, write
from tests.audit.helpers import drop_triggers, rewrite_chain

VERIFIER = ROOT / "tools" / "verify_export.py"


def _mth(leaves: list[bytes]) -> bytes:
    """RFC 9162's definition, literally."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaf_hash(leaves[0])
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return node_hash(_mth(leaves[:k]), _mth(leaves[k:]))


def test_merkle_tree_proofs_follow_rfc_9162():
    hashes = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(37)]
    tree = Tree(hashes)
    raw = [bytes.fromhex(h) for h in hashes]
    for n in range(38):
        frontier = Frontier()
        for item in raw[:n]:
            frontier.add(leaf_hash(item))
        assert frontier.root() == tree.root(n) == _mth(raw[:n]).hex()
        for i in range(n):
            root = root_from_inclusion(i, n, leaf_hash(raw[i]), tree.inclusion(i, n))
            assert root == _mth(raw[:n])
        for m in range(1, n):
            proof = tree.consistency(m, n)
            assert consistent(m, n, _mth(raw[:m]), _mth(raw[:n]), proof)
            assert not consistent(m, n, _mth(raw[1 : m + 1]), _mth(raw[:n]), proof)


def _export(runner, out, *extra):
    result = runner.invoke(args=["audit", "export", "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    return out


def _more_entries(factory, n=3):
    case = factory.case()
    for i in range(n):
        record(None, AuditAction.CASE_STAGE_CHANGE, case, diff={"stage": [str(i), str(i + 1)]})
    from caseapp.core.extensions import db

    db.session.commit()


def test_export_signs_a_checkpoint_kept_outside_the_audit_table(db, factory, runner, app, tmp_path):
    populate(factory)
    bundle = _export(runner, tmp_path / "a.zip")
    manifest = json.loads(read(bundle)["manifest.json"])
    stored = db.session.scalars(select(AuditCheckpoint)).all()
    assert [c.tree_size for c in stored] == [manifest["live_chain_head"]["seq"]]
    assert stored[0].merkle_root == manifest["live_chain_head"]["merkle_root"]
    lines = (app.instance_path + "/" + CHECKPOINT_FILE, read(bundle)["checkpoints.jsonl"])
    with open(lines[0]) as fh:
        assert json.loads(fh.readline())["signature"] == stored[0].signature
    assert json.loads(lines[1].splitlines()[0])["merkle_root"] == stored[0].merkle_root
    assert verify_bundle(bundle).ok


@pytest.mark.parametrize("table", ["audit_export", "audit_checkpoint"])
@pytest.mark.parametrize("statement", ["UPDATE {t} SET id = id + 100", "DELETE FROM {t}"])
def test_export_register_and_checkpoints_are_append_only(
    db, factory, runner, tmp_path, table, statement
):
    populate(factory)
    _export(runner, tmp_path / "a.zip")
    with pytest.raises(Exception, match="append-only"):
        db.session.execute(text(statement.format(t=table)))
        db.session.flush()
    db.session.rollback()


def test_rewritten_chain_is_named_against_an_earlier_bundle_and_checkpoints(
    db, factory, runner, tmp_path
):
    """The finding: triggers dropped, an entry rewritten, every hash recomputed."""
    populate(factory)
    earlier = _export(runner, tmp_path / "earlier.zip")
    _more_entries(factory)
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    rewrite_chain(2, "nothing happened")
    from caseapp.audit.verify import Walk

    # The linear chain alone verifies again: that was the hole.
    with db.engine.connect() as conn:
        from caseapp.audit.verify import entry_rows

        assert Walk().run(entry_rows(conn)) is True
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "BROKEN at entry 1:" in result.output
    assert "no longer matches the checkpoint of entry" in result.output
    assert "between entry 1 and entry" in result.output
    against = runner.invoke(args=["audit", "verify", "--against", str(earlier)])
    assert against.exit_code == 1
    assert "BROKEN at entry 2:" in against.output
    assert "entry 2 is the first rewritten entry" in against.output
    # The app refuses to export (or sign a checkpoint over) the rewritten chain.
    refused = runner.invoke(args=["audit", "export", "--out", str(tmp_path / "x.zip")])
    assert refused.exit_code == 1
    assert "no longer matches" in refused.output
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 1


def _erase_witnesses(db, app):
    """The attacker also removes every checkpoint and export record, table and file."""
    for table in ("audit_export", "audit_countersignature", "audit_checkpoint"):
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text(f"DROP TRIGGER {table}_no_update_delete ON {table}"))
        else:
            db.session.execute(text(f"DROP TRIGGER {table}_no_delete"))
        db.session.execute(text(f"DELETE FROM {table}"))
    db.session.commit()
    (ROOT / app.instance_path / CHECKPOINT_FILE).unlink()


def test_ombudsperson_verifier_remembers_checkpoints_and_refuses_a_rewrite(
    db, factory, runner, app, tmp_path
):
    populate(factory)
    earlier = _export(runner, tmp_path / "earlier.zip")
    state = tmp_path / "state.json"
    pem = tmp_path / "instance.pem"
    pem.write_bytes(keys.public_key_pem())
    assert main([str(earlier), "--state", str(state), "--public-key", str(pem)]) == 0
    seen = json.loads(state.read_text())["instances"][keys.instance_id()]
    assert seen["key_id"] == keys.key_id() and seen["checkpoints"]
    _more_entries(factory)
    later = _export(runner, tmp_path / "later.zip")
    assert main([str(later), "--state", str(state)]) == 0  # an extension is fine
    rewrite_chain(3, "nothing happened")
    _erase_witnesses(db, app)
    forged = _export(runner, tmp_path / "forged.zip")
    assert verify_bundle(forged).ok  # on its own, the forged bundle looks sound
    standalone = subprocess.run(
        [sys.executable, "-I", str(VERIFIER), str(forged), "--state", str(state)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert standalone.returncode == 1
    assert "seen before is missing" in standalone.stdout
    assert "no longer matches the checkpoint of entry" in standalone.stdout
    named = subprocess.run(
        [sys.executable, "-I", str(VERIFIER), str(forged), "--no-state", "--previous", str(later)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert named.returncode == 1
    assert "entry 3 is the first rewritten entry" in named.stdout


def test_duplicate_zip_members_are_refused(db, factory, runner, tmp_path):
    populate(factory)
    members = read(_export(runner, tmp_path / "a.zip"))
    import zipfile

    forged = tmp_path / "dup.zip"
    with zipfile.ZipFile(forged, "w") as zf, pytest.warns(UserWarning, match="Duplicate name"):
        for name, data in members.items():
            zf.writestr(name, data)
        zf.writestr("entries.jsonl", b"")
    found = verify_bundle(forged).failures
    assert any("entries.jsonl: the zip holds 2 members of this name" in f for f in found), found


def test_verify_export_uses_the_instances_own_key(db, factory, runner, tmp_path):
    populate(factory)
    members = read(_export(runner, tmp_path / "a.zip"))
    other = Ed25519PrivateKey.generate()
    members["public_key.pem"] = other.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    forged = write(tmp_path / "f.zip", resign(members, other))
    result = runner.invoke(args=["audit", "verify-export", str(forged)])
    assert result.exit_code == 1
    assert f"signature does not verify with key {keys.key_id()}" in result.output


def test_case_proof_shows_one_cases_entries_against_a_signed_checkpoint(
    db, factory, runner, tmp_path
):
    case, _ = populate(factory)
    _more_entries(factory)
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    out = tmp_path / "proof.json"
    result = runner.invoke(args=["audit", "prove", "--case", case.number, "--out", str(out)])
    assert result.exit_code == 0, result.output
    proof = json.loads(out.read_text())
    ours = db.session.scalars(select(AuditEntry.seq).where(AuditEntry.case_id == case.id)).all()
    assert [e["entry"]["seq"] for e in proof["entries"]] == ours
    assert b"Ivan" not in out.read_bytes()
    assert len(proof["consistency"]) == 1
    report = verify_proof(proof, keys.public_key_pem())
    assert report.ok, report.failures
    proof["entries"][0]["entry"]["action"] = "case:stage:undo"
    assert any("does not follow" in f for f in verify_proof(proof).failures)
    proof = json.loads(out.read_text())
    proof["consistency"][0]["from"]["merkle_root"] = "00" * 32
    assert any("not consistent" in f for f in verify_proof(proof).failures)


def test_ombudsperson_countersigns_a_checkpoint(db, factory, runner, tmp_path, capsys):
    populate(factory)
    bundle = _export(runner, tmp_path / "a.zip")
    key = tmp_path / "ombud.pem"
    assert main(["--new-witness-key", str(key)]) == 0
    public = capsys.readouterr().out.split("fingerprint")[0]
    (tmp_path / "ombud.pub").write_text(public)
    signed = tmp_path / "cs.json"
    args = [str(bundle), "--no-state", "--countersign", str(key), "--witness", "Ombudsperson MD"]
    assert main([*args, "--countersign-out", str(signed)]) == 0
    refused = runner.invoke(args=["audit", "countersign", str(signed)])
    assert refused.exit_code == 1 and "not registered" in refused.output
    added = runner.invoke(
        args=[
            "audit",
            "witness-add",
            "--name",
            "Ombudsperson MD",
            "--public-key",
            str(tmp_path / "ombud.pub"),
        ]
    )
    assert added.exit_code == 0, added.output
    stored = runner.invoke(args=["audit", "countersign", str(signed)])
    assert stored.exit_code == 0, stored.output
    report = verify_bundle(_export(runner, tmp_path / "b.zip"))
    assert report.ok, report.failures
    assert any("countersigned by Ombudsperson MD" in n for n in report.notes)
    forged = json.loads(signed.read_text())
    forged["checkpoint"]["tree_size"] += 1
    signed.write_text(json.dumps(forged))
    bad = runner.invoke(args=["audit", "countersign", str(signed)])
    assert bad.exit_code == 1 and "does not verify" in bad.output


def test_verify_names_entries_removed_at_the_end_after_a_checkpoint(db, factory, runner):
    populate(factory)
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    last = db.session.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1))
    drop_triggers()
    db.session.execute(text("DELETE FROM audit_entry WHERE seq = :s"), {"s": last})
    prev = db.session.scalar(select(AuditEntry.hash).where(AuditEntry.seq == last - 1))
    db.session.execute(
        text("UPDATE audit_chain_head SET seq = :s, hash = :h"), {"s": last - 1, "h": prev}
    )
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "entries were removed at the end" in result.output


def _public_key_file(tmp_path, name):
    path = tmp_path / name
    public = Ed25519PrivateKey.generate().public_key()
    path.write_bytes(
        public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return str(path)


def test_a_witness_name_or_key_registered_twice_is_refused_with_a_message(db, runner, tmp_path):
    """The register keeps one key per witness and one witness per key: a second registration
    of either is refused with a message and stores nothing (it was a database error)."""
    first, other = _public_key_file(tmp_path, "a.pem"), _public_key_file(tmp_path, "b.pem")

    def add(name, key):
        return runner.invoke(args=["audit", "witness-add", "--name", name, "--public-key", key])

    assert add("Ombudsperson MD", first).exit_code == 0
    for name, key, message in (
        (" Ombudsperson MD ", other, "A witness of this name is already registered."),
        ("Ombudsperson UA", first, "This key is already registered"),
        ("   ", other, "Give the witness's name."),
    ):
        result = add(name, key)
        assert result.exit_code == 1, result.output
        assert message in result.output and "Traceback" not in result.output
    names = db.session.scalars(select(AuditWitnessKey.name)).all()
    assert names == ["Ombudsperson MD"]
