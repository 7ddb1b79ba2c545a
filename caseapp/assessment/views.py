"""Assessment pages: /cases/<id>/assessment (records), .../hearings/new and .../bia."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from caseapp.assessment import forms as f
from caseapp.assessment import operations as ops
from caseapp.assessment.bia import missing_to_complete
from caseapp.assessment.models import (
    FamilyAssessment,
    GuardianAppointment,
    Hearing,
    LegalRepresentative,
    Placement,
    ServiceRecord,
)
from caseapp.assessment.viewkit import (
    common,
    load_case,
    load_child,
    submit,
    submit_row,
    with_version,
)
from caseapp.children.models import FamilyMember
from caseapp.core.extensions import db

bp = Blueprint("assessment", __name__, url_prefix="/cases")

MAIN_FORMS = {
    "start": f.StartForm,
    "guardian": f.GuardianForm,
    "legal": f.LegalRepresentativeForm,
    "placement": f.PlacementForm,
    "service": f.ServiceForm,
    "family_assessment": f.FamilyAssessmentForm,
}


def _records(model, case):
    return db.session.scalars(
        select(model).where(model.case_id == case.id).order_by(model.id.desc())
    ).all()


def _family_choices(case):
    return [f.SelectChoice(m.id, m.name) for m in case.family_members]


def _form(name: str, forms: dict | None, version: int):
    """The bound form from a failed POST, or a fresh one at the case's version."""
    if forms and name in forms:
        return forms[name]
    return with_version(MAIN_FORMS[name](prefix=name, formdata=None), version)


def render_page(case, forms=None, errors=None):
    """Render the assessment page."""
    v = case.version
    page_forms = {name: _form(name, forms, v) for name in MAIN_FORMS}
    page_forms["family_assessment"].family_member_id.choices = _family_choices(case)
    return render_template(
        "assessment/page.html",
        **common(case),
        forms=page_forms,
        errors=errors or {},
        guardians=_records(GuardianAppointment, case),
        representatives=_records(LegalRepresentative, case),
        placements=_records(Placement, case),
        services=_records(ServiceRecord, case),
        hearings=_records(Hearing, case),
        family_assessments=_records(FamilyAssessment, case),
        bia=ops.current_bia(case),
        end_form=lambda prefix: with_version(f.EndForm(prefix=prefix, formdata=None), v),
        tracing_form=_tracing_form,
        labels=f,
    )


def _tracing_form(member: FamilyMember):
    form = f.TracingForm(prefix=f"tracing-{member.id}", formdata=None, obj=member)
    form.tracing_status.data = member.tracing_status.value
    form.contact_status.data = member.contact_status.value
    return with_version(form, member.case.version)


@bp.get("/<int:case_id>/assessment")
@login_required
def page(case_id: int):
    """Guardian, legal representative, placements, services, hearings, tracing, BIA."""
    return render_page(load_case(case_id))


def _post(case_id: int, name: str, action, success: str):
    case = load_case(case_id, edit=True)
    form = MAIN_FORMS[name](prefix=name)
    if name == "family_assessment":
        form.family_member_id.choices = _family_choices(case)
    return submit(
        form,
        name,
        lambda: action(case, form),
        success,
        render=lambda **kw: render_page(case, **kw),
        next_url=url_for("assessment.page", case_id=case.id),
    )


@bp.post("/<int:case_id>/assessment/start")
@login_required
def start(case_id: int):
    """registered -> assessment."""
    return _post(
        case_id,
        "start",
        lambda case, form: ops.start_assessment(
            current_user, case, expected_version=form.version.data
        ),
        _("The assessment has started."),
    )


@bp.post("/<int:case_id>/assessment/guardians")
@login_required
def appoint_guardian(case_id: int):
    """Appoint a guardian (002, Rec 3)."""
    return _post(
        case_id,
        "guardian",
        lambda case, form: ops.appoint_guardian(
            current_user,
            case,
            guardian_name=form.guardian_name.data,
            appointing_authority=form.appointing_authority.data,
            appointed_on=form.appointed_on.data,
            declared_independent=form.declared_independent.data,
            independence_statement=form.independence_statement.data,
            organisation_id=form.organisation_id.data,
            expected_version=form.version.data,
        ),
        _("Guardian appointed."),
    )


@bp.post("/<int:case_id>/assessment/legal-representatives")
@login_required
def assign_legal_representative(case_id: int):
    """Assign free legal assistance (002, Rec 3)."""
    return _post(
        case_id,
        "legal",
        lambda case, form: ops.assign_legal_representative(
            current_user,
            case,
            name=form.name.data,
            organisation=form.organisation.data,
            assigned_on=form.assigned_on.data,
            free_of_charge=form.free_of_charge.data,
            expected_version=form.version.data,
        ),
        _("Legal representative assigned."),
    )


@bp.post("/<int:case_id>/assessment/placements")
@login_required
def record_placement(case_id: int):
    """Record a placement (002, Rec 4)."""
    return _post(
        case_id,
        "placement",
        lambda case, form: ops.record_placement(
            current_user,
            case,
            placement_type=form.placement_type.data,
            name=form.name.data,
            responsible_authority=form.responsible_authority.data,
            started_on=form.started_on.data,
            child_can_leave_at_will=form.child_can_leave_at_will.data,
            run_by_law_enforcement=form.run_by_law_enforcement.data,
            separated_from_family=form.separated_from_family.data,
            expected_version=form.version.data,
        ),
        _("Placement recorded."),
    )


