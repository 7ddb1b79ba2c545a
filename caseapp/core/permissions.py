"""Roles and permissions.

Roles grant coarse permissions (``Permission``, tagged like warehouse's ``"case:approve"``);
objects answer the fine question through predicates (``case.can_view(user)``). The request
layer (``caseapp.core.web.load`` and ``require``) turns them into 404 and 403.
"""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, or_
from sqlalchemy.orm import QueryableAttribute

from caseapp.core.enums import LabelledEnum
from caseapp.core.i18n import lazy_gettext as _l


class Role(LabelledEnum):
    """The roles of DESIGN.md section 1: four staff roles, then the participants (issue 10).

    Participants are people outside the lead agency, each a user of their own agency, who
    act on the cases they are assigned to and only there (002, Rec 3: child protection leads
    "multi-agency approaches"; Rec 2: independent monitoring).
    """

    CASEWORKER = "caseworker", _l("caseworker")
    SUPERVISOR = "supervisor", _l("supervisor")
    OMBUDSPERSON = "ombudsperson", _l("ombudsperson")
    ADMIN = "admin", _l("admin")
    GUARDIAN = "guardian", _l("guardian")
    LEGAL_REPRESENTATIVE = "legal_representative", _l("legal representative")
    CENTRAL_AUTHORITY_OFFICER = "central_authority_officer", _l("Central Authority officer")
    MONITOR = "monitor", _l("independent monitor")
    COUNTERPART_OFFICER = "counterpart_officer", _l("counterpart officer")


# Staff of the lead agency (they see their agency's cases) and the participants (they see
# only the cases they are assigned to, and on them only what the matrix below gives).
STAFF_ROLES = frozenset({Role.CASEWORKER, Role.SUPERVISOR})
PARTICIPANT_ROLES = frozenset(
    {
        Role.GUARDIAN,
        Role.LEGAL_REPRESENTATIVE,
        Role.CENTRAL_AUTHORITY_OFFICER,
        Role.MONITOR,
        Role.COUNTERPART_OFFICER,
    }
)


class RecordType(LabelledEnum):
    """The kinds of record on a case, as the participants' matrix names them (issue 10).

    Each case-record model names its kind (``record_type``); a page a participant may open
    names the kind it shows (``caseapp.core.web.shows``). Staff are not concerned: they see
    whole cases of their agency.
    """

    CASE = "case", _l("case number, stage and lead agency")
    CHILD = "child", _l("child's identity (names, age, nationality, languages)")
    FAMILY = "family", _l("family members, tracing and home studies")
    GUARDIAN = "guardian", _l("guardian appointments")
    LEGAL_REPRESENTATIVE = "legal_representative", _l("legal representatives")
    PLACEMENT = "placement", _l("placements and services")
    HEARING = "hearing", _l("hearings (the child's views)")
    ASSESSMENT = "assessment", _l("best-interests assessment and its risk narrative")
    DETERMINATION = "determination", _l("best-interests determination and its panel")
    DECISION = "decision", _l("decision, notices, appeals and complaints")
    CONSENT = "consent", _l("consent and objections")
    CENTRAL_AUTHORITY = "central_authority", _l("Central Authority approval")
    COORDINATION = "coordination", _l("coordination with the counterpart, guarantees")
    REINTEGRATION = "reintegration", _l("reintegration plan")
    TRAVEL = "travel", _l("travel plan and the return itself")
    MONITORING = "monitoring", _l("monitoring plan and visits")
    REQUEST = "request", _l("requests to participants")
    # Closed to every participant; a document attached to a record is read as that record
    # (``Document.can_view`` asks the record's own predicate; issue 10, least privilege).
    DOCUMENT = (
        "document",
        _l("the case's file (a document attached to a record is read as that record)"),
    )


class Access(LabelledEnum):
    """What a participant may do with a kind of record: read it, or read it and act on it."""

    READ = "read", _l("read")
    ACT = "act", _l("read and act")


_R, _A = Access.READ, Access.ACT
_RT = RecordType

