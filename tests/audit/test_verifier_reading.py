"""Reading the bundle's members: a member that cannot be read is a failure of the bundle,
never an exception of the verifier; and the parallel verification (a second process checks
entries.csv and cases.json, issue 16 item 6) reports exactly what the one-process
verification reports, in the same order."""

from __future__ import annotations

import io
import zipfile
from concurrent.futures import Future

import pytest

from caseapp.audit import bundle_verifier
from caseapp.audit.bundle_verifier import SIDE_FILES, verify_bundle
from tests.audit.bundles import read, write
from tests.audit.test_export import bundle  # noqa: F401 -- the fixture


def _both(path) -> list[str]:
    """The failures, which must be the same in one process and in two."""
    alone = verify_bundle(path).failures
    assert verify_bundle(path, parallel=True).failures == alone
    return alone


def _data_at(raw: bytes, info: zipfile.ZipInfo) -> int:
    """Where a member's compressed data starts (after its local header)."""
    start = info.header_offset + 30
    name_length = int.from_bytes(raw[start - 4 : start - 2], "little")
    extra_length = int.from_bytes(raw[start - 2 : start], "little")
    return start + name_length + extra_length


@pytest.mark.parametrize("name", ["entries.jsonl", "entries.csv", "cases.json"])
def test_a_member_that_cannot_be_decompressed_is_a_failure(bundle, tmp_path, name):  # noqa: F811
    raw = bytearray(bundle.read_bytes())
    with zipfile.ZipFile(bundle) as zf:
        info = zf.getinfo(name)
    at = _data_at(raw, info)
    for offset in range(10, min(info.compress_size, 60)):
        raw[at + offset] ^= 0xFF
    broken = tmp_path / "broken.zip"
    broken.write_bytes(bytes(raw))
    failures = _both(broken)
    assert any(f.startswith(f"{name}: cannot be read from the zip") for f in failures), failures


def test_an_encrypted_member_is_a_failure(bundle, tmp_path):  # noqa: F811
    raw = bytearray(bundle.read_bytes())
    # Set the "encrypted" flag of entries.csv in the central directory, as a forger might.
    at = 0
    while True:
        at = raw.index(b"PK\x01\x02", at)
        name_length = int.from_bytes(raw[at + 28 : at + 30], "little")
        if raw[at + 46 : at + 46 + name_length] == b"entries.csv":
            raw[at + 8] |= 0x01
            break
        at += 4
    broken = tmp_path / "encrypted.zip"
    broken.write_bytes(bytes(raw))
    failures = _both(broken)
    assert any(f.startswith("entries.csv: cannot be read from the zip") for f in failures), failures


def test_a_sound_bundle_verifies_in_two_processes(bundle):  # noqa: F811
    report = verify_bundle(bundle, parallel=True)
    assert report.ok, report.failures
    assert "entries.csv" in SIDE_FILES and "cases.json" in SIDE_FILES


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        ("flip cases.json", "cases.json: SHA-256 does not match the manifest (file altered)"),
        ("flip entries.csv", "entries.csv: SHA-256 does not match the manifest (file altered)"),
        ("drop a csv row", "entries.csv row 2: seq"),
        ("drop cases.json", "cases.json: listed in the manifest but missing from the bundle"),
    ],
)
def test_the_second_process_finds_what_one_process_finds(bundle, tmp_path, edit, expected):  # noqa: F811
    members = read(bundle)
    if edit.startswith("flip"):
        name = edit.split()[1]
        data = bytearray(members[name])
        data[len(data) // 2] ^= 0x01
        members[name] = bytes(data)
    elif edit == "drop a csv row":
        rows = members["entries.csv"].split(b"\r\n")
        members["entries.csv"] = b"\r\n".join(rows[:2] + rows[3:])
    else:
        del members["cases.json"]
    failures = _both(write(tmp_path / "t.zip", members))
    assert any(f.startswith(expected) for f in failures), failures


def test_a_lost_second_process_loses_no_check(bundle, tmp_path, monkeypatch):  # noqa: F811
    members = read(bundle)
    rows = members["entries.csv"].split(b"\r\n")
    members["entries.csv"] = b"\r\n".join(rows[:2] + rows[3:])
    tampered = write(tmp_path / "t.zip", members)
    alone = verify_bundle(tampered).failures

    def lost(_stack, _path, _manifest):
        future: Future = Future()
        future.set_exception(RuntimeError("the process was killed"))
        return future

    monkeypatch.setattr(bundle_verifier, "_start_side", lost)
    assert verify_bundle(tampered, parallel=True).failures == alone
    assert any(f.startswith("entries.csv row 2") for f in alone)


def test_a_bundle_given_as_a_file_object_is_checked_in_one_process(bundle, monkeypatch):  # noqa: F811
    def no_process(*_args):
        raise AssertionError("a second process was asked for a file object")

    monkeypatch.setattr(bundle_verifier, "_side_checks", no_process)
    assert verify_bundle(io.BytesIO(bundle.read_bytes()), parallel=True).ok
