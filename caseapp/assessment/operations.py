"""Assessment operations: the registered -> assessment transition and the records kept while
the case is pending (DESIGN.md sections 2-3). One plain function per change; they only flush.

Audit: a transition writes one ``case:stage:change`` entry; every record operation writes
exactly one entry of its own (``assessment:<record>:<action>``), in the same transaction.
The best-interests assessment has its own module (``caseapp.assessment.bia``), re-exported here.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _

from caseapp.agencies.register import from_register, known_user
from caseapp.assessment.bia import (  # noqa: F401
    bia_version,
    complete_bia,
    current_bia,
    save_bia,
)
from caseapp.assessment.guards import (
    RECORD_STAGES,
    check_editable,
    check_record_editable,
    check_version,
    move,
    require_stage,
    require_transition,
    touch_case,
)
from caseapp.assessment.models import (
    FamilyAssessment,
    FamilyAssessmentOutcome,
    GuardianAppointment,
    Hearing,
    LegalRepresentative,
    Placement,
    PlacementType,
    ServiceKind,
    ServiceRecord,
    Weight,
)
from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import diff_of, record
from caseapp.cases.models import Case, Outcome, Stage
from caseapp.cases.parties import PartyAct
from caseapp.children.models import ContactStatus, FamilyMember, TracingStatus
from caseapp.core.countries import require_country
from caseapp.core.errors import PermissionDenied, ValidationFailed
from caseapp.core.extensions import db

if TYPE_CHECKING:
    from caseapp.auth.models import User


def _text(value: str | None) -> str | None:
    """Strip a free-text value; empty becomes None."""
    value = (value or "").strip()
    return value or None


def _required(value: str | None, message: str) -> str:
    """A non-empty stripped text, or ValidationFailed with ``message``."""
    value = _text(value)
    if value is None:
        raise ValidationFailed(message)
    return value


def _end_date(started: date, ended_on: date) -> None:
    """An end date cannot precede the start."""
    if ended_on < started:
        raise ValidationFailed(_("The end date cannot be before the start date."))


def _add(actor: User, action: AuditAction, obj: Any, case: Case) -> None:
    """Add a new record, audit it (one entry) and bump the case version."""
    db.session.add(obj)
    diff = diff_of(obj)
    touch_case(case)
    record(actor, action, obj, case=case, diff=diff)


def _change(
    actor: User, action: AuditAction, obj: Any, case: Case, reason: str | None = None
) -> None:
    """Audit a modified record (one entry) and bump the case version."""
    diff = diff_of(obj)
    touch_case(case)
    record(actor, action, obj, case=case, diff=diff, reason=reason)


# -- transition ----------------------------------------------------------------------------


def start_assessment(actor: User, case: Case, *, expected_version: int | None) -> Case:
    """registered -> assessment: guardian, representation, placement, hearings, tracing and
    the best-interests assessment are recorded from here on (DESIGN.md section 3)."""
    check_editable(actor, case, expected_version)
    require_transition(case, Stage.ASSESSMENT, sources={Stage.REGISTERED})
    move(actor, case, Stage.ASSESSMENT, expected_version=expected_version)
    return case


# -- guardian and legal representative (002, Rec 3; fn 12 (iv)) ----------------------------


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
    name = _required(guardian_name, _("Enter the guardian's name."))
    authority = _required(appointing_authority, _("Enter the appointing authority."))
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
        independence_statement=_text(independence_statement),
    )
    previous = active_guardian(case)
    diff: dict[str, Any] = diff_of(appointment)
    if previous is not None:
        _end_date(previous.appointed_on, appointed_on)
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
    _end_date(appointment.appointed_on, ended_on)
    appointment.ended_on = ended_on
    appointment.end_reason = _required(reason, _("Give the reason the appointment ends."))
    _change(actor, AuditAction.GUARDIAN_END, appointment, case)
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
    appointment.independence_statement = _required(
        statement, _("Write your statement of independence.")
    )
    _change(actor, AuditAction.GUARDIAN_DECLARE, appointment, case)
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
        name=_required(name, _("Enter the representative's name.")),
        organisation=_text(organisation),
        assigned_on=assigned_on,
        free_of_charge=bool(free_of_charge),
    )
    _add(actor, AuditAction.LEGAL_ASSIGN, rep, case)
    return rep


def end_legal_representative(
    actor: User, rep: LegalRepresentative, *, ended_on: date, expected_version: int | None
) -> LegalRepresentative:
    """End a legal representative's assignment (kept in the history)."""
    check_record_editable(actor, rep.case, expected_version)
    if not rep.active:
        raise ValidationFailed(_("This assignment has already ended."))
    _end_date(rep.assigned_on, ended_on)
    rep.ended_on = ended_on
    _change(actor, AuditAction.LEGAL_END, rep, rep.case)
    return rep


