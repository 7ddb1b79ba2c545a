"""Assessment pages: /cases/<id>/assessment (records), .../hearings/new and .../bia."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from caseapp.assessment import forms as f
from caseapp.assessment import operations as ops
from caseapp.assessment.bia import missing_to_complete
from caseapp.assessment.models import (
    BestInterestsAssessment,
    FamilyAssessment,
    GuardianAppointment,
    Hearing,
    LegalRepresentative,
    Placement,
    ServiceRecord,
)
from caseapp.cases.page_records import child_families, load_case_page
from caseapp.cases.pages import case_context, load_case
from caseapp.children.models import FamilyMember
from caseapp.core import web
from caseapp.core.forms import VersionedForm, saved_meanwhile
from caseapp.core.records import Records
from caseapp.drafts.operations import discard_draft, dropping_draft, load_draft, restore_into

bp = Blueprint("assessment", __name__, url_prefix="/cases")

MAIN_FORMS: dict[str, type[f.VersionedForm]] = {
    "start": f.VersionForm,
    "guardian": f.GuardianForm,
    "legal": f.LegalRepresentativeForm,
    "placement": f.PlacementForm,
    "service": f.ServiceForm,
    "family_assessment": f.FamilyAssessmentForm,
}


def _fresh(name: str, case) -> f.VersionedForm:
    return MAIN_FORMS[name](prefix=name, formdata=None).for_case(case).at(case.version)


_LISTS: dict[str, Any] = {
    "guardians": GuardianAppointment,
    "representatives": LegalRepresentative,
    "placements": Placement,
    "services": ServiceRecord,
    "hearings": Hearing,
    "family_assessments": FamilyAssessment,
    "bias": BestInterestsAssessment,  # newest first: the first is the current BIA
}


def _page_families(ids) -> dict[str, Records]:
    families = {
        name: Records(model, model.case_id.in_(ids), (model.id.desc(),))
        for name, model in _LISTS.items()
    }
    return families | child_families(ids)


def _page_records(case) -> dict[str, list]:
    """The page's records, the child, its names and the family members in **one** statement
    (issue 16: 14 statements before), newest first as the page lists them."""
    return load_case_page(case, _page_families, key="assessment_page")


def render_page(case, forms=None, errors=None):
    """Render the assessment page."""
    rows = _page_records(case)
    page_forms = {name: (forms or {}).get(name) or _fresh(name, case) for name in MAIN_FORMS}
    return render_template(
        "assessment/page.html",
        **case_context(case),
        forms=page_forms,
        errors=errors or {},
        guardians=rows["guardians"],
        representatives=rows["representatives"],
        placements=rows["placements"],
        services=rows["services"],
        hearings=rows["hearings"],
        family_assessments=rows["family_assessments"],
        bia=rows["bias"][0] if rows["bias"] else None,
        end_form=lambda prefix: f.EndForm(prefix=prefix, formdata=None).at(case.version),
        tracing_form=_tracing_form,
    )


def _tracing_form(member: FamilyMember):
    form = f.TracingForm(prefix=f"tracing-{member.id}", formdata=None, obj=member)
    form.tracing_status.data = member.tracing_status.value
    form.contact_status.data = member.contact_status.value
    return form.at(member.case.version)


@bp.get("/<int:case_id>/assessment")
@login_required
def page(case_id: int):
    """Guardian, legal representative, placements, services, hearings, tracing, BIA."""
    return render_page(load_case(case_id))


def _submit(case_id: int, name: str, operation, success: str):
    """One of the page's forms through its operation; a refusal is shown next to it."""
    case = load_case(case_id, edit=True)
    form = MAIN_FORMS[name](prefix=name).for_case(case)
    page = "assessment.page"
    return web.submit_on_page(
        form,
        operation,
        current_user,
        case,
        case=case,
        name=name,
        page=page,
        render_page=render_page,
        success=success,
    )