# The participants' matrix: role x record type -> read / act; a record type not listed is
# neither shown nor reachable (least privilege; issue 10 item 1). "Act" names what the
# party may do for itself (DESIGN.md section 1): the guardian declares independence, takes
# part in hearings and the BID panel, consents or objects, appeals or complains; the lawyer
# appeals, complains and challenges a placement (detention) or an age assessment; the
# Central Authority approves or refuses (S11); the monitor accepts the plan and records
# visits (S17, 002 Rec 2); the counterpart answers home studies, guarantees and readiness
# (S6, S7, S12). Every participant reads the case line and answers its own requests.
# The same table is in README.md ("Participants") and SECURITY.md; tests check all three.
PARTICIPANT_MATRIX: dict[Role, dict[RecordType, Access]] = {
    Role.GUARDIAN: {
        _RT.CASE: _R,
        _RT.CHILD: _R,
        _RT.FAMILY: _R,
        _RT.GUARDIAN: _A,
        _RT.LEGAL_REPRESENTATIVE: _R,
        _RT.PLACEMENT: _R,
        _RT.HEARING: _A,
        _RT.ASSESSMENT: _R,
        _RT.DETERMINATION: _A,
        _RT.DECISION: _A,
        _RT.CONSENT: _A,
        _RT.REINTEGRATION: _R,
        _RT.TRAVEL: _R,
        _RT.MONITORING: _R,
        _RT.REQUEST: _A,
    },
    Role.LEGAL_REPRESENTATIVE: {
        _RT.CASE: _R,
        _RT.CHILD: _A,  # challenge an age assessment
        _RT.GUARDIAN: _R,
        _RT.LEGAL_REPRESENTATIVE: _R,
        _RT.PLACEMENT: _A,  # challenge detention (002, Rec 4)
        _RT.HEARING: _R,
        _RT.ASSESSMENT: _R,
        _RT.DETERMINATION: _R,
        _RT.DECISION: _A,
        _RT.CONSENT: _R,
        _RT.REQUEST: _A,
    },
    Role.CENTRAL_AUTHORITY_OFFICER: {
        _RT.CASE: _R,
        _RT.CHILD: _R,
        _RT.DETERMINATION: _R,
        _RT.DECISION: _R,
        _RT.CENTRAL_AUTHORITY: _A,
        _RT.COORDINATION: _R,
        _RT.REINTEGRATION: _R,
        _RT.TRAVEL: _R,
        _RT.REQUEST: _A,
    },
    Role.MONITOR: {
        _RT.CASE: _R,
        _RT.CHILD: _R,
        _RT.REINTEGRATION: _R,
        _RT.TRAVEL: _R,
        _RT.MONITORING: _A,
        _RT.REQUEST: _A,
    },
    Role.COUNTERPART_OFFICER: {
        _RT.CASE: _R,
        _RT.CHILD: _R,
        _RT.FAMILY: _A,  # home studies
        _RT.COORDINATION: _A,  # guarantees, readiness
        _RT.REINTEGRATION: _R,
        _RT.TRAVEL: _R,
        _RT.REQUEST: _A,
    },
}


# The record type of each case-record table, for ``CaseRecord.can_view`` and the pages. A
# table not listed (a new record kind) is shown to no participant until it is listed here.
RECORD_TYPE_OF_TABLE: dict[str, RecordType] = {
    "case": RecordType.CASE,
    "child": RecordType.CHILD,
    "family_member": RecordType.FAMILY,
    "family_assessment": RecordType.FAMILY,
    "home_study": RecordType.FAMILY,
    "guardian_appointment": RecordType.GUARDIAN,
    "legal_representative": RecordType.LEGAL_REPRESENTATIVE,
    "placement": RecordType.PLACEMENT,
    "service_record": RecordType.PLACEMENT,
    "hearing": RecordType.HEARING,
    "best_interests_assessment": RecordType.ASSESSMENT,
    "best_interests_determination": RecordType.DETERMINATION,
    "bid_option": RecordType.DETERMINATION,
    "bid_panel_member": RecordType.DETERMINATION,
    "decision_notice": RecordType.DECISION,
    "appeal": RecordType.DECISION,
    "complaint": RecordType.DECISION,
    "consent": RecordType.CONSENT,
    "withdrawal": RecordType.CONSENT,
    "central_authority_approval": RecordType.CENTRAL_AUTHORITY,
    "coordination": RecordType.COORDINATION,
    "coordination_message": RecordType.COORDINATION,
    "care_guarantee": RecordType.COORDINATION,
    "reintegration_plan": RecordType.REINTEGRATION,
    "travel_plan": RecordType.TRAVEL,
    "return_execution": RecordType.TRAVEL,
    "monitoring_plan": RecordType.MONITORING,
    "monitoring_visit": RecordType.MONITORING,
    "participant_request": RecordType.REQUEST,
    "document": RecordType.DOCUMENT,
}


