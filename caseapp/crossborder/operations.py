"""Return preparation: coordination with the country of origin, guarantee, plans, consent.

One function per record change; each checks the case may be edited, at the version the user
loaded (``expected_version``: a conflicting edit gets a clear message, not a silent overwrite,
DESIGN.md section 3 item 8), and is in return preparation; it bumps the case version, flushes,
and writes one audit entry (DESIGN.md sections 2-3; 002, Rec 2; Rec 6). The lock is per
record (issue 12 item 2): a one-per-case record names its own version (``_save_single``), a
record added to a log the case's, refused only after a stage change (``_add``); an approval
(the last resort, the Central Authority's) names the case's.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy import select

from caseapp.agencies.models import CHILD_PROTECTION_KINDS, AgencyKind
from caseapp.agencies.register import from_register
from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import diff_of, record
from caseapp.cases import versioning
from caseapp.cases.models import Case, Stage
from caseapp.cases.parties import PartyAct, answer_open_requests
from caseapp.children.models import FamilyMember
from caseapp.core.countries import is_country, require_country
from caseapp.core.db import utcnow
from caseapp.core.errors import (
    FourEyesViolation,
    InvalidTransition,
    PermissionDenied,
    ValidationFailed,
)
from caseapp.core.extensions import db
from caseapp.core.permissions import Permission
from caseapp.core.validators import schedule_problem
from caseapp.crossborder.models import (
    CareGuarantee,
    CentralAuthorityApproval,
    ComponentKind,
    Consent,
    Coordination,
    CoordinationMessage,
    HomeStudy,
    LegalBasis,
    MonitoringPlan,
    Provenance,
    ReceivingKind,
    ReintegrationPlan,
    TravelPlan,
    Withdrawal,
    WithdrawalKind,
)
from caseapp.dashboard.models import NotificationKind
from caseapp.dashboard.operations import notify, notify_parties
from caseapp.gate.data import current_bid
from caseapp.gate.policy import current_policy
from caseapp.participants.models import RequestKind

if TYPE_CHECKING:
    from caseapp.auth.models import User

# Until the handover (issue 9, principle 6; DESIGN.md section 4.1 item 2): what arrives from
# outside -- a guarantee, its withdrawal, consent or its withdrawal, a message from the
# counterpart, a newer home study -- can be recorded after the approval too. Anything that
# leaves a safeguard unmet then withdraws the approval (``caseapp.gate.hold``).
UNTIL_HANDOVER = frozenset({Stage.RETURN_PREPARATION, Stage.RETURN_APPROVED})


def require_preparation(
    actor: User,
    case: Case,
    expected_version: int | None,
    *,
    until_handover: bool = False,
    party_may: bool = False,
) -> None:
    """Refuse unless ``actor`` may edit ``case`` (or, with ``party_may``, is the participant
    whose part this is: issue 10), at ``expected_version`` (the version of the CASE the user
    loaded: for an approval, which must be given on exactly what was seen), and it is in
    return preparation -- or, with ``until_handover``, in return preparation or approved for
    return but not yet handed over. Records are saved under their own lock instead
    (``_save_single``, ``_add``; issue 12 item 2)."""
    versioning.check_may_act(actor, case, party_may, expected_version)
    _require_stage(case, until_handover)


def _require_stage(case: Case, until_handover: bool) -> None:
    if until_handover:
        if case.stage not in UNTIL_HANDOVER:
            raise InvalidTransition(
                _("This can be recorded from return preparation until the child is handed over.")
            )
        return
    if case.stage is not Stage.RETURN_PREPARATION:
        raise InvalidTransition(
            _("Return preparation can be recorded only while the case is in return preparation.")
        )


def single_version(case: Case, model: Any) -> int:
    """The version a form saving the case's one ``model`` record (coordination, a plan,
    consent) carries: the record's own, or 0 before it exists (issue 12 item 2)."""
    return versioning.record_version(
        db.session.scalar(select(model).where(model.case_id == case.id))
    )


def _required(**values: Any) -> None:
    for value in values.values():
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ValidationFailed(_("Fill in every required field."))


def _change(
    actor: User, case: Case, obj: Any, tag: AuditAction, *, reason: str | None = None
) -> None:
    """Audit a new or modified ``obj`` (one entry) and bump the case version, so a
    concurrent edit of the same case loses with ``StaleVersion`` (DESIGN.md section 3)."""
    diff = diff_of(obj)
    versioning.touch_case(case)
    record(actor, tag, obj, case=case, diff=diff, reason=reason)


