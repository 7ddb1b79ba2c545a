"""The referrals page's content, read for ``views.page`` (the view loads the case and renders)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from caseapp.alerts.rules import missing_victim_referrals
from caseapp.auth.models import User
from caseapp.cases.models import Case
from caseapp.core import clock
from caseapp.core.extensions import db
from caseapp.gate.policy import current_policy
from caseapp.referrals import forms
from caseapp.referrals.models import VictimReferral


def page_context(case: Case, user: User) -> dict[str, Any]:
    """What the referrals page shows: the referrals made, those still due, and the forms
    ``user`` may submit."""
    from caseapp.alerts.data import AlertData

    referrals = db.session.scalars(
        select(VictimReferral)
        .where(VictimReferral.case_id == case.id)
        .options(selectinload(VictimReferral.agency))
        .order_by(VictimReferral.referred_on, VictimReferral.id)
    ).all()
    today = clock.today()
    policy = current_policy()
    overdue = missing_victim_referrals(
        AlertData(case=case, victim_referrals=list(referrals)), today, policy
    )
    can_edit = case.can_edit(user)
    return dict(
        case=case,
        child=case.child,
        referrals=referrals,
        overdue=overdue,
        policy=policy,
        today=today,
        can_edit=can_edit,
        form=forms.ReferralForm(formdata=None).at(case.version) if can_edit else None,
        outcome_form=forms.OutcomeForm(formdata=None).at(case.version),
    )
