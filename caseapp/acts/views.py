"""The participants' pages (issue 10, item 2): small, one per part, reached from the
participant's home page. Every form posts to the same operation the caseworker's page uses;
the participant is the actor. Each route loads the case in the user's scope (404 outside it)
and asks the act's predicate (403)."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from caseapp.acts import forms, pages
from caseapp.assessment import operations as assessment
from caseapp.assessment.models import GuardianAppointment
from caseapp.cases.models import Case
from caseapp.cases.parties import PartyAct, acts_of
from caseapp.cases.versioning import record_version
from caseapp.core import clock, web
from caseapp.core.extensions import db
from caseapp.core.forms import saved_meanwhile
from caseapp.core.permissions import RecordType
from caseapp.crossborder import operations as prep
from caseapp.crossborder.models import (
    Consent,
    MonitoringPlan,
    Withdrawal,
)
from caseapp.crossborder.withdrawals import record_withdrawal
from caseapp.decision import operations as decision
from caseapp.decision.models import Appeal, ComplainantKind, Complaint, DecisionNotice
from caseapp.documents import operations as documents
from caseapp.documents.forms import UploadForm
from caseapp.documents.views import max_bytes, upload_folder
from caseapp.monitoring import forms as monitoring_forms
from caseapp.monitoring import operations as monitoring
from caseapp.monitoring.models import MonitoringVisit

bp = Blueprint("acts", __name__, url_prefix="/participate/cases/<int:case_id>")


@bp.app_template_global("party_acts")
def party_acts(case: Case) -> frozenset[PartyAct]:
    """What the signed-in participant may do for themselves on ``case`` (for the links on
    their case page, ``templates/acts/_links.html``)."""
    return acts_of(case, current_user)


bp.add_app_template_global(PartyAct, "PartyAct")


def _case(case_id: int, act: PartyAct) -> Case:
    """The case in the user's scope (404), where the user holds the part of ``act`` (403)."""
    return _case_acts(case_id, act)[0]


def _case_acts(case_id: int, act: PartyAct) -> tuple[Case, frozenset[PartyAct]]:
    """``_case``, with every act the user may do on it (the assignment read once)."""
    case = web.load(Case, case_id)
    acts = acts_of(case, current_user)
    web.require(act in acts)
    return case, acts


# -- Central Authority officer (S11; 002, Moldova: Mihailas) ------------------------------


def _render_central(case: Case, form, error: str | None) -> str:
    return render_template("acts/central.html", **pages.central_page(case), form=form, error=error)


@bp.route("/central-authority", methods=["GET", "POST"])
@login_required
@web.shows(RecordType.CENTRAL_AUTHORITY)
def central(case_id: int):
    """Approve or refuse the return request with a reference."""
    case = _case(case_id, PartyAct.CENTRAL_DECISION)
    form = forms.CentralDecisionForm().loaded_at(case.version)
    return web.submit(
        form,
        prep.record_central_approval,
        current_user,
        case,
        success=_("Your decision is recorded."),
        next_url=url_for("acts.central", case_id=case_id),
        render=partial(_render_central, case, form),
    )


# -- Independent monitor (S17; 002, Rec 2) ------------------------------------------------


@bp.route("/monitoring")
@login_required
@web.shows(RecordType.MONITORING)
def monitor(case_id: int):
    """The monitoring plan (accept it) and the visits (report them)."""
    case, acts = _case_acts(case_id, PartyAct.VISIT_REPORT)
    plan = db.session.scalar(select(MonitoringPlan).where(MonitoringPlan.case_id == case.id))
    visits = pages.rows(MonitoringVisit, case, MonitoringVisit.due_on)
    return render_template(
        "acts/monitor.html",
        case=case,
        plan=plan,
        visits=visits,
        accept_form=forms.AcceptPlanForm(formdata=None).at(case.version),
        may_accept=plan is not None and PartyAct.MONITORING_ACCEPT in acts,
        today=clock.today(),
    )