@bp.post("/<int:case_id>/assessment/start")
@login_required
def start(case_id: int):
    """registered -> assessment."""
    return _submit(case_id, "start", ops.start_assessment, _("The assessment has started."))


@bp.post("/<int:case_id>/assessment/guardians")
@login_required
def appoint_guardian(case_id: int):
    """Appoint a guardian (002, Rec 3)."""
    return _submit(case_id, "guardian", ops.appoint_guardian, _("Guardian appointed."))


@bp.post("/<int:case_id>/assessment/legal-representatives")
@login_required
def assign_legal_representative(case_id: int):
    """Assign free legal assistance (002, Rec 3)."""
    return _submit(
        case_id, "legal", ops.assign_legal_representative, _("Legal representative assigned.")
    )


@bp.post("/<int:case_id>/assessment/placements")
@login_required
def record_placement(case_id: int):
    """Record a placement (002, Rec 4)."""
    return _submit(case_id, "placement", ops.record_placement, _("Placement recorded."))


@bp.post("/<int:case_id>/assessment/services")
@login_required
def record_service(case_id: int):
    """Record a service while pending (002, fn 12 (vi))."""
    return _submit(case_id, "service", ops.record_service, _("Service recorded."))


@bp.post("/<int:case_id>/assessment/family-assessments")
@login_required
def record_family_assessment(case_id: int):
    """Record a family assessment (002, Moldova practice)."""
    return _submit(
        case_id,
        "family_assessment",
        ops.record_family_assessment,
        _("Family assessment recorded."),
    )


ENDABLE: dict[str, tuple[type[Any], Callable[..., Any], type[VersionedForm]]] = {
    "guardians": (GuardianAppointment, ops.end_guardian, f.EndGuardianForm),
    "legal-representatives": (LegalRepresentative, ops.end_legal_representative, f.EndForm),
    "placements": (Placement, ops.end_placement, f.EndForm),
    "services": (ServiceRecord, ops.end_service, f.EndForm),
}


@bp.post("/<int:case_id>/assessment/<kind>/<int:record_id>/end")
@login_required
def end_record(case_id: int, kind: str, record_id: int):
    """End a guardian appointment, representation, placement or service (history kept)."""
    if kind not in ENDABLE:
        abort(404)
    model, operation, form_cls = ENDABLE[kind]
    case = load_case(case_id, edit=True)
    obj = web.load(model, record_id, case=case)
    form = form_cls(prefix=f"end-{kind}-{record_id}")
    next_url = url_for("assessment.page", case_id=case.id)
    return web.submit(form, operation, current_user, obj, success=_("Ended."), next_url=next_url)


@bp.post("/<int:case_id>/assessment/family/<int:member_id>/tracing")
@login_required
def update_tracing(case_id: int, member_id: int):
    """Update a family member's tracing and contact status."""
    case = load_case(case_id, edit=True)
    member = web.load(FamilyMember, member_id, case=case)
    form = f.TracingForm(prefix=f"tracing-{member_id}")
    next_url = url_for("assessment.page", case_id=case.id)
    return web.submit(
        form,
        ops.update_tracing,
        current_user,
        member,
        success=_("Tracing updated."),
        next_url=next_url,
    )


@bp.route("/<int:case_id>/assessment/hearings/new", methods=["GET", "POST"])
@login_required
def new_hearing(case_id: int):
    """Record a hearing of the child (002, Rec 1; Rec 2)."""
    case = load_case(case_id, edit=True)
    form = f.HearingForm().loaded_at(case.version)
    draft = load_draft(current_user, request.path)
    restore_into(form, draft)  # text typed before a timeout comes back (issue 12 item 2)
    return web.submit(
        form,
        dropping_draft(ops.record_hearing, current_user, request.path),
        current_user,
        case,
        success=_("Hearing recorded."),
        next_url=url_for("assessment.page", case_id=case.id),
        render=lambda error: render_template(
            "assessment/hearing.html", **case_context(case), form=form, error=error, draft=draft
        ),
    )


