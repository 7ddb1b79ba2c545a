"""Return preparation: coordination with the country of origin, guarantee, plans, consent.

One function per record change; each checks the case may be edited, at the version the user
loaded (``expected_version``: a conflicting edit gets a clear message, not a silent overwrite,
DESIGN.md section 3 item 8), and is in return preparation; it bumps the case version, flushes,
and writes one audit entry (DESIGN.md sections 2-3; 002, Rec 2; Rec 6).
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from caseapp.audit.recorder import diff_of, record
from caseapp.cases import versioning
from caseapp.cases.models import Case, Stage
from caseapp.core.db import utcnow
from caseapp.core.errors import (
    FourEyesViolation,
    InvalidTransition,
    PermissionDenied,
    ValidationFailed,
)
from caseapp.core.extensions import db
from caseapp.core.permissions import Permission
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
)
from caseapp.gate.data import current_bid
from caseapp.gate.policy import current_policy


def require_preparation(actor, case: Case, expected_version: int | None) -> None:
    """Refuse unless ``actor`` may edit ``case``, at ``expected_version`` (the version the
    user loaded), and it is in return preparation."""
    versioning.check_editable(actor, case, expected_version)
    if case.stage is not Stage.RETURN_PREPARATION:
        raise InvalidTransition(
            _("Return preparation can be recorded only while the case is in return preparation.")
        )


def _required(**values) -> None:
    for value in values.values():
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ValidationFailed(_("Fill in every required field."))


def _change(actor, case: Case, obj, tag: str) -> None:
    """Audit a new or modified ``obj`` (one entry) and bump the case version, so a
    concurrent edit of the same case loses with ``StaleVersion`` (DESIGN.md section 3)."""
    diff = diff_of(obj)
    versioning.touch_case(case)
    record(actor, tag, obj, case=case, diff=diff)


def _save_single(actor, case: Case, model, tag: str, fields: dict, expected_version):
    """Create or update the one record of ``model`` the case has; audit ``tag``."""
    require_preparation(actor, case, expected_version)
    obj = db.session.scalar(select(model).where(model.case_id == case.id))
    if obj is None:
        obj = model(case=case)
        db.session.add(obj)
    for key, value in fields.items():
        setattr(obj, key, value)
    _change(actor, case, obj, tag)
    return obj


def _add(actor, case: Case, obj, tag: str, expected_version):
    """Add a new record to the case's log; audit ``tag``."""
    require_preparation(actor, case, expected_version)
    obj.case = case
    db.session.add(obj)
    _change(actor, case, obj, tag)
    return obj


def save_coordination(
    actor,
    case: Case,
    *,
    destination_country: str,
    counterpart_name: str,
    legal_basis,
    consulate_contact: str | None = None,
    legal_basis_reference: str | None = None,
    counterpart_agency_id: int | None = None,
    expected_version: int | None,
) -> Coordination:
    """Record or edit the coordination: counterpart authority, consulate, legal basis.

    The 2002 Chisinau Agreement may be recorded; the UI flags it as outdated (002, Meeting
    conclusions: it "should be replaced by bilateral or regional agreements").
    """
    country = (destination_country or "").strip().upper()
    if len(country) != 2 or not country.isalpha():
        raise ValidationFailed(_("Enter a two-letter country code."))
    _required(counterpart_name=counterpart_name)
    return _save_single(
        actor,
        case,
        Coordination,
        "coordination:save",
        {
            "destination_country": country,
            "counterpart_name": counterpart_name.strip(),
            "legal_basis": legal_basis,
            "consulate_contact": consulate_contact or None,
            "legal_basis_reference": legal_basis_reference or None,
            "counterpart_agency_id": counterpart_agency_id,
        },
        expected_version,
    )


def log_message(
    actor, case: Case, *, expected_version: int | None, **fields
) -> CoordinationMessage:
    """Add a message sent to or received from the counterpart to the log (002, Rec 6)."""
    _required(
        counterpart=fields.get("counterpart"),
        subject=fields.get("subject"),
        on_date=fields.get("on_date"),
    )
    return _add(
        actor, case, CoordinationMessage(**fields), "coordination:message:log", expected_version
    )