# -- placement (002, Rec 4; fn 12 (i), (iii)) -----------------------------------------------


def record_placement(
    actor: User,
    case: Case,
    *,
    placement_type: PlacementType,
    responsible_authority: str,
    started_on: date,
    child_can_leave_at_will: bool,
    run_by_law_enforcement: bool = False,
    separated_from_family: bool = False,
    name: str | None = None,
    expected_version: int | None,
) -> Placement:
    """Record a placement. Whatever it is called, one the child cannot leave at will, run by
    law enforcement or of a custodial type is shown as deprivation of liberty (002, Rec 4;
    Global Study definition)."""
    check_record_editable(actor, case, expected_version)
    require_stage(case, RECORD_STAGES)
    placement = Placement(
        case_id=case.id,
        placement_type=PlacementType(placement_type),
        name=_text(name),
        responsible_authority=_required(
            responsible_authority, _("Enter the responsible authority.")
        ),
        started_on=started_on,
        child_can_leave_at_will=bool(child_can_leave_at_will),
        run_by_law_enforcement=bool(run_by_law_enforcement),
        separated_from_family=bool(separated_from_family),
    )
    _add(actor, AuditAction.PLACEMENT_RECORD, placement, case)
    # One that deprives the child of liberty opens a detention record (issue 15).
    from caseapp.detention.operations import open_for_placement

    open_for_placement(actor, placement)
    return placement


def end_placement(
    actor: User, placement: Placement, *, ended_on: date, expected_version: int | None
) -> Placement:
    """End a placement (kept in the history)."""
    check_record_editable(actor, placement.case, expected_version)
    if not placement.active:
        raise ValidationFailed(_("This placement has already ended."))
    _end_date(placement.started_on, ended_on)
    placement.ended_on = ended_on
    _change(actor, AuditAction.PLACEMENT_END, placement, placement.case)
    from caseapp.detention.operations import release_with_placement

    release_with_placement(actor, placement)  # its detention record ends with it (issue 15)
    return placement


# -- services while pending (002, fn 12 (vi)) -----------------------------------------------


def record_service(
    actor: User,
    case: Case,
    *,
    kind: ServiceKind,
    provider: str,
    started_on: date,
    mainstream: bool = True,
    notes: str | None = None,
    expected_version: int | None,
) -> ServiceRecord:
    """Record school, healthcare or psychosocial support while return is pending (002, fn 12
    (vi): "Every child must be provided with an education and medical care while return is
    pending", preferably in mainstream schools)."""
    check_record_editable(actor, case, expected_version)
    require_stage(case, RECORD_STAGES)
    service = ServiceRecord(
        case_id=case.id,
        kind=ServiceKind(kind),
        provider=_required(provider, _("Enter the provider.")),
        mainstream=bool(mainstream),
        started_on=started_on,
        notes=_text(notes),
    )
    _add(actor, AuditAction.SERVICE_RECORD, service, case)
    return service


def end_service(
    actor: User, service: ServiceRecord, *, ended_on: date, expected_version: int | None
) -> ServiceRecord:
    """End a service (kept in the history)."""
    check_record_editable(actor, service.case, expected_version)
    if not service.active:
        raise ValidationFailed(_("This service has already ended."))
    _end_date(service.started_on, ended_on)
    service.ended_on = ended_on
    _change(actor, AuditAction.SERVICE_END, service, service.case)
    return service


