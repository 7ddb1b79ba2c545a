"""Participants' pages (issue 10): their home page, a case as their part lets them see it,
answering a request; and, for the case's staff, who takes part and what was asked of them.

Participants reach only views marked ``web.shows(record)`` (``caseapp.core.web``), and on
them only what ``Case.can_read`` / ``can_act`` give their role (the matrix in
``caseapp.core.permissions``).
"""

from __future__ import annotations

from functools import partial

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import pending
from caseapp.auth import invitations
from caseapp.cases.models import Case
from caseapp.cases.pages import case_context, load_case
from caseapp.core import clock, mail, web
from caseapp.core.errors import ValidationFailed
from caseapp.core.extensions import db
from caseapp.core.permissions import Permission, RecordType, Role
from caseapp.documents.models import Document
from caseapp.documents.views import send_document
from caseapp.participants import forms as f
from caseapp.participants import operations as ops
from caseapp.participants import pages
from caseapp.participants import queries as q
from caseapp.participants.models import Assignment, ParticipantRequest

bp = Blueprint("participants", __name__)


# -- the participant's own pages ------------------------------------------------------------


@bp.get("/my")
@login_required
def home():
    """A participant's home page: their cases and their open requests, in their language."""
    web.require(current_user.is_participant)
    return render_template("participants/home.html", **pages.home_page(current_user, request.args))


@bp.get("/my/cases/<int:case_id>")
@login_required
@web.shows(RecordType.CASE)
def case(case_id: int):
    """The case as the participant's part lets them see it (least privilege; issue 10)."""
    _held = pages.hold_case(case_id)  # held, so the identity map keeps it for web.load
    the_case = web.load(Case, case_id)  # 404 outside the user's scope, first
    web.require(current_user.is_participant)  # the case's staff have its own pages
    return render_template("participants/case.html", **pages.case_page(the_case, current_user))


@bp.post("/my/requests/<int:participant_request_id>/answer")
@login_required
@web.shows(RecordType.REQUEST)
def answer(participant_request_id: int):
    """The participant answers a request addressed to them; recorded on the case."""
    row = web.load(ParticipantRequest, participant_request_id)
    web.require(row.can_answer(current_user))
    form = f.AnswerRequestForm(prefix=f"r{row.id}")
    return web.submit(
        form,
        ops.answer_request,
        current_user,
        row,
        success=_("Your answer is recorded on the case."),
        next_url=url_for("participants.case", case_id=row.case_id),
    )


@bp.get("/my/cases/<int:case_id>/documents/<int:document_id>")
@login_required
@web.shows(RecordType.CASE)
def document(case_id: int, document_id: int):
    """A document attached to a record the participant may read (the Central Authority's
    decision, a visit report), downloaded by the participant; audited. The case in their
    scope (404), the document of that case (404), attached to a record they read (404:
    they do not learn what else the case's file holds; ``Document.can_view``)."""
    the_case = web.load(Case, case_id)
    attached = web.load(Document, document_id, case=the_case)
    web.require(current_user.is_participant)  # the case's staff have its documents page
    if not attached.can_view(current_user):
        # Refused like an object outside the scope: 404, audited after the request.
        web.later(pending(current_user, AuditAction.ACCESS_REFUSE, attached, diff={}).write)
        abort(404)
    return send_document(attached)


# -- the case's staff: who takes part, what was asked -----------------------------------------


def _staff_page(the_case: Case, invite_form=None, request_form=None, error=None):
    assignments = q.assignments_on(the_case)
    return render_template(
        "participants/staff.html",
        **case_context(the_case),
        assignments=assignments,
        requests=q.requests_on(the_case),
        may_assign=the_case.can_assign_participants(current_user),
        invite_form=invite_form
        or f.InviteToCaseForm(prefix="invite", formdata=None)
        .for_case(the_case)
        .at(the_case.version),
        request_form=request_form
        or f.SendRequestForm(prefix="request", formdata=None)
        .among(assignments)
        .at(the_case.version),
        end_form=lambda a: f.EndAssignmentForm(prefix=f"end{a.id}", formdata=None).at(
            the_case.version
        ),
        error=error,
        today=clock.today(),
    )


@bp.get("/cases/<int:case_id>/participants")
@login_required
def staff(case_id: int):
    """The participants of a case, their assignments and the requests sent to them."""
    return _staff_page(load_case(case_id))


