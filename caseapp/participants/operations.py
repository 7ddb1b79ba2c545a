"""Transitions of participants' assignments and requests (issue 10 items 1 and 3).

One function per transition, each taking the acting user and model objects, checking the
permission predicate and (for what is recorded on the case) the case's version, and writing
its audit entry in the same transaction. Nothing here commits.
"""

from __future__ import annotations

from datetime import date
from typing import Any, NoReturn

from flask_babel import gettext as _
from sqlalchemy import func, select

from caseapp.agencies.models import Agency, AgencyKind
from caseapp.assessment.models import GuardianAppointment, LegalRepresentative
from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import diff_of, record
from caseapp.auth.models import User
from caseapp.cases.models import Case
from caseapp.cases.versioning import check_editable, check_version, touch_case
from caseapp.core import clock
from caseapp.core.db import utcnow
from caseapp.core.errors import PermissionDenied, ValidationFailed
from caseapp.core.extensions import db
from caseapp.core.permissions import Role
from caseapp.crossborder.models import MonitoringPlan
from caseapp.participants.models import (
    PARTICIPANT_AGENCY_KINDS,
    Assignment,
    ParticipantRequest,
    RequestAnswer,
    RequestKind,
)

MAX_TEXT = 4000


def _refuse(field: str, message: str) -> NoReturn:
    raise ValidationFailed(message, details={field: [message]})


def _text(value: str | None, *, limit: int = MAX_TEXT) -> str | None:
    text = (value or "").strip()
    if len(text) > limit:
        raise ValidationFailed(_("The text is too long (at most %(n)d characters).", n=limit))
    return text or None


def check_participant_agency(role: Role, agency_kind: AgencyKind | None) -> None:
    """A participant belongs to an agency of a kind their part allows: the Central Authority
    officer to a central authority (S11), the counterpart officer to child protection, the
    monitor to an NGO or an ombudsperson institution (S17: independent), never law
    enforcement (002, Rec 3)."""
    allowed = PARTICIPANT_AGENCY_KINDS.get(role)
    if allowed is None:
        _refuse("role", _("Choose a participant's role."))
    if agency_kind not in allowed:
        kinds = ", ".join(str(k.label) for k in allowed)
        _refuse("agency", _("This role belongs to an agency of kind: %(kinds)s.", kinds=kinds))


def assign_participant(
    actor: User,
    case: Case,
    participant: User,
    *,
    guardian_appointment: GuardianAppointment | None = None,
    legal_representative: LegalRepresentative | None = None,
) -> Assignment:
    """Assign ``participant`` to ``case`` in their role. The assignment rests on the record
    that makes them a party: the guardian appointment (which then names the guardian's
    account, so the gate derives independence from it; DESIGN.md 4.1), the legal
    representative, the case's monitoring plan (whose organisation must be the monitor's
    agency); the Central Authority's and the counterpart's are the request to them."""
    if not case.can_assign_participants(actor):
        raise PermissionDenied(_("Only the supervisor of the case assigns participants."))
    role = participant.role
    if not participant.is_participant or not participant.active:
        _refuse("participant", _("Choose an active participant's account."))
    check_participant_agency(role, participant.agency.kind if participant.agency else None)
    if participant.agency_id == case.lead_agency_id:
        _refuse("participant", _("A participant is not staff of the lead agency."))
    if case.assignment_of(participant) is not None:
        _refuse("participant", _("This participant is already assigned to the case."))
    assignment = Assignment(case_id=case.id, user_id=participant.id, role=role)
    if role is Role.GUARDIAN:
        if (
            guardian_appointment is None
            or guardian_appointment.case_id != case.id
            or not guardian_appointment.active
        ):
            _refuse("guardian_appointment", _("Choose the guardian appointment in force."))
        if guardian_appointment.guardian_user_id not in (None, participant.id):
            _refuse("guardian_appointment", _("This appointment names another guardian."))
        guardian_appointment.guardian_user_id = participant.id
        assignment.guardian_appointment_id = guardian_appointment.id
    elif role is Role.LEGAL_REPRESENTATIVE:
        if (
            legal_representative is None
            or legal_representative.case_id != case.id
            or not legal_representative.active
        ):
            _refuse("legal_representative", _("Choose the legal representative in force."))
        assignment.legal_representative_id = legal_representative.id
    elif role is Role.MONITOR:
        plan = db.session.scalar(select(MonitoringPlan).where(MonitoringPlan.case_id == case.id))
        if plan is None:
            _refuse(
                "participant", _("Record the monitoring plan first: the monitor is assigned to it.")
            )
        if plan.monitor_agency_id not in (None, participant.agency_id):
            _refuse(
                "participant", _("The monitor must be of the organisation on the monitoring plan.")
            )
        assignment.monitoring_plan_id = plan.id
    assignment.created_by_id = actor.id
    db.session.add(assignment)
    db.session.flush()
    record(actor, AuditAction.ASSIGNMENT_START, assignment, case=case)
    return assignment


