"""Return-preparation pages under /cases/<case_id>/return/... (thin views over operations).

Every form carries the version it was loaded at (a one-per-case record's own, otherwise the
case's; issue 12 item 2); the operation refuses a stale one (``StaleVersion``), and the page
shows the message next to the form with nothing committed, the user's text kept and what was
saved in the meantime under each field (DESIGN.md section 3 item 8)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from caseapp.cases import versioning
from caseapp.cases.models import Case, Stage
from caseapp.core import web
from caseapp.core.confirm import confirm_then_submit
from caseapp.core.errors import ValidationFailed
from caseapp.core.extensions import db
from caseapp.core.forms import saved_meanwhile
from caseapp.core.i18n import lazy_gettext as _l
from caseapp.core.permissions import Permission
from caseapp.crossborder import forms
from caseapp.crossborder import operations as ops
from caseapp.crossborder.models import (
    CareGuarantee,
    CentralAuthorityApproval,
    Consent,
    Coordination,
    CoordinationMessage,
    HomeStudy,
    MonitoringPlan,
    ReintegrationPlan,
    TravelPlan,
    Withdrawal,
)
from caseapp.crossborder.withdrawals import record_withdrawal
from caseapp.determination.models import writers_of
from caseapp.drafts.operations import dropping_draft, load_draft, restore_into
from caseapp.gate.data import load_gate_data
from caseapp.gate.policy import current_policy

bp = Blueprint("crossborder", __name__, url_prefix="/cases/<int:case_id>/return")


@dataclass(frozen=True)
class Page:
    """One return-preparation page: its form, operation and record type."""

    title: object
    help: object
    form: type
    op: Callable[..., Any]
    model: Any  # a mapped class with a case_id column
    single: bool
    # Recordable until the handover, after approval too (issue 9, principle 6).
    until_handover: bool = False


PAGES = {
    "coordination": Page(
        _l("Coordination"),
        _l(
            "Counterpart child-protection authority in the country of origin, consulate and "
            "legal basis (002, Rec 2; Rec 6). The 2002 Chisinau Agreement is outdated and should "
            "be replaced by child-rights-based agreements (002, Meeting conclusions)."
        ),
        forms.CoordinationForm,
        ops.save_coordination,
        Coordination,
        True,
    ),
    "messages": Page(
        _l("Messages"),
        _l(
            "Messages sent and received. S12 needs a confirmation of readiness received from "
            "the counterpart child-protection authority (002, Rec 2; Rec 6)."
        ),
        forms.MessageForm,
        ops.log_message,
        CoordinationMessage,
        False,
        True,
    ),
    "home_study": Page(
        _l("Home study"),
        _l("The counterpart's home study / family assessment (002, Moldova practice)."),
        forms.HomeStudyForm,
        ops.record_home_study,
        HomeStudy,
        False,
        True,
    ),
    "guarantee": Page(
        _l("Guarantee of care"),
        _l(
            "Return only if the family or the foreign authority guarantee in writing to care "
            "for the child (002, Moldova: Mihailas)."
        ),
        forms.GuaranteeForm,
        ops.record_guarantee,
        CareGuarantee,
        False,
        True,
    ),
    "central_approval": Page(
        _l("Central Authority approval"),
        _l("The return must be approved by the Central Authority (002, Moldova: Mihailas)."),
        forms.CentralApprovalForm,
        ops.record_central_approval,
        CentralAuthorityApproval,
        False,
    ),
    "reintegration": Page(
        _l("Reintegration plan"),
        _l(
            "An individual plan for sustainable reintegration, prepared and resourced (002, Rec 2)."
        ),
        forms.ReintegrationForm,
        ops.save_reintegration_plan,
        ReintegrationPlan,
        True,
    ),
    "travel": Page(
        _l("Travel and handover"),
        _l(
            "Escort by a child-protection official, never law enforcement; no handover at the "
            "border (002, fn 12 (v); Ukraine practice). Record the plan as it is: a "
            "law-enforcement escort or a border handover leaves S14 unmet."
        ),
        forms.TravelForm,
        ops.save_travel_plan,
        TravelPlan,
        True,
    ),
    "consent": Page(
        _l("Consent"),
        _l(
            "The child's voluntary consent and the guardian's; or a non-voluntary return as a "
            "documented last resort, approved by a second supervisor (002, fn 12 (v); PICUM)."
        ),
        forms.ConsentForm,
        ops.record_consent,
        Consent,
        True,
        True,
    ),
    "withdrawals": Page(
        _l("Withdrawals and objections"),
        _l(
            "The child or the guardian withdraws consent or objects to the return; the "
            "counterpart withdraws its readiness. Each is a record of its own, possible until "
            "the handover; a later consent or confirmation counts again (DESIGN.md 4.1)."
        ),
        forms.WithdrawalForm,
        record_withdrawal,
        Withdrawal,
        False,
        True,
    ),
    "monitoring_plan": Page(
        _l("Monitoring plan"),
        _l(
            "Independent post-return monitoring: monitor, visit schedule and first visit "
            "(002, Rec 2; Chișcă; Prof. Strik)."
        ),
        forms.MonitoringPlanForm,
        ops.save_monitoring_plan,
        MonitoringPlan,
        True,
    ),
}


# The pages with long text kept as drafts while typing (caseapp/drafts; issue 12 item 2).
DRAFT_PAGES = frozenset({"reintegration", "consent"})


def _records(model, case_id):
    return db.session.scalars(
        select(model).where(model.case_id == case_id).order_by(model.id)
    ).all()


def _case(case_id: int) -> Case:
    case = web.load(Case, case_id)
    if request.method == "POST":
        # Read-only users (ombudspersons) are refused before the form is even read; the
        # operation refuses a case outside return preparation with its own message.
        web.require(case.can_edit(current_user))
    return case


@bp.route("/")
@login_required
def index(case_id: int):
    """Overview of return preparation, with a proposal when return proves impossible."""
    from caseapp.alerts.data import load_case_records
    from caseapp.alerts.rules import return_impossible_reasons
    from caseapp.core.records import Records, load_records

    case = web.load(Case, case_id)
    # One statement for the page's lists (issue 16: a fixed number of queries per page).
    lists = load_records(
        db.session, [Records(p.model, p.model.case_id == case.id) for p in PAGES.values()]
    )
    records = dict(zip(PAGES, lists, strict=True))
    impossible = return_impossible_reasons(load_case_records(case).alerts)
    return render_template(
        "crossborder/index.html", case=case, pages=PAGES, records=records, impossible=impossible
    )


def _form(key: str, case: Case, existing: list):
    """The page's form: the posted one, or one filled from the record (single pages). A
    single record's form carries the record's own version (0 before the first save); a log's
    form the case's, checked per record (issue 12 item 2)."""
    obj = existing[-1] if PAGES[key].single and existing else None
    version = versioning.record_version(obj) if PAGES[key].single else case.version
    form = PAGES[key].form(obj=obj).loaded_at(version).for_case(case)
    if key in DRAFT_PAGES and request.method == "GET" and case.can_edit(current_user):
        # Text typed before a timeout comes back (drafts of the long-text pages).
        restore_into(form, load_draft(current_user, request.path))
    if key == "coordination" and obj is not None and not form.is_submitted():
        form.transit.data = ", ".join(obj.transit_countries or [])
    if key == "monitoring_plan" and not form.is_submitted():
        months = obj.schedule_months if obj else current_policy().monitoring_schedule_months
        form.schedule.data = ", ".join(str(m) for m in months)
    return form


