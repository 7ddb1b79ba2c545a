"""The export's zip, written by a thread of its own (issue 16 item 6): members in order with
their digests, every failure of the thread raised in the export, nothing left behind."""

from __future__ import annotations

import hashlib
import threading
import zipfile
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import text

from caseapp.audit.bundle_zip import BundleZip
from caseapp.audit.entry_files import FLUSH_AT, EntryWriter
from caseapp.audit.export import ChainBroken, ExportOptions, export_bundle
from tests.audit.bundles import populate
from tests.audit.helpers import drop_triggers

THREAD = "caseapp-export-zip"


def _zip_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name.startswith(THREAD)}


@pytest.fixture
def no_thread_left():
    """Fails the test if it leaves a zip thread running."""
    before = _zip_threads()
    yield
    assert _zip_threads() <= before


def test_members_are_written_in_order_with_their_digests(tmp_path, no_thread_left):
    bundle = BundleZip(tmp_path / "b.zip")
    pieces = [f"line {n} Иван\n".encode() * 500 for n in range(40)]
    streamed = bundle.stream("entries.jsonl")
    on_disk = bundle.to_disk(tmp_path / "entries.csv")
    for piece in pieces:
        streamed.write(piece)
        on_disk.write(piece[::-1])
    assert streamed.close() == {
        "sha256": hashlib.sha256(b"".join(pieces)).hexdigest(),
        "bytes": sum(map(len, pieces)),
    }
    csv_bytes = b"".join(piece[::-1] for piece in pieces)
    assert on_disk.close() == {
        "sha256": hashlib.sha256(csv_bytes).hexdigest(),
        "bytes": len(csv_bytes),
    }
    bundle.add_file(tmp_path / "entries.csv", "entries.csv")
    bundle.add_bytes("manifest.json", b"{}")
    bundle.close()
    with zipfile.ZipFile(tmp_path / "b.zip") as zf:
        assert zf.namelist() == ["entries.jsonl", "entries.csv", "manifest.json"]
        assert zf.read("entries.jsonl") == b"".join(pieces)
        assert zf.read("entries.csv") == csv_bytes
        for member in zf.infolist():  # compressed, and dated when written (not 1980)
            assert member.compress_type == zipfile.ZIP_DEFLATED
            assert member.date_time[:3] >= (date.today() - timedelta(days=1)).timetuple()[:3]


def test_a_failure_in_the_thread_is_raised_in_the_export(tmp_path, no_thread_left):
    bundle = BundleZip(tmp_path / "b.zip")
    bundle.add_file(tmp_path / "missing.csv", "entries.csv")
    with pytest.raises(FileNotFoundError):
        bundle.wait()
    with pytest.raises(FileNotFoundError):  # and at every later call: nothing goes missing
        bundle.add_bytes("manifest.json", b"{}")
    bundle.abort()


def test_abort_with_a_member_open_ends_the_thread_and_closes_the_file(tmp_path, no_thread_left):
    bundle = BundleZip(tmp_path / "b.zip")
    streamed = bundle.stream("entries.jsonl")
    streamed.write(b"half an export\n")
    bundle.wait()
    bundle.abort()
    assert bundle.zf.fp is None  # closed: the caller may delete it


def test_a_broken_chain_leaves_no_file_and_no_thread(db, factory, tmp_path, no_thread_left):
    populate(factory)
    db.session.commit()
    drop_triggers()
    db.session.execute(text("UPDATE audit_entry SET reason = 'nothing happened' WHERE seq = 2"))
    db.session.commit()
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ChainBroken):
        export_bundle(None, ExportOptions(recipient="ombud-md"), workdir=out)
    assert list(out.iterdir()) == []


def test_a_sound_export_leaves_only_its_bundle(db, factory, tmp_path, no_thread_left):
    populate(factory)
    db.session.commit()
    out = tmp_path / "out"
    out.mkdir()
    result = export_bundle(None, ExportOptions(recipient="ombud-md"), workdir=out)
    assert list(out.iterdir()) == [result.temp_path]
    with zipfile.ZipFile(result.temp_path) as zf:
        assert zf.namelist() == [*result.files, "manifest.json", "manifest.sig", "public_key.pem"]
    db.session.rollback()


class _Pieces:
    """A file that keeps the size of each piece handed to it."""

    def __init__(self) -> None:
        self.sizes: list[int] = []

    def write(self, data: bytes) -> None:
        self.sizes.append(len(data))

    def close(self) -> dict:
        return {"sha256": "", "bytes": sum(self.sizes)}

    def release(self) -> None:
        pass


def test_entries_reach_the_files_in_bounded_pieces_however_long(app, tmp_path):
    """Memory stays flat: long entries (a 10,000-character reason) are handed on as soon as
    64 KB of lines are gathered, not after a count of entries."""
    options = SimpleNamespace(identified=False, recipient="ombud-md")
    jsonl, csv_file = _Pieces(), _Pieces()
    with app.app_context():
        writer = EntryWriter(tmp_path, options, None, {}, jsonl=jsonl, csv_file=csv_file)
        for seq in range(1, 301):
            row = (seq, None, "case:note:add", "Case", 7, 7, 2, 3, None, "я" * 10_000)
            writer.add((*row, "00" * 16, "ab" * 32, None, "MD-7"), "2026-11-30T01:02:03Z", "cd")
        writer.close()
        writer.release()
    line = 20_000 + 400  # a line's UTF-8 bytes, about
    assert len(jsonl.sizes) > 30
    assert max(jsonl.sizes) <= 2 * FLUSH_AT + line
    assert max(csv_file.sizes) <= 2 * FLUSH_AT + line


def test_a_full_disk_is_raised_in_the_export_and_does_not_hide_it(tmp_path, no_thread_left):
    """/dev/full: every write fails with "No space left on device", as on a full disk."""
    bundle = BundleZip(tmp_path / "b.zip")
    scratch = bundle.to_disk(Path("/dev/full"))
    scratch.write(b"x" * 100)  # buffered: fails only when flushed, as the file is closed
    bundle.wait()
    bundle.abort()  # closing it fails too: that must not replace the export's own failure
    bundle = BundleZip(tmp_path / "c.zip")
    scratch = bundle.to_disk(Path("/dev/full"))
    with pytest.raises(OSError, match="No space left"):
        scratch.write(b"x" * 1_000_000)  # past the buffer: the thread's write fails
        bundle.wait()
    bundle.abort()
