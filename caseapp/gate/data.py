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


def _one(model, case_id: int):
    return db.session.scalar(select(model).where(model.case_id == case_id))


# One query per record type for a whole list of cases (``load_gate_data_many``). A record
# type the gate needs is added here once; the single-case loader is the same function.
# (field of GateData, model, order within a case: a column or a tuple of columns)
_LISTS = (
    ("guardians", GuardianAppointment, GuardianAppointment.id),
    ("legal_representatives", LegalRepresentative, LegalRepresentative.id),
    ("hearings", Hearing, (Hearing.held_on, Hearing.id)),
    ("family_assessments", FamilyAssessment, (FamilyAssessment.assessed_on, FamilyAssessment.id)),
    ("home_studies", HomeStudy, (HomeStudy.received_on, HomeStudy.id)),
    ("guarantees", CareGuarantee, (CareGuarantee.given_on, CareGuarantee.id)),
    ("assessments", BestInterestsAssessment, BestInterestsAssessment.id),
    (
        "central_approvals",
        CentralAuthorityApproval,
        (CentralAuthorityApproval.approved_on, CentralAuthorityApproval.id),
    ),
    ("messages", CoordinationMessage, (CoordinationMessage.on_date, CoordinationMessage.id)),
    ("appeals", Appeal, Appeal.id),
    ("withdrawals", Withdrawal, (Withdrawal.on_date, Withdrawal.id)),
    ("family_members", FamilyMember, FamilyMember.id),
    ("approvals", ReturnApproval, ReturnApproval.id),
)
# (field of GateData, model): at most one record per case
_ONES = (
    ("reintegration_plan", ReintegrationPlan),
    ("travel_plan", TravelPlan),
    ("consent", Consent),
    ("monitoring_plan", MonitoringPlan),
    ("coordination", Coordination),
)


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
    # Who confirmed the evidence for themselves (issue 10, item 4: provenance).
    "central_approvals": ("confirmed_by_id",),
    "monitoring_plan": ("accepted_by_id",),
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


def _load_references(cases: list[Case], data: dict[int, GateData]) -> None:
    """The agencies, users and document names the records of ``cases`` point to (three
    queries for all the cases)."""
    agency_ids: set[int] = {c.lead_agency_id for c in cases}
    user_ids: set[int] = {c.caseworker_id for c in cases if c.caseworker_id is not None}
    for item in data.values():
        agency_ids |= _referenced(item, _AGENCY_REFS)
        user_ids |= _referenced(item, _USER_REFS)
        if item.bid is not None:
            user_ids |= {item.bid.author_id, item.bid.approved_by_id}
    user_ids.discard(None)
    users = db.session.scalars(select(User).where(User.id.in_(user_ids))) if user_ids else []
    by_id = {u.id: u for u in users}
    agency_ids |= {u.agency_id for u in by_id.values() if u.agency_id is not None}
    agencies = {
        a.id: a for a in db.session.scalars(select(Agency).where(Agency.id.in_(agency_ids)))
    }
    for item in data.values():
        item.users, item.agencies = by_id, agencies
    rows = db.session.execute(
        select(
            Document.case_id, Document.record_type, Document.record_id, Document.original_filename
        )
        .where(Document.case_id.in_(list(data)), Document.record_type.is_not(None))
        .order_by(Document.id)
    )
    for case_id, record_type, record_id, name in rows:
        data[case_id].documents.setdefault((record_type, record_id), []).append(name)


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


def _load_received(case_ids: list[int], data: dict[int, GateData]) -> None:
    """Exchange documents received on the cases (issue 11), oldest first, in one query (the
    batched twin of ``caseapp.exchange.queries.received_for_case``)."""
    from caseapp.exchange.models import Direction, ExchangeDocument

    rows = db.session.scalars(
        select(ExchangeDocument)
        .where(
            ExchangeDocument.case_id.in_(case_ids),
            ExchangeDocument.direction == Direction.RECEIVED,
        )
        .options(selectinload(ExchangeDocument.partner))
        .order_by(ExchangeDocument.received_at, ExchangeDocument.id)
    )
    for row in rows:
        data[row.case_id].received.append(row)


def load_gate_data_many(cases: list[Case]) -> dict[int, GateData]:
    """Every record S1-S18 need for each of ``cases``, by case id: one query per record
    type whatever the number of cases (the queue evaluates a page of cases at once), plus
    the agencies, users and attached documents they point to."""
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
    _load_references(cases, data)
    _load_received(ids, data)
    origins = _origins(cases)
    for cid, item in data.items():
        item._origin = origins.get(cid)
    routes = {
        cid: {c for c in (item.destination_country, *item.transit_countries) if c}
        for cid, item in data.items()
    }
    countries = set().union(*routes.values())
    if countries:
        suspensions = list(
            db.session.scalars(
                select(ReturnSuspension)
                .where(ReturnSuspension.country.in_(sorted(countries)))
                .order_by(ReturnSuspension.id)
            )
        )
        for cid, item in data.items():
            item.suspensions = [s for s in suspensions if s.country in routes[cid]]
    return data


def load_gate_data(case: Case) -> GateData:
    """Fetch every record S1-S18 need for ``case`` (one query per record type, plus the
    agencies, users and attached documents they point to)."""
    return load_gate_data_many([case])[case.id]


def load_route(case: Case) -> tuple[str | None, list[str]]:
    """``(destination, transit countries)`` of the return of ``case``: the coordination's,
    else the child's country of origin with no transit (S18; ``caseapp.gate.hold``)."""
    coordination = _one(Coordination, case.id)
    destination = coordination.destination_country if coordination is not None else None
    if not destination and case.child is not None:
        destination = case.child.country_of_origin
    transit = list(coordination.transit_countries or []) if coordination is not None else []
    return destination, transit