def end_assignment(
    actor: User, assignment: Assignment, *, reason: str | None, expected_version: int | None
) -> Assignment:
    """End an assignment: the participant's access to the case ends with it, at once (every
    request reads it; issue 10 item 5)."""
    if not assignment.can_end(actor):
        raise PermissionDenied(_("You may not end this assignment."))
    check_version(assignment.case, expected_version)
    text = _text(reason, limit=1000)
    if text is None:
        _refuse("reason", _("Say why the assignment ends."))
    assignment.ended_at = utcnow()
    assignment.end_reason = text
    assignment.ended_by_id = actor.id
    record(actor, AuditAction.ASSIGNMENT_END, assignment, case=assignment.case)
    touch_case(assignment.case)
    return assignment


def send_request(
    actor: User,
    case: Case,
    *,
    assignment: Assignment,
    kind: RequestKind,
    details: str | None,
    due_on: date | None,
    today: date,
    expected_version: int | None,
) -> ParticipantRequest:
    """A caseworker asks an assigned participant to approve, confirm, report or attend a
    hearing by a due date (issue 10 item 3)."""
    check_editable(actor, case, expected_version)
    if assignment.case_id != case.id or not assignment.in_force:
        _refuse("assignment", _("Choose a participant assigned to this case."))
    text = _text(details)
    if text is None:
        _refuse("details", _("Say what you ask of the participant."))
    if due_on is None or due_on < today:
        _refuse("due_on", _("The due date cannot be in the past."))
    row = ParticipantRequest(
        case_id=case.id,
        assignment_id=assignment.id,
        kind=RequestKind(kind),
        details=text,
        due_on=due_on,
        sent_by_id=actor.id,
        sent_at=utcnow(),
    )
    db.session.add(row)
    diff = diff_of(row)
    touch_case(case)
    record(actor, AuditAction.REQUEST_SEND, row, case=case, diff=diff)
    return row


def answer_request(
    actor: User,
    request_row: ParticipantRequest,
    *,
    answer: RequestAnswer,
    note: str | None,
    reference: str | None,
    expected_version: int | None,
) -> ParticipantRequest:
    """The participant answers a request addressed to them; the answer is recorded on the
    case with the participant as actor (issue 10 item 3).

    The Central Authority officer's answer to a request to approve IS the authority's
    decision on the return request: it is recorded through ``record_central_approval``, the
    operation of the caseworker's and the officer's own pages, so S11's rule (a central
    authority, a reference, the stage) lives in one place (002, Moldova: the return "must be
    approved by the Central Authority"; issue 10 items 2 and 4)."""
    if not request_row.can_answer(actor):
        raise PermissionDenied(_("You may not answer this request."))
    if request_row.carries_central_decision:
        return _answer_as_central_authority(
            actor,
            request_row,
            answer=RequestAnswer(answer),
            note=note,
            reference=reference,
            expected_version=expected_version,
        )
    return record_answer(
        actor,
        request_row,
        answer=answer,
        note=note,
        reference=reference,
        expected_version=expected_version,
    )


