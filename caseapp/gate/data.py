"""Loading everything the return gate looks at, in a few queries (DESIGN.md section 4).

The evaluation itself (``caseapp.gate.evaluation``) does no I/O: it receives a ``GateData``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.elements import BindParameter, ColumnElement

from caseapp.agencies.models import Agency
from caseapp.assessment.models import (
    BestInterestsAssessment,
    FamilyAssessment,
    GuardianAppointment,
    Hearing,
    LegalRepresentative,
)
from caseapp.auth.models import User
from caseapp.cases.models import Case
from caseapp.children.models import FamilyMember
from caseapp.core.db import unindexed
from caseapp.core.extensions import db
from caseapp.core.records import CASE_IDS, Records, load_records
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
    # The audit entries of the records that prepared the return, oldest first (their case
    # and actor only: ``gate_records``), and who attached a document to one of those records:
    # they (``preparers``) do not approve it (``RETURN_PREPARATION_ACTIONS``,
    # ``PREPARATION_RECORDS``).
    preparation: list = field(default_factory=list)
    preparation_uploaders: set = field(default_factory=set)
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

    @property
    def preparers(self) -> frozenset[int]:
        """Everyone who wrote a record that prepared the return (four eyes; DESIGN.md
        section 1: a supervisor approves returns, never their own work)."""
        writers = {e.actor_id for e in self.preparation} | self.preparation_uploaders
        return frozenset(w for w in writers if w is not None)

    def decision_makers(self, case) -> set[int]:
        """Users who decide on the case: the caseworker, the determination's writers and
        approver, and every return approver (DESIGN.md section 4.1, item 1)."""
        ids = {case.caseworker_id}
        if self.bid is not None:
            ids |= {*self.bid.writer_ids, self.bid.approved_by_id}
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
    # The siblings' cases of the child's family with their current BIDs, ``[(case, bid)]``
    # by number (S19; caseapp/families). Loaded only for cases that belong to a family.
    siblings: list = field(default_factory=list)

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


# The records of the return's preparation, by table: whoever attached a document to one
# prepared the return as much as who wrote it (S11 and S12 read the attached paper).
PREPARATION_RECORDS = frozenset(
    model.__tablename__
    for model in (
        Coordination,
        CoordinationMessage,
        HomeStudy,
        CareGuarantee,
        CentralAuthorityApproval,
        ReintegrationPlan,
        TravelPlan,
        Consent,
        MonitoringPlan,
    )
)


def not_own_return_work_sql(user_id: Any, case_id: Any) -> ColumnElement[bool]:
    """``user_id`` (a value or a ``bindparam``) is neither the caseworker of the case
    ``case_id`` (a column) nor one of its return's ``GateData.preparers``: for the queues that
    list the last resorts a supervisor may approve (``Consent.own_work_in_last_resort``; the
    determination's writers are ``determination.models.case_not_written_by_sql``). Each
    part reads by the case: the audit entries by their case's index, not by the actor's or
    the action's, which SQLite, keeping no statistics, might otherwise pick. (PostgreSQL,
    which has them, reads the user's documents by ``ix_document_uploaded_by_id`` once.)"""
    from caseapp.audit.actions import RETURN_PREPARATION_ACTIONS
    from caseapp.audit.models import AuditEntry

    own = Case.__table__.alias("own_case")  # not correlated with a case the query joins
    caseworker = select(own.c.id).where(own.c.id == case_id, own.c.caseworker_id == user_id)
    wrote = select(AuditEntry.seq).where(
        AuditEntry.case_id == case_id,
        unindexed(AuditEntry.actor_id) == user_id,
        (AuditEntry.action + "").in_(sorted(RETURN_PREPARATION_ACTIONS)),
    )
    attached = select(Document.id).where(
        Document.case_id == case_id,
        unindexed(Document.uploaded_by_id) == user_id,
        Document.record_type.in_(sorted(PREPARATION_RECORDS)),
    )
    return ~caseworker.exists() & ~wrote.exists() & ~attached.exists()


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
    # Who approved a last resort: S15 asks whether it was their own work, and names them.
    "consent": ("last_resort_approved_by_id",),
}


def _referenced(rows: dict[str, list], refs: dict, ids: set[int]) -> set[int]:
    """``ids`` with the ids that the loaded records name in ``refs``' attributes."""
    for name, attrs in refs.items():
        for record in rows[name]:
            for attr in attrs:
                value = getattr(record, attr)
                if value is not None:
                    ids.add(value)
    return ids


# The users and agencies the records name, loaded after them (``_load_people``).
USER_IDS: Any = bindparam("user_ids", expanding=True)
AGENCY_IDS: Any = bindparam("agency_ids", expanding=True)


def _people_families() -> list[Records]:
    # An agency named by a record, or the agency of a user named by one.
    of_users = select(User.agency_id).where(User.id.in_(USER_IDS))
    return [
        Records(User, User.id.in_(USER_IDS)),
        Records(Agency, Agency.id.in_(AGENCY_IDS) | Agency.id.in_(of_users)),
    ]


