"""Complaints addressed to the user's ombudsperson institution: /ombudsperson/complaints."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from caseapp.core import web
from caseapp.core.extensions import db
from caseapp.core.forms import saved_meanwhile
from caseapp.core.permissions import Role
from caseapp.decision import operations as ops
from caseapp.decision.forms import AnswerComplaintForm
from caseapp.decision.models import Complaint

bp = Blueprint("ombudsperson", __name__, url_prefix="/ombudsperson")

PAGE_SIZE = 100


def _require_ombudsperson() -> None:
    # Refused on the role before any complaint is read: tells nothing about a case.
    web.require(current_user.role is Role.OMBUDSPERSON)


@bp.get("/complaints")
@login_required
def complaints():
    """The complaints addressed to the user's institution, open ones first."""
    _require_ombudsperson()
    rows = (
        db.session.scalars(
            select(Complaint)
            .where(Complaint.addressed_to_id == current_user.agency_id)
            .options(joinedload(Complaint.case))
            .order_by(Complaint.responded_on.is_not(None), Complaint.lodged_on.desc(), Complaint.id)
            .limit(PAGE_SIZE)
        ).all()
        if current_user.agency_id is not None
        else []
    )
    return render_template("ombudsperson/complaints.html", complaints=rows)


@bp.route("/complaints/<int:complaint_id>", methods=["GET", "POST"])
@login_required
def answer(complaint_id: int):
    """One complaint addressed to the institution, and the answer."""
    _require_ombudsperson()
    complaint = web.load(Complaint, complaint_id)
    web.require(complaint.can_answer(current_user))
    # The complaint's own version (issue 12 item 2).
    form = AnswerComplaintForm(prefix="answer").loaded_at(complaint.version)
    return web.submit(
        form,
        ops.answer_complaint,
        current_user,
        complaint,
        success=_("Answer recorded."),
        next_url=url_for("ombudsperson.complaints"),
        render=partial(_render_answer, form, complaint),
    )


def _render_answer(form: AnswerComplaintForm, complaint: Complaint, error: str | None) -> str:
    """The answer page; a refused answer keeps the text typed and shows the answer saved in
    the meantime (``saved_meanwhile``)."""
    saved_meanwhile(form, complaint)
    return render_template("ombudsperson/answer.html", complaint=complaint, form=form, error=error)
