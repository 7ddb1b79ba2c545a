"""Loading the records the alert rules look at (the rules themselves do no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from caseapp.assessment.models import BestInterestsAssessment, Placement, ServiceRecord
from caseapp.children.models import FamilyMember
from caseapp.core.extensions import db
from caseapp.crossborder.models import CareGuarantee, HomeStudy
from caseapp.determination.models import BestInterestsDetermination
from caseapp.gate.models import ReturnApproval
from caseapp.monitoring.models import MonitoringVisit


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
    # Issue 15, loaded only when they can matter (no query otherwise): detention records
    # when a placement deprives of liberty, victim referrals when the child's record has
    # indicators, transition plans when the 18th birthday is near or past.
    detentions: list = field(default_factory=list)
    victim_referrals: list = field(default_factory=list)
    transition_plans: list = field(default_factory=list)

    @property
    def child(self):
        """The case's child."""
        return self.case.child


def _rows(model, case_id):
    return list(
        db.session.scalars(select(model).where(model.case_id == case_id).order_by(model.id))
    )


def load_alert_data(case, today=None, policy=None) -> AlertData:
    """Fetch the records every alert rule needs for ``case``."""
    data = AlertData(
        case=case,
        placements=_rows(Placement, case.id),
        services=_rows(ServiceRecord, case.id),
        bids=_rows(BestInterestsDetermination, case.id),
        visits=_rows(MonitoringVisit, case.id),
        assessments=_rows(BestInterestsAssessment, case.id),
        home_studies=_rows(HomeStudy, case.id),
        guarantees=_rows(CareGuarantee, case.id),
        family_members=_rows(FamilyMember, case.id),
        approvals=_rows(ReturnApproval, case.id),
    )
    _load_issue_15(data, today, policy)
    return data


def _load_issue_15(data: AlertData, today, policy) -> None:
    from datetime import date, timedelta

    from caseapp.age.models import TransitionPlan, eighteenth_birthday
    from caseapp.detention.models import Detention
    from caseapp.referrals.models import VictimReferral

    case, child = data.case, data.case.child
    if any(p.deprives_of_liberty for p in data.placements):
        data.detentions = _rows(Detention, case.id)
    if child is not None and (child.trafficking_indicators or child.hate_crime_victim):
        data.victim_referrals = _rows(VictimReferral, case.id)
    birthday = eighteenth_birthday(child) if child is not None else None
    notice = policy.transition_notice_days if policy is not None else 366
    if birthday is not None and birthday <= (today or date.today()) + timedelta(days=notice):
        data.transition_plans = _rows(TransitionPlan, case.id)
