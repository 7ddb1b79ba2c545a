#!/usr/bin/env python3
"""Verify a caseapp audit export bundle -- needs only Python 3.11+ and ``cryptography``.

This one file is both the app's implementation of the chain format and the standalone
verifier given to ombudspersons (``tools/verify_export.py`` is this file). It imports
nothing from caseapp, so an ombudsperson can check an export independently of the authority
that runs caseapp (002, Rec 2: independent monitoring; Rec 6: the ombudspersons' role;
DESIGN.md section 6).

Usage::

    python verify_export.py BUNDLE.zip [--public-key KEY.pem] [--fingerprint HEX]
        [--state FILE | --no-state] [--previous OLD.zip]
        [--countersign MY_KEY.pem [--countersign-out FILE]]
    python verify_export.py --proof PROOF.json [--public-key KEY.pem] [--fingerprint HEX]
    python verify_export.py --new-witness-key MY_KEY.pem

Exit status 0 when every check passes, 1 otherwise; each failure is printed on its own line.
A second process checks ``entries.csv`` and ``cases.json`` while the first recomputes the
chain (``SIDE_FILES``); the findings are the same as in one process, in the same order.

Canonical form (version 1)
--------------------------
``canonical(value)`` is JSON with keys sorted, no whitespace (separators ``,`` and ``:``),
non-ASCII characters written as themselves, encoded as UTF-8, NaN and infinities refused.
Times are UTC ISO-8601 with microseconds and a ``Z``: ``2026-11-22T13:05:00.123456Z``.

Each audit entry ``i`` (sequence numbers 1, 2, 3, ... without gaps) is *sealed* as::

    personal_i = hex(SHA-256(bytes.fromhex(salt_i) || canonical(
                     {"actor_id": ..., "diff": ..., "reason": ...})))
    sealed_i   = {"seq", "occurred_at", "action", "object_type", "object_id",
                  "case_id", "actor_agency_id", "personal": personal_i
                  [, "request_id"]}
    hash_i     = hex(SHA-256(bytes.fromhex(hash_{i-1}) || canonical(sealed_i)))

``request_id`` (the web request that recorded the entry, a random hex string) is part of
``sealed_i`` only when the entry has one; entries recorded before it existed, or outside a
web request, have none and keep the sealed form above without it.

with ``hash_0`` = 64 zeros. ``salt_i`` is 16 random bytes stored with the entry. The personal
part (who acted, the field diff, the reason) enters the chain only through its salted digest,
so a pseudonymised export can still be checked link by link against the live chain without
revealing names, and without letting anyone confirm a guessed name from the digest.

Merkle tree (RFC 9162, section 2.1)
-----------------------------------
The entries' hashes are also the leaves of a Merkle tree in the style of Certificate
Transparency: ``leaf_i = SHA-256(0x00 || hash_i)`` (``hash_i`` as 32 raw bytes),
``node = SHA-256(0x01 || left || right)``, the tree of ``n`` leaves split at the largest power
of two below ``n``. Its root proves, with a logarithmic *inclusion proof*, that one entry
belongs to the chain without revealing the others, and with a *consistency proof* that a
later tree extends an earlier one.

Checkpoints
-----------
The instance regularly signs a checkpoint of the chain head (``checkpoint_body``): its size
(the last sequence number), ``hash_n``, the Merkle root and the time. Every bundle carries all
checkpoints made so far (``checkpoints.jsonl``); an ombudsperson may countersign one with
their own Ed25519 key. This verifier remembers the checkpoints it has seen (``--state``,
default ``~/.caseapp-verify-state.json``) and refuses a later bundle that no longer contains
them: after a checkpoint has been seen outside the authority, the chain can no longer be
rewritten silently, even by someone holding the database and the signing key.

Bundle (a zip): ``entries.jsonl`` (one entry per line, in sequence order: the sealed fields,
``hash`` and the readable fields), ``entries.csv`` (the same, for spreadsheets),
``cases.json`` (per-case summary), ``checkpoints.jsonl`` (signed checkpoints),
``indicators.json`` and ``indicators.csv`` (the indicators for the export's range, one figure
per CSV row, checked to agree),
``manifest.json`` (range, count, chain hashes, Merkle roots, SHA-256 of each file, key id),
``manifest.sig`` (base64 Ed25519 signature of the exact bytes of ``manifest.json``) and
``public_key.pem``. Each member appears once. The key id is the SHA-256 fingerprint (hex) of
the raw 32-byte Ed25519 public key; confirm it by another channel (it is shown on the audit
page). The first key seen for an instance is pinned in the state file.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import csv
import hashlib
import io
import json
import os
import re
import sys
import zipfile
import zlib
from collections import Counter
from datetime import UTC, datetime
from typing import Any

FORMAT = "caseapp-audit-export/1"
CHECKPOINT_FORMAT = "caseapp-audit-checkpoint/1"
COUNTERSIGNATURE_FORMAT = "caseapp-audit-countersignature/1"
PROOF_FORMAT = "caseapp-audit-proof/1"
STATE_FORMAT = "caseapp-verify-state/1"
GENESIS_HASH = "0" * 64
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
# A copy of caseapp.audit.chain.SEALED_FIELDS (this file imports nothing from caseapp; a test
# holds the two equal).
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
CHECKPOINT_FIELDS = (
    "format",
    "instance_id",
    "tree_size",
    "chain_hash",
    "merkle_root",
    "made_at",
    "key_id",
)
DATA_FILES = ("entries.jsonl", "entries.csv", "cases.json", "checkpoints.jsonl")
SIGNATURE_FILES = ("manifest.json", "manifest.sig", "public_key.pem")
DEFAULT_STATE = "~/.caseapp-verify-state.json"
CHUNK = 1 << 20
_TIME = re.compile(r"\d{4}-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d:[0-6]\d\.\d{6}Z")
_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)
_sha256 = hashlib.sha256


def _fast_encoder():
    """``_ENCODER.encode`` without re-creating the C encoder on every call (same output)."""
    from json import encoder as json_encoder

    make = getattr(json_encoder, "c_make_encoder", None)
    if make is None:
        return _ENCODER.encode

    def default(value):
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")

    iterencode = make(
        None, default, json_encoder.encode_basestring, None, ":", ",", True, False, False
    )
    join = "".join

    def encode(value) -> str:
        if isinstance(value, str):
            return _ENCODER.encode(value)
        return join(iterencode(value, 0))

    return encode


encode_canonical = _fast_encoder()
_encode_str = json.encoder.encode_basestring  # what the encoder uses for str (ensure_ascii off)


def with_shortcuts(encode):
    """``encode`` (a JSON encoder without ``ensure_ascii``) with shortcuts for exact str, int
    and None: the same text, whatever the encoder's separators (the app's case summary uses
    it with its own)."""

    def text(value) -> str:
        kind = type(value)
        if kind is str:
            return _encode_str(value)
        if kind is int:
            return int.__repr__(value)
        if value is None:
            return "null"
        return encode(value)

    return text


# ``encode_canonical(value)``, with the shortcuts (same text).
canonical_value = with_shortcuts(encode_canonical)


def _line_decoder():
    """``json.loads`` for one line of bytes, without its per-call overhead (same result).

    The C scanner is called directly on the UTF-8 text; anything it does not take whole
    (leading or trailing white space, another encoding, invalid JSON) goes through
    ``json.loads`` itself, so exactly the same lines are accepted and refused.
    """
    from json import scanner

    scan = scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]
    loads = json.loads

    def decode(line: bytes):
        try:
            text = line.decode("utf-8")
            value, end = scan(text, 0)
        except (StopIteration, ValueError):
            return loads(line)
        if end != len(text):
            return loads(line)
        return value

    return decode


decode_line = _line_decoder()


def sealed_text(
    seq, occurred_at, action, object_type, object_id, case_id, agency, personal, request_id=None
):
    """``encode_canonical`` of the sealed dictionary, written out in its sorted key order.

    Used on the hot paths (chain walk, bundle check); ``canonical_value`` writes each value
    exactly as the encoder would, so the text is the canonical form (a test compares them).
    Its shortcuts for exact str and int are written out here: a bundle check calls this once
    per entry, and eight calls per entry were a tenth of the check (issue 16 item 6).
    """
    v, s = canonical_value, _encode_str
    return (
        f'{{"action":{s(action) if type(action) is str else v(action)},'
        f'"actor_agency_id":{int.__repr__(agency) if type(agency) is int else v(agency)},'
        f'"case_id":{int.__repr__(case_id) if type(case_id) is int else v(case_id)},'
        f'"object_id":{int.__repr__(object_id) if type(object_id) is int else v(object_id)},'
        f'"object_type":{s(object_type) if type(object_type) is str else v(object_type)},'
        f'"occurred_at":{s(occurred_at) if type(occurred_at) is str else v(occurred_at)},'
        f'"personal":{s(personal) if type(personal) is str else v(personal)},'
        + ("" if request_id is None else f'"request_id":{v(request_id)},')
        + f'"seq":{int.__repr__(seq) if type(seq) is int else v(seq)}}}'
    )


def personal_text(actor_id, diff, reason) -> str:
    """``encode_canonical({"actor_id": ..., "diff": ..., "reason": ...})``, written out."""
    v = canonical_value
    return f'{{"actor_id":{v(actor_id)},"diff":{v(diff)},"reason":{v(reason)}}}'


# -- the canonical form and the chain (used by the app too) ---------------------------------


def canonical(value) -> bytes:
    """The canonical JSON bytes of ``value`` (sorted keys, no whitespace, UTF-8)."""
    return encode_canonical(value).encode("utf-8")


def format_time(moment: datetime) -> str:
    """A timezone-aware datetime as canonical UTC text with microseconds."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime in the audit chain")
    if moment.utcoffset():
        moment = moment.astimezone(UTC)
    # "YYYY-MM-DDTHH:MM:SS.ffffff+00:00" (C code, microseconds always) without its offset.
    return moment.isoformat(timespec="microseconds")[:-6] + "Z"


