"""Detention records and alternatives to detention: one function per change (issue 15).

Sources: 002, Rec 4 ("end child and family immigration detention"; "clearly define
deprivation of liberty"; "appropriate non-custodial solutions"), Nowak (Day 1: "the right to
prompt legal assistance to challenge the legality of their detention"; "immediately
released"), fn 12 (i) (prohibition of detention) and 000 (alternatives to detention run on
case management, with referral mechanisms out of detention).
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from caseapp.agencies.register import from_register
from caseapp.assessment.models import LegalRepresentative, Placement
from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import diff_of, record
from caseapp.auth.models import User
from caseapp.cases.models import Case, Stage
from caseapp.cases.versioning import check_editable, touch_case
from caseapp.children.validation import Errors
from caseapp.core import clock
from caseapp.core.errors import InvalidTransition, ValidationFailed
from caseapp.core.extensions import db
from caseapp.detention.models import (
    AlternativeReferral,
    AlternativeStatus,
    ChallengeOutcome,
    Detention,
    DetentionChallenge,
    DetentionReview,
    ReleaseReason,
    ReviewOutcome,
)


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _check_day(errors: Errors, field: str, day: date | None, after: date | None = None) -> None:
    if day is None:
        return
    if day > clock.today():
        errors.add(field, _("The date cannot be in the future."))
    elif after is not None and day < after:
        errors.add(field, _("The date cannot be before %(day)s.", day=after.isoformat()))


def _require_open(detention: Detention) -> None:
    if not detention.is_open:
        raise InvalidTransition(_("The child has been released from this detention."))


# -- opened and released with the placement ------------------------------------------------


def open_for_placement(actor: User, placement: Placement) -> Detention | None:
    """Open the detention record of a placement that deprives the child of liberty (the one
    definition, ``Placement.deprives_of_liberty``); called by ``record_placement``."""
    if not placement.deprives_of_liberty:
        return None
    detention = Detention(
        case_id=placement.case_id, placement=placement, started_on=placement.started_on
    )
    db.session.add(detention)
    record(actor, AuditAction.DETENTION_OPEN, detention, case=placement.case)
    return detention


def detention_of(placement: Placement) -> Detention | None:
    """The detention record a placement opened, if any."""
    return db.session.scalar(select(Detention).where(Detention.placement_id == placement.id))


def release_with_placement(actor: User, placement: Placement) -> None:
    """The placement that deprived the child of liberty ended: the detention ends with it
    (called by ``end_placement``)."""
    detention = detention_of(placement)
    if detention is None or not detention.is_open or placement.ended_on is None:
        return
    detention.released_on = placement.ended_on
    detention.release_reason = ReleaseReason.PLACEMENT_ENDED
    record(actor, AuditAction.DETENTION_RELEASE, detention, case=placement.case)


# -- the record ------------------------------------------------------------------------------


def record_legal_basis(
    actor: User,
    detention: Detention,
    *,
    legal_basis: str,
    ordered_by: str,
    expected_version: int | None,
) -> Detention:
    """The legal basis of the detention and the authority that ordered it (002, Rec 4)."""
    check_editable(actor, detention.case, expected_version)
    errors = Errors()
    if not _text(legal_basis):
        errors.add("legal_basis", _("State the legal basis of the detention."))
    if not _text(ordered_by):
        errors.add("ordered_by", _("Name the authority that ordered it."))
    errors.raise_if_any()
    detention.legal_basis = _text(legal_basis)
    detention.ordered_by = _text(ordered_by)
    diff = diff_of(detention)
    touch_case(detention.case)
    record(actor, AuditAction.DETENTION_BASIS, detention, case=detention.case, diff=diff)
    return detention


def record_review(
    actor: User,
    detention: Detention,
    *,
    reviewed_on: date,
    reviewed_by: str,
    outcome: ReviewOutcome,
    note: str | None = None,
    expected_version: int | None,
) -> DetentionReview:
    """A review of the detention while it lasts."""
    check_editable(actor, detention.case, expected_version)
    _require_open(detention)
    errors = Errors()
    if not _text(reviewed_by):
        errors.add("reviewed_by", _("Name who reviewed the detention."))
    _check_day(errors, "reviewed_on", reviewed_on, detention.started_on)
    errors.raise_if_any()
    review = DetentionReview(
        case_id=detention.case_id,
        detention=detention,
        reviewed_on=reviewed_on,
        reviewed_by=_text(reviewed_by),
        outcome=ReviewOutcome(outcome),
        note=_text(note),
    )
    db.session.add(review)
    diff = diff_of(review)
    touch_case(detention.case)
    record(actor, AuditAction.DETENTION_REVIEW, review, case=detention.case, diff=diff)
    return review


def lodge_challenge(
    actor: User,
    detention: Detention,
    *,
    lawyer_id: int | None,
    lodged_on: date,
    body: str,
    grounds: str | None = None,
    expected_version: int | None,
) -> DetentionChallenge:
    """A legal challenge to the detention, brought with the child's lawyer: one of the case's
    legal representatives in office (002, Rec 4; Nowak: prompt legal assistance)."""
    case = detention.case
    check_editable(actor, case, expected_version)
    _require_open(detention)
    lawyer = db.session.get(LegalRepresentative, lawyer_id) if lawyer_id else None
    errors = Errors()
    if lawyer is None or lawyer.case_id != case.id or not lawyer.active:
        errors.add(
            "lawyer_id",
            _("Choose the child's lawyer; assign free legal assistance first if there is none."),
        )
    if not _text(body):
        errors.add("body", _("Name the court or body that decides the challenge."))
    _check_day(errors, "lodged_on", lodged_on, detention.started_on)
    errors.raise_if_any()
    if any(c.outcome is ChallengeOutcome.PENDING for c in detention.challenges):
        raise ValidationFailed(_("A challenge to this detention is already pending."))
    challenge = DetentionChallenge(
        case_id=case.id,
        detention=detention,
        lawyer_id=lawyer_id,
        lodged_on=lodged_on,
        body=_text(body),
        grounds=_text(grounds),
    )
    db.session.add(challenge)
    diff = diff_of(challenge)
    touch_case(case)
    record(actor, AuditAction.DETENTION_CHALLENGE_LODGE, challenge, case=case, diff=diff)
    return challenge


def decide_challenge(
    actor: User,
    challenge: DetentionChallenge,
    *,
    outcome: ChallengeOutcome,
    decided_on: date,
    expected_version: int | None,
) -> DetentionChallenge:
    """The decision on a challenge. "Unlawful" orders the release, recorded separately
    with its date (the alert says so while the child is still held)."""
    case = challenge.case
    check_editable(actor, case, expected_version)
    if challenge.outcome is not ChallengeOutcome.PENDING:
        raise InvalidTransition(_("This challenge has already been decided."))
    outcome = ChallengeOutcome(outcome)
    errors = Errors()
    if outcome is ChallengeOutcome.PENDING:
        errors.add("outcome", _("Choose the outcome."))
    _check_day(errors, "decided_on", decided_on, challenge.lodged_on)
    errors.raise_if_any()
    challenge.outcome = outcome
    challenge.decided_on = decided_on
    diff = diff_of(challenge)
    touch_case(case)
    record(actor, AuditAction.DETENTION_CHALLENGE_DECIDE, challenge, case=case, diff=diff)
    return challenge


def release(
    actor: User,
    detention: Detention,
    *,
    released_on: date,
    release_reason: ReleaseReason,
    release_note: str | None = None,
    expected_version: int | None,
) -> Detention:
    """The child is released: the detention and the placement that deprived end that day."""
    case = detention.case
    check_editable(actor, case, expected_version)
    _require_open(detention)
    reason = ReleaseReason(release_reason)
    errors = Errors()
    _check_day(errors, "released_on", released_on, detention.started_on)
    if reason is ReleaseReason.OTHER and not _text(release_note):
        errors.add("release_note", _("Explain the release."))
    errors.raise_if_any()
    detention.released_on = released_on
    detention.release_reason = reason
    detention.release_note = _text(release_note)
    diff = diff_of(detention)
    placement = detention.placement
    if placement.ended_on is None:
        placement.ended_on = released_on
        diff["placement_ended_on"] = [None, released_on.isoformat()]
    touch_case(case)
    record(actor, AuditAction.DETENTION_RELEASE, detention, case=case, diff=diff)
    return detention


# -- alternatives to detention (000) ---------------------------------------------------------


def refer_to_alternative(
    actor: User,
    case: Case,
    *,
    programme: str,
    provider_id: int | None,
    conditions: str,
    case_manager: str,
    referred_on: date,
    expected_version: int | None,
) -> AlternativeReferral:
    """Refer the child to an alternative to detention: the programme, its provider (from the
    register), its conditions and the case manager (000: case-management-based alternatives;
    002, Rec 4: non-custodial solutions). Linked to the open detention, if any."""
    check_editable(actor, case, expected_version)
    if case.stage is Stage.CLOSED:
        raise InvalidTransition(_("The case is closed."))
    errors = Errors()
    if not _text(programme):
        errors.add("programme", _("Name the programme."))
    if provider_id is None:
        errors.add("provider_id", _("Choose the provider from the register."))
    if not _text(conditions):
        errors.add("conditions", _("State the conditions of the programme."))
    if not _text(case_manager):
        errors.add("case_manager", _("Name the case manager."))
    _check_day(errors, "referred_on", referred_on)
    errors.raise_if_any()
    from_register(provider_id)
    detention = db.session.scalar(
        select(Detention).where(Detention.case_id == case.id, Detention.released_on.is_(None))
    )
    referral = AlternativeReferral(
        case_id=case.id,
        detention_id=detention.id if detention is not None else None,
        programme=_text(programme),
        provider_id=provider_id,
        conditions=_text(conditions),
        case_manager=_text(case_manager),
        referred_on=referred_on,
        status=AlternativeStatus.REFERRED,
        status_on=referred_on,
    )
    db.session.add(referral)
    diff = diff_of(referral)
    touch_case(case)
    record(actor, AuditAction.ATD_REFER, referral, case=case, diff=diff)
    return referral


def follow_up_alternative(
    actor: User,
    referral: AlternativeReferral,
    *,
    status: AlternativeStatus,
    status_on: date,
    note: str | None = None,
    expected_version: int | None,
) -> AlternativeReferral:
    """Follow a referral: accepted, declined or ended, with the day and a note. An ended or
    declined referral is final."""
    case = referral.case
    check_editable(actor, case, expected_version)
    if not referral.is_active:
        raise InvalidTransition(_("This referral has ended."))
    status = AlternativeStatus(status)
    errors = Errors()
    if status is AlternativeStatus.REFERRED:
        errors.add("status", _("Choose what happened."))
    _check_day(errors, "status_on", status_on, referral.status_on)
    if status is AlternativeStatus.DECLINED and not _text(note):
        errors.add("note", _("Say why the programme declined."))
    errors.raise_if_any()
    referral.status = status
    referral.status_on = status_on
    referral.note = _text(note) or referral.note
    diff = diff_of(referral)
    touch_case(case)
    record(actor, AuditAction.ATD_FOLLOW_UP, referral, case=case, diff=diff)
    return referral