def record_home_study(actor, case: Case, *, expected_version: int | None, **fields) -> HomeStudy:
    """Record the counterpart's home study (002, Moldova practice; fn 12 (iii))."""
    _required(conducted_by=fields.get("conducted_by"), received_on=fields.get("received_on"))
    return _add(actor, case, HomeStudy(**fields), "home_study:record", expected_version)


def record_guarantee(actor, case: Case, *, expected_version: int | None, **fields) -> CareGuarantee:
    """Record a guarantee of care by the family or foreign authority (002, Moldova)."""
    _required(guarantor_name=fields.get("guarantor_name"), given_on=fields.get("given_on"))
    return _add(actor, case, CareGuarantee(**fields), "guarantee:record", expected_version)


def withdraw_guarantee(
    actor, guarantee: CareGuarantee, *, withdrawn_on: date, expected_version: int | None
) -> None:
    """Mark a guarantee withdrawn (it stays on record; S7 becomes unmet)."""
    require_preparation(actor, guarantee.case, expected_version)
    if guarantee.withdrawn_on is not None:
        raise ValidationFailed(_("This guarantee was already withdrawn."))
    guarantee.withdrawn_on = withdrawn_on
    _change(actor, guarantee.case, guarantee, "guarantee:withdraw")


def record_central_approval(
    actor, case: Case, *, expected_version: int | None, **fields
) -> CentralAuthorityApproval:
    """Record the Central Authority approval with its reference (002, Moldova)."""
    _required(
        authority_name=fields.get("authority_name"),
        reference=fields.get("reference"),
        approved_on=fields.get("approved_on"),
    )
    return _add(
        actor,
        case,
        CentralAuthorityApproval(**fields),
        "central_approval:record",
        expected_version,
    )


def save_reintegration_plan(
    actor, case: Case, *, expected_version: int | None, **fields
) -> ReintegrationPlan:
    """Record or edit the reintegration plan; resources confirmed need who and when
    (002, Rec 2: "prepared and resourced")."""
    _required(responsible_agency=fields.get("responsible_agency"))
    if fields.get("resources_confirmed"):
        _required(by=fields.get("resources_confirmed_by"), on=fields.get("resources_confirmed_on"))
    else:
        fields["resources_confirmed_by"] = fields.get("resources_confirmed_by") or None
    return _save_single(
        actor, case, ReintegrationPlan, "reintegration:save", fields, expected_version
    )


def save_travel_plan(actor, case: Case, *, expected_version: int | None, **fields) -> TravelPlan:
    """Record or edit the travel and handover plan as it is. A law-enforcement escort or a
    handover at the border is recorded faithfully and leaves S14 unmet (002, fn 12 (v))."""
    _required(
        travel_on=fields.get("travel_on"),
        route=fields.get("route"),
        escort_name=fields.get("escort_name"),
        receiving_official=fields.get("receiving_official"),
        handover_place=fields.get("handover_place"),
    )
    return _save_single(actor, case, TravelPlan, "travel:save", fields, expected_version)


def record_consent(
    actor,
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
        "consent:record",
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
    )


def approve_last_resort(actor, consent: Consent, *, expected_version: int | None) -> None:
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
    _change(actor, case, consent, "consent:last_resort:approve")


def save_monitoring_plan(
    actor,
    case: Case,
    *,
    monitor_name: str,
    independent: bool,
    first_visit_on: date | None,
    schedule_months: list[int] | None = None,
    monitor_agency_id: int | None = None,
    expected_version: int | None,
) -> MonitoringPlan:
    """Record or edit the independent post-return monitoring plan (002, Rec 2; Chișcă).

    The schedule defaults to the policy's (reference: 1, 3, 6, 12 and 18 months).
    """
    _required(monitor_name=monitor_name)
    months = sorted(set(schedule_months or current_policy().monitoring_schedule_months))
    if any(m <= 0 for m in months):
        raise ValidationFailed(_("The monitoring schedule needs at least one month after 0."))
    return _save_single(
        actor,
        case,
        MonitoringPlan,
        "monitoring_plan:save",
        {
            "monitor_name": monitor_name.strip(),
            "independent": independent,
            "first_visit_on": first_visit_on,
            "schedule_months": months,
            "monitor_agency_id": monitor_agency_id,
        },
        expected_version,
    )
