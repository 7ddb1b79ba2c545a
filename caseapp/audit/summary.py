"""Per-case summary of an export, derived only from the audit entries.

It relies on the audit contract of the lifecycle code, not on its tables, so it works
whatever the lifecycle stores: stage changes are entries whose diff has ``"stage": [old,
new]`` (``case:stage:change``, and ``case:case:open`` for the first stage); decisions are
entries whose action ends in a decision verb; gate evaluations are diffs with a ``"gate"``
key (``return:approve``, ``gate:refuse``: policy version and every safeguard, DESIGN.md
section 4); alerts are ``alert:*`` actions and placements that deprive a child of liberty
(002, Rec 4).

Memory stays flat in both entries and cases (issue 16, item 6): the export counts each case's
entries with one aggregate query (``add_counts``; the cases are put in order here), and
spills only the entries that say something (a stage change, a decision, a gate evaluation,
an alert) to a scratch SQLite file next to the bundle, already written as the JSON they
become; ``cases.json`` is then written case by case, merging the two in case order.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path

from caseapp.assessment.liberty import deprives_of_liberty
from caseapp.audit.bundle_verifier import with_shortcuts

# SQLite's page cache, in KB, for the export's reads (``export._small_cache``) and this
# scratch file: each is read in order, once, so a larger cache only holds pages already read.
# At 100,000 realistic cases 256 KB against 1 MB took 1.4 MB off the export's peak for no
# measurable time (issue 16 item 6); SQLite's sorters keep their own 1 MB floor.
SMALL_CACHE_KB = 256

DECISION_VERBS = frozenset(
    {"approve", "refuse", "send_back", "reject", "withdraw", "decide", "close", "reopen", "notify"}
)
# The facts of a placement that decide deprivation of liberty, as the placement's audit diff
# names them; read with the one definition, ``caseapp.assessment.liberty`` (002, Rec 4).
PLACEMENT_KEYS = ("placement_type", "child_can_leave_at_will", "run_by_law_enforcement")


def _new_value(change):
    """The new value of a ``[old, new]`` diff item (or the item itself)."""
    if isinstance(change, list) and len(change) == 2:
        return change[1]
    return change


def _liberty_alert(diff) -> bool:
    if not isinstance(diff, dict):
        return False
    if not _PLACEMENT_KEYS.isdisjoint(diff) and deprives_of_liberty(
        *(_new_value(diff.get(key)) for key in PLACEMENT_KEYS)
    ):
        return True
    return any(isinstance(value, dict) and _liberty_alert(value) for value in diff.values())


_ENCODE_SLOW = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode  # cases.json's style


def _summary_encoder():
    """``_ENCODE_SLOW`` without building the C encoder again on every call (the same text: a
    test compares). Several calls per exported entry (issue 16 item 6)."""
    from json import encoder as json_encoder

    make = getattr(json_encoder, "c_make_encoder", None)
    if make is None:
        return _ENCODE_SLOW

    def default(value):
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")

    # markers None: no check for circular structures (the values come from JSON columns).
    iterencode = make(
        None, default, json_encoder.encode_basestring, None, ": ", ", ", True, False, True
    )
    encode_str, join = json_encoder.encode_basestring, "".join

    def encode(value) -> str:
        if type(value) is str:
            return encode_str(value)
        return join(iterencode(value, 0))

    return encode


_ENCODE = _summary_encoder()
_PLACEMENT_KEYS = frozenset(PLACEMENT_KEYS)
# A diff whose canonical text has none of these names no placement fact at any depth.
_PLACEMENT_NEEDLES = tuple(f'"{key}":' for key in PLACEMENT_KEYS)
# ``_ENCODE(value)``, with shortcuts for exact str, int and None (the same text).
_scalar = with_shortcuts(_ENCODE)


class CaseSummaries:
    """Accumulates, case by case, what an ombudsperson looks for first (spilled to disk)."""

    FLUSH = 1000  # rows spilled at a time: ~0.3 MB in flight (issue 16 item 6)

    def __init__(self, path: Path) -> None:
        """Open a scratch database at ``path`` (deleted by the caller with its directory)."""
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute(f"PRAGMA cache_size=-{SMALL_CACHE_KB}")
        # Events, one row per entry that has any, each already the JSON text it becomes (a
        # stage: its value); one row rather than one per kind: fewer rows to insert and sort.
        self.db.execute(
            "CREATE TABLE e (case_id INTEGER, seq INTEGER, at, stage, gate, decision, alert)"
        )
        # Entries counted one by one (``add``) when no aggregate was given (``add_counts``).
        self.db.execute("CREATE TABLE n (case_id INTEGER, at TEXT, number TEXT)")
        self.db.execute(
            "CREATE TABLE c (case_id INTEGER PRIMARY KEY, number TEXT, entries INTEGER, "
            "first_at TEXT, last_at TEXT)"
        )
        self.pending: list[tuple] = []
        self.counted: list[tuple] = []
        self._verbs: dict[str, tuple[bool, bool]] = {}

    def add(self, entry: dict) -> None:
        """Take one exported (not withheld) entry into account, counting it too."""
        self.add_fields(
            entry.get("case_id"),
            entry["seq"],
            entry["occurred_at"],
            entry["action"],
            entry.get("actor"),
            entry.get("reason"),
            entry.get("diff"),
            number=entry.get("case_number"),
            count=True,
        )

    def add_fields(
        self,
        case_id,
        seq,
        at,
        action,
        actor,
        reason,
        diff,
        *,
        number=None,
        count=False,
        diff_text: str | None = None,
    ) -> None:
        """``add`` without the dictionary; ``count`` when no ``add_counts`` will be given.

        ``diff_text``, the diff's canonical JSON when the caller has it, spares the search
        for placement facts in a diff that names none of their keys."""
        if case_id is None:
            return
        if count:
            self.counted.append((case_id, at, number))
        kinds = self._verbs.get(action)
        if kinds is None:
            kinds = self._verbs[action] = (
                action.rsplit(":", 1)[-1] in DECISION_VERBS,
                action.startswith("alert:"),
            )
        decision, alert = kinds
        stage_text = gate_text = decision_text = alert_text = None
        if isinstance(diff, dict):
            stage = diff.get("stage")
            if isinstance(stage, list) and len(stage) == 2 and stage[0] != stage[1]:
                stage_text = _ENCODE(stage[1])
            gate = diff.get("gate")
            if isinstance(gate, dict):
                safeguards = gate.get("safeguards", [])
                item = {
                    "seq": seq,
                    "at": at,
                    "action": action,
                    "actor": actor,
                    "policy_version": gate.get("policy_version"),
                    "safeguards": safeguards,
                    "unmet": [
                        s.get("id") for s in safeguards if isinstance(s, dict) and not s.get("met")
                    ],
                }
                gate_text = _ENCODE(item)
        if decision:
            # ``_ENCODE`` of {"seq", "at", "action", "actor", "reason"}, written out in its
            # sorted key order.
            decision_text = (
                f'{{"action": {_ENCODE(action)}, "actor": {_scalar(actor)}, "at": {_scalar(at)}, '
                f'"reason": {_scalar(reason)}, "seq": {_scalar(seq)}}}'
            )
        if alert or (
            (diff_text is None or any(key in diff_text for key in _PLACEMENT_NEEDLES))
            and _liberty_alert(diff)
        ):
            name = action.split(":", 1)[1] if alert else "deprivation_of_liberty"
            item = {"seq": seq, "at": at, "action": action, "actor": actor, "alert": name}
            alert_text = _ENCODE(item)
        rows = self.pending
        if stage_text or gate_text or decision_text or alert_text:
            rows.append((case_id, seq, at, stage_text, gate_text, decision_text, alert_text))
        if len(rows) >= self.FLUSH or len(self.counted) >= self.FLUSH:
            self._flush()

    def add_counts(self, rows) -> None:
        """``(case_id, case_number, entries, first_at, last_at)`` per case, from the database."""
        insert = "INSERT INTO c VALUES (?, ?, ?, ?, ?)"
        batch: list[tuple] = []
        for row in rows:
            batch.append(tuple(row))
            if len(batch) >= self.FLUSH:
                self._insert(insert, batch)
                batch = []
        self._insert(insert, batch)

    def _insert(self, statement: str, rows: list[tuple]) -> None:
        """``rows`` in one transaction (see ``_flush``)."""
        self.db.execute("BEGIN")
        self.db.executemany(statement, rows)
        self.db.execute("COMMIT")

    def _flush(self) -> None:
        # One transaction per batch: in autocommit mode every row would be a transaction of
        # its own (17 us a row measured, against ~2 in a batch).
        self.db.execute("BEGIN")
        self.db.executemany("INSERT INTO e VALUES (?, ?, ?, ?, ?, ?, ?)", self.pending)
        self.db.executemany("INSERT INTO n VALUES (?, ?, ?)", self.counted)
        self.db.execute("COMMIT")
        self.pending, self.counted = [], []

    def texts(self, until: str):
        """``cases.json``'s items as JSON text, one case at a time in case order; a current
        stage runs to ``until``."""
        self._flush()
        self.db.execute(
            "INSERT INTO c SELECT case_id, min(number), count(*), min(at), max(at) FROM n "
            "GROUP BY case_id"
        )
        self.db.execute("CREATE INDEX e_case ON e (case_id, seq)")
        events = self.db.execute(
            "SELECT case_id, at, stage, gate, decision, alert FROM e ORDER BY case_id, seq"
        )
        pending = next(events, None)
        for case_id, number, entries, first_at, last_at in self.db.execute(
            "SELECT * FROM c ORDER BY case_id"
        ):
            stages: list = []
            gates: list = []
            decisions: list = []
            alerts: list = []
            while pending is not None and pending[0] <= case_id:
                if pending[0] == case_id:
                    _case, at, stage, gate, decision, alert = pending
                    if stage is not None:
                        stages.append((at, stage))
                    if gate is not None:
                        gates.append(gate)
                    if decision is not None:
                        decisions.append(decision)
                    if alert is not None:
                        alerts.append(alert)
                pending = next(events, None)
            # The id and the count are integers (``:d`` refuses anything else), written as
            # JSON writes them.
            yield (
                f'{{"alerts": [{", ".join(alerts)}], "case_id": {case_id:d}, '
                f'"case_number": {_ENCODE(number)}, "decisions": [{", ".join(decisions)}], '
                f'"entries": {entries:d}, "first_entry_at": {_ENCODE(first_at)}, '
                f'"gate_evaluations": [{", ".join(gates)}], '
                f'"last_entry_at": {_ENCODE(last_at)}, "stages": {_stages(stages, until)}}}'
            )

    def cases(self, until: str):
        """The summaries as dictionaries, one case at a time in case order."""
        for text in self.texts(until):
            yield json.loads(text)

    def write(self, out, until: str) -> None:
        """Write ``{"cases": [...]}`` to ``out`` (``write(bytes)``), one case at a time."""
        out.write(b'{"cases": [')
        for n, text in enumerate(self.texts(until)):
            out.write((",\n" if n else "\n").encode() + text.encode("utf-8"))
        out.write(b"\n]}\n")

    def close(self) -> None:
        """Close the scratch database."""
        self.db.close()


def _stages(changes: list[tuple[str, str]], until: str) -> str:
    """The stages a case went through (``[(at, stage as JSON)]``), as JSON text."""
    # Written out as ``_ENCODE`` writes the list of dictionaries (keys sorted, ", " and ": ");
    # each time is parsed once, and written as it is: a canonical time of the chain holds
    # only digits, "-", ":", ".", "T" and "Z", which JSON writes unescaped. A test compares
    # the text with the encoder's.
    items = []
    parse = datetime.fromisoformat
    start = parse(changes[0][0]) if changes else datetime.min
    last = len(changes) - 1
    for i, (at, stage) in enumerate(changes):
        left = changes[i + 1][0] if i < last else None
        end = parse(left or until)
        days = round(max((end - start).total_seconds() / 86400, 0.0), 2)
        left_text = f'"{left}"' if left else "null"
        items.append(
            f'{{"current": {"false" if left else "true"}, "days": {float.__repr__(days)}, '
            f'"entered_at": "{at}", "left_at": {left_text}, "stage": {stage}}}'
        )
        start = end
    return f"[{', '.join(items)}]"
