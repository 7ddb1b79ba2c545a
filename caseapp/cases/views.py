"""Case pages."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required
from sqlalchemy import select

from caseapp.cases.models import Case
from caseapp.core.extensions import db
from caseapp.core.permissions import Permission, Role
from caseapp.core.views import permission_required

bp = Blueprint("cases", __name__, url_prefix="/cases")


def visible_cases(user):
    """A query of the cases ``user`` may see (the list-level twin of ``Case.can_view``)."""
    query = select(Case)
    if user.role is Role.OMBUDSPERSON:
        return query
    if user.role in (Role.CASEWORKER, Role.SUPERVISOR):
        return query.where(Case.lead_agency_id == user.agency_id)
    return query.where(False)


@bp.route("/")
@login_required
@permission_required(Permission.CASE_VIEW)
def index():
    """The case list."""
    cases = db.session.scalars(visible_cases(current_user).order_by(Case.id.desc())).all()
    return render_template("cases/index.html", cases=cases)
