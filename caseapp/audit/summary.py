"""Per-case summary of an export, derived only from the audit entries.

It relies on the audit contract of the lifecycle code, not on its tables, so it works
whatever the lifecycle stores: stage changes are entries whose diff has ``"stage": [old,
new]`` (``case:stage:change``, and ``case:case:open`` for the first stage); decisions are
entries whose action ends in a decision verb; gate evaluations are diffs with a ``"gate"``
key (``return:approve``, ``gate:refuse``: policy version and every safeguard, DESIGN.md
section 4); alerts are ``alert:*`` actions and placements that deprive a child of liberty
(002, Rec 4).
"""

from __future__ import annotations

from caseapp.assessment.liberty import deprives_of_liberty
from caseapp.audit.bundle_verifier import parse_time

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
    """Accumulates, case by case, what an ombudsperson looks for first."""

    def __init__(self) -> None:
        """Start empty."""
        self.cases: dict[int, dict] = {}

    def add(self, entry: dict) -> None:
        """Take one exported (not withheld) entry into account."""
        case_id = entry.get("case_id")
        if case_id is None:
            return
        case = self.cases.setdefault(
            case_id,
            {
                "case_id": case_id,
                "case_number": entry.get("case_number"),
                "first_entry_at": entry["occurred_at"],
                "last_entry_at": entry["occurred_at"],
                "entries": 0,
                "stage_changes": [],
                "decisions": [],
                "gate_evaluations": [],
                "alerts": [],
            },
        )
        case["entries"] += 1
        case["last_entry_at"] = entry["occurred_at"]
        action, diff = entry["action"], entry.get("diff")
        ref = {
            "seq": entry["seq"],
            "at": entry["occurred_at"],
            "action": action,
            "actor": entry.get("actor"),
        }
        if isinstance(diff, dict):
            stage = diff.get("stage")
            if isinstance(stage, list) and len(stage) == 2 and stage[0] != stage[1]:
                case["stage_changes"].append((entry["occurred_at"], stage[1]))
            gate = diff.get("gate")
            if isinstance(gate, dict):
                case["gate_evaluations"].append(
                    {
                        **ref,
                        "policy_version": gate.get("policy_version"),
                        "safeguards": gate.get("safeguards", []),
                        "unmet": [
                            s.get("id")
                            for s in gate.get("safeguards", [])
                            if isinstance(s, dict) and not s.get("met")
                        ],
                    }
                )
        if action.rsplit(":", 1)[-1] in DECISION_VERBS:
            case["decisions"].append({**ref, "reason": entry.get("reason")})
        if action.startswith("alert:"):
            case["alerts"].append({**ref, "alert": action.split(":", 1)[1]})
        elif _liberty_alert(diff):
            case["alerts"].append({**ref, "alert": "deprivation_of_liberty"})

    def result(self, until: str) -> list[dict]:
        """The summaries; a stage still current at the end runs until ``until``."""
        out = []
        for case in self.cases.values():
            changes = case.pop("stage_changes")
            stages = []
            for i, (at, stage) in enumerate(changes):
                left = changes[i + 1][0] if i + 1 < len(changes) else None
                end = parse_time(left or until)
                days = (end - parse_time(at)).total_seconds() / 86400
                stages.append(
                    {
                        "stage": stage,
                        "entered_at": at,
                        "left_at": left,
                        "days": round(max(days, 0.0), 2),
                        "current": left is None,
                    }
                )
            out.append({**case, "stages": stages})
        return sorted(out, key=lambda c: c["case_id"])