@bp.post("/<int:case_id>/assessment/services")
@login_required
def record_service(case_id: int):
    """Record a service while pending (002, fn 12 (vi))."""
    return _post(
        case_id,
        "service",
        lambda case, form: ops.record_service(
            current_user,
            case,
            kind=form.kind.data,
            provider=form.provider.data,
            started_on=form.started_on.data,
            mainstream=form.mainstream.data,
            notes=form.notes.data,
            expected_version=form.version.data,
        ),
        _("Service recorded."),
    )


@bp.post("/<int:case_id>/assessment/family-assessments")
@login_required
def record_family_assessment(case_id: int):
    """Record a family assessment (002, Moldova practice)."""

    def action(case, form):
        member = load_child(FamilyMember, form.family_member_id.data, case)
        return ops.record_family_assessment(
            current_user,
            case,
            family_member=member,
            assessed_on=form.assessed_on.data,
            assessed_by=form.assessed_by.data,
            outcome=form.outcome.data,
            summary=form.summary.data,
            expected_version=form.version.data,
        )

    return _post(case_id, "family_assessment", action, _("Family assessment recorded."))


ENDABLE = {
    "guardians": (GuardianAppointment, ops.end_guardian, True),
    "legal-representatives": (LegalRepresentative, ops.end_legal_representative, False),
    "placements": (Placement, ops.end_placement, False),
    "services": (ServiceRecord, ops.end_service, False),
}


@bp.post("/<int:case_id>/assessment/<kind>/<int:record_id>/end")
@login_required
def end_record(case_id: int, kind: str, record_id: int):
    """End a guardian appointment, representation, placement or service (history kept)."""
    if kind not in ENDABLE:
        abort(404)
    model, operation, needs_reason = ENDABLE[kind]
    case = load_case(case_id, edit=True)
    obj = load_child(model, record_id, case)
    form = f.EndForm(prefix=f"end-{kind}-{record_id}")

    def action():
        extra = {"reason": form.reason.data} if needs_reason else {}
        return operation(
            current_user,
            obj,
            ended_on=form.ended_on.data,
            expected_version=form.version.data,
            **extra,
        )

    return submit_row(
        form, action, _("Ended."), next_url=url_for("assessment.page", case_id=case.id)
    )


@bp.post("/<int:case_id>/assessment/family/<int:member_id>/tracing")
@login_required
def update_tracing(case_id: int, member_id: int):
    """Update a family member's tracing and contact status."""
    case = load_case(case_id, edit=True)
    member = load_child(FamilyMember, member_id, case)
    form = f.TracingForm(prefix=f"tracing-{member_id}")
    return submit_row(
        form,
        lambda: ops.update_tracing(
            current_user,
            member,
            tracing_status=form.tracing_status.data,
            contact_status=form.contact_status.data,
            whereabouts=form.whereabouts.data,
            expected_version=form.version.data,
        ),
        _("Tracing updated."),
        next_url=url_for("assessment.page", case_id=case.id),
    )


@bp.route("/<int:case_id>/assessment/hearings/new", methods=["GET", "POST"])
@login_required
def new_hearing(case_id: int):
    """Record a hearing of the child (002, Rec 1; Rec 2)."""
    case = load_case(case_id, edit=True)

    def render(forms=None, errors=None):
        form = (forms or {}).get("hearing") or with_version(
            f.HearingForm(formdata=None), case.version
        )
        return render_template(
            "assessment/hearing.html",
            **common(case),
            form=form,
            error=(errors or {}).get("hearing"),
        )

    if request.method == "GET":
        return render()
    form = f.HearingForm()
    return submit(
        form,
        "hearing",
        lambda: ops.record_hearing(
            current_user,
            case,
            held_on=form.held_on.data,
            language=form.language.data,
            child_understands_language=form.child_understands_language.data,
            interpreter=form.interpreter.data,
            interpreter_agency_id=form.interpreter_agency_id.data,
            child_friendly_information_given=form.child_friendly_information_given.data,
            seen_alone=form.seen_alone.data,
            options_discussed=form.options_discussed.data,
            views_by_option=form.views_by_option(),
            views_summary=form.views_summary.data,
            weight=form.weight.data,
            weight_reasons=form.weight_reasons.data,
            expected_version=form.version.data,
        ),
        _("Hearing recorded."),
        render=render,
        next_url=url_for("assessment.page", case_id=case.id),
    )


@bp.route("/<int:case_id>/assessment/bia", methods=["GET", "POST"])
@login_required
def bia(case_id: int):
    """Edit the best-interests assessment (GC 14 elements and the risk section)."""
    case = load_case(case_id, edit=request.method == "POST")
    current = ops.current_bia(case)

    def render(forms=None, errors=None):
        form = (forms or {}).get("bia")
        if form is None:
            form = f.BiaForm(formdata=None)
            if current is not None:
                form.load(current)
            with_version(form, case.version)
        complete = with_version(f.StartForm(prefix="complete", formdata=None), case.version)
        return render_template(
            "assessment/bia.html",
            **common(case),
            form=form,
            complete_form=(forms or {}).get("complete") or complete,
            bia=current,
            missing=missing_to_complete(current) if current else [],
            errors=errors or {},
            choice_label=f.choice_label,
        )

    if request.method == "GET":
        return render()
    if "complete-version" in request.form:
        form = f.StartForm(prefix="complete")
        return submit(
            form,
            "complete",
            lambda: ops.complete_bia(current_user, case, expected_version=form.version.data),
            _("The best-interests assessment is complete."),
            render=render,
            next_url=url_for("assessment.bia", case_id=case.id),
        )
    form = f.BiaForm()
    return submit(
        form,
        "bia",
        lambda: ops.save_bia(
            current_user, case, expected_version=form.version.data, **form.values()
        ),
        _("Best-interests assessment saved."),
        render=render,
        next_url=url_for("assessment.bia", case_id=case.id),
    )
