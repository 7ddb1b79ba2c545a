"""/queue (supervisors) and /due (caseworkers and supervisors)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from caseapp.core.permissions import Permission
from caseapp.core.views import permission_required
from caseapp.dashboard import queries as q
from caseapp.gate.policy import current_policy
from caseapp.participants.queries import overdue_requests

bp = Blueprint("dashboard", __name__)
# Return-preparation cases evaluated per queue page (each page costs the same).
QUEUE_PER_PAGE = 20
# The due list's sections, each paginated on its own (?visits=<cursor> etc.).
DUE_SECTIONS = ("visits", "deadlines", "hearings", "overdue", "requests")


@bp.route("/queue")
@login_required
@permission_required(Permission.RETURN_APPROVE)
def queue():
    """What awaits a supervisor: determinations to approve (not their own), returns ready for
    approval, last resorts awaiting a second supervisor."""
    today, policy = date.today(), current_policy()
    after = request.args.get("after", type=int)
    returns, next_after = q.returns_in_preparation(
        current_user, today, policy, after=after, limit=QUEUE_PER_PAGE
    )
    cursors = {name: request.args.get(name) for name in ("bids", "last_resorts")}
    sections = {
        "bids": q.bids_awaiting(current_user, after=cursors["bids"]),
        "last_resorts": q.last_resorts_awaiting(current_user, after=cursors["last_resorts"]),
    }
    return render_template(
        "dashboard/queue.html",
        bids=sections["bids"][0],
        last_resorts=sections["last_resorts"][0],
        sections=sections,
        cursors=cursors,
        returns=returns,
        after=after,
        next_after=next_after,
        per_page=QUEUE_PER_PAGE,
    )


@bp.route("/due")
@login_required
@permission_required(Permission.CASE_EDIT)
def due():
    """What is due: overdue visits, appeal deadlines, stale hearings, cases over the limit."""
    today, policy = date.today(), current_policy()
    cursors = {name: request.args.get(name) for name in DUE_SECTIONS}
    sections = {
        "visits": q.overdue_visits(current_user, today, after=cursors["visits"]),
        "deadlines": q.appeal_deadlines(current_user, today, after=cursors["deadlines"]),
        "hearings": q.stale_hearings(current_user, today, policy, after=cursors["hearings"]),
        "overdue": q.over_bid_limit(current_user, today, policy, after=cursors["overdue"]),
        # Requests to participants past their due date (issue 10 item 3).
        "requests": overdue_requests(current_user, today, after=cursors["requests"]),
    }
    return render_template(
        "dashboard/due.html",
        today=today,
        policy=policy,
        sections=sections,
        cursors=cursors,
        **{name: rows for name, (rows, _next) in sections.items()},
    )
