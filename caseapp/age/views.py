"""The age page of a case: assessments, challenges and the transition plan (issue 15)."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from caseapp.age import forms, pages
from caseapp.age import operations as ops
from caseapp.age.models import AgeAssessment, AgeChallenge
from caseapp.cases.pages import load_case
from caseapp.core import web

bp = Blueprint("age", __name__, url_prefix="/cases/<int:case_id>/age")


def _back(case_id: int) -> str:
    return url_for("age.page", case_id=case_id)


@bp.get("/")
@login_required
def page(case_id: int):
    """The age procedure: each assessment with its methods, result and challenges; the
    presumption of minority; the 18th birthday and the transition plan."""
    case = load_case(case_id)
    return render_template("age/page.html", **pages.page_context(case, current_user))


@bp.post("/assessments")
@login_required
def open_assessment(case_id: int):
    """Open an age assessment (the age becomes disputed: presumed a minor)."""
    case = load_case(case_id, edit=True)
    return web.submit(
        forms.OpenAssessmentForm(),
        ops.open_age_assessment,
        current_user,
        case,
        success=_("The age assessment is open; the child is presumed a minor meanwhile."),
        next_url=_back(case_id),
    )


def _assessment(case_id: int, assessment_id: int) -> AgeAssessment:
    case = load_case(case_id, edit=True)
    return web.load(AgeAssessment, assessment_id, case=case)


@bp.post("/assessments/<int:assessment_id>/methods")
@login_required
def methods(case_id: int, assessment_id: int):
    """Record who assessed and the methods used."""
    assessment = _assessment(case_id, assessment_id)
    return web.submit(
        forms.MethodsForm(),
        ops.record_age_methods,
        current_user,
        assessment,
        success=_("The methods are saved."),
        next_url=_back(case_id),
    )


@bp.post("/assessments/<int:assessment_id>/conclude")
@login_required
def conclude(case_id: int, assessment_id: int):
    """Conclude with the result."""
    assessment = _assessment(case_id, assessment_id)
    return web.submit(
        forms.ConcludeForm(),
        ops.conclude_age_assessment,
        current_user,
        assessment,
        success=_("The age assessment is concluded; the child's record takes its result."),
        next_url=_back(case_id),
    )


@bp.post("/assessments/<int:assessment_id>/challenge")
@login_required
def challenge(case_id: int, assessment_id: int):
    """Lodge a challenge to a concluded assessment."""
    assessment = _assessment(case_id, assessment_id)
    return web.submit(
        forms.ChallengeForm(),
        ops.lodge_age_challenge,
        current_user,
        assessment,
        success=_("The challenge is recorded; the child is presumed a minor until it is decided."),
        next_url=_back(case_id),
    )


@bp.post("/challenges/<int:challenge_id>/decide")
@login_required
def decide(case_id: int, challenge_id: int):
    """Record the decision on a challenge."""
    case = load_case(case_id, edit=True)
    challenge = web.load(AgeChallenge, challenge_id, case=case)
    return web.submit(
        forms.DecideChallengeForm(),
        ops.decide_age_challenge,
        current_user,
        challenge,
        success=_("The decision on the challenge is recorded."),
        next_url=_back(case_id),
    )


@bp.post("/transition-plan")
@login_required
def transition_plan(case_id: int):
    """Record the transition plan for leaving the child procedure at 18."""
    case = load_case(case_id, edit=True)
    return web.submit(
        forms.TransitionPlanForm(),
        ops.record_transition_plan,
        current_user,
        case,
        success=_("The transition plan is recorded."),
        next_url=_back(case_id),
    )
