"""/queue (supervisors) and /due (caseworkers and supervisors)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from caseapp.core.permissions import Permission
from caseapp.core.views import permission_required
from caseapp.dashboard import queries as q
from caseapp.gate.policy import current_policy

bp = Blueprint("dashboard", __name__)


@bp.route("/queue")
@login_required
@permission_required(Permission.RETURN_APPROVE)
def queue():
    """What awaits a supervisor: determinations to approve (not their own), returns ready for
    approval, last resorts awaiting a second supervisor."""
    today, policy = date.today(), current_policy()
    return render_template(
        "dashboard/queue.html",
        bids=q.bids_awaiting(current_user),
        ready=q.returns_ready(current_user, today, policy),
        last_resorts=q.last_resorts_awaiting(current_user),
    )


@bp.route("/due")
@login_required
@permission_required(Permission.CASE_EDIT)
def due():
    """What is due: overdue visits, appeal deadlines, stale hearings, cases over the limit."""
    today, policy = date.today(), current_policy()
    return render_template(
        "dashboard/due.html",
        today=today,
        policy=policy,
        visits=q.overdue_visits(current_user, today),
        deadlines=q.appeal_deadlines(current_user, today),
        hearings=q.stale_hearings(current_user, today, policy),
        overdue=q.over_bid_limit(current_user, today, policy),
    )
