"""The referrals page of a case: child victims referred and the outcomes (issue 15)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from caseapp.alerts.rules import missing_victim_referrals
from caseapp.cases.pages import load_case
from caseapp.core import web
from caseapp.core.extensions import db
from caseapp.gate.policy import current_policy
from caseapp.referrals import forms
from caseapp.referrals import operations as ops
from caseapp.referrals.models import VictimReferral

bp = Blueprint("referrals", __name__, url_prefix="/cases/<int:case_id>/referrals")


def _back(case_id: int) -> str:
    return url_for("referrals.page", case_id=case_id)


@bp.get("/")
@login_required
def page(case_id: int):
    """Referrals to the national referral mechanism, hate-crime reports and victim support,
    with what is still due (002, Rec 3 and Rec 4; 004)."""
    from caseapp.alerts.data import AlertData

    case = load_case(case_id)
    referrals = db.session.scalars(
        select(VictimReferral)
        .where(VictimReferral.case_id == case.id)
        .options(selectinload(VictimReferral.agency))
        .order_by(VictimReferral.referred_on, VictimReferral.id)
    ).all()
    today = date.today()
    policy = current_policy()
    overdue = missing_victim_referrals(
        AlertData(case=case, victim_referrals=list(referrals)), today, policy
    )
    can_edit = case.can_edit(current_user)
    return render_template(
        "referrals/page.html",
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


@bp.post("/")
@login_required
def refer(case_id: int):
    """Refer the child to a receiving body."""
    case = load_case(case_id, edit=True)
    return web.submit(
        forms.ReferralForm(),
        ops.refer_victim,
        current_user,
        case,
        success=_("The referral is recorded."),
        next_url=_back(case_id),
    )


@bp.post("/<int:referral_id>/outcome")
@login_required
def outcome(case_id: int, referral_id: int):
    """Record the outcome of a referral."""
    referral = web.load(VictimReferral, referral_id, case=load_case(case_id, edit=True))
    return web.submit(
        forms.OutcomeForm(),
        ops.record_outcome,
        current_user,
        referral,
        success=_("The outcome is recorded."),
        next_url=_back(case_id),
    )