@bp.post("/monitoring/accept")
@login_required
@web.shows(RecordType.MONITORING)
def accept(case_id: int):
    """Accept the monitoring plan."""
    case = _case(case_id, PartyAct.MONITORING_ACCEPT)
    plan = db.session.scalar(select(MonitoringPlan).where(MonitoringPlan.case_id == case.id))
    web.require(plan is not None)
    return web.submit(
        forms.AcceptPlanForm(),
        prep.accept_monitoring_plan,
        current_user,
        plan,
        success=_("You accepted the monitoring plan."),
        next_url=url_for("acts.monitor", case_id=case_id),
    )


def _render_visit(case: Case, form, visit: MonitoringVisit, error: str | None) -> str:
    saved_meanwhile(form, visit)  # a refused report keeps the text, shows theirs
    page = pages.visit_page(case, visit)
    return render_template("acts/visit.html", **page, form=form, error=error)


@bp.route("/visits/<int:visit_id>", methods=["GET", "POST"])
@login_required
@web.shows(RecordType.MONITORING)
def visit(case_id: int, visit_id: int):
    """A visit: report it (the caseworker's form and operation)."""
    case = _case(case_id, PartyAct.VISIT_REPORT)
    visit = web.load(MonitoringVisit, visit_id, case=case)
    form = monitoring_forms.VisitForm(obj=visit).loaded_at(visit.version)  # its own lock
    if not form.is_submitted() and not visit.visited_by:
        form.visited_by.data = current_user.name
    return web.submit(
        form,
        monitoring.record_visit_report,
        current_user,
        visit,
        success=_("The visit report is saved."),
        next_url=url_for("acts.monitor", case_id=case_id),
        render=partial(_render_visit, case, form, visit),
    )


@bp.post("/visits/<int:visit_id>/documents")
@login_required
@web.shows(RecordType.MONITORING)
def visit_document(case_id: int, visit_id: int):
    """Attach a document to a visit's report (the signed report, a photo of the school
    certificate): stored like any upload, attached to the visit, read by whoever reads the
    visit (``Document.can_view``; S17, 002 Rec 2)."""
    case = _case(case_id, PartyAct.VISIT_REPORT)
    visit = web.load(MonitoringVisit, visit_id, case=case)
    return web.submit(
        UploadForm(max_bytes=max_bytes()),
        partial(
            documents.store_document,
            folder=upload_folder(),
            record_type=visit.__tablename__,
            record_id=visit.id,
        ),
        current_user,
        case,
        success=_("The document is attached to the visit."),
        next_url=url_for("acts.visit", case_id=case_id, visit_id=visit_id),
    )


@bp.post("/visits/<int:visit_id>/escalate")
@login_required
@web.shows(RecordType.MONITORING)
def escalate(case_id: int, visit_id: int):
    """Escalate a concern about a visit."""
    case = _case(case_id, PartyAct.VISIT_ESCALATE)
    visit = web.load(MonitoringVisit, visit_id, case=case)
    return web.submit(
        monitoring_forms.EscalateForm(),
        monitoring.escalate_visit,
        current_user,
        visit,
        success=_("The concern is escalated."),
        next_url=url_for("acts.visit", case_id=case_id, visit_id=visit_id),
    )


# -- Guardian and lawyer (002, Rec 1; Rec 3) -----------------------------------------------


def _render_party(case: Case, error: str | None = None, **bound) -> str:
    """The guardian's or the lawyer's page: the decisions, the appeals and complaints."""
    v = case.version
    return render_template(
        "acts/party.html",
        case=case,
        notices=pages.rows(DecisionNotice, case, DecisionNotice.id.desc()),
        appeals=pages.rows(Appeal, case, Appeal.id.desc()),
        complaints=pages.rows(Complaint, case, Complaint.id.desc()),
        appeal_form=bound.get("appeal") or forms.PartyAppealForm(formdata=None).at(v),
        complaint_form=bound.get("complaint") or forms.PartyComplaintForm(formdata=None).at(v),
        error=error,
    )


