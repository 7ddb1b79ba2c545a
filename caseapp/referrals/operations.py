"""Referring child victims and recording the outcome: one function per change (issue 15).

Sources: 002, Rec 3 (special protection and assistance) and Rec 4 (child-sensitive
identification and referral procedures); 004 (hate crime against migrants: recording,
reporting and victim support "regardless of migrant status").
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from caseapp.agencies.register import from_register
from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import diff_of, record
from caseapp.auth.models import User
from caseapp.cases.models import Case, Stage
from caseapp.cases.versioning import check_editable, touch_case
from caseapp.children.validation import Errors
from caseapp.core import clock
from caseapp.core.errors import InvalidTransition
from caseapp.core.extensions import db
from caseapp.referrals.models import INDICATOR_OF, ReferralKind, ReferralOutcome, VictimReferral


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def refer_victim(
    actor: User,
    case: Case,
    *,
    kind: ReferralKind,
    referred_on: date,
    agency_id: int | None,
    reference: str | None = None,
    note: str | None = None,
    expected_version: int | None,
) -> VictimReferral:
    """Refer the child to the receiving body (an agency of the register): the national
    referral mechanism for trafficking, the police or prosecutor for a hate-crime report, a
    victim-support service. Needs the matching indicator on the child's record, so that the
    record and the referral tell one story."""
    check_editable(actor, case, expected_version)
    if case.stage is Stage.CLOSED:
        raise InvalidTransition(_("The case is closed."))
    kind = ReferralKind(kind)
    errors = Errors()
    if not getattr(case.child, INDICATOR_OF[kind]):
        errors.add(
            "kind",
            _("Record the indicators on the child's record first (trafficking or hate crime)."),
        )
    if agency_id is None:
        errors.add("agency_id", _("Choose the receiving body from the register."))
    if referred_on is not None and referred_on > clock.today():
        errors.add("referred_on", _("The date cannot be in the future."))
    errors.raise_if_any()
    from_register(agency_id)
    referral = VictimReferral(
        case_id=case.id,
        kind=kind,
        referred_on=referred_on,
        agency_id=agency_id,
        reference=_text(reference),
        note=_text(note),
        outcome=ReferralOutcome.PENDING,
    )
    db.session.add(referral)
    diff = diff_of(referral)
    touch_case(case)
    record(actor, AuditAction.VICTIM_REFER, referral, case=case, diff=diff)
    return referral


def record_outcome(
    actor: User,
    referral: VictimReferral,
    *,
    outcome: ReferralOutcome,
    outcome_on: date,
    note: str | None = None,
    expected_version: int | None,
) -> VictimReferral:
    """The receiving body's answer, with its date."""
    case = referral.case
    check_editable(actor, case, expected_version)
    if referral.outcome is not ReferralOutcome.PENDING:
        raise InvalidTransition(_("The outcome of this referral is already recorded."))
    outcome = ReferralOutcome(outcome)
    errors = Errors()
    if outcome is ReferralOutcome.PENDING:
        errors.add("outcome", _("Choose the outcome."))
    if outcome_on is not None:
        if outcome_on > clock.today():
            errors.add("outcome_on", _("The date cannot be in the future."))
        elif outcome_on < referral.referred_on:
            errors.add("outcome_on", _("The outcome cannot precede the referral."))
    errors.raise_if_any()
    referral.outcome = outcome
    referral.outcome_on = outcome_on
    referral.note = _text(note) or referral.note
    diff = diff_of(referral)
    touch_case(case)
    record(actor, AuditAction.VICTIM_OUTCOME, referral, case=case, diff=diff)
    return referral
