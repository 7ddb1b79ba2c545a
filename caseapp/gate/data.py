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

    @property
    def destination_country(self) -> str | None:
        """Coordination's destination, else set by ``load_gate_data`` from the child."""
        if self.coordination is not None and self.coordination.destination_country:
            return self.coordination.destination_country
        return self._origin

    _origin: str | None = None


# One query per record type for a whole list of cases (``load_gate_data_many``). A record
# type the gate needs is added here once; the single-case loader is the same function.
# (field of GateData, model, order within a case: a column or a tuple of columns)
_LISTS = (
    ("guardians", GuardianAppointment, GuardianAppointment.id),
    ("legal_representatives", LegalRepresentative, LegalRepresentative.id),
    ("hearings", Hearing, Hearing.held_on),
    ("family_assessments", FamilyAssessment, FamilyAssessment.id),
    ("home_studies", HomeStudy, HomeStudy.received_on),
    ("guarantees", CareGuarantee, CareGuarantee.id),
    ("assessments", BestInterestsAssessment, BestInterestsAssessment.id),
    ("central_approvals", CentralAuthorityApproval, CentralAuthorityApproval.id),
    ("messages", CoordinationMessage, CoordinationMessage.on_date),
    ("appeals", Appeal, Appeal.id),
)
# (field of GateData, model): at most one record per case
_ONES = (
    ("reintegration_plan", ReintegrationPlan),
    ("travel_plan", TravelPlan),
    ("consent", Consent),
    ("monitoring_plan", MonitoringPlan),
    ("coordination", Coordination),
)


def _current_bids(case_ids: list[int]) -> dict[int, BestInterestsDetermination]:
    """The newest BID of each case that has not been withdrawn, with panel and options."""
    bids: dict[int, BestInterestsDetermination] = {}
    rows = db.session.scalars(
        select(BestInterestsDetermination)
        .where(
            BestInterestsDetermination.case_id.in_(case_ids),
            BestInterestsDetermination.status != BidStatus.WITHDRAWN,
        )
        .options(
            selectinload(BestInterestsDetermination.panel),
            selectinload(BestInterestsDetermination.options),
        )
        .order_by(BestInterestsDetermination.opened_at.desc(), BestInterestsDetermination.id.desc())
    )
    for bid in rows:
        bids.setdefault(bid.case_id, bid)
    return bids


def current_bid(case_id: int) -> BestInterestsDetermination | None:
    """The newest BID of the case that has not been withdrawn, with panel and options."""
    return _current_bids([case_id]).get(case_id)


def _current_notices(case_ids: list[int]) -> dict[int, DecisionNotice]:
    notices: dict[int, DecisionNotice] = {}
    rows = db.session.scalars(
        select(DecisionNotice)
        .where(DecisionNotice.case_id.in_(case_ids), DecisionNotice.superseded_at.is_(None))
        .order_by(DecisionNotice.decided_on.desc(), DecisionNotice.id.desc())
    )
    for notice in rows:
        notices.setdefault(notice.case_id, notice)
    return notices


def _origins(cases: list[Case]) -> dict[int, str | None]:
    """Each case's child's country of origin (no query when the children are loaded)."""
    from caseapp.children.models import Child

    if all("child" in case.__dict__ for case in cases):
        return {c.id: c.child.country_of_origin if c.child is not None else None for c in cases}
    rows = db.session.execute(
        select(Child.case_id, Child.country_of_origin).where(
            Child.case_id.in_([c.id for c in cases])
        )
    )
    return {case_id: country for case_id, country in rows}


def load_gate_data_many(cases: list[Case]) -> dict[int, GateData]:
    """Every record S1-S18 need for each of ``cases``, by case id: one query per record
    type whatever the number of cases (the queue evaluates a page of cases at once)."""
    if not cases:
        return {}
    ids = [c.id for c in cases]
    data = {cid: GateData() for cid in ids}
    for name, model, order in _LISTS:
        order = order if isinstance(order, tuple) else (order,)
        rows = db.session.scalars(
            select(model).where(model.case_id.in_(ids)).order_by(*order, model.id)
        )
        for row in rows:
            getattr(data[row.case_id], name).append(row)
    for name, model in _ONES:
        for row in db.session.scalars(select(model).where(model.case_id.in_(ids))):
            setattr(data[row.case_id], name, row)
    for cid, bid in _current_bids(ids).items():
        data[cid].bid = bid
    for cid, notice in _current_notices(ids).items():
        data[cid].notice = notice
    origins = _origins(cases)
    for cid, item in data.items():
        item._origin = origins.get(cid)
    countries = {item.destination_country for item in data.values()} - {None}
    if countries:
        suspensions = list(
            db.session.scalars(
                select(ReturnSuspension)
                .where(ReturnSuspension.country.in_(sorted(countries)))
                .order_by(ReturnSuspension.id)
            )
        )
        for item in data.values():
            item.suspensions = [s for s in suspensions if s.country == item.destination_country]
    return data


def load_gate_data(case: Case) -> GateData:
    """Fetch every record S1-S18 need for ``case`` (one query per record type)."""
    return load_gate_data_many([case])[case.id]
