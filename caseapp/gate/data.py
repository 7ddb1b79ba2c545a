"""Loading everything the return gate looks at, in a few queries (DESIGN.md section 4).

The evaluation itself (``caseapp.gate.evaluation``) does no I/O: it receives a ``GateData``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from caseapp.assessment.models import (
    BestInterestsAssessment,
    FamilyAssessment,
    GuardianAppointment,
    Hearing,
    LegalRepresentative,
)
from caseapp.core.extensions import db
from caseapp.crossborder.models import (
    CareGuarantee,
    CentralAuthorityApproval,
    Consent,
    Coordination,
    CoordinationMessage,
    HomeStudy,
    MonitoringPlan,
    ReintegrationPlan,
    TravelPlan,
)
from caseapp.decision.models import Appeal, DecisionNotice
from caseapp.determination.models import BestInterestsDetermination, BidStatus
from caseapp.gate.models import ReturnSuspension

if TYPE_CHECKING:
    from caseapp.cases.models import Case


@dataclass
class GateData:
    """Every record the gate needs, already loaded. Lists are ordered oldest first."""

    guardians: list = field(default_factory=list)
    legal_representatives: list = field(default_factory=list)
    hearings: list = field(default_factory=list)
    family_assessments: list = field(default_factory=list)
    home_studies: list = field(default_factory=list)
    guarantees: list = field(default_factory=list)
    assessments: list = field(default_factory=list)
    bid: BestInterestsDetermination | None = None
    central_approvals: list = field(default_factory=list)
    messages: list = field(default_factory=list)
    reintegration_plan: ReintegrationPlan | None = None
    travel_plan: TravelPlan | None = None
    consent: Consent | None = None
    notice: DecisionNotice | None = None
    appeals: list = field(default_factory=list)
    monitoring_plan: MonitoringPlan | None = None
    coordination: Coordination | None = None
    suspensions: list = field(default_factory=list)
    # Exchange documents received from the partner instance (issue 11), oldest first.
    received: list = field(default_factory=list)

    @property
    def destination_country(self) -> str | None:
        """Coordination's destination, else set by ``load_gate_data`` from the child."""
        if self.coordination is not None and self.coordination.destination_country:
            return self.coordination.destination_country
        return self._origin

    _origin: str | None = None


def _all(model, case_id: int, order):
    return list(db.session.scalars(select(model).where(model.case_id == case_id).order_by(order)))


def _one(model, case_id: int):
    return db.session.scalar(select(model).where(model.case_id == case_id))


def current_bid(case_id: int) -> BestInterestsDetermination | None:
    """The newest BID of the case that has not been withdrawn, with panel and options."""
    return db.session.scalar(
        select(BestInterestsDetermination)
        .where(
            BestInterestsDetermination.case_id == case_id,
            BestInterestsDetermination.status != BidStatus.WITHDRAWN,
        )
        .options(
            selectinload(BestInterestsDetermination.panel),
            selectinload(BestInterestsDetermination.options),
        )
        .order_by(BestInterestsDetermination.opened_at.desc(), BestInterestsDetermination.id.desc())
        .limit(1)
    )


def load_gate_data(case: Case) -> GateData:
    """Fetch every record S1-S18 need for ``case`` (one query per record type)."""
    cid = case.id
    notice = db.session.scalar(
        select(DecisionNotice)
        .where(DecisionNotice.case_id == cid, DecisionNotice.superseded_at.is_(None))
        .order_by(DecisionNotice.decided_on.desc(), DecisionNotice.id.desc())
        .limit(1)
    )
    data = GateData(
        guardians=_all(GuardianAppointment, cid, GuardianAppointment.id),
        legal_representatives=_all(LegalRepresentative, cid, LegalRepresentative.id),
        hearings=_all(Hearing, cid, Hearing.held_on),
        family_assessments=_all(FamilyAssessment, cid, FamilyAssessment.id),
        home_studies=_all(HomeStudy, cid, HomeStudy.received_on),
        guarantees=_all(CareGuarantee, cid, CareGuarantee.id),
        assessments=_all(BestInterestsAssessment, cid, BestInterestsAssessment.id),
        bid=current_bid(cid),
        central_approvals=_all(CentralAuthorityApproval, cid, CentralAuthorityApproval.id),
        messages=_all(CoordinationMessage, cid, CoordinationMessage.on_date),
        reintegration_plan=_one(ReintegrationPlan, cid),
        travel_plan=_one(TravelPlan, cid),
        consent=_one(Consent, cid),
        notice=notice,
        appeals=_all(Appeal, cid, Appeal.id),
        monitoring_plan=_one(MonitoringPlan, cid),
        coordination=_one(Coordination, cid),
    )
    from caseapp.exchange.queries import received_for_case

    data.received = received_for_case(cid)
    child = case.child
    data._origin = child.country_of_origin if child is not None else None
    country = data.destination_country
    if country:
        data.suspensions = list(
            db.session.scalars(select(ReturnSuspension).where(ReturnSuspension.country == country))
        )
    return data
