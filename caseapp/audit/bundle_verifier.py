#!/usr/bin/env python3
"""Verify a caseapp audit export bundle -- needs only Python 3.11+ and ``cryptography``.

This one file is both the app's implementation of the chain format and the standalone
verifier given to ombudspersons (``tools/verify_export.py`` is this file). It imports
nothing from caseapp, so an ombudsperson can check an export independently of the authority
that runs caseapp (002, Rec 2: independent monitoring; Rec 6: the ombudspersons' role;
DESIGN.md section 6).

Usage::

    python verify_export.py BUNDLE.zip [--public-key KEY.pem] [--fingerprint HEX]

Exit status 0 when every check passes, 1 otherwise; each failure is printed on its own line.

Canonical form (version 1)
--------------------------
``canonical(value)`` is JSON with keys sorted, no whitespace (separators ``,`` and ``:``),
non-ASCII characters written as themselves, encoded as UTF-8, NaN and infinities refused.
Times are UTC ISO-8601 with microseconds and a ``Z``: ``2026-11-22T13:05:00.123456Z``.

Each audit entry ``i`` (sequence numbers 1, 2, 3, ... without gaps) is *sealed* as::

    personal_i = hex(SHA-256(bytes.fromhex(salt_i) || canonical(
                     {"actor_id": ..., "diff": ..., "reason": ...})))
    sealed_i   = {"seq", "occurred_at", "action", "object_type", "object_id",
                  "case_id", "actor_agency_id", "personal": personal_i}
    hash_i     = hex(SHA-256(bytes.fromhex(hash_{i-1}) || canonical(sealed_i)))

with ``hash_0`` = 64 zeros. ``salt_i`` is 16 random bytes stored with the entry. The personal
part (who acted, the field diff, the reason) enters the chain only through its salted digest,
so a pseudonymised export can still be checked link by link against the live chain without
revealing names, and without letting anyone confirm a guessed name from the digest.

Bundle (a zip): ``entries.jsonl`` (one entry per line, in sequence order: the sealed fields,
``hash`` and the readable fields), ``entries.csv`` (the same, for spreadsheets),
``cases.json`` (per-case summary), ``indicators.json`` and ``indicators.csv`` (the
indicators for the export's range, one figure per CSV row, checked to agree),
``manifest.json`` (range, count, chain hashes, SHA-256 of each file, key id),
``manifest.sig`` (base64 Ed25519 signature of the exact bytes of ``manifest.json``) and
``public_key.pem``. The key id is the SHA-256 fingerprint (hex) of the raw 32-byte Ed25519
public key; confirm it by another channel (it is shown on the audit page).
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import io
import json
import sys
import zipfile
from datetime import UTC, datetime

FORMAT = "caseapp-audit-export/1"
GENESIS_HASH = "0" * 64
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
SEALED_FIELDS = (
    "seq",
    "occurred_at",
    "action",
    "object_type",
    "object_id",
    "case_id",
    "actor_agency_id",
    "personal",
)
DATA_FILES = ("entries.jsonl", "entries.csv", "cases.json")
CHUNK = 1 << 16


# -- the canonical form and the chain (used by the app too) ---------------------------------


def canonical(value) -> bytes:
    """The canonical JSON bytes of ``value`` (sorted keys, no whitespace, UTF-8)."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def format_time(moment: datetime) -> str:
    """A timezone-aware datetime as canonical UTC text with microseconds."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime in the audit chain")
    return moment.astimezone(UTC).strftime(TIME_FORMAT)


def parse_time(text: str) -> datetime:
    """Canonical UTC text back to an aware datetime (ValueError when not canonical)."""
    moment = datetime.strptime(text, TIME_FORMAT).replace(tzinfo=UTC)
    if format_time(moment) != text:
        raise ValueError(f"not a canonical time: {text!r}")
    return moment


def personal_digest(salt: str, actor_id, diff, reason) -> str:
    """The salted digest through which actor, diff and reason enter the chain."""
    body = canonical({"actor_id": actor_id, "diff": diff, "reason": reason})
    return hashlib.sha256(bytes.fromhex(salt) + body).hexdigest()


def chain_hash(prev_hash: str, sealed: dict) -> str:
    """``hash_i = SHA-256(hash_{i-1} || canonical(sealed_i))``, in hex."""
    return hashlib.sha256(bytes.fromhex(prev_hash) + canonical(sealed)).hexdigest()


def fingerprint(raw_public_key: bytes) -> str:
    """The key id: SHA-256 (hex) of the raw Ed25519 public key."""
    return hashlib.sha256(raw_public_key).hexdigest()


# -- bundle verification ---------------------------------------------------------------------


class Report:
    """Collects what failed, in order."""

    def __init__(self) -> None:
        self.failures: list[str] = []
        self.notes: list[str] = []

    def fail(self, message: str) -> None:
        """Record one failed check."""
        self.failures.append(message)

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.failures


def _load_public_key(pem: bytes):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("the public key is not an Ed25519 key")
    return key


def _raw(key) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _check_signature(zf, manifest_bytes, public_key_pem, expected_fp, report) -> None:
    from cryptography.exceptions import InvalidSignature

    try:
        signature = base64.b64decode(zf.read("manifest.sig"), validate=True)
    except (KeyError, ValueError):
        report.fail("manifest.sig: missing or not base64")
        return
    source = "the key given with --public-key"
    if public_key_pem is None:
        source = "public_key.pem inside the bundle"
        try:
            public_key_pem = zf.read("public_key.pem")
        except KeyError:
            report.fail("public_key.pem: missing and no --public-key given")
            return
    try:
        key = _load_public_key(public_key_pem)
    except ValueError as err:
        report.fail(f"public key: cannot be read ({err})")
        return
    fp = fingerprint(_raw(key))
    report.notes.append(f"signature checked with {source}, fingerprint {fp}")
    if expected_fp and fp != expected_fp.lower().replace(":", "").replace(" ", ""):
        report.fail(f"public key: fingerprint {fp} is not the expected {expected_fp}")
    try:
        key.verify(signature, manifest_bytes)
    except InvalidSignature:
        report.fail(f"manifest.sig: signature does not verify with key {fp}")
        return
    manifest_key = json.loads(manifest_bytes).get("key_id")
    if manifest_key != fp:
        report.fail(f"manifest.json: key_id {manifest_key} is not the signing key {fp}")


def _check_files(zf, manifest, report) -> None:
    listed = manifest.get("files") or {}
    names = set(zf.namelist())
    for extra in sorted(names - set(listed) - {"manifest.json", "manifest.sig", "public_key.pem"}):
        report.fail(f"{extra}: file not listed in the manifest")
    for name in DATA_FILES:
        if name not in listed:
            report.fail(f"manifest.json: no entry for {name}")
    for name, expected in sorted(listed.items()):
        if name not in names:
            report.fail(f"{name}: listed in the manifest but missing from the bundle")
            continue
        digest, size = hashlib.sha256(), 0
        try:
            with zf.open(name) as fh:
                while chunk := fh.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
        except (zipfile.BadZipFile, OSError, EOFError) as err:
            report.fail(f"{name}: cannot be read from the zip ({err})")
            continue
        if size != expected.get("bytes"):
            said = expected.get("bytes")
            report.fail(f"{name}: {size} bytes, the manifest says {said} (truncated?)")
        if digest.hexdigest() != expected.get("sha256"):
            report.fail(f"{name}: SHA-256 does not match the manifest (file altered)")


def _check_entry(n, entry, expect_seq, prev_hash, prev_time, report):
    """Check one entry; return (hash, time) to carry on, or None when the chain is broken."""
    where = f"entries.jsonl line {n}"
    seq = entry.get("seq")
    if seq != expect_seq:
        if isinstance(seq, int) and seq < expect_seq:
            what = "an entry is duplicated, or entries are reordered"
        else:
            what = "an entry is missing here, or entries are reordered"
        report.fail(f"{where}: sequence number {seq}, expected {expect_seq} ({what})")
        return None
    try:
        moment = parse_time(entry["occurred_at"])
    except (KeyError, TypeError, ValueError):
        report.fail(f"{where} (seq {seq}): occurred_at is not a canonical UTC time")
        return None
    if prev_time is not None and moment < prev_time:
        at = entry["occurred_at"]
        report.fail(f"{where} (seq {seq}): time {at} is before the previous entry's")
        return None
    if "salt" in entry:  # identified export: the personal part can be checked too
        digest = personal_digest(
            entry["salt"], entry.get("actor_id"), entry.get("diff"), entry.get("reason")
        )
        if digest != entry.get("personal"):
            report.fail(f"{where} (seq {seq}): actor, diff or reason altered (personal digest)")
            return None
    missing = [f for f in SEALED_FIELDS if f not in entry]
    if missing:
        report.fail(f"{where} (seq {seq}): missing fields {', '.join(missing)}")
        return None
    recomputed = chain_hash(prev_hash, {f: entry[f] for f in SEALED_FIELDS})
    if recomputed != entry.get("hash"):
        report.fail(
            f"{where} (seq {seq}): hash does not follow from the previous entry "
            "(entry altered, or entries reordered)"
        )
        return None
    return recomputed, moment


def _check_entries(zf, manifest, report) -> None:
    first = manifest.get("first_seq")
    prev_hash = manifest.get("first_prev_hash") or GENESIS_HASH
    expect_seq, prev_time, count = first, None, 0
    try:
        fh = io.TextIOWrapper(zf.open("entries.jsonl"), encoding="utf-8")
    except KeyError:
        return
    try:
        for n, line in enumerate(fh, start=1):
            try:
                entry = json.loads(line)
            except ValueError:
                report.fail(f"entries.jsonl line {n}: not valid JSON (truncated or altered)")
                return
            carried = _check_entry(n, entry, expect_seq, prev_hash, prev_time, report)
            if carried is None:
                return
            prev_hash, prev_time = carried
            expect_seq += 1
            count += 1
    except (zipfile.BadZipFile, OSError, EOFError, UnicodeDecodeError) as err:
        report.fail(f"entries.jsonl: cannot be read ({err})")
        return
    if count != manifest.get("count"):
        report.fail(f"entries.jsonl: {count} entries, the manifest says {manifest.get('count')}")
    if count and prev_hash != manifest.get("chain_head_hash"):
        report.fail("entries.jsonl: the last hash is not the chain head hash in the manifest")
    if count and expect_seq - 1 != manifest.get("last_seq"):
        said = manifest.get("last_seq")
        report.fail(f"entries.jsonl: ends at seq {expect_seq - 1}, the manifest says {said}")


def _check_csv(zf, manifest, report) -> None:
    try:
        fh = io.TextIOWrapper(zf.open("entries.csv"), encoding="utf-8", newline="")
        rows = csv.DictReader(fh)
        expect = manifest.get("first_seq")
        count = 0
        for row in rows:
            if row.get("seq") != str(expect):
                report.fail(f"entries.csv row {count + 1}: seq {row.get('seq')}, expected {expect}")
                return
            expect += 1
            count += 1
    except KeyError:
        return
    except (zipfile.BadZipFile, OSError, EOFError, UnicodeDecodeError, csv.Error) as err:
        report.fail(f"entries.csv: cannot be read ({err})")
        return
    if count != manifest.get("count"):
        report.fail(f"entries.csv: {count} rows, the manifest says {manifest.get('count')}")


# -- signed statistics: indicators.json and indicators.csv ---------------------------------

INDICATORS_FORMAT = "caseapp-indicators/1"
INDICATOR_COLUMNS = ("indicator", "measure", "dimension", "category", "value")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _indicator_cell(value) -> str:
    """How indicators.csv writes a figure's field (formula-safe text; repr for floats)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _check_indicators(zf, manifest, report) -> None:
    """The figures: a well-formed indicators.json, and indicators.csv agreeing figure by
    figure (both files are also covered by the signed manifest's SHA-256)."""
    listed = manifest.get("files") or {}
    if "indicators.json" not in listed and "indicators.csv" not in listed:
        return  # a bundle made before the indicators were added
    for name in ("indicators.json", "indicators.csv"):
        if name not in listed:
            report.fail(f"manifest.json: no entry for {name}")
            return
    try:
        doc = json.loads(zf.read("indicators.json"))
        text = zf.read("indicators.csv").decode("utf-8")
    except (KeyError, ValueError, zipfile.BadZipFile, OSError, EOFError) as err:
        report.fail(f"indicators: cannot be read ({err})")
        return
    if not isinstance(doc, dict) or doc.get("format") != INDICATORS_FORMAT:
        report.fail("indicators.json: unknown format")
        return
    keys = {i.get("key") for i in doc.get("indicators") or [] if isinstance(i, dict)}
    figures = doc.get("figures")
    if not isinstance(figures, list):
        report.fail("indicators.json: no list of figures")
        return
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or tuple(rows[0]) != INDICATOR_COLUMNS:
        report.fail("indicators.csv: unexpected header")
        return
    if len(rows) - 1 != len(figures):
        report.fail(f"indicators.csv: {len(rows) - 1} figures, indicators.json has {len(figures)}")
    for n, (figure, row) in enumerate(zip(figures, rows[1:], strict=False), start=1):
        if not isinstance(figure, dict) or figure.get("indicator") not in keys:
            report.fail(f"indicators.json figure {n}: not an indicator of the catalogue")
            continue
        value = figure.get("value")
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            report.fail(f"indicators.json figure {n}: the value is not a number")
        expected = [_indicator_cell(figure.get(c)) for c in INDICATOR_COLUMNS]
        if row != expected:
            report.fail(
                f"indicators.csv row {n}: {row} does not match indicators.json figure {n} "
                f"({expected}): a figure was altered"
            )
    period = doc.get("period") or {}
    filters = manifest.get("filters") or {}
    for bound in ("from", "to"):
        if filters.get(bound) and filters[bound] != period.get(bound):
            report.fail(f"indicators.json: period {bound} is not the export's ({filters[bound]})")