def _render_guardian(case: Case, error: str | None = None, **bound) -> str:
    """The guardian's page: their independence, their consent, withdrawals and objections."""
    v = case.version
    consent = db.session.scalar(select(Consent).where(Consent.case_id == case.id))
    appointment = db.session.scalar(
        select(GuardianAppointment).where(
            GuardianAppointment.case_id == case.id,
            GuardianAppointment.guardian_user_id == current_user.id,
            GuardianAppointment.ended_on.is_(None),
        )
    )
    return render_template(
        "acts/guardian.html",
        case=case,
        appointment=appointment,
        consent=consent,
        withdrawals=pages.rows(Withdrawal, case, Withdrawal.id.desc()),
        declare_form=bound.get("declare") or forms.DeclareForm(formdata=None).at(v),
        # The consent record's own version (issue 12 item 2; 0 before it exists).
        consent_form=bound.get("consent")
        or forms.GuardianConsentForm(formdata=None).at(record_version(consent)),
        object_form=bound.get("object") or forms.ObjectForm(formdata=None).at(v),
        error=error,
    )


@bp.route("/party")
@login_required
@web.shows(RecordType.DECISION)
def party(case_id: int):
    """The guardian's or the lawyer's page: decisions, appeals, complaints."""
    return _render_party(_case(case_id, PartyAct.APPEAL))


@bp.route("/guardian")
@login_required
@web.shows(RecordType.CONSENT)
def guardian(case_id: int):
    """The guardian's page: independence and consent."""
    return _render_guardian(_case(case_id, PartyAct.GUARDIAN_CONSENT))


def _post(case_id: int, act: PartyAct, key: str, form, operation, success: str):
    case = _case(case_id, act)
    guardian_page = key in ("declare", "consent", "object")
    render = _render_guardian if guardian_page else _render_party
    return web.submit(
        form,
        operation,
        current_user,
        case,
        success=success,
        next_url=url_for("acts.guardian" if guardian_page else "acts.party", case_id=case_id),
        render=lambda error: render(case, error, **{key: form}),
    )


@bp.post("/guardian/declare")
@login_required
@web.shows(RecordType.GUARDIAN)
def declare(case_id: int):
    """The guardian declares their independence."""
    return _post(
        case_id,
        PartyAct.GUARDIAN_DECLARE,
        "declare",
        forms.DeclareForm(),
        assessment.declare_guardian_independence,
        _("Your declaration is recorded."),
    )


@bp.post("/guardian/consent")
@login_required
@web.shows(RecordType.CONSENT)
def consent(case_id: int):
    """The guardian consents to the return."""
    return _post(
        case_id,
        PartyAct.GUARDIAN_CONSENT,
        "consent",
        forms.GuardianConsentForm(),
        prep.give_guardian_consent,
        _("Your consent is recorded."),
    )


@bp.post("/guardian/object")
@login_required
@web.shows(RecordType.CONSENT)
def object_(case_id: int):
    """The guardian withdraws their consent or objects to the return."""
    return _post(
        case_id,
        PartyAct.OBJECTION,
        "object",
        forms.ObjectForm().by(current_user.name),
        record_withdrawal,
        _("Recorded."),
    )


@bp.post("/party/appeal")
@login_required
@web.shows(RecordType.DECISION)
def appeal(case_id: int):
    """The guardian or the lawyer lodges an appeal."""
    return _post(
        case_id,
        PartyAct.APPEAL,
        "appeal",
        forms.PartyAppealForm().by(current_user.name),
        decision.lodge_appeal,
        _("Your appeal is recorded."),
    )


@bp.post("/party/complaint")
@login_required
@web.shows(RecordType.DECISION)
def complaint(case_id: int):
    """The guardian or the lawyer lodges a complaint in their own name."""
    acts = _case_acts(case_id, PartyAct.APPEAL)[1]
    as_guardian = PartyAct.COMPLAINT_AS_GUARDIAN in acts
    kind = ComplainantKind.GUARDIAN if as_guardian else ComplainantKind.REPRESENTATIVE
    act = PartyAct.COMPLAINT_AS_GUARDIAN if as_guardian else PartyAct.COMPLAINT_AS_REPRESENTATIVE
    return _post(
        case_id,
        act,
        "complaint",
        forms.PartyComplaintForm().as_(kind),
        decision.lodge_complaint,
        _("Your complaint is recorded."),
    )