def _save_single(
    actor: User,
    case: Case,
    model: Any,
    tag: AuditAction,
    fields: dict[str, Any],
    expected_version: int | None,
    *,
    until_handover: bool = False,
    party_may: bool = False,
) -> Any:
    """Create or update the one record of ``model`` the case has; audit ``tag``.
    ``party_may``: the participant whose part this is may act too (issue 10).

    ``expected_version`` is the version of THIS record the user wrote on
    (``versioning.record_version``: 0 before the first save), as for the BIA: a colleague's
    change to another record of the case in between does not refuse the save; a change to
    this record does (issue 12 item 2)."""
    versioning.require_may(actor, case, party_may)
    obj = db.session.scalar(select(model).where(model.case_id == case.id))
    versioning.check_own_version(obj, expected_version)
    _require_stage(case, until_handover)
    if obj is None:
        obj = model(case=case)
        db.session.add(obj)
    for key, value in fields.items():
        setattr(obj, key, value)
    _change(actor, case, obj, tag)
    return obj


def _add(
    actor: User,
    case: Case,
    obj: Any,
    tag: AuditAction,
    expected_version: int | None,
    *,
    until_handover: bool = False,
) -> Any:
    """Add a new record to the case's log; audit ``tag``. ``expected_version`` is the case's
    version the page was loaded at, checked per record (``check_record_version``): only a
    stage change since refuses it (issue 12 item 2)."""
    versioning.check_record_may_act(actor, case, False, expected_version)
    _require_stage(case, until_handover)
    obj.case = case
    db.session.add(obj)
    _change(actor, case, obj, tag)
    return obj


def save_coordination(
    actor: User,
    case: Case,
    *,
    destination_country: str,
    counterpart_name: str,
    legal_basis: LegalBasis,
    consulate_contact: str | None = None,
    legal_basis_reference: str | None = None,
    counterpart_agency_id: int | None = None,
    transit_countries: list[str] | None = None,
    expected_version: int | None,
) -> Coordination:
    """Record or edit the coordination: counterpart authority, consulate, legal basis.

    The 2002 Chisinau Agreement may be recorded; the UI flags it as outdated (002, Meeting
    conclusions: it "should be replaced by bilateral or regional agreements").
    """
    country = require_country(destination_country)
    _required(counterpart_name=counterpart_name)
    transit: list[str] = []
    for code in transit_countries or []:
        code = (code or "").strip().upper()
        if not is_country(code):
            raise ValidationFailed(_("Enter two-letter country codes separated by commas."))
        if code != country and code not in transit:
            transit.append(code)
    from_register(counterpart_agency_id, kinds=CHILD_PROTECTION_KINDS)
    return _save_single(
        actor,
        case,
        Coordination,
        AuditAction.COORDINATION_SAVE,
        {
            "destination_country": country,
            "counterpart_name": counterpart_name.strip(),
            "legal_basis": legal_basis,
            "consulate_contact": consulate_contact or None,
            "legal_basis_reference": legal_basis_reference or None,
            "counterpart_agency_id": counterpart_agency_id,
            "transit_countries": transit,
        },
        expected_version,
    )


def log_message(
    actor: User, case: Case, *, expected_version: int | None, **fields: Any
) -> CoordinationMessage:
    """Add a message sent to or received from the counterpart to the log (002, Rec 6)."""
    _required(
        counterpart=fields.get("counterpart"),
        subject=fields.get("subject"),
        on_date=fields.get("on_date"),
    )
    from_register(fields.get("agency_id"))
    return _add(
        actor,
        case,
        CoordinationMessage(**fields),
        AuditAction.MESSAGE_LOG,
        expected_version,
        until_handover=True,
    )


def record_home_study(
    actor: User, case: Case, *, expected_version: int | None, **fields: Any
) -> HomeStudy:
    """Record the counterpart's home study (002, Moldova practice; fn 12 (iii))."""
    _required(conducted_by=fields.get("conducted_by"), received_on=fields.get("received_on"))
    from_register(fields.get("agency_id"))
    return _add(
        actor,
        case,
        HomeStudy(**fields),
        AuditAction.HOME_STUDY_RECORD,
        expected_version,
        until_handover=True,
    )