def verify_bundle(path, public_key_pem: bytes | None = None, expected_fp: str | None = None):
    """Check a bundle: signature, file hashes, chain, sequence and times. Returns a Report."""
    report = Report()
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as err:
        report.fail(f"{path}: not a readable zip file ({err})")
        return report
    with zf:
        try:
            manifest_bytes = zf.read("manifest.json")
            manifest = json.loads(manifest_bytes)
        except (KeyError, ValueError, zipfile.BadZipFile, OSError, EOFError) as err:
            report.fail(f"manifest.json: missing or unreadable ({err})")
            return report
        if manifest.get("format") != FORMAT:
            report.fail(f"manifest.json: unknown format {manifest.get('format')!r}")
            return report
        _check_signature(zf, manifest_bytes, public_key_pem, expected_fp, report)
        _check_files(zf, manifest, report)
        _check_entries(zf, manifest, report)
        _check_csv(zf, manifest, report)
        _check_indicators(zf, manifest, report)
        report.notes.append(
            f"entries {manifest.get('first_seq')}..{manifest.get('last_seq')} "
            f"({manifest.get('count')}), chain head {manifest.get('chain_head_hash')}"
        )
    return report


def main(argv: list[str] | None = None) -> int:
    """Command line: print each failure; exit 0 when the bundle verifies."""
    parser = argparse.ArgumentParser(description="Verify a caseapp audit export bundle.")
    parser.add_argument("bundle", help="the export .zip")
    parser.add_argument("--public-key", help="PEM public key obtained from the authority")
    parser.add_argument(
        "--fingerprint", help="expected key fingerprint (hex), e.g. from the audit page"
    )
    args = parser.parse_args(argv)
    pem = None
    if args.public_key:
        with open(args.public_key, "rb") as fh:
            pem = fh.read()
    report = verify_bundle(args.bundle, pem, args.fingerprint)
    for note in report.notes:
        print(note)
    for failure in report.failures:
        print(f"FAIL: {failure}")
    print("OK: the bundle verifies" if report.ok else f"{len(report.failures)} check(s) failed")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
