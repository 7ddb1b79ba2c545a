"""The return-safeguards page, the approve button, and the admin policy and suspension pages."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.routing import BuildError

from caseapp.cases.models import Case, Stage
from caseapp.core.errors import DomainError, GateNotSatisfied
from caseapp.core.extensions import db
from caseapp.core.permissions import Permission, load_or_404, require
from caseapp.core.views import permission_required
from caseapp.gate import forms
from caseapp.gate import operations as ops
from caseapp.gate.data import load_gate_data
from caseapp.gate.evaluation import evaluate_return_gate
from caseapp.gate.models import PolicySettings, ReturnSuspension
from caseapp.gate.policy import current_policy

bp = Blueprint("gate", __name__)


@bp.app_template_global("gate_link")
def gate_link(safeguard, case_id: int) -> str | None:
    """URL of the place to record a safeguard; the case page when that page is elsewhere."""
    if safeguard.record_at is None:
        return None
    endpoint, kwargs = safeguard.record_at
    for candidate in (endpoint, "cases.show", "cases.view", "cases.detail"):
        try:
            return url_for(candidate, **(kwargs if candidate == endpoint else {"case_id": case_id}))
        except BuildError:
            continue
    return None


@bp.app_template_global("gate_word")
def gate_word(value) -> str:
    """The reader's word for a stored value (never the enum value itself; issue 9, p. 9)."""
    from caseapp.gate.safeguards.common import label

    return label(value)


def panel_context(case: Case, user, today: date | None = None) -> dict:
    """Everything ``templates/gate/_panel.html`` needs (the integrator includes it on the
    case page with ``{% with %}`` of this dict)."""
    today = today or date.today()
    data = load_gate_data(case)
    gate = evaluate_return_gate(case, today=today, policy=current_policy(), data=data)
    blocker = None
    if not user.can(Permission.RETURN_APPROVE) or user.agency_id != case.lead_agency_id:
        show = False
    else:
        show = case.stage is Stage.RETURN_PREPARATION
        if data.bid is not None and data.bid.author_id == user.id:
            blocker = _("You wrote the determination: another supervisor must approve (four eyes).")
        elif not gate.all_met:
            blocker = _("Safeguards not met: %(ids)s.", ids=", ".join(gate.unmet_ids))
    form = forms.ApproveReturnForm(version=case.version)
    return {
        "gate": gate,
        "case": case,
        "approve_form": form,
        "show_approve": show,
        "blocker": blocker,
    }


@bp.route("/cases/<int:case_id>/safeguards")
@login_required
def safeguards(case_id: int):
    """The return safeguards S1-S18 with evidence and sources (DESIGN.md section 4)."""
    from caseapp.alerts.rules import alerts_for

    case = load_or_404(Case, case_id, current_user)
    return render_template(
        "gate/safeguards.html", alerts=alerts_for(case), **panel_context(case, current_user)
    )


@bp.post("/cases/<int:case_id>/return/approve")
@login_required
def approve(case_id: int):
    """Approve the return through the gate; a refusal by the gate is audited."""
    case = load_or_404(Case, case_id, current_user)
    require(current_user.can(Permission.RETURN_APPROVE))
    form = forms.ApproveReturnForm()
    if not form.validate_on_submit() or not form.version.data.isdigit():
        abort(400)
    try:
        ops.approve_return(current_user, case, expected_version=int(form.version.data))
    except GateNotSatisfied as err:
        ops.refuse_and_record(current_user, case, err.details)
        flash(err.message, "error")
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "error")
    else:
        db.session.commit()
        flash(_("The return is approved."), "success")
    return redirect(url_for("gate.safeguards", case_id=case_id))


# -- admin: policy and suspensions (POLICY_MANAGE) ------------------------------------------


@bp.route("/admin/policy", methods=["GET", "POST"])
@login_required
@permission_required(Permission.POLICY_MANAGE)
def policy():
    """Edit the policy: each change is a new, audited version."""
    current = current_policy()
    form = forms.PolicyForm(obj=current)
    if not form.is_submitted():
        form.monitoring_schedule.data = ", ".join(
            str(m) for m in current.monitoring_schedule_months
        )
    if form.validate_on_submit():
        months = [int(x) for x in form.monitoring_schedule.data.replace(" ", "").split(",") if x]
        try:
            ops.change_policy(
                current_user,
                appeal_period_days=form.appeal_period_days.data,
                hearing_max_age_days=form.hearing_max_age_days.data,
                monitoring_schedule_months=months,
                bid_time_limit_days=form.bid_time_limit_days.data,
                central_approval_valid_days=form.central_approval_valid_days.data,
                confirmation_valid_days=form.confirmation_valid_days.data,
                guarantee_valid_days=form.guarantee_valid_days.data,
                first_visit_within_days=form.first_visit_within_days.data,
            )
        except DomainError as err:
            db.session.rollback()
            flash(err.message, "error")
        else:
            db.session.commit()
            flash(_("A new policy version is in force."), "success")
            return redirect(url_for("gate.policy"))
    versions = db.session.scalars(
        select(PolicySettings).order_by(PolicySettings.version.desc())
    ).all()
    return render_template("gate/policy.html", form=form, current=current, versions=versions)


@bp.route("/admin/suspensions", methods=["GET", "POST"])
@login_required
@permission_required(Permission.POLICY_MANAGE)
def suspensions():
    """The register of suspended returns (002, Day 1 plenary: crisis provisions)."""
    form = forms.SuspensionForm()
    if form.validate_on_submit():
        try:
            ops.add_suspension(
                current_user,
                country=form.country.data,
                reason=form.reason.data,
                suspended_from=form.suspended_from.data,
            )
        except DomainError as err:
            db.session.rollback()
            flash(err.message, "error")
        else:
            db.session.commit()
            flash(_("Returns are suspended."), "success")
            return redirect(url_for("gate.suspensions"))
    rows = db.session.scalars(
        select(ReturnSuspension).order_by(ReturnSuspension.suspended_from.desc())
    ).all()
    return render_template(
        "gate/suspensions.html", form=form, rows=rows, lift=forms.LiftForm(), today=date.today()
    )


@bp.post("/admin/suspensions/<int:suspension_id>/lift")
@login_required
@permission_required(Permission.POLICY_MANAGE)
def lift(suspension_id: int):
    """Lift a suspension."""
    suspension = db.session.get(ReturnSuspension, suspension_id) or abort(404)
    form = forms.LiftForm()
    if form.validate_on_submit():
        try:
            ops.lift_suspension(current_user, suspension, lifted_on=form.lifted_on.data)
        except DomainError as err:
            db.session.rollback()
            flash(err.message, "error")
        else:
            db.session.commit()
            flash(_("The suspension is lifted."), "success")
    else:
        flash(_("Give the date the suspension is lifted."), "error")
    return redirect(url_for("gate.suspensions"))
