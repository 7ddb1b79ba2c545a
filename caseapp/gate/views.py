"""The return-safeguards page, the approve button, and the admin policy and suspension pages."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from caseapp.cases.models import Case, Stage
from caseapp.core import clock, web
from caseapp.core.confirm import confirm_then_submit
from caseapp.core.extensions import db
from caseapp.core.permissions import Permission
from caseapp.core.views import permission_required
from caseapp.determination.models import writers_of
from caseapp.gate import forms
from caseapp.gate import operations as ops
from caseapp.gate.evaluation import evaluate_return_gate
from caseapp.gate.models import PolicySettings, ReturnSuspension
from caseapp.gate.policy import current_policy

bp = Blueprint("gate", __name__)


@bp.app_template_global("gate_link")
def gate_link(safeguard, case_id: int) -> str | None:
    """URL of the place to record a safeguard."""
    if safeguard.record_at is None:
        return None
    endpoint, kwargs = safeguard.record_at
    return url_for(endpoint, **kwargs)


@bp.app_template_global("gate_word")
def gate_word(value) -> str:
    """The reader's word for a stored value (never the enum value itself; issue 9, p. 9)."""
    from caseapp.gate.safeguards.common import label

    return label(value)


def panel_context(case: Case, user, today: date | None = None, records=None) -> dict:
    """Everything ``templates/gate/_panel.html`` needs (the integrator includes it on the
    case page with ``{% with %}`` of this dict). ``records``: the page's
    ``load_case_records(case)``, when it has loaded them already."""
    from caseapp.alerts.data import load_case_records

    today = today or clock.today()
    records = records or load_case_records(case)
    data = records.gate
    gate = evaluate_return_gate(case, today=today, policy=records.policy, data=data)
    show = case.may_approve_returns(user) and case.stage is Stage.RETURN_PREPARATION
    blocker = None
    own_work = case.own_work_in_return(user, writers_of(data.bid), data.preparers) if show else None
    if own_work is not None:
        blocker = own_work
    elif show and not gate.all_met:
        blocker = _("Safeguards not met: %(ids)s.", ids=", ".join(gate.unmet_ids))
    return {
        "gate": gate,
        "case": case,
        "approve_form": forms.ApproveReturnForm(formdata=None).at(case.version),
        "show_approve": show,
        "blocker": blocker,
    }


@bp.route("/cases/<int:case_id>/safeguards")
@login_required
def safeguards(case_id: int):
    """The return safeguards S1-S19 with evidence and sources (DESIGN.md section 4)."""
    from caseapp.alerts.data import load_case_records
    from caseapp.alerts.rules import alerts_for

    case = web.load(Case, case_id)
    records = load_case_records(case)
    return render_template(
        "gate/safeguards.html",
        alerts=alerts_for(case, records=records),
        **panel_context(case, current_user, records=records),
    )


@bp.post("/cases/<int:case_id>/return/approve")
@login_required
def approve(case_id: int):
    """Approve the return through the gate; a refusal by the gate is audited (gate:refuse)."""
    case = web.load(Case, case_id)
    web.require(current_user.can(Permission.RETURN_APPROVE))
    return confirm_then_submit(
        forms.ApproveReturnForm(),
        ops.approve_return,
        current_user,
        case,
        title=_("Approve the return?"),
        facts=lambda: _return_facts(case),
        back_url=url_for("gate.safeguards", case_id=case_id),
        success=_("The return is approved."),
        next_url=url_for("gate.safeguards", case_id=case_id),
    )


def _return_facts(case: Case) -> list[tuple[str, str]]:
    """What a supervisor confirms when approving a return: the case, the child, where to,
    and the gate as it stands now (the operation evaluates it again and decides)."""
    from caseapp.alerts.data import load_case_records
    from caseapp.core.countries import country_name

    records = load_case_records(case)
    data = records.gate
    gate = evaluate_return_gate(case, today=clock.today(), policy=records.policy, data=data)
    name = case.child.primary_name if case.child else None
    country = data.destination_country
    if gate.all_met:
        verdict = _("All %(n)d safeguards are met today.", n=len(gate.safeguards))
    else:
        verdict = _(
            "Not met: %(ids)s. The approval will be refused.", ids=", ".join(gate.unmet_ids)
        )
    return [
        (_("Case"), case.number),
        (_("Child"), name.full_name if name else _("name not recorded")),
        (_("Return to"), country_name(country) if country else _("not recorded")),
        (_("Safeguards"), verdict),
        (
            _("What happens"),
            _(
                "The case moves to “Return approved”; the gate keeps checking "
                "until the handover (002, Rec 1)."
            ),
        ),
    ]


# -- admin: policy and suspensions (POLICY_MANAGE) ------------------------------------------


@bp.route("/admin/policy", methods=["GET", "POST"])
@login_required
@permission_required(Permission.POLICY_MANAGE)
def policy():
    """Edit the policy: each change is a new, audited version."""
    current = current_policy()
    form = forms.PolicyForm(obj=current)
    if not form.is_submitted():
        form.monitoring_schedule.data = list(current.monitoring_schedule_months)  # "1, 3, 6"
    versions = db.session.scalars(select(PolicySettings).order_by(PolicySettings.version.desc()))
    return web.submit(
        form,
        ops.change_policy,
        current_user,
        success=_("A new policy version is in force."),
        next_url=url_for("gate.policy"),
        render=lambda error: render_template(
            "gate/policy.html", form=form, current=current, versions=versions.all(), error=error
        ),
    )


@bp.route("/admin/suspensions", methods=["GET", "POST"])
@login_required
@permission_required(Permission.POLICY_MANAGE)
def suspensions():
    """The register of suspended returns (002, Day 1 plenary: crisis provisions)."""
    form = forms.SuspensionForm()
    return web.submit(
        form,
        ops.add_suspension,
        current_user,
        success=_("Returns are suspended."),
        next_url=url_for("gate.suspensions"),
        render=lambda error: _suspensions_page(form, error),
    )


def _suspensions_page(form: forms.SuspensionForm, error: str | None) -> str:
    """The register, newest suspension first, with the form to add one."""
    rows = db.session.scalars(
        select(ReturnSuspension).order_by(ReturnSuspension.suspended_from.desc())
    ).all()
    return render_template(
        "gate/suspensions.html",
        form=form,
        rows=rows,
        lift=forms.LiftForm(formdata=None),
        today=clock.today(),
        error=error,
    )


@bp.post("/admin/suspensions/<int:suspension_id>/lift")
@login_required
@permission_required(Permission.POLICY_MANAGE)
def lift(suspension_id: int):
    """Lift a suspension."""
    suspension = db.session.get(ReturnSuspension, suspension_id) or abort(404)
    form = forms.LiftForm()
    return confirm_then_submit(
        form,
        ops.lift_suspension,
        current_user,
        suspension,
        title=_("Lift the suspension?"),
        facts=lambda: _lift_facts(suspension, form.lifted_on.data),
        back_url=url_for("gate.suspensions"),
        success=_("The suspension is lifted."),
        next_url=url_for("gate.suspensions"),
    )


def _lift_facts(suspension: ReturnSuspension, lifted_on: date) -> list[tuple[str, str]]:
    from flask_babel import format_date

    from caseapp.core.countries import country_name

    return [
        (_("Returns to"), country_name(suspension.country)),
        (_("Suspended since"), format_date(suspension.suspended_from)),
        (_("Reason"), suspension.reason),
        (_("Lifted from"), format_date(lifted_on)),
        (
            _("What happens"),
            _(
                "Returns to this country may be approved again from that day; "
                "every approved case is checked again."
            ),
        ),
    ]
