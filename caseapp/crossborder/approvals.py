"""Return preparation: the consent to the return, a non-voluntary return as a last resort
and the Central Authority's decision on the return request -- the records the return gate
reads as the word of a person or an authority (S11, S15; 002, fn 12 (v); Moldova practice;
PICUM). The records of the preparation itself (coordination, plans, guarantees, travel) are
in ``caseapp.crossborder.operations``; how records are written in ``.recording``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy import select

from caseapp.agencies.models import AgencyKind
from caseapp.agencies.register import from_register
from caseapp.audit.actions import AuditAction
from caseapp.cases import versioning
from caseapp.cases.models import Case
from caseapp.cases.parties import PartyAct, answer_open_requests
from caseapp.cases.records import record_change, require_filled
from caseapp.core import clock
from caseapp.core.db import utcnow
from caseapp.core.errors import FourEyesViolation, PermissionDenied, ValidationFailed
from caseapp.core.extensions import db
from caseapp.core.permissions import Permission
from caseapp.crossborder.models import CentralAuthorityApproval, Consent, Provenance
from caseapp.crossborder.recording import add_record, require_preparation, save_single
from caseapp.dashboard.models import NotificationKind
from caseapp.dashboard.operations import notify, notify_parties
from caseapp.determination.models import writers_of
from caseapp.gate.data import load_gate_data
from caseapp.participants.models import RequestKind

if TYPE_CHECKING:
    from caseapp.auth.models import User


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
    return save_single(
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
            "recorded_at": utcnow(),
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
    if consent_on > clock.today():
        raise ValidationFailed(_("The date cannot be in the future."))
    fields: dict[str, Any] = {"guardian_consents": True, "guardian_consent_on": consent_on}
    if db.session.scalar(select(Consent.id).where(Consent.case_id == case.id)) is None:
        fields["recorded_by_id"] = actor.id  # the first word on consent is the guardian's
    return save_single(
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
    """A second supervisor approves a non-voluntary return as a last resort (002, fn 12 (v);
    PICUM: "measure of last resort"): not the person who recorded the consent, nor anyone
    for whom approving the return would be their own work -- the case's caseworker, a writer
    of the determination or of a record that prepared the return, read from the audit trail
    as the return's approval reads them (``Consent.own_work_in_last_resort``)."""
    case = consent.case
    require_preparation(actor, case, expected_version)
    if not actor.can(Permission.RETURN_APPROVE):
        raise PermissionDenied(_("Only a supervisor may approve a last resort."))
    if not consent.non_voluntary:
        raise ValidationFailed(_("This consent is not a non-voluntary return."))
    if consent.last_resort_approved_by_id is not None:
        raise ValidationFailed(_("This last resort is already approved."))
    data = load_gate_data(case)
    own_work = consent.own_work_in_last_resort(actor, writers_of(data.bid), data.preparers)
    if own_work is not None:
        raise FourEyesViolation(own_work)
    consent.last_resort_approved_by_id = actor.id
    consent.last_resort_approved_at = utcnow()
    record_change(actor, case, consent, AuditAction.LAST_RESORT_APPROVE, reason=comment)
    notify(actor, case.caseworker_id, NotificationKind.LAST_RESORT_APPROVED, case)
    notify_parties(actor, case, NotificationKind.LAST_RESORT_APPROVED)  # issue 10 item 2


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
    (``caseapp.gate.hold``). ``expected_version`` is the case's version the page was loaded
    at, checked as for any record added to the case (``add_record``)."""
    require_filled(reference=fields.get("reference"), approved_on=fields.get("approved_on"))
    # S11 comes from the Central Authority (002, Moldova: Mihailas), chosen from the register
    # (checked after the permission: an outsider learns nothing from the message).
    provenance = Provenance.of(actor, case)
    officer = provenance is Provenance.CONFIRMED_BY_PARTICIPANT
    if officer:
        # The officer decides for their own authority only (the right party).
        if not case.party_may(actor, PartyAct.CENTRAL_DECISION):
            raise PermissionDenied(_("You may not decide on this case's return request."))
        fields["authority_agency_id"] = actor.agency_id
    versioning.require_may(actor, case, officer)
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
        confirmed_by_id=actor.id if officer else None,
    )
    # A record added to the case: its lock refuses it only after a stage change since the
    # page was loaded (issue 12 item 2); a colleague's other record in between does not.
    tag = AuditAction.CENTRAL_APPROVAL_REFUSAL if refused else AuditAction.CENTRAL_APPROVAL_RECORD
    add_record(actor, case, approval, tag, expected_version, until_handover=True, party_may=officer)
    answer_open_requests(
        actor, case, RequestKind.APPROVE, agreed=not refused, reference=approval.reference
    )
    return approval