def record_guarantee(
    actor: User, case: Case, *, expected_version: int | None, **fields: Any
) -> CareGuarantee:
    """Record a guarantee of care by the family or foreign authority (002, Moldova)."""
    _required(guarantor_name=fields.get("guarantor_name"), given_on=fields.get("given_on"))
    from_register(fields.get("guarantor_agency_id"))
    return _add(
        actor,
        case,
        CareGuarantee(**fields),
        AuditAction.GUARANTEE_RECORD,
        expected_version,
        until_handover=True,
    )


def withdraw_guarantee(
    actor: User,
    guarantee: CareGuarantee,
    *,
    withdrawn_on: date,
    made_by: str | None = None,
    reason: str | None = None,
    expected_version: int | None,
) -> Withdrawal:
    """Record that a guarantee was withdrawn: a ``Withdrawal`` record of its own (the
    guarantee stays on record; S7 becomes unmet unless another guarantee is in force).
    DESIGN.md section 4.1, item 2."""
    from caseapp.crossborder.withdrawals import record_withdrawal

    return record_withdrawal(
        actor,
        guarantee.case,
        kind=WithdrawalKind.GUARANTEE,
        on_date=withdrawn_on,
        guarantee=guarantee,
        made_by=made_by or guarantee.guarantor_name,
        reason=reason,
        expected_version=expected_version,
    )


def record_central_approval(
    actor: User,
    case: Case,
    *,
    expected_version: int | None,
    refused: bool = False,
    **fields: Any,
) -> CentralAuthorityApproval:
    """Record the Central Authority's decision on the return request with its reference
    (002, Moldova: the return "must be approved by the Central Authority"): an approval, or
    a refusal (``refused``; S11's latest word). The authority is chosen from the register and
    must be of kind central_authority (S11); ``authority_name`` defaults to its name.

    Who records it is its provenance (issue 10, item 4): the caseworker recording the
    authority's paper document, or the Central Authority's own officer deciding for their
    authority (``Provenance.of``; ``case.party_may``). Possible until the
    handover: a refusal after the return was approved withdraws the approval
    (``caseapp.gate.hold``)."""
    _required(reference=fields.get("reference"), approved_on=fields.get("approved_on"))
    # S11 comes from the Central Authority (002, Moldova: Mihailas), chosen from the register
    # (checked after the permission: an outsider learns nothing from the message).
    provenance = Provenance.of(actor, case)
    if provenance is Provenance.CONFIRMED_BY_PARTICIPANT:
        # The officer decides for their own authority only (the right party).
        if not case.party_may(actor, PartyAct.CENTRAL_DECISION):
            raise PermissionDenied(_("You may not decide on this case's return request."))
        versioning.check_version(case, expected_version)
        fields["authority_agency_id"] = actor.agency_id
    else:
        versioning.check_editable(actor, case, expected_version)
    if fields.get("authority_agency_id") is None:
        raise ValidationFailed(_("Choose the Central Authority from the agency register."))
    agency = from_register(fields["authority_agency_id"], kinds=[AgencyKind.CENTRAL_AUTHORITY])
    assert agency is not None  # an id was given: from_register returns the agency
    fields["authority_name"] = (fields.get("authority_name") or "").strip() or agency.name
    fields["reference"] = fields["reference"].strip()
    approval = CentralAuthorityApproval(
        **fields,
        refused=bool(refused),
        provenance=provenance,
        confirmed_by_id=actor.id if provenance is Provenance.CONFIRMED_BY_PARTICIPANT else None,
    )
    if case.stage not in UNTIL_HANDOVER:
        raise InvalidTransition(
            _("This can be recorded from return preparation until the child is handed over.")
        )
    approval.case = case
    db.session.add(approval)
    _change(
        actor,
        case,
        approval,
        AuditAction.CENTRAL_APPROVAL_REFUSAL if refused else AuditAction.CENTRAL_APPROVAL_RECORD,
    )
    answer_open_requests(
        actor, case, RequestKind.APPROVE, agreed=not refused, reference=approval.reference
    )
    return approval


def save_reintegration_plan(
    actor: User, case: Case, *, expected_version: int | None, **fields: Any
) -> ReintegrationPlan:
    """Record or edit the reintegration plan; resources confirmed need who and when
    (002, Rec 2: "prepared and resourced")."""
    _required(responsible_agency=fields.get("responsible_agency"))
    if fields.get("resources_confirmed"):
        _required(by=fields.get("resources_confirmed_by"), on=fields.get("resources_confirmed_on"))
    else:
        fields["resources_confirmed_by"] = fields.get("resources_confirmed_by") or None
    for key in ("responsible_agency_id", "resources_confirmed_by_agency_id"):
        from_register(fields.get(key))
    # Each component: planned with the agency responsible, or not needed with a reason
    # (002, Rec 2; issue 9, principle 3).
    for kind in ComponentKind:
        from_register(fields.get(f"{kind.value}_agency_id"))
        reason = (fields.get(f"{kind.value}_not_needed") or "").strip() or None
        if f"{kind.value}_not_needed" in fields:
            fields[f"{kind.value}_not_needed"] = reason
        if reason and (fields.get(kind.value) or "").strip():
            raise ValidationFailed(
                _("A component is either planned or marked not needed, not both.")
            )
    return _save_single(
        actor, case, ReintegrationPlan, AuditAction.REINTEGRATION_SAVE, fields, expected_version
    )


