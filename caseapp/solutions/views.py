"""The solution page: /cases/<id>/solution (plan, checklist, implemented; 002, Rec 2)."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from caseapp.cases.models import Outcome
from caseapp.cases.pages import case_context, load_case
from caseapp.core import clock, web
from caseapp.solutions import forms as f
from caseapp.solutions import operations as ops

bp = Blueprint("solutions", __name__, url_prefix="/cases")


def render_page(case, plan_form=None, implemented_form=None, errors=None):
    """The plan of the decided solution and its checklist today."""
    plan = ops.plan_of(case)
    if plan_form is None:
        plan_form = f.PlanForm(prefix="plan", formdata=None, obj=plan).at(case.version)
    if implemented_form is None:
        implemented_form = f.ImplementedForm(prefix="implemented", formdata=None).at(case.version)
    items = ops.evaluate_plan(plan, today=clock.today()) if plan is not None else []
    stays = case.outcome is not None and case.outcome is not Outcome.THIRD_COUNTRY
    return render_template(
        "solutions/page.html",
        **case_context(case),
        plan=plan,
        items=items,
        all_met=bool(items) and all(i.met for i in items),
        plan_form=plan_form,
        implemented_form=implemented_form,
        plan_fields=f.STAY_FIELDS if stays else f.THIRD_COUNTRY_FIELDS,
        may_plan=case.can_edit(current_user)
        and case.in_implementation
        and not (plan is not None and plan.is_implemented),
        errors=errors or {},
    )


@bp.get("/<int:case_id>/solution")
@login_required
def page(case_id: int):
    """The durable solution's plan and checklist."""
    return render_page(load_case(case_id))


@bp.post("/<int:case_id>/solution/plan")
@login_required
def save_plan(case_id: int):
    """Save the plan."""
    case = load_case(case_id, edit=True)
    form = f.PlanForm(prefix="plan")
    return web.submit(
        form,
        ops.save_plan,
        current_user,
        case,
        success=_("The plan is saved."),
        next_url=url_for("solutions.page", case_id=case.id),
        render=lambda error: render_page(case, plan_form=form, errors={"plan": error}),
    )


@bp.post("/<int:case_id>/solution/implemented")
@login_required
def implemented(case_id: int):
    """Record the solution as implemented (only when the checklist is met)."""
    case = load_case(case_id, edit=True)
    form = f.ImplementedForm(prefix="implemented")
    return web.submit(
        form,
        ops.record_implemented,
        current_user,
        case,
        success=_("The solution is recorded as implemented; follow-up visits are scheduled."),
        next_url=url_for("solutions.page", case_id=case.id),
        render=lambda error: render_page(
            case, implemented_form=form, errors={"implemented": error}
        ),
    )