def parse_time(text: str) -> datetime:
    """Canonical UTC text back to an aware datetime (ValueError when not canonical)."""
    moment = datetime.strptime(text, TIME_FORMAT).replace(tzinfo=UTC)
    if format_time(moment) != text:
        raise ValueError(f"not a canonical time: {text!r}")
    return moment


def personal_digest(salt: str, actor_id, diff, reason) -> str:
    """The salted digest through which actor, diff and reason enter the chain."""
    body = personal_text(actor_id, diff, reason).encode()
    return _sha256(bytes.fromhex(salt) + body).hexdigest()


def chain_hash(prev_hash: str, sealed: dict) -> str:
    """``hash_i = SHA-256(hash_{i-1} || canonical(sealed_i))``, in hex."""
    return _sha256(bytes.fromhex(prev_hash) + canonical(sealed)).hexdigest()


def fingerprint(raw_public_key: bytes) -> str:
    """The key id: SHA-256 (hex) of the raw Ed25519 public key."""
    return _sha256(raw_public_key).hexdigest()


# -- the Merkle tree (RFC 9162, section 2.1) ------------------------------------------------

EMPTY_ROOT = _sha256(b"").hexdigest()


def leaf_hash(entry_hash: bytes) -> bytes:
    """``SHA-256(0x00 || hash_i)``: the leaf of one entry (its chain hash, raw bytes)."""
    return _sha256(b"\x00" + entry_hash).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """``SHA-256(0x01 || left || right)``: an interior node."""
    return _sha256(b"\x01" + left + right).digest()


