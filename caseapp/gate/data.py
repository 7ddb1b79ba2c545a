"""Loading everything the return gate looks at, in a few queries (DESIGN.md section 4).

The evaluation itself (``caseapp.gate.evaluation``) does no I/O: it receives a ``GateData``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from caseapp.agencies.models import Agency
from caseapp.assessment.models import (
    BestInterestsAssessment,
    FamilyAssessment,
    GuardianAppointment,
    Hearing,
    LegalRepresentative,
)
from caseapp.auth.models import User
from caseapp.children.models import FamilyMember
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
    Withdrawal,
)
from caseapp.decision.models import Appeal, DecisionNotice
from caseapp.determination.models import BestInterestsDetermination, BidStatus
from caseapp.documents.models import Document
from caseapp.gate.models import ReturnApproval, ReturnSuspension

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
    # Withdrawals of guarantee, consent, readiness and objections, oldest first.
    withdrawals: list = field(default_factory=list)
    family_members: list = field(default_factory=list)
    # Return approvals ever given on the case (their approvers are decision-makers).
    approvals: list = field(default_factory=list)
    # The agencies and users the records point to, by id (for derivations and evidence).
    agencies: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    # Attached documents' file names by (record type, record id), e.g. ("care_guarantee", 3).
    documents: dict = field(default_factory=dict)

    def agency(self, agency_id: int | None) -> Agency | None:
        """The register entry ``agency_id`` (loaded with the data), or None."""
        return self.agencies.get(agency_id) if agency_id is not None else None

    def user(self, user_id: int | None) -> User | None:
        """The user ``user_id`` (loaded with the data), or None."""
        return self.users.get(user_id) if user_id is not None else None

    def documents_of(self, obj) -> list[str]:
        """File names of the documents attached to the record ``obj``."""
        return self.documents.get((obj.__tablename__, obj.id), [])

    def decision_makers(self, case) -> set[int]:
        """Users who decide on the case: the caseworker, the determination's author and
        approver, and every return approver (DESIGN.md section 4.1, item 1)."""
        ids = {case.caseworker_id}
        if self.bid is not None:
            ids |= {self.bid.author_id, self.bid.approved_by_id}
        ids |= {a.approved_by_id for a in self.approvals}
        return {i for i in ids if i is not None}

    @property
    def transit_countries(self) -> list[str]:
        """Countries the return route crosses (coordination record; 002, Rec 2: origin,
        transit and destination)."""
        if self.coordination is None:
            return []
        return list(self.coordination.transit_countries or [])

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
    order = order if isinstance(order, tuple) else (order,)
    return list(db.session.scalars(select(model).where(model.case_id == case_id).order_by(*order)))


# Record attributes that point to the agency register, and to users.
_AGENCY_REFS = {
    "guardians": ("organisation_id",),
    "hearings": ("interpreter_agency_id",),
    "home_studies": ("agency_id",),
    "guarantees": ("guarantor_agency_id",),
    "central_approvals": ("authority_agency_id",),
    "messages": ("agency_id",),
    "withdrawals": ("agency_id",),
    "coordination": ("counterpart_agency_id",),
    "monitoring_plan": ("monitor_agency_id",),
    "travel_plan": ("escort_agency_id", "receiving_agency_id"),
    "reintegration_plan": (
        "responsible_agency_id",
        "resources_confirmed_by_agency_id",
        "education_agency_id",
        "health_agency_id",
        "psychosocial_agency_id",
        "family_support_agency_id",
    ),
}
_USER_REFS = {
    "guardians": ("guardian_user_id",),
    "hearings": ("interpreter_user_id", "heard_by_id"),
    "assessments": ("author_id",),
    "approvals": ("approved_by_id",),
}


def _referenced(data: GateData, refs: dict) -> set[int]:
    ids: set[int] = set()
    for name, attrs in refs.items():
        value = getattr(data, name)
        for obj in value if isinstance(value, list) else [value]:
            if obj is not None:
                ids |= {getattr(obj, a) for a in attrs}
    ids.discard(None)
    return ids


def _load_references(case: Case, data: GateData) -> None:
    """The agencies, users and document names the records point to (three queries)."""
    agency_ids = _referenced(data, _AGENCY_REFS) | {case.lead_agency_id}
    user_ids = _referenced(data, _USER_REFS) | {case.caseworker_id}
    if data.bid is not None:
        user_ids |= {data.bid.author_id, data.bid.approved_by_id}
    user_ids.discard(None)
    users = db.session.scalars(select(User).where(User.id.in_(user_ids))) if user_ids else []
    data.users = {u.id: u for u in users}
    agency_ids |= {u.agency_id for u in data.users.values() if u.agency_id is not None}
    data.agencies = {
        a.id: a for a in db.session.scalars(select(Agency).where(Agency.id.in_(agency_ids)))
    }
    rows = db.session.execute(
        select(Document.record_type, Document.record_id, Document.original_filename)
        .where(Document.case_id == case.id, Document.record_type.is_not(None))
        .order_by(Document.id)
    )
    for record_type, record_id, name in rows:
        data.documents.setdefault((record_type, record_id), []).append(name)


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
    """Fetch every record S1-S18 need for ``case`` (one query per record type, plus the
    agencies, users and attached documents they point to)."""
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
        hearings=_all(Hearing, cid, (Hearing.held_on, Hearing.id)),
        family_assessments=_all(
            FamilyAssessment, cid, (FamilyAssessment.assessed_on, FamilyAssessment.id)
        ),
        home_studies=_all(HomeStudy, cid, (HomeStudy.received_on, HomeStudy.id)),
        guarantees=_all(CareGuarantee, cid, (CareGuarantee.given_on, CareGuarantee.id)),
        assessments=_all(BestInterestsAssessment, cid, BestInterestsAssessment.id),
        bid=current_bid(cid),
        central_approvals=_all(
            CentralAuthorityApproval,
            cid,
            (CentralAuthorityApproval.approved_on, CentralAuthorityApproval.id),
        ),
        messages=_all(
            CoordinationMessage, cid, (CoordinationMessage.on_date, CoordinationMessage.id)
        ),
        reintegration_plan=_one(ReintegrationPlan, cid),
        travel_plan=_one(TravelPlan, cid),
        consent=_one(Consent, cid),
        notice=notice,
        appeals=_all(Appeal, cid, Appeal.id),
        monitoring_plan=_one(MonitoringPlan, cid),
        coordination=_one(Coordination, cid),
        withdrawals=_all(Withdrawal, cid, (Withdrawal.on_date, Withdrawal.id)),
        family_members=_all(FamilyMember, cid, FamilyMember.id),
        approvals=_all(ReturnApproval, cid, ReturnApproval.id),
    )
    _load_references(case, data)
    from caseapp.exchange.queries import received_for_case

    data.received = received_for_case(cid)
    child = case.child
    data._origin = child.country_of_origin if child is not None else None
    countries = {c for c in (data.destination_country, *data.transit_countries) if c}
    if countries:
        data.suspensions = list(
            db.session.scalars(
                select(ReturnSuspension).where(ReturnSuspension.country.in_(sorted(countries)))
            )
        )
    return data


def load_route(case: Case) -> tuple[str | None, list[str]]:
    """``(destination, transit countries)`` of the return of ``case``: the coordination's,
    else the child's country of origin with no transit (S18; ``caseapp.gate.hold``)."""
    coordination = _one(Coordination, case.id)
    destination = coordination.destination_country if coordination is not None else None
    if not destination and case.child is not None:
        destination = case.child.country_of_origin
    transit = list(coordination.transit_countries or []) if coordination is not None else []
    return destination, transit
