"""Return preparation: coordination with the country of origin, the counterpart's messages
and home study, guarantees of care, the reintegration, travel and monitoring plans.

One function per record change (002, Rec 2; Rec 6); how they are written -- permission, the
per-record lock, the stage, one audit entry -- is ``caseapp.crossborder.recording``. Consent,
a last resort and the Central Authority's decision are in ``caseapp.crossborder.approvals``,
re-exported here: every return-preparation operation is importable from this module.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _

from caseapp.agencies.models import CHILD_PROTECTION_KINDS
from caseapp.agencies.register import from_register
from caseapp.audit.actions import AuditAction
from caseapp.cases import versioning
from caseapp.cases.models import Case
from caseapp.cases.parties import PartyAct, answer_open_requests
from caseapp.cases.records import record_change, require_filled
from caseapp.cases.versioning import single_version
from caseapp.children.models import FamilyMember
from caseapp.core.countries import is_country, require_country
from caseapp.core.errors import PermissionDenied, ValidationFailed
from caseapp.core.extensions import db
from caseapp.core.validators import schedule_problem
from caseapp.crossborder.approvals import (
    approve_last_resort,
    give_guardian_consent,
    record_central_approval,
    record_consent,
)
from caseapp.crossborder.models import (
    CareGuarantee,
    ComponentKind,
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
from caseapp.crossborder.recording import (
    UNTIL_HANDOVER,
    add_record,
    require_preparation,
    require_return_stage,
    save_single,
)
from caseapp.gate.policy import current_policy
from caseapp.participants.models import RequestKind

if TYPE_CHECKING:
    from caseapp.auth.models import User

__all__ = [
    "UNTIL_HANDOVER",
    "accept_monitoring_plan",
    "approve_last_resort",
    "give_guardian_consent",
    "log_message",
    "record_central_approval",
    "record_consent",
    "record_guarantee",
    "record_home_study",
    "require_preparation",
    "save_coordination",
    "save_monitoring_plan",
    "save_reintegration_plan",
    "save_travel_plan",
    "single_version",
    "withdraw_guarantee",
]


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
    require_filled(counterpart_name=counterpart_name)
    transit: list[str] = []
    for code in transit_countries or []:
        code = (code or "").strip().upper()
        if not is_country(code):
            raise ValidationFailed(_("Enter two-letter country codes separated by commas."))
        if code != country and code not in transit:
            transit.append(code)
    from_register(counterpart_agency_id, kinds=CHILD_PROTECTION_KINDS)
    return save_single(
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
    require_filled(
        counterpart=fields.get("counterpart"),
        subject=fields.get("subject"),
        on_date=fields.get("on_date"),
    )
    from_register(fields.get("agency_id"))
    return add_record(
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
    require_filled(conducted_by=fields.get("conducted_by"), received_on=fields.get("received_on"))
    from_register(fields.get("agency_id"))
    return add_record(
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
    require_filled(guarantor_name=fields.get("guarantor_name"), given_on=fields.get("given_on"))
    from_register(fields.get("guarantor_agency_id"))
    return add_record(
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


def save_reintegration_plan(
    actor: User, case: Case, *, expected_version: int | None, **fields: Any
) -> ReintegrationPlan:
    """Record or edit the reintegration plan; resources confirmed need who and when
    (002, Rec 2: "prepared and resourced")."""
    require_filled(responsible_agency=fields.get("responsible_agency"))
    if fields.get("resources_confirmed"):
        require_filled(
            by=fields.get("resources_confirmed_by"), on=fields.get("resources_confirmed_on")
        )
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
    return save_single(
        actor, case, ReintegrationPlan, AuditAction.REINTEGRATION_SAVE, fields, expected_version
    )


def save_travel_plan(
    actor: User, case: Case, *, expected_version: int | None, **fields: Any
) -> TravelPlan:
    """Record or edit the travel and handover plan as it is. A law-enforcement escort or a
    handover at the border is recorded faithfully and leaves S14 unmet (002, fn 12 (v))."""
    require_filled(
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
    return save_single(actor, case, TravelPlan, AuditAction.TRAVEL_SAVE, fields, expected_version)


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
    require_filled(monitor_name=monitor_name)
    # Independence is derived from the monitoring organisation (S17), not the tick.
    from_register(monitor_agency_id)
    months = sorted(set(schedule_months or current_policy().monitoring_schedule_months))
    problem = schedule_problem(months)  # 1 to 120 months (issue 14: no overflowing dates)
    if problem:
        raise ValidationFailed(problem, details={"schedule": [problem]})
    return save_single(
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
    require_return_stage(case)
    if plan.accepted_by_id is not None:
        raise ValidationFailed(_("The plan is already accepted."))
    require_filled(accepted_on=accepted_on)
    plan.accepted_by_id = actor.id
    plan.accepted_on = accepted_on
    plan.provenance = Provenance.CONFIRMED_BY_PARTICIPANT
    record_change(actor, case, plan, AuditAction.MONITORING_PLAN_ACCEPT)
    answer_open_requests(actor, case, RequestKind.CONFIRM, agreed=True)
    return plan