class Frontier:
    """The right edge of a tree: the roots of its perfect subtrees, largest first.

    ``O(log n)`` hashes are enough to extend a tree leaf by leaf and to compute its root, so
    a bundle that starts at entry ``first`` carries the frontier at ``first - 1``.
    """

    __slots__ = ("nodes", "size")

    def __init__(self, size: int = 0, nodes=()) -> None:
        """A frontier of a tree with ``size`` leaves."""
        self.size = size
        self.nodes = list(nodes)

    def add(self, leaf: bytes) -> None:
        """Append one leaf hash."""
        nodes, n = self.nodes, self.size
        while n & 1:
            leaf = _sha256(b"\x01" + nodes.pop() + leaf).digest()
            n >>= 1
        nodes.append(leaf)
        self.size += 1

    def root(self) -> str:
        """The tree's root (hex); the hash of the empty string for an empty tree."""
        if not self.nodes:
            return EMPTY_ROOT
        root = self.nodes[-1]
        for left in reversed(self.nodes[:-1]):
            root = node_hash(left, root)
        return root.hex()

    def to_json(self) -> dict:
        """Plain values for a manifest."""
        return {"size": self.size, "nodes": [n.hex() for n in self.nodes]}

    @classmethod
    def from_json(cls, value) -> Frontier:
        """Back from ``to_json`` (ValueError when it cannot be a frontier)."""
        if not isinstance(value, dict):
            raise ValueError("not a frontier")
        size, nodes = value.get("size"), value.get("nodes")
        if not isinstance(size, int) or size < 0 or not isinstance(nodes, list):
            raise ValueError("not a frontier")
        if len(nodes) != bin(size).count("1"):
            raise ValueError("a frontier of this size has another number of nodes")
        return cls(size, [bytes.fromhex(n) for n in nodes])


