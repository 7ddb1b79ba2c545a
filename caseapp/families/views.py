"""The family page of a case: /cases/<id>/family (siblings, parents and caregivers, their
consent, notification and appeals; 002, Rec 2; Rec 4; fn 12 (iii))."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from caseapp.cases.pages import case_context, load_case
from caseapp.core import web
from caseapp.core.errors import ValidationFailed
from caseapp.core.extensions import db
from caseapp.families import forms as f
from caseapp.families import operations as ops
from caseapp.families.models import FamilyParty, PartyAct

bp = Blueprint("families", __name__, url_prefix="/cases")

FORMS = {
    "create": f.CreateFamilyForm,
    "link": f.LinkSiblingForm,
    "party": f.PartyForm,
    "act": f.PartyActForm,
    "appeal": f.PartyAppealForm,
}


def render_page(case, forms=None, errors=None):
    """Siblings, parties and the parties' acts on this child's case."""
    family = ops.family_of(case)
    parties = list(family.parties) if family is not None else []
    page_forms = {
        name: cls(prefix=name, formdata=None).at(case.version) for name, cls in FORMS.items()
    }
    page_forms.update(forms or {})
    for name in ("act", "appeal"):
        f.with_parties(page_forms[name], parties)
    acts = (
        db.session.scalars(
            select(PartyAct)
            .where(PartyAct.case_id == case.id)
            .order_by(PartyAct.on_date, PartyAct.id)
        ).all()
        if family is not None
        else []
    )
    return render_template(
        "families/page.html",
        **case_context(case),
        family=family,
        siblings=ops.siblings_of(case),
        parties=parties,
        party_names={p.id: p.name for p in parties},
        acts=acts,
        forms=page_forms,
        errors=errors or {},
    )


@bp.get("/<int:case_id>/family")
@login_required
def page(case_id: int):
    """The family of the child: siblings' cases and parties."""
    return render_page(load_case(case_id))


def _submit(case_id: int, name: str, operation, success: str):
    case = load_case(case_id, edit=True)
    form = FORMS[name](prefix=name)
    family = ops.family_of(case)
    if name in ("act", "appeal"):
        f.with_parties(form, list(family.parties) if family is not None else [])
    page = "families.page"
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


def _with_party(operation, form_name: str):
    """``operation(actor, party, case, ...)`` with the party chosen in the form."""

    def run(actor, case, **values):
        form = FORMS[form_name](prefix=form_name)
        party = db.session.get(FamilyParty, form.party_id.data) if form.party_id.data else None
        if party is None:
            raise ValidationFailed(_("This person is not a party to this child's case."))
        return operation(actor, party, case, **values)

    return run


@bp.post("/<int:case_id>/family/create")
@login_required
def create(case_id: int):
    """Open the family record with this child's case."""
    return _submit(case_id, "create", ops.create_family, _("The family record is open."))


@bp.post("/<int:case_id>/family/link")
@login_required
def link(case_id: int):
    """Link a sibling's case."""
    return _submit(case_id, "link", ops.link_sibling, _("The sibling's case is linked."))


@bp.post("/<int:case_id>/family/parties")
@login_required
def add_party(case_id: int):
    """Add a parent or caregiver as a party."""
    return _submit(case_id, "party", ops.add_party, _("The parent or caregiver is added."))


@bp.post("/<int:case_id>/family/acts")
@login_required
def record_act(case_id: int):
    """A party's consent, refusal or notification on this child's case."""
    return _submit(case_id, "act", _with_party(ops.record_party_act, "act"), _("Recorded."))


@bp.post("/<int:case_id>/family/appeals")
@login_required
def lodge_appeal(case_id: int):
    """A party appeals the decision on this child's case."""
    return _submit(
        case_id,
        "appeal",
        _with_party(ops.lodge_party_appeal, "appeal"),
        _("The appeal is recorded; execution is suspended while it is pending."),
    )