def render_bia(case, forms=None, errors=None):
    """Render the best-interests assessment page (its form and the "complete" button)."""
    current = ops.current_bia(case)
    form = (forms or {}).get("bia")
    draft = None
    if form is None:
        form = f.BiaForm(formdata=None).at(ops.bia_version(case))
        if current is not None:
            form.load(current)
        if case.can_edit(current_user):
            # Text typed but not saved (a timeout, a closed tab) comes back into the form.
            draft = load_draft(current_user, bia_path(case))
            if draft is not None:
                form.restore(draft.data)
    else:
        # Refused as stale: keep the user's text, show what was saved in between under each
        # field that differs, and carry the current version so saving again puts the user's
        # text on top (issue 12 item 2; the one mechanism: ``core.forms.saved_meanwhile``).
        saved_meanwhile(form, current)
    complete = (forms or {}).get("complete") or f.VersionForm(prefix="complete", formdata=None).at(
        case.version
    )
    return render_template(
        "assessment/bia.html",
        **case_context(case),
        form=form,
        draft_path=bia_path(case),
        complete_form=complete,
        bia=current,
        missing=missing_to_complete(current) if current else [],
        errors=errors or {},
        choice_label=f.choice_label,
        draft=draft,
    )


@bp.get("/<int:case_id>/assessment/bia")
@login_required
def bia(case_id: int):
    """The best-interests assessment (GC 14 elements and the risk section)."""
    return render_bia(load_case(case_id))


@bp.post("/<int:case_id>/assessment/bia")
@login_required
def save_bia(case_id: int):
    """Save the case's first best-interests assessment (its form names none yet)."""
    return _save_bia(case_id, None)


@bp.post("/<int:case_id>/assessment/bia/<int:bia_id>")
@login_required
def edit_bia(case_id: int, bia_id: int):
    """Save the best-interests assessment the form names: one of another case is not found;
    one that a newer assessment replaced is refused, never written to the newer one."""
    return _save_bia(case_id, bia_id)


@bp.post("/<int:case_id>/assessment/bia/complete")
@login_required
def complete_bia(case_id: int):
    """Mark the best-interests assessment complete."""
    case = load_case(case_id, edit=True)
    form = f.VersionForm(prefix="complete")
    return web.submit(
        form,
        ops.complete_bia,
        current_user,
        case,
        success=_("The best-interests assessment is complete."),
        next_url=url_for("assessment.bia", case_id=case.id),
        render=lambda error: render_bia(case, {"complete": form}, {"complete": error}),
    )


def bia_path(case) -> str:
    """The path the first BIA is posted to (the page's own): the key of the user's draft of
    the BIA, whichever BIA the form names."""
    return url_for("assessment.save_bia", case_id=case.id)


def _save_bia(case_id: int, bia_id: int | None):
    """The BIA form through ``save_bia`` on the BIA it names (None: the first). Refused as
    superseded, the page comes back with a fresh form on the newest BIA (nothing typed for
    the old one is posted to the new one by a second click; issue 8)."""
    case = load_case(case_id, edit=True)
    bia = web.load(BestInterestsAssessment, bia_id, case=case) if bia_id is not None else None
    form = f.BiaForm()

    def render(error: str | None) -> str:
        if bia is not None and bia is not ops.current_bia(case):
            return render_bia(case, errors={"bia": error})
        return render_bia(case, {"bia": form}, {"bia": error})

    return web.submit(
        form,
        _saved_and_draft_dropped,
        current_user,
        case,
        bia,
        success=_("Best-interests assessment saved."),
        next_url=url_for("assessment.bia", case_id=case.id),
        render=render,
    )


def _saved_and_draft_dropped(actor, case, bia, **values):
    """Save the BIA, then forget the user's draft of it (the text is in the record now)."""
    saved = ops.save_bia(actor, case, bia=bia, **values)
    discard_draft(actor, bia_path(case))
    return saved