def _last_resort_approval(case: Case, existing: list) -> tuple[bool, str | None] | None:
    """For a supervisor who approves this case's returns, while a non-voluntary return awaits
    its last-resort approval: ``(True, None)`` when they may give it, ``(False, why)`` when it
    would be their own work (``Consent.own_work_in_last_resort``); otherwise None."""
    consent = existing[-1] if existing else None
    if consent is None or not consent.awaits_last_resort_approval(current_user):
        return None
    data = load_gate_data(case)
    why = consent.own_work_in_last_resort(current_user, writers_of(data.bid), data.preparers)
    return why is None, why


def render_page(key: str, case: Case, form, existing: list, error: str | None) -> str:
    """One return-preparation page: its records, its form and the refusal, if any. A single
    record's save refused because it changed in between keeps the user's text and shows what
    was saved in the meantime (``saved_meanwhile``; issue 12 item 2)."""
    if PAGES[key].single and form.is_submitted():
        model = PAGES[key].model
        saved_meanwhile(form, db.session.scalar(select(model).where(model.case_id == case.id)))
    stages = ops.UNTIL_HANDOVER if PAGES[key].until_handover else {Stage.RETURN_PREPARATION}
    return render_template(
        "crossborder/page.html",
        case=case,
        key=key,
        page=PAGES[key],
        form=form,
        error=error,
        records=existing,
        can_edit=case.can_edit(current_user) and case.stage in stages,
        held=case.stage is Stage.RETURN_APPROVED,
        last_resort=_last_resort_approval(case, existing) if key == "consent" else None,
        confirm=forms.ConfirmForm(formdata=None).at(case.version),
        draft=key in DRAFT_PAGES,
        withdraw=forms.WithdrawForm(formdata=None).at(case.version),
    )


