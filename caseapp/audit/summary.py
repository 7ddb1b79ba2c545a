"""Per-case summary of an export, derived only from the audit entries.

It relies on the audit contract of the lifecycle code, not on its tables, so it works
whatever the lifecycle stores: stage changes are entries whose diff has ``"stage": [old,
new]`` (``case:stage:change``, and ``case:case:open`` for the first stage); decisions are
entries whose action ends in a decision verb; gate evaluations are diffs with a ``"gate"``
key (``return:approve``, ``gate:refuse``: policy version and every safeguard, DESIGN.md
section 4); alerts are ``alert:*`` actions and placements that deprive a child of liberty
(002, Rec 4).

Memory stays flat in both entries and cases (issue 16, item 6): what each entry contributes
is spilled to a scratch SQLite file next to the bundle, then read back case by case, in case
order, while ``cases.json`` is written.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path

from caseapp.assessment.liberty import deprives_of_liberty

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
    if any(key in diff for key in PLACEMENT_KEYS) and deprives_of_liberty(
        *(_new_value(diff.get(key)) for key in PLACEMENT_KEYS)
    ):
        return True
    return any(isinstance(value, dict) and _liberty_alert(value) for value in diff.values())


class CaseSummaries:
    """Accumulates, case by case, what an ombudsperson looks for first (spilled to disk)."""

    FLUSH = 5000

    def __init__(self, path: Path) -> None:
        """Open a scratch database at ``path`` (deleted by the caller with its directory)."""
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("PRAGMA cache_size=-8000")  # 8 MB at most
        self.db.execute(
            "CREATE TABLE e (case_id INTEGER, seq INTEGER, at TEXT, number TEXT, events TEXT)"
        )
        self.pending: list[tuple] = []

    def add(self, entry: dict) -> None:
        """Take one exported (not withheld) entry into account."""
        case_id = entry.get("case_id")
        if case_id is None:
            return
        events = []
        at, action, diff = entry["occurred_at"], entry["action"], entry.get("diff")
        if isinstance(diff, dict):
            stage = diff.get("stage")
            if isinstance(stage, list) and len(stage) == 2 and stage[0] != stage[1]:
                events.append(("stage", stage[1]))
            gate = diff.get("gate")
            if isinstance(gate, dict):
                safeguards = gate.get("safeguards", [])
                events.append(
                    (
                        "gate",
                        {
                            "policy_version": gate.get("policy_version"),
                            "safeguards": safeguards,
                            "unmet": [
                                s.get("id")
                                for s in safeguards
                                if isinstance(s, dict) and not s.get("met")
                            ],
                        },
                    )
                )
        if action.rsplit(":", 1)[-1] in DECISION_VERBS:
            events.append(("decision", {"reason": entry.get("reason")}))
        if action.startswith("alert:"):
            events.append(("alert", {"alert": action.split(":", 1)[1]}))
        elif _liberty_alert(diff):
            events.append(("alert", {"alert": "deprivation_of_liberty"}))
        if events:
            ref = {"seq": entry["seq"], "at": at, "action": action, "actor": entry.get("actor")}
            text = json.dumps([ref, events], ensure_ascii=False)
        else:
            text = None
        self.pending.append((case_id, entry["seq"], at, entry.get("case_number"), text))
        if len(self.pending) >= self.FLUSH:
            self._flush()

    def _flush(self) -> None:
        self.db.executemany("INSERT INTO e VALUES (?, ?, ?, ?, ?)", self.pending)
        self.pending = []

    def cases(self, until: str):
        """The summaries, one case at a time in case order; a current stage runs to ``until``."""
        self._flush()
        self.db.execute("CREATE INDEX e_case ON e (case_id, seq)")
        case = None
        rows = self.db.execute("SELECT * FROM e ORDER BY case_id, seq")
        for case_id, _seq, at, number, text in rows:
            if case is None or case["case_id"] != case_id:
                if case is not None:
                    yield _finish(case, until)
                case = {
                    "case_id": case_id,
                    "case_number": number,
                    "first_entry_at": at,
                    "last_entry_at": at,
                    "entries": 0,
                    "stage_changes": [],
                    "decisions": [],
                    "gate_evaluations": [],
                    "alerts": [],
                }
            case["entries"] += 1
            case["last_entry_at"] = at
            if text is not None:
                ref, events = json.loads(text)
                for kind, value in events:
                    if kind == "stage":
                        case["stage_changes"].append((at, value))
                    elif kind == "gate":
                        case["gate_evaluations"].append({**ref, **value})
                    elif kind == "decision":
                        case["decisions"].append({**ref, **value})
                    else:
                        case["alerts"].append({**ref, **value})
        if case is not None:
            yield _finish(case, until)

    def write(self, out, until: str) -> None:
        """Write ``{"cases": [...]}`` to ``out`` (``write(bytes)``), one case at a time."""
        out.write(b'{"cases": [')
        for n, case in enumerate(self.cases(until)):
            text = json.dumps(case, ensure_ascii=False, sort_keys=True)
            out.write((",\n" if n else "\n").encode() + text.encode("utf-8"))
        out.write(b"\n]}\n")

    def close(self) -> None:
        """Close the scratch database."""
        self.db.close()


def _time(text: str) -> datetime:
    """A canonical time of the chain (already checked when the entry was sealed)."""
    return datetime.fromisoformat(text)


def _finish(case: dict, until: str) -> dict:
    changes = case.pop("stage_changes")
    stages = []
    for i, (at, stage) in enumerate(changes):
        left = changes[i + 1][0] if i + 1 < len(changes) else None
        end = _time(left or until)
        days = (end - _time(at)).total_seconds() / 86400
        stages.append(
            {
                "stage": stage,
                "entered_at": at,
                "left_at": left,
                "days": round(max(days, 0.0), 2),
                "current": left is None,
            }
        )
    return {**case, "stages": stages}