def save_travel_plan(
    actor: User, case: Case, *, expected_version: int | None, **fields: Any
) -> TravelPlan:
    """Record or edit the travel and handover plan as it is. A law-enforcement escort or a
    handover at the border is recorded faithfully and leaves S14 unmet (002, fn 12 (v))."""
    _required(
        travel_on=fields.get("travel_on"),
        route=fields.get("route"),
        escort_name=fields.get("escort_name"),
        receiving_official=fields.get("receiving_official"),
        handover_place=fields.get("handover_place"),
    )
    from_register(fields.get("escort_agency_id"))
    from_register(fields.get("receiving_agency_id"))
    if fields.get("receiving_kind") is not None:
        fields["receiving_kind"] = ReceivingKind(fields["receiving_kind"])
    member_id = fields.get("receiving_family_member_id")
    if member_id is not None:
        member = db.session.get(FamilyMember, member_id)
        if member is None or member.case_id != case.id:
            raise ValidationFailed(_("This person is not part of this case."))
    return _save_single(actor, case, TravelPlan, AuditAction.TRAVEL_SAVE, fields, expected_version)


def record_consent(
    actor: User,
    case: Case,
    *,
    child_consents: bool,
    child_consent_on: date | None,
    child_consent_how: str | None,
    guardian_consents: bool,
    guardian_consent_on: date | None,
    non_voluntary: bool = False,
    last_resort_justification: str | None = None,
    expected_version: int | None,
) -> Consent:
    """Record the child's and guardian's consent — or a non-voluntary return as a documented
    last resort, which then needs a second supervisor (002, fn 12 (v); PICUM).

    Re-recording clears any earlier last-resort approval: the approval was given on the
    earlier justification.
    """
    if child_consents and child_consent_on is None:
        raise ValidationFailed(_("Give the date of the child's consent."))
    if guardian_consents and guardian_consent_on is None:
        raise ValidationFailed(_("Give the date of the guardian's consent."))
    if non_voluntary and not (last_resort_justification or "").strip():
        raise ValidationFailed(_("A non-voluntary return needs a documented justification."))
    return _save_single(
        actor,
        case,
        Consent,
        AuditAction.CONSENT_RECORD,
        {
            "child_consents": child_consents,
            "child_consent_on": child_consent_on,
            "child_consent_how": child_consent_how or None,
            "guardian_consents": guardian_consents,
            "guardian_consent_on": guardian_consent_on,
            "non_voluntary": non_voluntary,
            "last_resort_justification": (last_resort_justification or "").strip() or None,
            "recorded_by_id": actor.id,
            "last_resort_approved_by_id": None,
            "last_resort_approved_at": None,
        },
        expected_version,
        until_handover=True,
    )


def give_guardian_consent(
    actor: User, case: Case, *, consent_on: date, expected_version: int | None
) -> Consent:
    """The guardian gives, for themselves, their consent to the return (issue 10; S15;
    002, fn 12 (v)): only the guardian's part of the consent record changes (the child's
    consent and a last resort stay as recorded). A later consent counts again after a
    withdrawal (the latest word counts)."""
    may = case.party_may(actor, PartyAct.GUARDIAN_CONSENT)
    versioning.require_may(actor, case, may)
    if consent_on is None:
        raise ValidationFailed(_("Give the date of the guardian's consent."))
    if consent_on > date.today():
        raise ValidationFailed(_("The date cannot be in the future."))
    fields: dict[str, Any] = {"guardian_consents": True, "guardian_consent_on": consent_on}
    if db.session.scalar(select(Consent.id).where(Consent.case_id == case.id)) is None:
        fields["recorded_by_id"] = actor.id  # the first word on consent is the guardian's
    return _save_single(
        actor,
        case,
        Consent,
        AuditAction.CONSENT_GUARDIAN_GIVE,
        fields,
        expected_version,
        until_handover=True,
        party_may=may,
    )