def _load_people(cases: list[Case], rows: dict[str, list]) -> tuple[dict, dict]:
    """The users and agencies the records of ``cases`` name, by id: one statement, by the
    ids read off the loaded records. (In the records' statement, as subqueries of every
    column that names one, they cost 40% of it on PostgreSQL and 30% on SQLite: thirty
    index lookups per case repeating the records' own; issue 16.)"""
    user_ids = {c.caseworker_id for c in cases if c.caseworker_id is not None}
    for bid in rows["bids"]:
        user_ids.update(i for i in (bid.author_id, bid.approved_by_id) if i is not None)
    user_ids = _referenced(rows, _USER_REFS, user_ids)
    agency_ids = _referenced(rows, _AGENCY_REFS, {c.lead_agency_id for c in cases})
    users, agencies = load_records(
        db.session,
        _people_families,
        {"user_ids": sorted(user_ids), "agency_ids": sorted(agency_ids)},
        key="gate_people",
    )
    return {u.id: u for u in users}, {a.id: a for a in agencies}


def gate_records(case_ids: list[int] | BindParameter) -> dict[str, Records]:
    """Every record type S1-S19 read for the cases ``case_ids`` (``load_records`` loads them
    all in one statement), by name: the record lists and single records, the BIDs with their
    panels and options, the decision notices, the attached documents, received exchange
    documents and their partners, and the suspensions register. The users and agencies the
    records point to come after them, in a second statement (``gate_data_from``)."""
    from caseapp.audit.actions import RETURN_PREPARATION_ACTIONS
    from caseapp.audit.models import AuditEntry
    from caseapp.children.models import Child
    from caseapp.determination.models import BidOption, BidWriter, PanelMember
    from caseapp.exchange.models import Direction, ExchangeDocument, Partner

    # A list, or an expanding ``bindparam`` (``CASE_IDS``) for a statement built once.
    ids = case_ids if isinstance(case_ids, BindParameter) else list(case_ids)
    bid = BestInterestsDetermination
    bids = select(bid.id).where(bid.case_id.in_(ids), bid.status != BidStatus.WITHDRAWN)
    received = (ExchangeDocument.case_id.in_(ids)) & (
        ExchangeDocument.direction == Direction.RECEIVED
    )
    families: dict[str, Records] = {}
    for name, model, order in _LISTS:
        columns = order if isinstance(order, tuple) else (order,)
        families[name] = Records(model, model.case_id.in_(ids), columns)
    for name, model in _ONES:
        families[name] = Records(model, model.case_id.in_(ids))
    families |= {
        "bids": Records(bid, bid.id.in_(bids), (bid.opened_at.desc(), bid.id.desc())),
        "panel": Records(PanelMember, PanelMember.bid_id.in_(bids), (PanelMember.id,)),
        "options": Records(BidOption, BidOption.bid_id.in_(bids), (BidOption.id,)),
        "writers": Records(BidWriter, BidWriter.bid_id.in_(bids), (BidWriter.id,)),
        "notices": Records(
            DecisionNotice,
            DecisionNotice.case_id.in_(ids) & DecisionNotice.superseded_at.is_(None),
            (DecisionNotice.decided_on.desc(), DecisionNotice.id.desc()),
        ),
        "documents": Records(
            Document, Document.case_id.in_(ids) & Document.record_type.is_not(None)
        ),
        "received": Records(
            ExchangeDocument, received, (ExchangeDocument.received_at, ExchangeDocument.id)
        ),
        "partners": Records(
            Partner, Partner.id.in_(select(ExchangeDocument.partner_id).where(received))
        ),
        "children": Records(Child, Child.case_id.in_(ids)),
        # The action as an expression (``|| ''``), so the case's entries are read by the case
        # index, not every entry of these actions by the action index: SQLite keeps no
        # statistics to choose by (the queue at 100,000 cases: 1.1 s a page against 1 ms).
        "preparation": Records(
            AuditEntry,
            AuditEntry.case_id.in_(ids)
            & (AuditEntry.action + "").in_(sorted(RETURN_PREPARATION_ACTIONS)),
            (AuditEntry.seq,),
            # Who wrote them is all the gate reads (``GateData.preparers``): not the diffs.
            only=("case_id", "actor_id"),
        ),
        # The register is small and does not grow with the cases; filtered by route below.
        "suspensions": Records(ReturnSuspension, ReturnSuspension.id.is_not(None)),
    }
    return families


@cache
def gate_record_names() -> list[str]:
    """The names ``gate_records`` gives its families, in order."""
    return list(gate_records([]))