# -- hearing of the child (002, Rec 1; Rec 2; Moldova 2008 Regulation) ---------------------


def record_hearing(
    actor: User,
    case: Case,
    *,
    held_on: date,
    language: str,
    child_understands_language: bool,
    interpreter: str | None,
    child_friendly_information_given: bool,
    seen_alone: bool,
    options_discussed: bool,
    views_by_option: dict[str, str],
    views_summary: str,
    weight: Weight,
    weight_reasons: str,
    interpreter_agency_id: int | None = None,
    interpreter_user_id: int | None = None,
    expected_version: int | None,
) -> Hearing:
    """Record a hearing of the child: in a language they understand, views on each option,
    weight given in line with age and maturity, with reasons (002, Rec 1: "decision-makers
    listen and give weight to the child's views in line with their age and maturity"; Rec 2:
    "options and plans should be discussed with the child")."""
    check_record_editable(actor, case, expected_version)
    require_stage(case, RECORD_STAGES)
    views = {}
    for key, text in (views_by_option or {}).items():
        option = Outcome(key)
        if _text(text):
            views[option.value] = _text(text)
    if options_discussed and not views:
        raise ValidationFailed(
            _("The options were discussed: record the child's views on at least one option.")
        )
    hearing = Hearing(
        case_id=case.id,
        held_on=held_on,
        heard_by_id=actor.id,
        language=_required(language, _("Enter the language of the hearing.")),
        child_understands_language=bool(child_understands_language),
        interpreter=_text(interpreter),
        interpreter_agency_id=from_register(interpreter_agency_id) and interpreter_agency_id,
        interpreter_user_id=known_user(interpreter_user_id) and interpreter_user_id,
        child_friendly_information_given=bool(child_friendly_information_given),
        seen_alone=bool(seen_alone),
        options_discussed=bool(options_discussed),
        views_by_option=views,
        views_summary=_required(views_summary, _("Summarise the child's views.")),
        weight=Weight(weight),
        weight_reasons=_required(
            weight_reasons, _("Give the reasons for the weight given to the child's views.")
        ),
    )
    _add(actor, AuditAction.HEARING_RECORD, hearing, case)
    return hearing


# -- family tracing and assessment (002, Moldova practice; fn 12 (iii)) -------------------


def update_tracing(
    actor: User,
    member: FamilyMember,
    *,
    tracing_status: TracingStatus,
    contact_status: ContactStatus,
    whereabouts: str | None = None,
    country: str | None = None,
    expected_version: int | None,
) -> FamilyMember:
    """Update the tracing and contact status of a family member or significant person
    (002, Moldova practice: "efforts will be made to reunite the child with their family")."""
    case = member.case
    check_editable(actor, case, expected_version)
    require_stage(case, RECORD_STAGES)
    member.tracing_status = TracingStatus(tracing_status)
    member.contact_status = ContactStatus(contact_status)
    if whereabouts is not None:
        member.whereabouts = _text(whereabouts)
    if country is not None:
        member.country = require_country(_text(country), optional=True)
    _change(actor, AuditAction.TRACING_UPDATE, member, case)
    return member


def record_family_assessment(
    actor: User,
    case: Case,
    *,
    family_member: FamilyMember,
    assessed_on: date,
    assessed_by: str,
    outcome: FamilyAssessmentOutcome,
    summary: str,
    expected_version: int | None,
) -> FamilyAssessment:
    """Record the assessment of a family member's capacity and willingness to care (002,
    Moldova practice; fn 12 (iii): family understood broadly)."""
    check_record_editable(actor, case, expected_version)
    require_stage(case, RECORD_STAGES)
    if family_member.case_id != case.id:
        raise ValidationFailed(_("This person is not part of this case."))
    assessment = FamilyAssessment(
        case_id=case.id,
        family_member_id=family_member.id,
        assessed_on=assessed_on,
        assessed_by=_required(assessed_by, _("Enter who assessed the family.")),
        outcome=FamilyAssessmentOutcome(outcome),
        summary=_required(summary, _("Summarise the assessment.")),
    )
    _add(actor, AuditAction.FAMILY_ASSESSMENT_RECORD, assessment, case)
    return assessment
