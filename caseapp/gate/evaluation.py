"""The return gate: S1-S18 exactly as DESIGN.md section 4 lists them (sources in 002), and
S19, family unity (issue 15; 002, Rec 4).

``evaluate_return_gate`` is pure: it reads the case, the policy and a ``GateData`` (loaded by
``load_gate_data`` when not given) and returns a ``GateResult``; it changes nothing. The
approve-return operation calls it and refuses while anything is unmet, and the case page
shows the same list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from caseapp.gate.data import GateData, load_gate_data
from caseapp.gate.safeguards import CHECKS, TITLES
from caseapp.gate.safeguards.common import RECORD_LABELS
from caseapp.gate.safeguards.common import verdict_only as verdict_only_texts


@dataclass(frozen=True)
class Evidence:
    """A record that meets a safeguard: its kind (``type``, e.g. "guarantee"), id, what it is
    called in words (``label``) and a description in words — who, what, when, which document
    (issue 9, principle 9: never an internal name or a stored enum value)."""

    type: str
    id: int | None
    description: str
    label: str = ""

    @property
    def text(self) -> str:
        """ "Guarantee of care: by ... on ...; document: ...": the line the reader sees."""
        return f"{self.label}: {self.description}" if self.label else self.description

    def to_dict(self) -> dict:
        """JSON form."""
        return {
            "type": self.type,
            "id": self.id,
            "label": self.label,
            "description": self.description,
        }


@dataclass
class Safeguard:
    """One safeguard's verdict, with what meets it or what is missing."""

    id: str
    title: str
    met: bool
    reason: str
    source: str
    evidence: list[Evidence] = field(default_factory=list)
    # Where to record it: (endpoint, kwargs) for the panel's link.
    record_at: tuple[str, dict] | None = None

    def to_dict(self) -> dict:
        """JSON form (stored with every approval and refusal)."""
        return {
            "id": self.id,
            "title": self.title,
            "met": self.met,
            "reason": self.reason,
            "evidence": [e.to_dict() for e in self.evidence],
            "source": self.source,
        }


@dataclass
class GateResult:
    """The verdict on every safeguard, under one policy version."""

    policy_version: int
    safeguards: list[Safeguard]

    @property
    def all_met(self) -> bool:
        """Whether a return may be approved."""
        return all(s.met for s in self.safeguards)

    @property
    def unmet(self) -> list[Safeguard]:
        """The safeguards still missing."""
        return [s for s in self.safeguards if not s.met]

    @property
    def unmet_ids(self) -> list[str]:
        """Ids of the unmet safeguards, e.g. ``["S7", "S14"]``."""
        return [s.id for s in self.unmet]

    def get(self, sid: str) -> Safeguard:
        """The verdict on safeguard ``sid``."""
        return next(s for s in self.safeguards if s.id == sid)

    def to_dict(self) -> dict:
        """JSON: ``{"policy_version": n, "all_met": b, "safeguards": [...]}``."""
        return {
            "policy_version": self.policy_version,
            "all_met": self.all_met,
            "safeguards": [s.to_dict() for s in self.safeguards],
        }


def evaluate_return_gate(
    case, *, today: date, policy, data: GateData | None = None, verdict_only: bool = False
) -> GateResult:
    """Evaluate S1-S19 for ``case`` on ``today`` under ``policy`` (DESIGN.md section 4).

    With ``data`` given, no query is made; without it, ``load_gate_data(case)`` is called.

    ``verdict_only``: for a page that shows only met/unmet (the supervisor's queue; issue
    16). The same checks run (``verdict_only()`` in ``caseapp.gate.safeguards.common``), but
    no reader's text is built: each safeguard's ``met`` is the full evaluation's, its title,
    reason and evidence are left empty. Never store or show such a result.
    """
    if data is None:
        data = load_gate_data(case)
    if verdict_only:
        with verdict_only_texts():
            verdicts = [(sid, check(case, data, today, policy)[0]) for sid, check in CHECKS]
        return GateResult(
            policy_version=policy.version,
            safeguards=[
                Safeguard(id=sid, title="", met=met, reason="", source=TITLES[sid][1])
                for sid, met in verdicts
            ],
        )
    results = []
    for sid, check in CHECKS:
        title, source = TITLES[sid]
        met, reason, evidence, record_at = check(case, data, today, policy)
        results.append(
            Safeguard(
                id=sid,
                title=str(title),
                met=met,
                reason=str(reason),
                source=source,
                evidence=[
                    Evidence(t, i, str(d), str(RECORD_LABELS.get(t, ""))) for t, i, d in evidence
                ],
                record_at=record_at,
            )
        )
    return GateResult(policy_version=policy.version, safeguards=results)
