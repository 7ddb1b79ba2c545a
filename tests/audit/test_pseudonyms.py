"""Pseudonyms per recipient, identified exports, case filter and the case summary."""

from __future__ import annotations

import hashlib
import hmac
import json

from sqlalchemy import select

from caseapp.audit import pseudonyms
from caseapp.audit.actions import AuditAction
from caseapp.audit.bundle_verifier import verify_bundle
from caseapp.audit.models import AuditEntry
from caseapp.audit.pseudonyms import Pseudonymiser
from tests.audit.bundles import join, lines, populate, read, resign, write


def _export(runner, out, *extra):
    result = runner.invoke(args=["audit", "export", "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    return read(out)


def _actors(members) -> set[str]:
    return {json.loads(item).get("actor") for item in lines(members)} - {None}


def test_names_are_pseudonymised_and_unlinkable_between_recipients(db, factory, runner, tmp_path):
    populate(factory)
    a1 = _export(runner, tmp_path / "a1.zip", "--recipient", "ombud-md")
    a2 = _export(runner, tmp_path / "a2.zip", "--recipient", "ombud-md")
    b = _export(runner, tmp_path / "b.zip", "--recipient", "ombud-kg")
    for members in (a1, b):
        for name in ("entries.jsonl", "entries.csv", "cases.json"):
            assert b"Ivan" not in members[name]
            assert b"Ivanov" not in members[name]
    assert _actors(a1) and _actors(a1) <= _actors(a2)  # stable for one recipient
    assert not (_actors(a1) & _actors(b))  # different for another
    assert verify_bundle(tmp_path / "b.zip").ok


def test_pseudonymiser_covers_nested_personal_keys_and_user_ids():
    p = Pseudonymiser(b"k" * 32, "r")
    diff = {
        "name": {"given_name": [None, "Ivan"], "is_primary": [None, True]},
        "child": {"identified_by_name": [None, "Officer Petrov"], "sex": [None, "male"]},
        "caseworker_id": [None, 7],
        "stage": ["identified", "registered"],
    }
    out = p.diff(diff)
    assert out["name"]["given_name"][1].startswith("P-")
    assert out["name"]["is_primary"] == [None, True]
    assert out["child"]["identified_by_name"][1].startswith("P-")
    assert out["child"]["sex"] == [None, "male"]
    assert out["caseworker_id"] == [None, p.staff(7)]
    assert out["stage"] == ["identified", "registered"]


def test_a_pseudonym_is_the_documented_hmac_and_stays_the_same_once_forgotten(monkeypatch):
    """The token is HMAC-SHA256(recipient key, "kind:value"), its first 16 hex digits, as the
    module says (computed here with ``hmac.new``, not the keyed copy the export uses); the
    cache of personal values is bounded, and a value pseudonymised again after the cache
    let it go gets the same pseudonym."""
    monkeypatch.setattr(pseudonyms, "PERSONAL_CACHE_SIZE", 3)
    secret = b"m" * 32
    p = Pseudonymiser(secret, "ombud-md")
    key = hmac.new(secret, b"caseapp-pseudonym-v1:ombud-md", hashlib.sha256).digest()

    def expected(kind: str, value: str) -> str:
        digest = hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
        return f"{kind[0].upper()}-{digest[:16]}"

    names = ["Ivan", "Иван", "Timur", "Тимур", "Aigerim"]
    first = [p.personal(name) for name in names]
    assert first == [expected("personal", name) for name in names]
    assert len(p._personal) <= 3
    assert [p.personal(name) for name in names] == first
    assert p.staff(7) == expected("staff", "7")
    assert p.personal("Ivan") != Pseudonymiser(secret, "ombud-kg").personal("Ivan")


def test_identified_export_refused_unless_recipient_entitled(db, factory, runner, tmp_path):
    populate(factory)
    result = runner.invoke(
        args=[
            "audit",
            "export",
            "--out",
            str(tmp_path / "x.zip"),
            "--recipient",
            "press",
            "--identified",
        ]
    )
    assert result.exit_code != 0
    assert "not entitled" in result.output
    assert not (tmp_path / "x.zip").exists()


def test_identified_export_for_entitled_recipient_is_audited(app, db, factory, runner, tmp_path):
    populate(factory)
    app.config["AUDIT_IDENTIFIED_RECIPIENTS"] = ["ombud-md"]
    out = tmp_path / "id.zip"
    members = _export(runner, out, "--recipient", "ombud-md", "--identified")
    assert b"Ivan" in members["entries.jsonl"]
    assert verify_bundle(out).ok
    last = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert last.action == "audit:export:identified"
    assert last.diff["recipient"] == "ombud-md"
    # In an identified bundle the diff is bound to the chain through the personal digest.
    items = lines(members)
    entry = json.loads(items[0])
    entry["diff"]["name"]["given_name"] = [None, "Someone Else"]
    items[0] = json.dumps(entry).encode()
    members["entries.jsonl"] = join(items)
    from caseapp.audit import keys

    forged = write(tmp_path / "f.zip", resign(members, keys.signing_key()))
    assert verify_bundle(forged).failures == [
        "entries.jsonl line 1 (seq 1): actor, diff or reason altered (personal digest)"
    ]


def test_case_filter_withholds_other_cases_and_keeps_the_chain(db, factory, runner, tmp_path):
    case, _ = populate(factory)
    other = factory.case(given="Maria", family="Popescu")
    from caseapp.audit.recorder import record

    record(None, AuditAction.CASE_STAGE_CHANGE, case, diff={"stage": ["registered", "assessment"]})
    db.session.commit()
    out = tmp_path / "case.zip"
    members = _export(runner, out, "--case", case.number)
    entries = [json.loads(item) for item in lines(members)]
    withheld = [e for e in entries if e.get("withheld")]
    assert withheld and all(e["case_id"] == other.id for e in withheld)
    assert all("diff" not in e for e in withheld)
    assert entries[-1]["case_id"] == case.id
    assert verify_bundle(out).ok


def test_case_summary_has_stages_decisions_gates_and_alerts(db, factory, runner, tmp_path):
    case, _ = populate(factory)
    members = _export(runner, tmp_path / "s.zip")
    (summary,) = [c for c in json.loads(members["cases.json"])["cases"] if c["case_id"] == case.id]
    assert summary["case_number"] == case.number
    assert [s["stage"] for s in summary["stages"]] == ["identified", "registered"]
    assert summary["stages"][-1]["current"] is True
    assert all(s["days"] >= 0 for s in summary["stages"])
    assert [d["action"] for d in summary["decisions"]] == ["gate:refuse", "return:approve"]
    assert [g["unmet"] for g in summary["gate_evaluations"]] == [["S7"], []]
    assert summary["gate_evaluations"][0]["policy_version"] == "2026-1"
    assert [a["alert"] for a in summary["alerts"]] == ["deprivation_of_liberty"]


def test_manifest_links_to_the_previous_export(db, factory, runner, tmp_path):
    populate(factory)
    first = json.loads(_export(runner, tmp_path / "1.zip")["manifest.json"])
    second = json.loads(_export(runner, tmp_path / "2.zip")["manifest.json"])
    assert first["previous_export"] is None
    assert second["previous_export"]["head_hash"] == first["chain_head_hash"]
    assert second["first_seq"] == 1 and second["last_seq"] > first["last_seq"]


def test_date_range_export(db, factory, runner, tmp_path):
    populate(factory)
    members = _export(runner, tmp_path / "d.zip", "--from", "2000-01-01", "--to", "2000-01-02")
    manifest = json.loads(members["manifest.json"])
    assert (manifest["count"], manifest["first_seq"]) == (0, None)
    assert members["entries.jsonl"] == b""
    assert verify_bundle(tmp_path / "d.zip").ok
    bad = runner.invoke(
        args=["audit", "export", "--out", str(tmp_path / "e.zip"), "--from", "yesterday"]
    )
    assert bad.exit_code == 2


def _reference_diff(p: Pseudonymiser, value):
    """What ``Pseudonymiser.diff`` is defined to do, written plainly: a copy with every value
    under a personal key pseudonymised and every user id under a user key made a staff
    pseudonym, at any depth."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in pseudonyms.PERSONAL_KEYS:
                out[key] = p.personal(item)
            elif key in pseudonyms.USER_ID_KEYS or key.endswith("_by_id"):
                out[key] = p._users(item)
            else:
                out[key] = _reference_diff(p, item)
        return out
    if isinstance(value, list):
        return [_reference_diff(p, item) for item in value]
    return value


_GATE = {
    "policy_version": 3,
    "all_met": False,
    "safeguards": [
        {
            "id": f"S{i}",
            "title": "Guardian appointed",
            "met": bool(i % 2),
            "reason": 'says "name": and _by_id": in a text',
            "evidence": [{"type": "GuardianAppointment", "id": i, "label": "x", "description": ""}],
            "source": "002, Rec 3",
        }
        for i in range(19)
    ],
}
_DIFFS = [
    None,
    7,
    "Ivan",
    ["a", "b"],
    [{"name": "Ivan"}, {"stage": ["a", "b"]}],
    {"stage": ["assessment", "determination"]},
    {"gate": _GATE},
    {"gate": _GATE, "name": {"given_name": [None, "Иван"], "is_primary": [None, True]}},
    {"stage": ["a", "b"], "name": {"given_name": [None, "Ivan 1"]}, "gate": _GATE},
    {"approved_by_id": [None, 4], "note": "x", "made_by_id": 3, "caseworker_id": [1, 2]},
    {"deep": {"deeper": [{"family_name": "Karimov"}, {"reviewed_by_id": 9}]}, "ok": 1.5},
    {"child": {"identified_by_name": [None, "Officer Petrov"], "sex": [None, "male"]}},
    {"text": '{"name": "not a key"}', 'a"name': 1, "z_by_idx": 2, "é": "ü"},
    {"names": [], "email": None, "phone": "", "date_of_birth": [None, "2010-01-02"]},
    {"stage": ["a", "b"], "review": {"approved_by_id": [None, 5]}},
    {"stage": ["a", "b"], "record": [{"guardian": {"person_name": "Anna"}}]},
]


def test_diff_and_text_is_the_diff_and_its_canonical_text_whatever_the_diff():
    """The export's shortcut (texts of what holds no personal key reused, only the rest
    walked) gives exactly the pseudonymised diff and its canonical text, with or without
    the stored diff's text from the walk, and never changes the diff it is given."""
    from caseapp.audit.bundle_verifier import encode_canonical

    p = Pseudonymiser(b"k" * 32, "ombud-md")
    for diff in _DIFFS:
        before = json.dumps(diff, sort_keys=True)
        expected = _reference_diff(p, diff)
        expected_text = None if expected is None else encode_canonical(expected)
        assert p.diff(diff) == expected
        for text in (None, encode_canonical(diff)):
            out, out_text = p.diff_and_text(diff, text)
            assert out == expected
            assert out_text == expected_text
        assert json.dumps(diff, sort_keys=True) == before
    # A name is never left in the text, however deep.
    _, text = p.diff_and_text(_DIFFS[10])
    assert "Karimov" not in text and '"reviewed_by_id":"S-' in text