def _page(case_id: int, key: str):
    case = _case(case_id)
    existing = _records(PAGES[key].model, case.id)
    form = _form(key, case, existing)
    return web.submit(
        form,
        dropping_draft(PAGES[key].op, current_user, request.path)
        if key in DRAFT_PAGES
        else PAGES[key].op,
        current_user,
        case,
        success=_("Saved."),
        next_url=url_for(f"crossborder.{key}", case_id=case.id),
        render=lambda error: render_page(key, case, form, existing, error),
    )


def _route(key: str):
    def view(case_id: int):
        return _page(case_id, key)

    view.__name__ = key
    view.__doc__ = f"The {key} page."
    path = "/" + key.replace("_", "-")
    bp.add_url_rule(
        path,
        endpoint=key,
        view_func=login_required(view),
        methods=["GET", "POST"],
    )


for _key in PAGES:
    _route(_key)


@bp.post("/guarantee/<int:guarantee_id>/withdraw")
@login_required
def withdraw_guarantee(case_id: int, guarantee_id: int):
    """Mark a guarantee withdrawn."""
    case = _case(case_id)
    guarantee = web.load(CareGuarantee, guarantee_id, case=case)
    return web.submit(
        forms.WithdrawForm(),
        ops.withdraw_guarantee,
        current_user,
        guarantee,
        success=_("The guarantee is marked withdrawn."),
        next_url=url_for("crossborder.guarantee", case_id=case_id),
    )


def _consent_of(case: Case) -> Consent:
    """The case's consent record (refused, next to the consent page, when none is recorded)."""
    consent = db.session.scalar(select(Consent).where(Consent.case_id == case.id))
    if consent is None:
        raise ValidationFailed(_("No consent recorded."))
    return consent


@bp.post("/consent/approve-last-resort")
@login_required
def approve_last_resort(case_id: int):
    """A second supervisor approves a non-voluntary return as a last resort (PICUM)."""
    case = web.load(Case, case_id)
    web.require(current_user.can(Permission.RETURN_APPROVE))
    return confirm_then_submit(
        forms.LastResortForm(),
        lambda actor, **values: ops.approve_last_resort(actor, _consent_of(case), **values),
        current_user,
        title=_("Approve the return as a last resort?"),
        facts=lambda: _last_resort_facts(case),
        back_url=url_for("crossborder.consent", case_id=case.id),
        success=_("Last resort approved."),
        next_url=url_for("crossborder.consent", case_id=case.id),
    )


def _last_resort_facts(case: Case) -> list[tuple[str, str]]:
    consent = db.session.scalar(select(Consent).where(Consent.case_id == case.id))
    name = case.child.primary_name if case.child else None
    return [
        (_("Case"), case.number),
        (_("Child"), name.full_name if name else _("name not recorded")),
        (_("Justification"), (consent.last_resort_justification if consent else None) or _("none")),
        (
            _("What happens"),
            _(
                "The return goes ahead without the child's consent, as a "
                "measure of last resort (002, fn 12 (v); PICUM)."
            ),
        ),
    ]