def root_from_inclusion(index: int, size: int, leaf: bytes, path: list[bytes]) -> bytes:
    """The root implied by an inclusion proof (RFC 9162, 2.1.3.2); ValueError if malformed."""
    if index >= size or index < 0:
        raise ValueError("leaf index outside the tree")
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            raise ValueError("inclusion proof too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ValueError("inclusion proof too short")
    return r


def consistent(size1: int, size2: int, root1: bytes, root2: bytes, proof: list[bytes]) -> bool:
    """Whether ``proof`` shows the tree ``size2`` extends the tree ``size1`` (RFC 9162, 2.1.4.2)."""
    if size1 == size2:
        return not proof and root1 == root2
    if size1 == 0 or size1 > size2:
        return size1 == 0 and not proof
    if not proof:
        return False
    if size1 & (size1 - 1) == 0:
        proof = [root1, *proof]
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == root1 and sr == root2 and sn == 0


# -- checkpoints -----------------------------------------------------------------------------


def checkpoint_body(checkpoint: dict) -> dict:
    """The signed part of a checkpoint (ValueError when a field is missing)."""
    missing = [f for f in CHECKPOINT_FIELDS if f not in checkpoint]
    if missing:
        raise ValueError(f"checkpoint without {', '.join(missing)}")
    return {f: checkpoint[f] for f in CHECKPOINT_FIELDS}


def checkpoint_label(checkpoint: dict) -> str:
    """How a checkpoint is named in messages."""
    return f"checkpoint of entry {checkpoint.get('tree_size')} made {checkpoint.get('made_at')}"


def checkpoint_signature_ok(key, checkpoint: dict) -> bool:
    """Whether ``checkpoint["signature"]`` is the key's signature of its body."""
    from cryptography.exceptions import InvalidSignature

    try:
        signature = base64.b64decode(checkpoint["signature"], validate=True)
        key.verify(signature, canonical(checkpoint_body(checkpoint)))
    except (KeyError, TypeError, ValueError, InvalidSignature):
        return False
    return True


def countersignature_ok(countersignature: dict, body: dict) -> str | None:
    """The witness key id when a countersignature of ``body`` verifies, else None."""
    from cryptography.exceptions import InvalidSignature

    try:
        key = _load_public_key(countersignature["public_key"].encode())
        signature = base64.b64decode(countersignature["signature"], validate=True)
        key.verify(signature, canonical(body))
    except (KeyError, TypeError, ValueError, AttributeError, InvalidSignature):
        return None
    fp = fingerprint(_raw(key))
    return fp if fp == countersignature.get("witness_key_id") else None


def countersign(checkpoint: dict, private_key_pem: bytes, witness: str = "") -> dict:
    """An ombudsperson's countersignature of ``checkpoint`` with their Ed25519 key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = serialization.load_pem_private_key(private_key_pem, None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("the countersigning key is not an Ed25519 private key")
    body = checkpoint_body(checkpoint)
    public = key.public_key()
    return {
        "format": COUNTERSIGNATURE_FORMAT,
        "witness": witness,
        "checkpoint": body,
        "witness_key_id": fingerprint(_raw(public)),
        "public_key": public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode(),
        "signature": base64.b64encode(key.sign(canonical(body))).decode(),
    }


# -- bundle verification ---------------------------------------------------------------------


class Report:
    """Collects what failed, in order, and what a verifier may remember."""

    def __init__(self) -> None:
        self.failures: list[str] = []
        self.notes: list[str] = []
        self.manifest: dict = {}
        self.key_id: str | None = None
        self.checkpoints: list[dict] = []

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


def _normal_fp(text: str) -> str:
    return text.lower().replace(":", "").replace(" ", "")


def _signing_key(read, public_key_pem, expected_fp, pinned, report):
    """The key that must have signed (given, else the bundle's); None when unusable."""
    source = "the key given with --public-key"
    if public_key_pem is None:
        source = "public_key.pem inside the bundle"
        try:
            public_key_pem = read("public_key.pem")
        except KeyError:
            report.fail("public_key.pem: missing and no --public-key given")
            return None
    try:
        key = _load_public_key(public_key_pem)
    except ValueError as err:
        report.fail(f"public key: cannot be read ({err})")
        return None
    fp = fingerprint(_raw(key))
    report.key_id = fp
    report.notes.append(f"signature checked with {source}, fingerprint {fp}")
    if expected_fp and fp != _normal_fp(expected_fp):
        report.fail(f"public key: fingerprint {fp} is not the expected {expected_fp}")
    if pinned and fp != pinned:
        report.fail(
            f"public key: fingerprint {fp}, but this instance signed with {pinned} in the "
            "bundles seen before (confirm a key change by another channel)"
        )
    return key


def _check_signature(read, key, manifest_bytes, report) -> None:
    from cryptography.exceptions import InvalidSignature

    try:
        signature = base64.b64decode(read("manifest.sig"), validate=True)
    except (KeyError, ValueError):
        report.fail("manifest.sig: missing or not base64")
        return
    if key is None:
        return
    fp = report.key_id
    try:
        key.verify(signature, manifest_bytes)
    except InvalidSignature:
        report.fail(f"manifest.sig: signature does not verify with key {fp}")
        return
    manifest_key = json.loads(manifest_bytes).get("key_id")
    if manifest_key != fp:
        report.fail(f"manifest.json: key_id {manifest_key} is not the signing key {fp}")


def _check_members(zf, manifest, report) -> None:
    names = Counter(zf.namelist())
    for name, times in sorted(names.items()):
        if times > 1:
            report.fail(f"{name}: the zip holds {times} members of this name (forged bundle)")
    listed = manifest.get("files") or {}
    for extra in sorted(set(names) - set(listed) - set(SIGNATURE_FILES)):
        report.fail(f"{extra}: file not listed in the manifest")
    for name in DATA_FILES:
        if name not in listed:
            report.fail(f"manifest.json: no entry for {name}")
    for name in sorted(set(listed) - set(names)):
        report.fail(f"{name}: listed in the manifest but missing from the bundle")


class _Member:
    """One member read once: hashed against the manifest while its lines are consumed."""

    def __init__(self, zf, name, expected, report) -> None:
        self.name, self.expected, self.report = name, expected or {}, report
        self.digest, self.size = _sha256(), 0
        self.error: Exception | None = None
        self._chunks = self._read(zf)

    def _read(self, zf):
        try:
            with zf.open(self.name) as fh:
                while chunk := fh.read(CHUNK):
                    self.digest.update(chunk)
                    self.size += len(chunk)
                    yield chunk
        except (
            zipfile.BadZipFile,
            OSError,
            EOFError,
            zlib.error,
            NotImplementedError,
            RuntimeError,
        ) as err:
            # Damaged compressed data (zlib.error), an unknown compression method, an
            # encrypted member (RuntimeError): a failure of the member, never of the verifier.
            self.error = err

    def chunks(self):
        """The rest of the member's bytes, in chunks, hashed on the way."""
        return self._chunks

    def lines(self):
        """The member's lines (without line ends), hashed on the way."""
        rest = b""
        for chunk in self._chunks:
            parts = (rest + chunk).split(b"\n")
            rest = parts.pop()
            yield from parts
        if rest:
            yield rest

    def finish(self) -> None:
        """Read what no check read; compare size and hash with the manifest."""
        for _chunk in self._chunks:
            pass
        if self.error is not None:
            self.report.fail(f"{self.name}: cannot be read from the zip ({self.error})")
            return
        said = self.expected.get("bytes")
        if self.size != said:
            self.report.fail(
                f"{self.name}: {self.size} bytes, the manifest says {said} (truncated?)"
            )
        if self.digest.hexdigest() != self.expected.get("sha256"):
            self.report.fail(f"{self.name}: SHA-256 does not match the manifest (file altered)")


class _Watch:
    """Known chain states (seq -> hash and Merkle root) the entries must reproduce."""

    def __init__(self) -> None:
        self.points: dict[int, list[tuple[str, str, str]]] = {}

    def add(self, size, chain_hash_hex, root, label) -> None:
        """Expect ``chain_hash_hex`` and ``root`` after entry ``size``."""
        if isinstance(size, int) and size > 0:
            self.points.setdefault(size, []).append((chain_hash_hex, root, label))

    def check(self, size, chain_hash_hex, root_of, report, where) -> None:
        """Compare the chain after entry ``size`` with every state expected there."""
        for expected_hash, expected_root, label in self.points.get(size, ()):
            if expected_hash != chain_hash_hex or expected_root != root_of():
                report.fail(
                    f"{where}: the chain no longer matches the {label}: entry {size} or an "
                    "earlier one was rewritten"
                )


def _check_entries(member, manifest, watch, report) -> bool:
    """Walk entries.jsonl: sequence, times, chain links, Merkle root. True when all fit."""
    first = manifest.get("first_seq")
    prev = bytes.fromhex(manifest.get("first_prev_hash") or GENESIS_HASH)
    merkle = manifest.get("merkle") or {}
    try:
        frontier = Frontier.from_json(merkle["first_frontier"]) if first else Frontier()
    except (KeyError, ValueError, TypeError):
        report.fail("manifest.json: no usable Merkle frontier before the first entry")
        return False
    if first and frontier.size != first - 1:
        report.fail(f"manifest.json: the Merkle frontier ends at entry {frontier.size}")
        return False
    if first and first > 1:
        watch.check(first - 1, prev.hex(), frontier.root, report, "manifest.json (first_prev_hash)")
    expect_seq, prev_time, count = first, "", 0
    loads, sealed, sha, add = decode_line, sealed_text, _sha256, frontier.add
    time_ok, points, fields = _TIME.fullmatch, watch.points, SEALED_FIELDS
    for n, line in enumerate(member.lines(), start=1):
        where = f"entries.jsonl line {n}"
        try:
            entry = loads(line)
            seq = entry["seq"]
        except (ValueError, KeyError, TypeError):
            report.fail(f"{where}: not valid JSON (truncated or altered)")
            return False
        if seq != expect_seq:
            if isinstance(seq, int) and expect_seq is not None and seq < expect_seq:
                what = "an entry is duplicated, or entries are reordered"
            else:
                what = "an entry is missing here, or entries are reordered"
            report.fail(f"{where}: sequence number {seq}, expected {expect_seq} ({what})")
            return False
        moment = entry.get("occurred_at")
        if not isinstance(moment, str) or not time_ok(moment):
            report.fail(f"{where} (seq {seq}): occurred_at is not a canonical UTC time")
            return False
        if moment < prev_time:
            report.fail(f"{where} (seq {seq}): time {moment} is before the previous entry's")
            return False
        if "salt" in entry:  # identified export: the personal part can be checked too
            personal = personal_digest(
                entry["salt"], entry.get("actor_id"), entry.get("diff"), entry.get("reason")
            )
            if personal != entry.get("personal"):
                report.fail(f"{where} (seq {seq}): actor, diff or reason altered (personal digest)")
                return False
        try:
            text = sealed(
                seq,
                moment,
                entry["action"],
                entry["object_type"],
                entry["object_id"],
                entry["case_id"],
                entry["actor_agency_id"],
                entry["personal"],
                entry.get("request_id"),
            )
        except KeyError:
            missing = [f for f in fields if f not in entry]
            report.fail(f"{where} (seq {seq}): missing fields {', '.join(missing)}")
            return False
        digest = sha(prev + text.encode()).digest()
        hex_digest = digest.hex()
        if hex_digest != entry.get("hash"):
            report.fail(
                f"{where} (seq {seq}): hash does not follow from the previous entry "
                "(entry altered, or entries reordered)"
            )
            return False
        add(sha(b"\x00" + digest).digest())
        if seq in points:
            watch.check(seq, hex_digest, frontier.root, report, f"{where} (seq {seq})")
        prev, prev_time = digest, moment
        expect_seq += 1
        count += 1
    if member.error is not None:
        return False
    ok = True
    if count != manifest.get("count"):
        report.fail(f"entries.jsonl: {count} entries, the manifest says {manifest.get('count')}")
        ok = False
    if count and prev.hex() != manifest.get("chain_head_hash"):
        report.fail("entries.jsonl: the last hash is not the chain head hash in the manifest")
        ok = False
    if count and expect_seq - 1 != manifest.get("last_seq"):
        said = manifest.get("last_seq")
        report.fail(f"entries.jsonl: ends at seq {expect_seq - 1}, the manifest says {said}")
        ok = False
    if ok and count and frontier.root() != merkle.get("root"):
        report.fail("manifest.json: the Merkle root does not follow from the entries")
        ok = False
    return ok


def _check_csv(member, manifest, report) -> None:
    expect = manifest.get("first_seq")
    count = 0
    try:
        text = io.TextIOWrapper(
            _ChunkReader(member.chunks()),  # type: ignore[type-var]
            encoding="utf-8",
            newline="",
        )
        rows = csv.reader(text)
        header = next(rows, None)
        if header is None or header[0] != "seq":
            report.fail("entries.csv: no header row")
            return
        for row in rows:
            if not row or row[0] != str(expect):
                got = row[0] if row else ""
                report.fail(f"entries.csv row {count + 1}: seq {got}, expected {expect}")
                return
            expect += 1
            count += 1
    except (UnicodeDecodeError, csv.Error) as err:
        report.fail(f"entries.csv: cannot be read ({err})")
        return
    if member.error is None and count != manifest.get("count"):
        report.fail(f"entries.csv: {count} rows, the manifest says {manifest.get('count')}")


class _ChunkReader(io.RawIOBase):
    """A readable stream over an iterator of byte chunks."""

    def __init__(self, chunks) -> None:
        self.chunks, self.buffer, self.at = chunks, memoryview(b""), 0

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        # An offset into the current chunk: slicing off what was read would copy the rest
        # of the chunk on every call (quadratic in the chunk size).
        while self.at >= len(self.buffer):
            chunk = next(self.chunks, b"")
            if not chunk:
                return 0
            self.buffer, self.at = memoryview(chunk), 0
        n = min(len(target), len(self.buffer) - self.at)
        target[:n] = self.buffer[self.at : self.at + n]
        self.at += n
        return n


def _check_checkpoints(member, key, manifest, known, watch, report) -> None:
    """Signed checkpoints: each verifies, none contradicts another or one seen before."""
    by_size: dict[int, dict] = {}
    for n, line in enumerate(member.lines(), start=1):
        where = f"checkpoints.jsonl line {n}"
        try:
            checkpoint = json.loads(line)
            body = checkpoint_body(checkpoint)
        except (ValueError, TypeError, AttributeError):
            report.fail(f"{where}: not a checkpoint")
            continue
        if key is not None and not checkpoint_signature_ok(key, checkpoint):
            report.fail(f"{where}: signature does not verify with key {report.key_id}")
            continue
        if body["instance_id"] != manifest.get("instance_id"):
            report.fail(f"{where}: checkpoint of another instance ({body['instance_id']})")
            continue
        size = body["tree_size"]
        same = by_size.get(size)
        if same and (same["chain_hash"], same["merkle_root"]) != (
            body["chain_hash"],
            body["merkle_root"],
        ):
            report.fail(f"{where}: two checkpoints of entry {size} disagree (the chain forked)")
            continue
        by_size[size] = body
        for cs in checkpoint.get("countersignatures") or ():
            fp = countersignature_ok(cs, body)
            if fp is None:
                report.fail(f"{where}: a countersignature does not verify")
            else:
                report.notes.append(
                    f"{checkpoint_label(body)} countersigned by {cs.get('witness') or fp}"
                )
        report.checkpoints.append(checkpoint)
        watch.add(size, body["chain_hash"], body["merkle_root"], checkpoint_label(body))
    head = (manifest.get("live_chain_head") or {}).get("seq")
    created = manifest.get("created_at") or ""
    for size, seen in sorted(known.items()):
        label = f"{checkpoint_label(seen)} seen before"
        if str(seen.get("made_at")) > created:
            report.notes.append(f"the {label} is newer than this bundle")
            continue
        watch.add(size, seen["chain_hash"], seen["merkle_root"], label)
        if isinstance(head, int) and head < size:
            report.fail(f"the chain ends at entry {head}, before the {label}: entries were removed")
            continue
        now = by_size.get(size)
        if now is None:
            report.fail(
                f"checkpoints.jsonl: the {label} is missing (checkpoints removed, or the "
                "chain was rewritten)"
            )
        elif (now["chain_hash"], now["merkle_root"]) != (seen["chain_hash"], seen["merkle_root"]):
            report.fail(
                f"checkpoints.jsonl: the {label} now reads differently: entry {size} or an "
                "earlier one was rewritten"
            )
    if not by_size:
        report.fail("checkpoints.jsonl: no checkpoint of the chain")


def _remembered(state, instance_id) -> tuple[str | None, dict]:
    """The pinned key id and the known checkpoints (by size) of an instance."""
    if not state:
        return None, {}
    seen = (state.get("instances") or {}).get(instance_id) or {}
    known = {}
    for size, checkpoint in (seen.get("checkpoints") or {}).items():
        known[int(size)] = checkpoint
    return seen.get("key_id"), known


def remember(state: dict, report: Report) -> None:
    """Add a verified bundle's key and checkpoints to ``state`` (in place)."""
    instance_id = report.manifest.get("instance_id")
    instances = state.setdefault("instances", {})
    seen = instances.setdefault(instance_id, {"key_id": report.key_id, "checkpoints": {}})
    state["format"] = STATE_FORMAT
    for checkpoint in report.checkpoints:
        body = checkpoint_body(checkpoint)
        seen["checkpoints"].setdefault(
            str(body["tree_size"]),
            {k: body[k] for k in ("tree_size", "chain_hash", "merkle_root", "made_at")},
        )


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


# Members whose checks depend on nothing else of the bundle: with ``parallel`` verification a
# second process reads them (the CSV's rows, and the hash of both) while the first walks the
# chain -- a process, not a thread: their reading holds the GIL too often for a thread to
# gain anything (issue 16 item 6: verification at 100,000 entries/s).
SIDE_FILES = ("entries.csv", "cases.json")


def _side_checks(path: str, manifest: dict) -> dict[str, list[str]]:
    """The checks of ``SIDE_FILES`` (in a process of their own): each member's failures under
    its name, the CSV rows' under ``"rows"``."""
    listed = manifest.get("files") or {}
    found: dict[str, list[str]] = {}
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        for name in SIDE_FILES:
            if name not in listed or name not in names:
                continue
            report = Report()
            member = _Member(zf, name, listed[name], report)
            if name == "entries.csv":
                _check_csv(member, manifest, report)
                found["rows"], report.failures = report.failures, []
            member.finish()
            found[name] = report.failures
    return found


def _start_side(stack: contextlib.ExitStack, path, manifest: dict):
    """Start ``_side_checks`` in a second process; None when ``path`` is not a file's path
    (a file object is checked in this process)."""
    if not isinstance(path, str | os.PathLike):
        return None
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    try:
        # "spawn": a fresh interpreter, whatever threads the calling process runs.
        pool = stack.enter_context(ProcessPoolExecutor(1, mp_context=get_context("spawn")))
        return pool.submit(_side_checks, os.fspath(path), manifest)
    except (OSError, RuntimeError, ImportError, NotImplementedError):  # no processes here
        return None


def _side_result(side, zf, listed, present, members, report) -> dict[str, list[str]]:
    """The second process's failures; should it fail, its members are checked here."""
    if side is None:
        return {}
    try:
        return side.result()
    except Exception:  # a lost process must not lose the checks: they are done here
        for name in present:
            if name in SIDE_FILES:
                members[name] = _Member(zf, name, listed[name], report)
        return {}


def verify_bundle(
    path,
    public_key_pem: bytes | None = None,
    expected_fp: str | None = None,
    *,
    state: dict | None = None,
    parallel: bool = False,
) -> Report:
    """Check a bundle: members, signature, file hashes, chain, Merkle root, checkpoints.

    ``state`` (see ``remember``) holds what was seen before: the instance's key and its
    checkpoints. A bundle whose chain or checkpoints no longer contain them fails.

    ``parallel`` (a bundle given by its path): the members no other check depends on
    (``SIDE_FILES``) are checked by a second process while this one walks the chain; the
    failures are the same, in the same order.
    """
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
        report.manifest = manifest
        pinned, known = _remembered(state, manifest.get("instance_id"))
        key = _signing_key(zf.read, public_key_pem, expected_fp, pinned, report)
        _check_signature(zf.read, key, manifest_bytes, report)
        _check_members(zf, manifest, report)
        listed, names = manifest.get("files") or {}, set(zf.namelist())
        present = [n for n in listed if n in names]
        with contextlib.ExitStack() as stack:
            side = _start_side(stack, path, manifest) if parallel else None
            members = {
                n: _Member(zf, n, listed[n], report)
                for n in present
                if side is None or n not in SIDE_FILES
            }
            watch = _Watch()
            if "checkpoints.jsonl" in members:
                _check_checkpoints(
                    members["checkpoints.jsonl"], key, manifest, known, watch, report
                )
            if "entries.jsonl" in members:
                _check_entries(members["entries.jsonl"], manifest, watch, report)
            found = _side_result(side, zf, listed, present, members, report)
            report.failures.extend(found.get("rows", ()))
            if "entries.csv" in members:
                _check_csv(members["entries.csv"], manifest, report)
            _check_indicators(zf, manifest, report)
            for name in present:
                if name in members:
                    members[name].finish()
                else:
                    report.failures.extend(found.get(name, ()))
        report.notes.append(
            f"entries {manifest.get('first_seq')}..{manifest.get('last_seq')} "
            f"({manifest.get('count')}), chain head {manifest.get('chain_head_hash')}, "
            f"Merkle root {(manifest.get('merkle') or {}).get('root')}"
        )
    return report


def entry_hashes(path):
    """``(seq, hash)`` of each entry of a bundle, in order (for comparing two bundles)."""
    with zipfile.ZipFile(path) as zf, zf.open("entries.jsonl") as fh:
        for line in io.TextIOWrapper(fh, encoding="utf-8"):
            entry = json.loads(line)
            yield entry["seq"], entry["hash"]


def first_difference(earlier_hashes, later_hashes) -> tuple[int, str, str | None] | None:
    """The first entry whose hash differs between two walks of the chain (or vanished)."""
    later = iter(later_hashes)
    current = next(later, None)
    for seq, old in earlier_hashes:
        while current is not None and current[0] < seq:
            current = next(later, None)
        if current is None:
            return seq, old, None
        if current[0] == seq and current[1] != old:
            return seq, old, current[1]
    return None


# -- inclusion and consistency proofs --------------------------------------------------------


def verify_proof(proof: dict, public_key_pem=None, expected_fp=None, state=None) -> Report:
    """Check a proof (``flask audit prove``): entries included in a signed checkpoint."""
    report = Report()
    if proof.get("format") != PROOF_FORMAT:
        report.fail(f"proof: unknown format {proof.get('format')!r}")
        return report
    checkpoint = proof.get("checkpoint") or {}
    try:
        body = checkpoint_body(checkpoint)
    except ValueError as err:
        report.fail(f"proof: {err}")
        return report
    pinned, known = _remembered(state, body["instance_id"])
    read = {"public_key.pem": (proof.get("public_key") or "").encode()}.__getitem__
    key = _signing_key(read, public_key_pem, expected_fp, pinned, report)
    if key is None:
        return report
    if not checkpoint_signature_ok(key, checkpoint):
        report.fail(f"proof: the checkpoint's signature does not verify with key {report.key_id}")
        return report
    size, root = body["tree_size"], bytes.fromhex(body["merkle_root"])
    for item in proof.get("entries") or ():
        entry = item.get("entry") or {}
        seq: Any = entry.get("seq")
        try:
            sealed = {f: entry[f] for f in SEALED_FIELDS}
            if entry.get("request_id") is not None:
                sealed["request_id"] = entry["request_id"]
            digest = chain_hash(item["prev_hash"], sealed)
            path = [bytes.fromhex(p) for p in item["path"]]
            implied = root_from_inclusion(
                int(seq) - 1, size, leaf_hash(bytes.fromhex(digest)), path
            )
        except (KeyError, TypeError, ValueError) as err:
            report.fail(f"entry {seq}: malformed proof ({err})")
            continue
        if digest != entry.get("hash"):
            report.fail(f"entry {seq}: hash does not follow from its content")
        elif implied != root:
            report.fail(f"entry {seq}: not included in the {checkpoint_label(body)}")
    for item in proof.get("consistency") or ():
        old = item.get("from") or {}
        seen = known.get(old.get("tree_size"))
        if seen is not None and seen["merkle_root"] != old.get("merkle_root"):
            report.fail(f"the {checkpoint_label(seen)} seen before reads differently here")
            continue
        try:
            ok = consistent(
                old["tree_size"],
                size,
                bytes.fromhex(old["merkle_root"]),
                root,
                [bytes.fromhex(p) for p in item["proof"]],
            )
        except (KeyError, TypeError, ValueError):
            ok = False
        if not ok:
            report.fail(
                f"the {checkpoint_label(old)} is not consistent with the {checkpoint_label(body)}"
                ": the chain was rewritten in between"
            )
    for size_seen, seen in sorted(known.items()):
        if size_seen <= size and not any(
            (i.get("from") or {}).get("tree_size") == size_seen
            for i in proof.get("consistency") or ()
        ):
            report.notes.append(f"no consistency proof from the {checkpoint_label(seen)}")
    report.manifest = {"instance_id": body["instance_id"]}
    report.checkpoints.append(checkpoint)
    count = len(proof.get("entries") or ())
    report.notes.append(f"{count} entries proven against the {checkpoint_label(body)}")
    return report


# -- command line ----------------------------------------------------------------------------


def load_state(path) -> dict:
    """The verifier's memory (an empty one when the file does not exist yet)."""
    try:
        with open(path, encoding="utf-8") as fh:
            state = json.load(fh)
    except FileNotFoundError:
        return {"format": STATE_FORMAT, "instances": {}}
    if state.get("format") != STATE_FORMAT:
        raise ValueError(f"{path}: not a verifier state file")
    return state


def save_state(path, state: dict) -> None:
    """Write the state atomically (mode 600)."""
    tmp = f"{path}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(state, fh, indent=1, sort_keys=True)
    os.replace(tmp, path)


def _new_witness_key(path: str) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    public = key.public_key()
    print(
        public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode(),
        end="",
    )
    print(f"fingerprint (SHA-256): {fingerprint(_raw(public))}")


def main(argv: list[str] | None = None) -> int:
    """Command line: print each failure; exit 0 when the bundle verifies."""
    parser = argparse.ArgumentParser(description="Verify a caseapp audit export bundle.")
    parser.add_argument("bundle", nargs="?", help="the export .zip")
    parser.add_argument("--public-key", help="PEM public key obtained from the authority")
    parser.add_argument(
        "--fingerprint", help="expected key fingerprint (hex), e.g. from the audit page"
    )
    parser.add_argument(
        "--state", default=DEFAULT_STATE, help="file remembering checkpoints seen before"
    )
    parser.add_argument("--no-state", action="store_true", help="remember nothing")
    parser.add_argument("--previous", help="an earlier bundle: name the first rewritten entry")
    parser.add_argument("--proof", help="an inclusion proof (flask audit prove) instead")
    parser.add_argument("--countersign", help="your Ed25519 private key (PEM)")
    parser.add_argument("--witness", default="", help="your name in the countersignature")
    parser.add_argument("--countersign-out", help="where to write the countersignature")
    parser.add_argument("--new-witness-key", help="create an Ed25519 key for countersigning")
    args = parser.parse_args(argv)
    if args.new_witness_key:
        _new_witness_key(args.new_witness_key)
        return 0
    if not args.bundle and not args.proof:
        parser.error("give a bundle or --proof")
    pem = None
    if args.public_key:
        with open(args.public_key, "rb") as fh:
            pem = fh.read()
    state_path = None if args.no_state else os.path.expanduser(args.state)
    try:
        state = load_state(state_path) if state_path else None
    except ValueError as err:
        print(f"FAIL: {err}")
        return 1
    if args.proof:
        with open(args.proof, encoding="utf-8") as fh:
            report = verify_proof(json.load(fh), pem, args.fingerprint, state)
    else:
        report = verify_bundle(args.bundle, pem, args.fingerprint, state=state, parallel=True)
        if args.previous:
            diff = first_difference(entry_hashes(args.previous), entry_hashes(args.bundle))
            if diff is not None:
                seq, old, new = diff
                now = "is missing" if new is None else f"now has hash {new}"
                report.fail(
                    f"entry {seq}: the earlier bundle has hash {old}, this one {now}: "
                    f"entry {seq} is the first rewritten entry"
                )
    for note in report.notes:
        print(note)
    for failure in report.failures:
        print(f"FAIL: {failure}")
    if not report.ok:
        print(f"{len(report.failures)} check(s) failed")
        return 1
    if state is not None and state_path:
        remember(state, report)
        save_state(state_path, state)
    if args.countersign and report.checkpoints:
        with open(args.countersign, "rb") as fh:
            signed = countersign(report.checkpoints[-1], fh.read(), args.witness)
        text = json.dumps(signed, indent=1, sort_keys=True)
        if args.countersign_out:
            with open(args.countersign_out, "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
        else:
            print(text)
    print("OK: the proof verifies" if args.proof else "OK: the bundle verifies")
    return 0


if __name__ == "__main__":
    sys.exit(main())
