"""Age assessment, challenges and transition planning: one function per change (issue 15).

Sources: 002, Rec 1 (the guiding principles: non-discrimination, best interests, the right
to be heard and to legal remedies) and Judge Winter (Day 1: "the definition of a child as
anyone under 18"); the benefit of the doubt while the age is uncertain or disputed.

Each operation checks the user may edit the case and the version they loaded, bumps the
version and writes one audit entry in the same transaction; nothing here commits.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from caseapp.age.models import (
    MAX_MARGIN_YEARS,
    AgeAssessment,
    AgeChallenge,
    AssessmentStatus,
    ChallengeOutcome,
    Challenger,
    TransitionPathway,
    TransitionPlan,
)
from caseapp.agencies.register import from_register
from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import diff_of, record
from caseapp.auth.models import User
from caseapp.cases.models import Case, Stage
from caseapp.cases.versioning import check_editable, touch_case
from caseapp.children.models import AgeMethod, Child
from caseapp.children.validation import EARLIEST, MAX_AGE, Errors
from caseapp.core import clock
from caseapp.core.errors import InvalidTransition, ValidationFailed
from caseapp.core.extensions import db


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _not_future(errors: Errors, field: str, day: date | None) -> None:
    if day is not None and day > clock.today():
        errors.add(field, _("The date cannot be in the future."))


def _require_open_case(case: Case) -> None:
    if case.stage is Stage.CLOSED:
        raise InvalidTransition(_("The case is closed."))


def refresh_dispute(case: Case) -> bool:
    """Set ``Child.age_disputed`` from the records: an assessment open, a challenge pending,
    or the latest assessment set aside with none concluded after it. Returns the value."""
    assessments = list(
        db.session.scalars(
            select(AgeAssessment).where(AgeAssessment.case_id == case.id).order_by(AgeAssessment.id)
        )
    )
    disputed = bool(assessments) and (
        any(a.is_open or a.pending_challenge is not None for a in assessments)
        or assessments[-1].status is AssessmentStatus.SET_ASIDE
    )
    case.child.age_disputed = disputed
    return disputed


def open_age_assessment(
    actor: User,
    case: Case,
    *,
    reason: str,
    opened_on: date,
    assessor_name: str,
    assessor_agency_id: int | None = None,
    expected_version: int | None,
) -> AgeAssessment:
    """Open an age assessment. While it is open the age is disputed and the child presumed
    a minor (benefit of the doubt; 002, Rec 1)."""
    check_editable(actor, case, expected_version)
    _require_open_case(case)
    errors = Errors()
    if not _text(reason):
        errors.add("reason", _("Say why the age is being assessed."))
    if not _text(assessor_name):
        errors.add("assessor_name", _("Name who carries out the assessment."))
    _not_future(errors, "opened_on", opened_on)
    errors.raise_if_any()
    if db.session.scalar(
        select(AgeAssessment.id).where(
            AgeAssessment.case_id == case.id, AgeAssessment.status == AssessmentStatus.OPEN
        )
    ):
        raise ValidationFailed(_("An age assessment is already open on this case."))
    from_register(assessor_agency_id)
    assessment = AgeAssessment(
        case_id=case.id,
        reason=_text(reason),
        opened_on=opened_on,
        assessor_name=_text(assessor_name),
        assessor_agency_id=assessor_agency_id,
        created_by_id=actor.id,
    )
    db.session.add(assessment)
    case.child.age_disputed = True
    diff = {**diff_of(assessment), "age_disputed": [None, True]}
    touch_case(case)
    record(actor, AuditAction.AGE_ASSESSMENT_OPEN, assessment, case=case, diff=diff)
    return assessment


def record_age_methods(
    actor: User,
    assessment: AgeAssessment,
    *,
    assessor_name: str,
    assessor_agency_id: int | None = None,
    documents_examined: bool,
    documents_note: str | None = None,
    interview_on: date | None = None,
    interview_note: str | None = None,
    medical_examination: bool = False,
    medical_consent_on: date | None = None,
    medical_reason: str | None = None,
    expected_version: int | None,
) -> AgeAssessment:
    """Record the methods used. Documents come first, then an interview; a medical
    examination only as a last resort — after both, with the reason they did not settle the
    age — and only with the consent of the child (and guardian) on record (issue 15)."""
    case = assessment.case
    check_editable(actor, case, expected_version)
    if not assessment.is_open:
        raise InvalidTransition(_("This age assessment is no longer open."))
    errors = Errors()
    if not _text(assessor_name):
        errors.add("assessor_name", _("Name who carries out the assessment."))
    _not_future(errors, "interview_on", interview_on)
    _not_future(errors, "medical_consent_on", medical_consent_on)
    if interview_on is not None and interview_on < assessment.opened_on:
        errors.add("interview_on", _("The interview cannot be before the assessment opened."))
    if medical_examination:
        if not documents_examined or interview_on is None:
            errors.add(
                "medical_examination",
                _(
                    "A medical examination is a last resort: examine the documents and hold "
                    "an interview first."
                ),
            )
        if medical_consent_on is None:
            errors.add(
                "medical_consent_on",
                _("A medical examination needs the consent of the child and the guardian."),
            )
        if not _text(medical_reason):
            errors.add(
                "medical_reason",
                _("Say why the documents and the interview did not settle the age."),
            )
    errors.raise_if_any()
    from_register(assessor_agency_id)
    assessment.assessor_name = _text(assessor_name)
    assessment.assessor_agency_id = assessor_agency_id
    assessment.documents_examined = bool(documents_examined)
    assessment.documents_note = _text(documents_note)
    assessment.interview_on = interview_on
    assessment.interview_note = _text(interview_note)
    assessment.medical_examination = bool(medical_examination)
    assessment.medical_consent_on = medical_consent_on if medical_examination else None
    assessment.medical_reason = _text(medical_reason) if medical_examination else None
    diff = diff_of(assessment)
    touch_case(case)
    record(actor, AuditAction.AGE_ASSESSMENT_METHODS, assessment, case=case, diff=diff)
    return assessment


def _method_of(assessment: AgeAssessment) -> AgeMethod:
    if assessment.result_date_of_birth is not None:
        return AgeMethod.DOCUMENT
    if assessment.medical_examination:
        return AgeMethod.MEDICAL
    if assessment.documents_examined and assessment.interview_on is not None:
        return AgeMethod.MULTIDISCIPLINARY
    return AgeMethod.PSYCHOSOCIAL


def conclude_age_assessment(
    actor: User,
    assessment: AgeAssessment,
    *,
    concluded_on: date,
    result_date_of_birth: date | None = None,
    result_min: int | None = None,
    result_max: int | None = None,
    margin_years: int | None = 0,
    expected_version: int | None,
) -> AgeAssessment:
    """Conclude with a result: a date of birth established by examined documents, or an
    age range with its margin of error. The child's record takes the result — a range
    widened by the margin, anchored at the day of conclusion, its lowest age counting
    (benefit of the doubt) — and the dispute ends unless a challenge is pending."""
    case = assessment.case
    check_editable(actor, case, expected_version)
    if not assessment.is_open:
        raise InvalidTransition(_("This age assessment is no longer open."))
    margin = margin_years or 0
    errors = Errors()
    _not_future(errors, "concluded_on", concluded_on)
    if concluded_on is not None and concluded_on < assessment.opened_on:
        errors.add("concluded_on", _("The assessment cannot conclude before it opened."))
    if not assessment.assessor_name or (
        not assessment.documents_examined and assessment.interview_on is None
    ):
        errors.add("concluded_on", _("Record who assessed and the methods used first."))
    if result_date_of_birth is not None:
        if not assessment.documents_examined:
            errors.add(
                "result_date_of_birth",
                _("A date of birth is established only from documents examined."),
            )
        if result_date_of_birth > clock.today() or result_date_of_birth < EARLIEST:
            errors.add("result_date_of_birth", _("Check the date of birth."))
        if result_min is not None or result_max is not None:
            errors.add("result_min", _("Give either a date of birth or an age range, not both."))
    else:
        if result_min is None or result_max is None:
            errors.add("result_min", _("Give the age range the assessment found."))
        elif not (0 <= result_min <= result_max <= MAX_AGE):
            errors.add("result_max", _("Enter an ordered range between 0 and %(n)d.", n=MAX_AGE))
    if not 0 <= margin <= MAX_MARGIN_YEARS:
        errors.add(
            "margin_years", _("The margin is between 0 and %(n)d years.", n=MAX_MARGIN_YEARS)
        )
    errors.raise_if_any()
    assessment.result_date_of_birth = result_date_of_birth
    assessment.result_min, assessment.result_max = result_min, result_max
    assessment.margin_years = margin if result_date_of_birth is None else 0
    assessment.concluded_on = concluded_on
    assessment.status = AssessmentStatus.CONCLUDED
    diff: dict[str, Any] = dict(diff_of(assessment))
    child = case.child
    _apply_result(child, assessment)
    child_diff = dict(diff_of(child))  # before the query below flushes the change
    before = child.age_disputed
    refresh_dispute(case)
    if child.age_disputed != before:
        child_diff["age_disputed"] = [before, child.age_disputed]
    diff["child"] = child_diff
    touch_case(case)
    record(actor, AuditAction.AGE_ASSESSMENT_CONCLUDE, assessment, case=case, diff=diff)
    return assessment


def _apply_result(child: Child, assessment: AgeAssessment) -> None:
    """The child's record takes the assessment's result (the date of birth it replaces is
    kept in the audit entry's diff)."""
    child.age_method = _method_of(assessment)
    if assessment.result_date_of_birth is not None:
        child.date_of_birth = assessment.result_date_of_birth
        child.age_min = child.age_max = None
        child.age_assessed_on = None
        return
    low, high = assessment.presumed_range or (None, None)
    child.date_of_birth = None
    child.age_min, child.age_max = low, high
    child.age_assessed_on = assessment.concluded_on


def lodge_age_challenge(
    actor: User,
    assessment: AgeAssessment,
    *,
    lodged_on: date,
    lodged_by: Challenger,
    body: str,
    grounds: str | None = None,
    expected_version: int | None,
) -> AgeChallenge:
    """Challenge a concluded assessment (002, Rec 1: access to legal remedies). While the
    challenge is pending the age is disputed and the child presumed a minor."""
    case = assessment.case
    check_editable(actor, case, expected_version)
    _require_open_case(case)
    if assessment.status is not AssessmentStatus.CONCLUDED:
        raise InvalidTransition(_("Only a concluded age assessment can be challenged."))
    if assessment.pending_challenge is not None:
        raise ValidationFailed(_("A challenge to this assessment is already pending."))
    errors = Errors()
    if not _text(body):
        errors.add("body", _("Name the body that decides the challenge."))
    _not_future(errors, "lodged_on", lodged_on)
    if lodged_on is not None and assessment.concluded_on and lodged_on < assessment.concluded_on:
        errors.add("lodged_on", _("A challenge cannot precede the assessment's conclusion."))
    errors.raise_if_any()
    challenge = AgeChallenge(
        case_id=case.id,
        assessment=assessment,
        lodged_on=lodged_on,
        lodged_by=Challenger(lodged_by),
        body=_text(body),
        grounds=_text(grounds),
    )
    db.session.add(challenge)
    diff = diff_of(challenge)
    db.session.flush()
    refresh_dispute(case)
    diff["age_disputed"] = [None, case.child.age_disputed]
    touch_case(case)
    record(actor, AuditAction.AGE_CHALLENGE_LODGE, challenge, case=case, diff=diff)
    return challenge


def decide_age_challenge(
    actor: User,
    challenge: AgeChallenge,
    *,
    outcome: ChallengeOutcome,
    decided_on: date,
    expected_version: int | None,
) -> AgeChallenge:
    """Record the decision on a challenge. Upheld: the assessment is set aside and the age
    stays disputed (presumed a minor) until a new assessment concludes. Rejected: the
    assessment stands and the dispute ends."""
    case = challenge.case
    check_editable(actor, case, expected_version)
    if challenge.outcome is not ChallengeOutcome.PENDING:
        raise InvalidTransition(_("This challenge has already been decided."))
    outcome = ChallengeOutcome(outcome)
    if outcome is ChallengeOutcome.PENDING:
        raise ValidationFailed(
            _("Choose the outcome."), details={"outcome": [_("Choose the outcome.")]}
        )
    errors = Errors()
    _not_future(errors, "decided_on", decided_on)
    if decided_on is not None and decided_on < challenge.lodged_on:
        errors.add("decided_on", _("The decision cannot precede the challenge."))
    errors.raise_if_any()
    challenge.outcome = outcome
    challenge.decided_on = decided_on
    diff = diff_of(challenge)
    if outcome is ChallengeOutcome.UPHELD:
        challenge.assessment.status = AssessmentStatus.SET_ASIDE
        diff["assessment_status"] = [AssessmentStatus.CONCLUDED.value, "set_aside"]
    db.session.flush()
    refresh_dispute(case)
    diff["age_disputed"] = [None, case.child.age_disputed]
    touch_case(case)
    record(actor, AuditAction.AGE_CHALLENGE_DECIDE, challenge, case=case, diff=diff)
    return challenge


def record_transition_plan(
    actor: User,
    case: Case,
    *,
    pathway: TransitionPathway,
    accommodation: str,
    support: str,
    informed_on: date,
    expected_version: int | None,
) -> TransitionPlan:
    """The plan for leaving the child procedure at 18: where the young person goes next, where
    they live, the support that continues, and when they were told (transition planning;
    issue 15). A case closes as "the child turned 18" only with a plan on record."""
    check_editable(actor, case, expected_version)
    _require_open_case(case)
    errors = Errors()
    if not _text(accommodation):
        errors.add("accommodation", _("Say where the young person will live."))
    if not _text(support):
        errors.add("support", _("Say what support continues after 18."))
    _not_future(errors, "informed_on", informed_on)
    errors.raise_if_any()
    plan = TransitionPlan(
        case_id=case.id,
        pathway=TransitionPathway(pathway),
        accommodation=_text(accommodation),
        support=_text(support),
        informed_on=informed_on,
        recorded_by_id=actor.id,
    )
    db.session.add(plan)
    diff = diff_of(plan)
    touch_case(case)
    record(actor, AuditAction.TRANSITION_PLAN_RECORD, plan, case=case, diff=diff)
    return plan


def has_transition_plan(case: Case) -> bool:
    """Whether a transition plan is on record for the case."""
    return (
        db.session.scalar(
            select(TransitionPlan.id).where(TransitionPlan.case_id == case.id).limit(1)
        )
        is not None
    )


def open_disputed(actor: User, case: Case, *, reason: str | None, today: date) -> AgeAssessment:
    """The "age disputed" path at case opening: the records say 18 or over, the person says
    they are a child. An age assessment opens at once and the child is presumed a minor
    until it concludes (issue 15; 002, Rec 1). Audited within the case opening's entry."""
    assessment = AgeAssessment(
        case=case,
        reason=_text(reason) or "",
        opened_on=today,
        created_by_id=actor.id,
    )
    db.session.add(assessment)
    case.child.age_disputed = True
    return assessment