def gate_data_from(cases: list[Case], rows: dict[str, list]) -> dict[int, GateData]:
    """The ``GateData`` of each of ``cases`` from the records ``gate_records`` named, and the
    users and agencies those name (one more statement, ``_load_people``)."""
    data = {c.id: GateData() for c in cases}
    for name, _model, _order in _LISTS:
        for row in rows[name]:
            getattr(data[row.case_id], name).append(row)
    for name, _model in _ONES:
        for row in rows[name]:
            setattr(data[row.case_id], name, row)
    panels: dict[int, list] = {}
    options: dict[int, list] = {}
    for member in rows["panel"]:
        panels.setdefault(member.bid_id, []).append(member)
    for option in rows["options"]:
        options.setdefault(option.bid_id, []).append(option)
    writers: dict[int, list] = {}
    for writer in rows["writers"]:
        writers.setdefault(writer.bid_id, []).append(writer)
    for bid in rows["bids"]:  # newest first: the first of each case is its current BID
        set_committed_value(bid, "panel", panels.get(bid.id, []))
        set_committed_value(bid, "options", options.get(bid.id, []))
        set_committed_value(bid, "writers", writers.get(bid.id, []))
        if data[bid.case_id].bid is None:
            data[bid.case_id].bid = bid
    for notice in rows["notices"]:
        if data[notice.case_id].notice is None:
            data[notice.case_id].notice = notice
    for document in rows["documents"]:
        key = (document.record_type, document.record_id)
        data[document.case_id].documents.setdefault(key, []).append(document.original_filename)
        if document.record_type in PREPARATION_RECORDS:  # the evidence S11-S18 read attached
            data[document.case_id].preparation_uploaders.add(document.uploaded_by_id)
    for received in rows["received"]:
        data[received.case_id].received.append(received)
    for entry in rows["preparation"]:
        data[entry.case_id].preparation.append(entry)
    users, agencies = _load_people(cases, rows)
    children = {child.case_id: child for child in rows["children"]}
    origins = {cid: child.country_of_origin for cid, child in children.items()}
    members: dict[int, list] = {}
    for member in rows["family_members"]:
        members.setdefault(member.case_id, []).append(member)
    for case in cases:  # the case page shows them: no second query
        if "child" not in case.__dict__:
            set_committed_value(case, "child", children.get(case.id))
        if "family_members" not in case.__dict__:
            set_committed_value(case, "family_members", members.get(case.id, []))
    for cid, item in data.items():
        item.users, item.agencies, item._origin = users, agencies, origins.get(cid)
        route = {c for c in (item.destination_country, *item.transit_countries) if c}
        item.suspensions = [s for s in rows["suspensions"] if s.country in route]
    _load_siblings(cases, data)
    return data


def load_gate_data_many(cases: list[Case]) -> dict[int, GateData]:
    """Every record S1-S19 need for each of ``cases``, by case id, in **two** statements
    whatever the number of cases and records (``gate_records`` through ``load_records``, then
    the users and agencies they name): the queue evaluates a page of cases at once."""
    if not cases:
        return {}
    names = gate_record_names()
    lists = load_records(
        db.session,
        lambda: list(gate_records(CASE_IDS).values()),
        {"case_ids": [c.id for c in cases]},
        key="gate_records",
    )
    return gate_data_from(cases, dict(zip(names, lists, strict=True)))


def load_gate_data(case: Case) -> GateData:
    """Fetch every record S1-S19 need for ``case`` (two statements)."""
    return load_gate_data_many([case])[case.id]


class SiblingBid(NamedTuple):
    """What S19 reads of a sibling's current determination."""

    id: int
    family_unity: str | None


@cache
def _siblings_statement() -> Any:
    """The family members' cases with their BIDs, newest first (``_load_siblings``): built
    once per process with an expanding ``bindparam``, so SQLAlchemy finds it compiled without
    building and hashing it again for every queue page (issue 16; as ``load_records``)."""
    bid = BestInterestsDetermination
    return (
        select(Case, bid.id, bid.family_unity)
        .outerjoin(bid, and_(bid.case_id == Case.id, bid.status != BidStatus.WITHDRAWN))
        .where(Case.family_id.in_(bindparam("family_ids", expanding=True)))
        .order_by(Case.number, Case.id, bid.opened_at.desc(), bid.id.desc())
    )


def _load_siblings(cases: list[Case], data: dict[int, GateData]) -> None:
    """The other cases of each case's family, each with its current (newest, not withdrawn)
    BID's id and family-unity reason (S19): one query, and none when no case belongs to a
    family."""
    family_ids = {c.family_id for c in cases if c.family_id is not None}
    if not family_ids:
        return
    rows = db.session.execute(_siblings_statement(), {"family_ids": sorted(family_ids)})
    members: dict[int, tuple[Case, SiblingBid | None]] = {}
    for member, bid_id, reason in rows:
        if member.id not in members:  # the first row of a case is its newest BID
            members[member.id] = (member, SiblingBid(bid_id, reason) if bid_id else None)
    for case in cases:
        if case.family_id is not None:
            data[case.id].siblings = [
                pair
                for pair in members.values()
                if pair[0].family_id == case.family_id and pair[0].id != case.id
            ]


def load_route(case: Case) -> tuple[str | None, list[str]]:
    """``(destination, transit countries)`` of the return of ``case``: the coordination's,
    else the child's country of origin with no transit (S18; ``caseapp.gate.hold``)."""
    coordination = _one(Coordination, case.id)
    destination = coordination.destination_country if coordination is not None else None
    if not destination and case.child is not None:
        destination = case.child.country_of_origin
    transit = list(coordination.transit_countries or []) if coordination is not None else []
    return destination, transit
