"""The age page's content, read for ``views.page`` (the view loads the case and renders)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from caseapp.age import forms
from caseapp.age.models import AgeAssessment, TransitionPlan, eighteenth_birthday
from caseapp.auth.models import User
from caseapp.cases.models import Case
from caseapp.core import clock
from caseapp.core.extensions import db


def page_context(case: Case, user: User) -> dict[str, Any]:
    """What the age page shows: each assessment with its challenges, the transition plans, the
    18th birthday, and the forms ``user`` may submit."""
    assessments = db.session.scalars(
        select(AgeAssessment)
        .where(AgeAssessment.case_id == case.id)
        .options(
            selectinload(AgeAssessment.challenges), selectinload(AgeAssessment.assessor_agency)
        )
        .order_by(AgeAssessment.id)
    ).all()
    plans = db.session.scalars(
        select(TransitionPlan).where(TransitionPlan.case_id == case.id).order_by(TransitionPlan.id)
    ).all()
    can_edit = case.can_edit(user)
    current = next((a for a in assessments if a.is_open), None)
    version = case.version
    return dict(
        case=case,
        child=case.child,
        assessments=assessments,
        plans=plans,
        current=current,
        birthday=eighteenth_birthday(case.child) if case.child else None,
        today=clock.today(),
        can_edit=can_edit,
        open_form=forms.OpenAssessmentForm(formdata=None).at(version)
        if can_edit and current is None
        else None,
        methods_form=forms.MethodsForm(formdata=None, obj=current).at(version)
        if can_edit and current is not None
        else None,
        conclude_form=forms.ConcludeForm(formdata=None).at(version),
        challenge_form=forms.ChallengeForm(formdata=None).at(version),
        decide_form=forms.DecideChallengeForm(formdata=None).at(version),
        plan_form=forms.TransitionPlanForm(formdata=None).at(version),
    )