def _send_invitation(user, token: str | None) -> None:
    if token is None:
        return
    link = url_for("auth.accept_invitation", token=token, _external=True)
    hours = int(invitations.INVITATION_LIFETIME.total_seconds() // 3600)
    with force_locale(user.locale):
        body = render_template("auth/mail/invitation.txt", user=user, link=link, hours=hours)
        subject = _("Your invitation to caseapp")
    address = user.email
    # Sent once the request's transaction is committed (the layer commits the view).
    web.later(lambda: mail.send(address, subject, body))


def _invite_and_mail(actor, case_: Case, **values) -> Assignment:
    """Invite and assign a participant; a new account's invitation is mailed after the commit."""
    assignment, token = ops.invite_to_case(actor, case_, **values)
    _send_invitation(assignment.user, token)
    return assignment


def _send(actor, case_: Case, *, assignment_id, **values) -> ParticipantRequest:
    """Send a request to an assignment of ``case_`` (another case's is refused like none)."""
    assignment = db.session.get(Assignment, assignment_id) if assignment_id else None
    if assignment is None or assignment.case_id != case_.id:
        message = _("Choose a participant assigned to this case.")
        raise ValidationFailed(message, details={"assignment_id": [message]})
    return ops.send_request(actor, case_, assignment=assignment, today=clock.today(), **values)


def _invite_account_and_mail(actor, *, agency_id, **values):
    """Invite a participant's account; the invitation is mailed after the commit."""
    from caseapp.agencies.models import Agency

    agency = db.session.get(Agency, agency_id) if agency_id is not None else None
    user, token = invitations.invite(actor, agency=agency, **values)
    _send_invitation(user, token)
    return user


def _invite_page(form, error: str | None) -> str:
    return render_template("participants/invite.html", form=form, error=error, roles=Role)


@bp.post("/cases/<int:case_id>/participants")
@login_required
def invite(case_id: int):
    """The supervisor of the case invites a participant and assigns them to it."""
    the_case = load_case(case_id)
    web.require(the_case.can_assign_participants(current_user))
    form = f.InviteToCaseForm(prefix="invite").for_case(the_case)
    return web.submit(
        form,
        _invite_and_mail,
        current_user,
        the_case,
        success=_("The participant is assigned; a new account gets an invitation by e-mail."),
        next_url=url_for("participants.staff", case_id=the_case.id),
        render=lambda error: _staff_page(the_case, invite_form=form, error=error),
    )


@bp.post("/cases/<int:case_id>/participants/<int:assignment_id>/end")
@login_required
def end(case_id: int, assignment_id: int):
    """End an assignment: the participant's access to the case ends at once."""
    the_case = load_case(case_id)
    assignment = web.load(Assignment, assignment_id, case=the_case)
    web.require(assignment.can_end(current_user))
    form = f.EndAssignmentForm(prefix=f"end{assignment.id}")
    return web.submit(
        form,
        ops.end_assignment,
        current_user,
        assignment,
        success=_("The assignment has ended; the participant no longer sees the case."),
        next_url=url_for("participants.staff", case_id=the_case.id),
    )


@bp.post("/cases/<int:case_id>/requests")
@login_required
def send_request(case_id: int):
    """A caseworker sends an assigned participant a request with a due date."""
    the_case = load_case(case_id, edit=True)
    form = f.SendRequestForm(prefix="request").for_case(the_case)

    return web.submit(
        form,
        _send,
        current_user,
        the_case,
        success=_("The request is sent; it shows on the participant's home page."),
        next_url=url_for("participants.staff", case_id=the_case.id),
        render=lambda error: _staff_page(the_case, request_form=form, error=error),
    )


# -- admins invite accounts -------------------------------------------------------------------


@bp.route("/participants/invite", methods=["GET", "POST"])
@login_required
def invite_account():
    """An admin invites a participant's account (their supervisor assigns them to cases)."""
    web.require(current_user.can(Permission.USER_MANAGE))
    form = f.InviteAccountForm()
    form.bind_languages()

    return web.submit(
        form,
        _invite_account_and_mail,
        current_user,
        success=_("The invitation is on its way."),
        next_url=url_for("participants.invite_account"),
        render=partial(_invite_page, form),
    )