def record_type_of(obj: Any) -> RecordType | None:
    """The matrix's record type of a model object (None: not open to any participant)."""
    return RECORD_TYPE_OF_TABLE.get(getattr(obj, "__tablename__", ""))


def participant_may(role: Role, record: RecordType | None, access: Access = Access.READ) -> bool:
    """The matrix, asked once: may a participant of ``role`` read (or act on) ``record``?

    Staff roles are not in the matrix (False): their rules are the case predicates.
    """
    if record is None:
        return False
    granted = PARTICIPANT_MATRIX.get(role, {}).get(record)
    if granted is None:
        return False
    return access is Access.READ or granted is Access.ACT


class Permission(StrEnum):
    """Coarse permissions granted by role."""

    CASE_VIEW = "case:view"
    CASE_CREATE = "case:create"
    CASE_EDIT = "case:edit"
    CASE_REASSIGN = "case:reassign"
    BID_APPROVE = "bid:approve"
    RETURN_APPROVE = "return:approve"
    AUDIT_VIEW = "audit:view"
    AUDIT_EXPORT = "audit:export"
    USER_MANAGE = "user:manage"
    AGENCY_MANAGE = "agency:manage"
    POLICY_MANAGE = "policy:manage"


_CASEWORKER = {Permission.CASE_VIEW, Permission.CASE_CREATE, Permission.CASE_EDIT}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CASEWORKER: frozenset(_CASEWORKER),
    # Supervisors may do all a caseworker may, plus approve (never their own work).
    Role.SUPERVISOR: frozenset(
        _CASEWORKER | {Permission.CASE_REASSIGN, Permission.BID_APPROVE, Permission.RETURN_APPROVE}
    ),
    # Ombudspersons read everything and export the audit trail; they change nothing.
    Role.OMBUDSPERSON: frozenset(
        {Permission.CASE_VIEW, Permission.AUDIT_VIEW, Permission.AUDIT_EXPORT}
    ),
    # Separation of duties: admins manage people and policy, never child records.
    Role.ADMIN: frozenset(
        {Permission.USER_MANAGE, Permission.AGENCY_MANAGE, Permission.POLICY_MANAGE}
    ),
    # Participants hold no coarse permission: what they may is their assignment and the
    # matrix above (``Case.can_read`` / ``Case.can_act``).
    **{role: frozenset() for role in PARTICIPANT_ROLES},
}


def second_pair_of_eyes(user, authors: int | Collection[int] | None) -> bool:
    """The four-eyes rule, written once: ``user`` is not an author of the work approved.
    ``authors``: the author's id (None: nobody), or everyone who wrote it (a determination's
    writers: ``BestInterestsDetermination.writer_ids``).

    A supervisor never approves a determination they wrote any of, a return resting on it,
    nor a last-resort return whose consent they recorded (UNHCR BIP; 002, Rec 2; PICUM).
    """
    if authors is None or isinstance(authors, int):
        return authors != user.id
    return user.id not in authors


def second_pair_of_eyes_sql(
    user, author_column: ColumnElement[Any] | QueryableAttribute[Any]
) -> ColumnElement[bool]:
    """``second_pair_of_eyes`` as a SQL condition, for the queues that list what a user may
    approve (the same rule: no author, or an author who is not ``user``)."""
    return not_written_by_sql(user.id, author_column)


def not_written_by_sql(
    user_id: Any, author_column: ColumnElement[Any] | QueryableAttribute[Any]
) -> ColumnElement[bool]:
    """``second_pair_of_eyes_sql`` for a user id given as a value or a ``bindparam`` (a
    statement built once per process, ``dashboard.queries.built``)."""
    return or_(author_column.is_(None), author_column != user_id)


def role_has(role: Role, permission: Permission) -> bool:
    """Whether ``role`` grants ``permission``."""
    return permission in ROLE_PERMISSIONS[role]
