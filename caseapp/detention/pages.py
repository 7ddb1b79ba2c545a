"""The detention page's content, read for ``views.page`` (the view loads the case and renders)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from caseapp.assessment.models import LegalRepresentative
from caseapp.auth.models import User
from caseapp.cases.models import Case
from caseapp.core import clock
from caseapp.core.extensions import db
from caseapp.detention import forms
from caseapp.detention.models import (
    AlternativeReferral,
    Detention,
    DetentionChallenge,
)


def page_context(case: Case, user: User) -> dict[str, Any]:
    """What the detention page shows: the case's detentions with their reviews and challenges,
    the referrals to alternatives, and the forms ``user`` may submit."""
    detentions = db.session.scalars(
        select(Detention)
        .where(Detention.case_id == case.id)
        .options(
            selectinload(Detention.placement),
            selectinload(Detention.reviews),
            selectinload(Detention.challenges).selectinload(DetentionChallenge.lawyer),
        )
        .order_by(Detention.started_on.desc())
    ).all()
    alternatives = db.session.scalars(
        select(AlternativeReferral)
        .where(AlternativeReferral.case_id == case.id)
        .options(selectinload(AlternativeReferral.provider))
        .order_by(AlternativeReferral.id)
    ).all()
    can_edit = case.can_edit(user)
    version = case.version
    held = any(d.is_open for d in detentions)
    lawyers = (
        db.session.scalars(
            select(LegalRepresentative).where(
                LegalRepresentative.case_id == case.id, LegalRepresentative.ended_on.is_(None)
            )
        ).all()
        if can_edit and held
        else []
    )
    return dict(
        case=case,
        detentions=detentions,
        alternatives=alternatives,
        today=clock.today(),
        can_edit=can_edit,
        basis_form=forms.BasisForm(formdata=None).at(version),
        review_form=forms.ReviewForm(formdata=None).at(version),
        challenge_form=forms.ChallengeForm(formdata=None).at(version).with_lawyers(lawyers),
        decide_form=forms.DecideForm(formdata=None).at(version),
        release_form=forms.ReleaseForm(formdata=None).at(version),
        alternative_form=forms.AlternativeForm(formdata=None).at(version) if can_edit else None,
        follow_up_form=forms.FollowUpForm(formdata=None).at(version),
    )
