"""The child's guardian and legal representative while the case is pending (002, Rec 3;
fn 12 (iv)). One plain function per change; they only flush, each writing one audit entry."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _

from caseapp.agencies.register import from_register, known_user
from caseapp.assessment.guards import (
    RECORD_STAGES,
    check_record_editable,
    check_version,
    require_stage,
    touch_case,
)
from caseapp.assessment.models import GuardianAppointment, LegalRepresentative
from caseapp.assessment.recording import (
    add_record,
    change_record,
    check_end_date,
    clean_text,
    required_text,
)
from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import diff_of, record
from caseapp.cases.models import Case
from caseapp.cases.parties import PartyAct
from caseapp.core.errors import PermissionDenied, ValidationFailed
from caseapp.core.extensions import db

if TYPE_CHECKING:
    from caseapp.auth.models import User


def appoint_guardian(
    actor: User,
    case: Case,
    *,
    guardian_name: str,
    appointing_authority: str,
    appointed_on: date,
    declared_independent: bool,
    independence_statement: str | None = None,
    organisation_id: int | None = None,
    guardian_user_id: int | None = None,
    expected_version: int | None,
) -> GuardianAppointment:
    """Appoint a guardian (002, Rec 3: "Unaccompanied children should be appointed a
    guardian"). The guardian in office is ended the day the new one is appointed: history is
    kept, nothing is deleted."""
    check_record_editable(actor, case, expected_version)
    require_stage(case, RECORD_STAGES)
    name = required_text(guardian_name, _("Enter the guardian's name."))
    authority = required_text(appointing_authority, _("Enter the appointing authority."))
    # The guardian's organisation from the register: the gate derives independence from it
    # (issue 9, principle 1); the declaration never replaces it.
    from_register(organisation_id)
    known_user(guardian_user_id)
    appointment = GuardianAppointment(
        case_id=case.id,
        guardian_name=name,
        organisation_id=organisation_id,
        guardian_user_id=guardian_user_id,
        appointing_authority=authority,
        appointed_on=appointed_on,
        declared_independent=bool(declared_independent),
        independence_statement=clean_text(independence_statement),
    )
    previous = active_guardian(case)
    diff: dict[str, Any] = diff_of(appointment)
    if previous is not None:
        check_end_date(previous.appointed_on, appointed_on)
        previous.ended_on = appointed_on
        previous.end_reason = _("Replaced by a new guardian.")
        diff["previous"] = {"id": previous.id, "ended_on": [None, appointed_on.isoformat()]}
    db.session.add(appointment)
    touch_case(case)
    record(actor, AuditAction.GUARDIAN_APPOINT, appointment, case=case, diff=diff)
    return appointment


def end_guardian(
    actor: User,
    appointment: GuardianAppointment,
    *,
    ended_on: date,
    reason: str,
    expected_version: int | None,
) -> GuardianAppointment:
    """End a guardian's appointment (kept in the history)."""
    case = appointment.case
    check_record_editable(actor, case, expected_version)
    if not appointment.active:
        raise ValidationFailed(_("This appointment has already ended."))
    check_end_date(appointment.appointed_on, ended_on)
    appointment.ended_on = ended_on
    appointment.end_reason = required_text(reason, _("Give the reason the appointment ends."))
    change_record(actor, AuditAction.GUARDIAN_END, appointment, case)
    return appointment


def declare_guardian_independence(
    actor: User, case: Case, *, statement: str, expected_version: int | None
) -> GuardianAppointment:
    """The guardian in office declares, for themselves, their independence from the
    authorities deciding on the child (issue 10; 002, Rec 3). Kept as their statement: the
    gate still derives independence from the records (S3), never from the declaration."""
    appointment = active_guardian(case)
    allowed = (
        appointment is not None
        and appointment.guardian_user_id == actor.id
        and case.party_may(actor, PartyAct.GUARDIAN_DECLARE)
    )
    if not allowed:
        raise PermissionDenied(_("Only the guardian in office may declare their independence."))
    assert appointment is not None  # allowed implies an appointment
    check_version(case, expected_version)
    require_stage(case, RECORD_STAGES)
    appointment.declared_independent = True
    appointment.independence_statement = required_text(
        statement, _("Write your statement of independence.")
    )
    change_record(actor, AuditAction.GUARDIAN_DECLARE, appointment, case)
    return appointment


def active_guardian(case: Case) -> GuardianAppointment | None:
    """The guardian in office, if any."""
    return db.session.scalars(
        db.select(GuardianAppointment)
        .where(GuardianAppointment.case_id == case.id, GuardianAppointment.ended_on.is_(None))
        .order_by(GuardianAppointment.id.desc())
    ).first()


def assign_legal_representative(
    actor: User,
    case: Case,
    *,
    name: str,
    organisation: str | None,
    assigned_on: date,
    free_of_charge: bool = True,
    expected_version: int | None,
) -> LegalRepresentative:
    """Assign free legal assistance (002, Rec 3; Day 2 Q&A: "both a guardian and free legal
    assistance")."""
    check_record_editable(actor, case, expected_version)
    require_stage(case, RECORD_STAGES)
    rep = LegalRepresentative(
        case_id=case.id,
        name=required_text(name, _("Enter the representative's name.")),
        organisation=clean_text(organisation),
        assigned_on=assigned_on,
        free_of_charge=bool(free_of_charge),
    )
    add_record(actor, AuditAction.LEGAL_ASSIGN, rep, case)
    return rep


def end_legal_representative(
    actor: User, rep: LegalRepresentative, *, ended_on: date, expected_version: int | None
) -> LegalRepresentative:
    """End a legal representative's assignment (kept in the history)."""
    check_record_editable(actor, rep.case, expected_version)
    if not rep.active:
        raise ValidationFailed(_("This assignment has already ended."))
    check_end_date(rep.assigned_on, ended_on)
    rep.ended_on = ended_on
    change_record(actor, AuditAction.LEGAL_END, rep, rep.case)
    return rep