def approve_last_resort(
    actor: User, consent: Consent, *, expected_version: int | None, comment: str | None = None
) -> None:
    """A second supervisor approves a non-voluntary return as a last resort (PICUM: "measure
    of last resort"). Not the person who recorded it, nor the author of the determination."""
    case = consent.case
    require_preparation(actor, case, expected_version)
    if not actor.can(Permission.RETURN_APPROVE):
        raise PermissionDenied(_("Only a supervisor may approve a last resort."))
    if not consent.non_voluntary:
        raise ValidationFailed(_("This consent is not a non-voluntary return."))
    if consent.last_resort_approved_by_id is not None:
        raise ValidationFailed(_("This last resort is already approved."))
    bid = current_bid(case.id)
    if not consent.is_second_pair_of_eyes(actor, bid.author_id if bid is not None else None):
        raise FourEyesViolation(
            _(
                "A second supervisor must approve: not the person who recorded it "
                "nor the author of the determination."
            )
        )
    consent.last_resort_approved_by_id = actor.id
    consent.last_resort_approved_at = utcnow()
    _change(actor, case, consent, AuditAction.LAST_RESORT_APPROVE, reason=comment)
    notify(actor, case.caseworker_id, NotificationKind.LAST_RESORT_APPROVED, case)
    notify_parties(actor, case, NotificationKind.LAST_RESORT_APPROVED)  # issue 10 item 2


def save_monitoring_plan(
    actor: User,
    case: Case,
    *,
    monitor_name: str,
    first_visit_on: date | None,
    independent: bool = False,
    schedule_months: list[int] | None = None,
    monitor_agency_id: int | None = None,
    expected_version: int | None,
) -> MonitoringPlan:
    """Record or edit the independent post-return monitoring plan (002, Rec 2; Chișcă).

    The schedule defaults to the policy's (reference: 1, 3, 6, 12 and 18 months).
    """
    _required(monitor_name=monitor_name)
    # Independence is derived from the monitoring organisation (S17), not the tick.
    from_register(monitor_agency_id)
    months = sorted(set(schedule_months or current_policy().monitoring_schedule_months))
    problem = schedule_problem(months)  # 1 to 120 months (issue 14: no overflowing dates)
    if problem:
        raise ValidationFailed(problem, details={"schedule": [problem]})
    return _save_single(
        actor,
        case,
        MonitoringPlan,
        AuditAction.MONITORING_PLAN_SAVE,
        {
            "monitor_name": monitor_name.strip(),
            "independent": independent,
            "first_visit_on": first_visit_on,
            "schedule_months": months,
            "monitor_agency_id": monitor_agency_id,
            # A changed plan needs the monitor's acceptance again (issue 10, item 4).
            "provenance": Provenance.RECORDED_BY_LEAD_AGENCY,
            "accepted_by_id": None,
            "accepted_on": None,
        },
        expected_version,
    )


def accept_monitoring_plan(
    actor: User, plan: MonitoringPlan, *, accepted_on: date, expected_version: int | None
) -> MonitoringPlan:
    """The monitor accepts the post-return monitoring plan for their organisation (issue 10:
    "the monitor accepts the monitoring plan"; 002, Rec 2: independent monitoring). Only
    staff of the monitoring organisation chosen on the plan, assigned to the case, may; the
    plan's provenance becomes "confirmed by the participant" (S17)."""
    case = plan.case
    own_plan = plan.monitor_agency_id is not None and plan.monitor_agency_id == actor.agency_id
    if not (own_plan and case.party_may(actor, PartyAct.MONITORING_ACCEPT)):
        raise PermissionDenied(_("Only the monitor named on the plan may accept it."))
    versioning.check_version(case, expected_version)
    if case.stage is not Stage.RETURN_PREPARATION:
        raise InvalidTransition(
            _("Return preparation can be recorded only while the case is in return preparation.")
        )
    if plan.accepted_by_id is not None:
        raise ValidationFailed(_("The plan is already accepted."))
    if accepted_on is None:
        raise ValidationFailed(_("Fill in every required field."))
    plan.accepted_by_id = actor.id
    plan.accepted_on = accepted_on
    plan.provenance = Provenance.CONFIRMED_BY_PARTICIPANT
    _change(actor, case, plan, AuditAction.MONITORING_PLAN_ACCEPT)
    answer_open_requests(actor, case, RequestKind.CONFIRM, agreed=True)
    return plan