def _answer_as_central_authority(
    actor: User,
    request_row: ParticipantRequest,
    *,
    answer: RequestAnswer,
    note: str | None,
    reference: str | None,
    expected_version: int | None,
) -> ParticipantRequest:
    """Record the answer, then the decision it carries through ``record_central_approval``
    (which answers any other open request to approve sent to the officer on the case). A
    refusal of the decision (the stage, a missing reference) rolls back both."""
    from caseapp.crossborder.operations import record_central_approval

    if _text(reference, limit=100) is None:
        _refuse(
            "reference",
            _("Give the reference of the Central Authority's decision (S11)."),
        )
    row = record_answer(
        actor,
        request_row,
        answer=answer,
        note=note,
        reference=reference,
        expected_version=expected_version,
    )
    case = request_row.case
    record_central_approval(
        actor,
        case,
        expected_version=case.version,
        refused=answer is RequestAnswer.DECLINED,
        reference=row.reference,
        approved_on=clock.today(),
    )
    return row


def record_answer(
    actor: User,
    request_row: ParticipantRequest,
    *,
    answer: RequestAnswer,
    note: str | None,
    reference: str | None,
    expected_version: int | None,
) -> ParticipantRequest:
    """Record the participant's answer on the request (no act beyond it): the generic
    answer, and the answer an act of the participant gives to their open requests
    (``caseapp.cases.parties.answer_open_requests``)."""
    case = request_row.case
    if not request_row.can_answer(actor):
        raise PermissionDenied(_("You may not answer this request."))
    check_version(case, expected_version)
    request_row.answer = RequestAnswer(answer)
    request_row.answer_note = _text(note)
    request_row.reference = _text(reference, limit=100)
    request_row.answered_at = utcnow()
    request_row.answered_by_id = actor.id
    diff = diff_of(request_row)
    touch_case(case)
    record(actor, AuditAction.REQUEST_ANSWER, request_row, case=case, diff=diff)
    return request_row


def invite_to_case(
    actor: User,
    case: Case,
    *,
    email: str,
    name: str,
    role: Role,
    agency_id: int | None,
    locale: str,
    guardian_appointment_id: int | None,
    legal_representative_id: int | None,
    expected_version: int | None,
) -> tuple[Assignment, str | None]:
    """The supervisor of the case invites a participant and assigns them to the case: a new
    account gets a one-time link (``caseapp.auth.invitations``); a participant who already
    signs in (same e-mail, role and agency) is assigned without one. Returns the assignment
    and the link's token (None when no link is needed)."""
    from caseapp.auth.invitations import has_accepted, invite
    from caseapp.auth.operations import normalise_email

    if not case.can_assign_participants(actor):
        raise PermissionDenied(_("Only the supervisor of the case assigns participants."))
    check_version(case, expected_version)
    agency = db.session.get(Agency, agency_id) if agency_id is not None else None
    try:
        address = normalise_email(email)
    except ValidationFailed as err:
        raise ValidationFailed(err.message, details={"email": [err.message]}) from err
    existing = db.session.scalar(select(User).where(func.lower(User.email) == address))
    token: str | None = None
    if (
        existing is not None
        and existing.is_participant
        and existing.role is Role(role)
        and existing.agency_id == agency_id
        and has_accepted(existing)
    ):
        participant = existing
    else:
        participant, token = invite(
            actor, email=address, name=name, role=role, agency=agency, locale=locale, case=case
        )
    guardian = _of_case(GuardianAppointment, guardian_appointment_id, case)
    lawyer = _of_case(LegalRepresentative, legal_representative_id, case)
    assignment = assign_participant(
        actor, case, participant, guardian_appointment=guardian, legal_representative=lawyer
    )
    touch_case(case)
    return assignment, token


def _of_case(model: Any, object_id: int | None, case: Case) -> Any:
    if object_id is None:
        return None
    row = db.session.get(model, object_id)
    return row if row is not None and row.case_id == case.id else None
