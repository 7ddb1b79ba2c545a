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

    @property
    def child(self):
        """The case's child."""
        return self.case.child


def _rows(model, case_id):
    return list(
        db.session.scalars(select(model).where(model.case_id == case_id).order_by(model.id))
    )


def load_alert_data(case) -> AlertData:
    """Fetch the records every alert rule needs for ``case``."""
    return AlertData(
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
