"""The referrals page of a case: child victims referred and the outcomes (issue 15)."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from caseapp.cases.pages import load_case
from caseapp.core import web
from caseapp.referrals import forms, pages
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
    case = load_case(case_id)
    return render_template("referrals/page.html", **pages.page_context(case, current_user))


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
