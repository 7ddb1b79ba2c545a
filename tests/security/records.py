"""Child records of a case, for the URL arguments of the route policy and the scope tests.

``record(world, "appeal")`` is an appeal of ``world.case``; ``record(world, "appeal",
other=True)`` one of ``world.other_case`` (agency B). Each record is created once per test
(cached on the world) as a plain model row: the authorization tests only need it to exist
and to belong to the right case, not to have been reached through the lifecycle.
"""

from __future__ import annotations

from datetime import date, timedelta

from caseapp.assessment.models import (
    BestInterestsAssessment,
    GuardianAppointment,
    LegalRepresentative,
    Placement,
    PlacementType,
    ServiceKind,
    ServiceRecord,
)
from caseapp.cases.models import Outcome
from caseapp.children import operations as children
from caseapp.children.models import Relation
from caseapp.core.extensions import db
from caseapp.crossborder.models import CareGuarantee, GuarantorKind
from caseapp.decision.models import Appeal, ComplainantKind, Complaint, DecisionNotice
from caseapp.determination.models import BestInterestsDetermination, PanelMember, PanelRole
from caseapp.gate.models import ReturnSuspension
from caseapp.monitoring.models import MonitoringVisit

START = date(2025, 1, 6)


def _author(case):
    from caseapp.auth.models import User

    return db.session.get(User, case.caseworker_id)


def _name(case):
    return children.add_name(
        _author(case), case, expected_version=case.version, given_name="Vanya", family_name="Ivanov"
    )


def _family_member(case):
    return children.add_family_member(
        _author(case), case, expected_version=case.version, name="Parent", relation=Relation.MOTHER
    )


def _bid(case):
    bid = BestInterestsDetermination(case=case, author_id=case.caseworker_id)
    bid.panel = [PanelMember(name="Chair", role=PanelRole.CHAIR, child_protection=True)]
    return bid


BUILD = {
    "name": _name,
    "family_member": _family_member,
    "guardians": lambda case: GuardianAppointment(
        case=case, guardian_name="Guardian", appointing_authority="Authority", appointed_on=START
    ),
    "legal-representatives": lambda case: LegalRepresentative(
        case=case, name="Lawyer", assigned_on=START
    ),
    "placements": lambda case: Placement(
        case=case,
        placement_type=PlacementType.FAMILY_COMMUNITY,
        responsible_authority="Authority",
        started_on=START,
    ),
    "services": lambda case: ServiceRecord(
        case=case, kind=ServiceKind.SCHOOL, provider="School", started_on=START
    ),
    "bid": _bid,
    "appeal": lambda case: Appeal(case=case, lodged_on=START, lodged_by="Guardian", body="Court"),
    "complaint": lambda case: Complaint(
        case=case, lodged_by=ComplainantKind.CHILD, lodged_on=START, subject="Placement"
    ),
    "notice": lambda case: DecisionNotice(
        case=case,
        outcome=Outcome.LOCAL_INTEGRATION,
        decided_on=START,
        decided_by_id=case.caseworker_id,
        appeal_deadline=START + timedelta(days=30),
    ),
    "guarantee": lambda case: CareGuarantee(
        case=case,
        guarantor_kind=GuarantorKind.FAMILY,
        guarantor_name="Mother",
        given_on=START,
        written=True,
    ),
    "bia": lambda case: BestInterestsAssessment(case_id=case.id, author_id=case.caseworker_id),
    "visit": lambda case: MonitoringVisit(
        case=case, months_after_return=1, due_on=START + timedelta(days=30)
    ),
}


def _assignment(case):
    """A guardian's assignment in force on ``case`` (a participant of an NGO)."""
    from caseapp.agencies.models import Agency, AgencyKind
    from caseapp.auth.models import User
    from caseapp.core.permissions import Role
    from caseapp.participants.models import Assignment

    ngo = Agency(code=f"NGO{case.id}x", name="NGO", country="MD", kind=AgencyKind.NGO)
    db.session.add(ngo)
    db.session.flush()
    user = User(
        email=f"guardian-{case.id}-{ngo.id}@example.org",
        name="Guardian",
        role=Role.GUARDIAN,
        agency_id=ngo.id,
        password_hash="x",
    )
    db.session.add(user)
    db.session.flush()
    return Assignment(
        case_id=case.id, user_id=user.id, role=Role.GUARDIAN, created_by_id=case.caseworker_id
    )


BUILD["assignment"] = _assignment


def record(world, kind: str, *, other: bool = False, case=None):
    """The ``kind`` record of ``world.case`` (of ``world.other_case`` when ``other``, or of
    ``case``), made once per test."""
    cache = world.__dict__.setdefault("_records", {})
    case = case if case is not None else (world.other_case if other else world.case)
    key = (kind, case.id)
    if key not in cache:
        obj = BUILD[kind](case)
        db.session.add(obj)
        db.session.commit()
        cache[key] = obj
    return cache[key]


def panel_member(world, *, other: bool = False, case=None):
    """The panel member of the BID of the case."""
    return record(world, "bid", other=other, case=case).panel[0]


def suspension(world):
    """A suspension of returns (an admin record, not a case's)."""
    cache = world.__dict__.setdefault("_records", {})
    if "suspension" not in cache:
        row = ReturnSuspension(country="AF", reason="Conflict", suspended_from=START)
        db.session.add(row)
        db.session.commit()
        cache["suspension"] = row
    return cache["suspension"]
