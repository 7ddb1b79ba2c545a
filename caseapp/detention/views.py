"""The detention page of a case: detention records and alternatives to detention (issue 15)."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from caseapp.assessment.models import LegalRepresentative
from caseapp.cases.pages import load_case
from caseapp.core import web
from caseapp.core.extensions import db
from caseapp.detention import forms, pages
from caseapp.detention import operations as ops
from caseapp.detention.models import (
    AlternativeReferral,
    Detention,
    DetentionChallenge,
)

bp = Blueprint("detention", __name__, url_prefix="/cases/<int:case_id>/detention")


def _back(case_id: int) -> str:
    return url_for("detention.page", case_id=case_id)


@bp.get("/")
@login_required
def page(case_id: int):
    """Detention records (legal basis, reviews, challenges, release) and referrals to
    alternatives to detention (002, Rec 4; 000)."""
    case = load_case(case_id)
    return render_template("detention/page.html", **pages.page_context(case, current_user))


def _detention(case_id: int, detention_id: int) -> Detention:
    return web.load(Detention, detention_id, case=load_case(case_id, edit=True))


@bp.post("/<int:detention_id>/basis")
@login_required
def basis(case_id: int, detention_id: int):
    """Record the legal basis."""
    return web.submit(
        forms.BasisForm(),
        ops.record_legal_basis,
        current_user,
        _detention(case_id, detention_id),
        success=_("The legal basis is recorded."),
        next_url=_back(case_id),
    )


@bp.post("/<int:detention_id>/reviews")
@login_required
def review(case_id: int, detention_id: int):
    """Record a review."""
    return web.submit(
        forms.ReviewForm(),
        ops.record_review,
        current_user,
        _detention(case_id, detention_id),
        success=_("The review is recorded."),
        next_url=_back(case_id),
    )


@bp.post("/<int:detention_id>/challenges")
@login_required
def challenge(case_id: int, detention_id: int):
    """Lodge a legal challenge with the child's lawyer."""
    detention = _detention(case_id, detention_id)
    lawyers = db.session.scalars(
        select(LegalRepresentative).where(LegalRepresentative.case_id == detention.case_id)
    ).all()
    return web.submit(
        forms.ChallengeForm().with_lawyers(lawyers),
        ops.lodge_challenge,
        current_user,
        detention,
        success=_("The legal challenge is recorded."),
        next_url=_back(case_id),
    )


@bp.post("/challenges/<int:challenge_id>/decide")
@login_required
def decide(case_id: int, challenge_id: int):
    """Record the decision on a challenge."""
    challenge = web.load(DetentionChallenge, challenge_id, case=load_case(case_id, edit=True))
    return web.submit(
        forms.DecideForm(),
        ops.decide_challenge,
        current_user,
        challenge,
        success=_("The decision on the challenge is recorded."),
        next_url=_back(case_id),
    )


@bp.post("/<int:detention_id>/release")
@login_required
def release(case_id: int, detention_id: int):
    """Record the release."""
    return web.submit(
        forms.ReleaseForm(),
        ops.release,
        current_user,
        _detention(case_id, detention_id),
        success=_("The release is recorded."),
        next_url=_back(case_id),
    )


@bp.post("/alternatives")
@login_required
def refer(case_id: int):
    """Refer to an alternative to detention."""
    case = load_case(case_id, edit=True)
    return web.submit(
        forms.AlternativeForm(),
        ops.refer_to_alternative,
        current_user,
        case,
        success=_("The referral to the alternative to detention is recorded."),
        next_url=_back(case_id),
    )


@bp.post("/alternatives/<int:referral_id>/follow-up")
@login_required
def follow_up(case_id: int, referral_id: int):
    """Follow a referral to an alternative."""
    referral = web.load(AlternativeReferral, referral_id, case=load_case(case_id, edit=True))
    return web.submit(
        forms.FollowUpForm(),
        ops.follow_up_alternative,
        current_user,
        referral,
        success=_("The follow-up is recorded."),
        next_url=_back(case_id),
    )
