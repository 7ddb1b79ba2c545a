"""Information given to the child: /cases/<id>/information (002, Rec 1; Rec 2)."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from caseapp.cases.pages import case_context, load_case
from caseapp.core import web
from caseapp.core.extensions import db
from caseapp.information.forms import InformationForm
from caseapp.information.models import InformationGiven
from caseapp.information.operations import record_information

bp = Blueprint("information", __name__, url_prefix="/cases")


def render_page(case, form, error):
    """Every piece of information given to the child, newest first, and the form."""
    items = db.session.scalars(
        select(InformationGiven)
        .where(InformationGiven.case_id == case.id)
        .order_by(InformationGiven.given_on.desc(), InformationGiven.id.desc())
    ).all()
    return render_template(
        "information/page.html", **case_context(case), items=items, form=form, error=error
    )


@bp.route("/<int:case_id>/information", methods=["GET", "POST"])
@login_required
def page(case_id: int):
    """What the child was told at each step, in which language, how."""
    case = load_case(case_id)
    if request.method == "POST":  # read-only users: 403 before the form is read
        web.require(case.can_edit(current_user))
    form = InformationForm(prefix="info").loaded_at(case.version)
    return web.submit(
        form,
        record_information,
        current_user,
        case,
        success=_("The information given is recorded."),
        next_url=url_for("information.page", case_id=case.id),
        render=lambda error: render_page(case, form, error),
    )
