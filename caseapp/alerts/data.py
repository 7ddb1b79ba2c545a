"""Loading the records the alert rules look at (the rules themselves do no I/O).

A page that shows both the alerts and the return gate (the case page, the safeguards page)
loads the records of both, the policy and the child's names in **one** statement
(``load_case_records``; ``caseapp.cases.page_records.load_case_page``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from caseapp.age.models import TransitionPlan
from caseapp.assessment.models import Placement, ServiceRecord
from caseapp.cases.page_records import child_families, load_case_page
from caseapp.core.records import Records
from caseapp.detention.models import Detention
from caseapp.determination.models import BestInterestsDetermination
from caseapp.gate.data import GateData, gate_data_from, gate_records
from caseapp.monitoring.models import MonitoringVisit
from caseapp.referrals.models import VictimReferral


@dataclass
class AlertData:
    """One case and the records its alerts depend on."""

    case: Any
    placements: list = field(default_factory=list)
    services: list = field(default_factory=list)
    bids: list = field(default_factory=list)
    visits: list = field(default_factory=list)
    assessments: list = field(default_factory=list)
    home_studies: list = field(default_factory=list)
    guarantees: list = field(default_factory=list)
    family_members: list = field(default_factory=list)
    approvals: list = field(default_factory=list)
    # Issue 15: detention records, victim referrals, transition plans.
    detentions: list = field(default_factory=list)
    victim_referrals: list = field(default_factory=list)
    transition_plans: list = field(default_factory=list)

    @property
    def child(self):
        """The case's child."""
        return self.case.child


@dataclass
class CaseRecords:
    """What a case's page shows about its safeguards and alerts, loaded together."""

    gate: GateData
    alerts: AlertData
    policy: Any


def _alert_records(case_ids: list[int]) -> dict[str, Records]:
    """The record types the alerts read that the gate does not (``gate_records``)."""
    bid = BestInterestsDetermination
    return {
        "alert_placements": Records(Placement, Placement.case_id.in_(case_ids)),
        "alert_services": Records(ServiceRecord, ServiceRecord.case_id.in_(case_ids)),
        "alert_bids": Records(bid, bid.case_id.in_(case_ids)),
        "alert_visits": Records(MonitoringVisit, MonitoringVisit.case_id.in_(case_ids)),
        # Issue 15: detention records, victim referrals and transition plans, in the same
        # statement (the rules decide whether they matter).
        "alert_detentions": Records(Detention, Detention.case_id.in_(case_ids)),
        "alert_referrals": Records(VictimReferral, VictimReferral.case_id.in_(case_ids)),
        "alert_transitions": Records(TransitionPlan, TransitionPlan.case_id.in_(case_ids)),
    }


def _by_id(rows) -> list:
    return sorted(rows, key=lambda r: r.id)


def _alert_data(case, gate: GateData, rows: dict[str, list]) -> AlertData:
    def mine(name):
        return [r for r in rows[name] if r.case_id == case.id]

    return AlertData(
        case=case,
        placements=mine("alert_placements"),
        services=mine("alert_services"),
        bids=mine("alert_bids"),
        visits=mine("alert_visits"),
        assessments=_by_id(gate.assessments),
        home_studies=_by_id(gate.home_studies),
        guarantees=_by_id(gate.guarantees),
        family_members=_by_id(gate.family_members),
        approvals=_by_id(gate.approvals),
        detentions=mine("alert_detentions"),
        victim_referrals=mine("alert_referrals"),
        transition_plans=mine("alert_transitions"),
    )


def _policy_records() -> Records:
    from caseapp.gate.models import PolicySettings

    newest = select(func.max(PolicySettings.version)).scalar_subquery()
    return Records(PolicySettings, PolicySettings.version == newest)


def _case_record_families(ids) -> dict[str, Records]:
    """The gate's and the alerts' record families, the policy and the child's names."""
    return (
        gate_records(ids)
        | _alert_records(ids)
        | {"policy": _policy_records(), "names": child_families(ids)["names"]}
    )


def load_case_records(case) -> CaseRecords:
    """The gate's and the alerts' records of ``case``, the policy in force and the child's
    names, in one statement whatever the case holds, and the users and agencies they name in
    a second (``caseapp.gate.data.gate_data_from``)."""
    rows = load_case_page(case, _case_record_families, key="case_records")
    gate = gate_data_from([case], rows)[case.id]
    if not rows["policy"]:  # pragma: no cover - only if the seed row was removed by hand
        raise RuntimeError("no policy settings: run the migrations")
    return CaseRecords(gate=gate, alerts=_alert_data(case, gate, rows), policy=rows["policy"][0])


def load_alert_data(case) -> AlertData:
    """Fetch the records every alert rule needs for ``case`` (two statements)."""
    return load_case_records(case).alerts
