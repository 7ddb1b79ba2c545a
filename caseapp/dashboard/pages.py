"""Page contents of the dashboard's lists and home pages (issue 8: views stay short). Each
takes the signed-in user and the page's cursors; the lists come from ``queries``/``home``."""

from __future__ import annotations

from typing import Any

from caseapp.core import clock
from caseapp.core.permissions import Permission
from caseapp.core.validators import id_arg
from caseapp.dashboard import home as home_q
from caseapp.dashboard import queries as q
from caseapp.dashboard.reminders import reminders_for
from caseapp.gate.policy import current_policy
from caseapp.participants.queries import overdue_requests

# Return-preparation cases evaluated per queue page (each page costs the same): every record
# the gate reads is loaded for each of them (~28 per case), so the page's cost is in
# proportion (issue 16: 20 cost ~100 ms at 100,000 cases).
QUEUE_PER_PAGE = 10
# The due list's sections, each paginated on its own (?visits=<cursor> etc.).
DUE_SECTIONS = ("visits", "deadlines", "hearings", "overdue", "requests")
# Rows per section of the due list: a day's work, the most urgent first; "Next page" for more
# (issue 16: the page's cost was drawing ~250 rows).
DUE_PER_SECTION = 10


def queue_page(user, args) -> dict[str, Any]:
    """The supervisor's queue: determinations to approve (not their own), returns ready for
    approval, last resorts awaiting a second supervisor. ``args``: the request's arguments."""
    today, policy = clock.today(), current_policy()
    after = id_arg(args.get("after"))
    returns, next_after = q.returns_in_preparation(
        user, today, policy, after=after, limit=QUEUE_PER_PAGE
    )
    cursors = {name: args.get(name) for name in ("bids", "last_resorts")}
    sections = {
        "bids": q.bids_awaiting(user, after=cursors["bids"]),
        "last_resorts": q.last_resorts_awaiting(user, after=cursors["last_resorts"]),
    }
    return {
        "bids": sections["bids"][0],
        "last_resorts": sections["last_resorts"][0],
        "sections": sections,
        "cursors": cursors,
        "returns": returns,
        "after": after,
        "next_after": next_after,
        "per_page": QUEUE_PER_PAGE,
        "waited_days": lambda since: q.days_since(since, today),
    }


def due_page(user, args) -> dict[str, Any]:
    """What is due: overdue visits, appeal deadlines, stale hearings, cases over the limit,
    requests to participants past their due date (issue 10 item 3)."""
    today, policy = clock.today(), current_policy()
    cursors = {name: args.get(name) for name in DUE_SECTIONS}
    n = DUE_PER_SECTION
    sections = {
        "visits": q.overdue_visits(user, today, after=cursors["visits"], limit=n),
        "deadlines": q.appeal_deadlines(user, today, after=cursors["deadlines"], limit=n),
        "hearings": q.stale_hearings(user, today, policy, after=cursors["hearings"], limit=n),
        "overdue": q.over_bid_limit(user, today, policy, after=cursors["overdue"], limit=n),
        "requests": overdue_requests(user, today, after=cursors["requests"], limit=n),
    }
    return {
        "today": today,
        "policy": policy,
        "sections": sections,
        "cursors": cursors,
        **{name: rows for name, (rows, _next) in sections.items()},
    }


def home_page(user) -> tuple[str, dict[str, Any]]:
    """The caseworker's or supervisor's start page (issue 12 item 3): its template and
    values; a supervisor's shows the approvals waiting and the team's workload."""
    today, policy = clock.today(), current_policy()
    reminders = reminders_for(user, today, policy)
    notices, unread = home_q.unread_notifications(user)
    context = {
        "today": today,
        "reminders": reminders,
        "overdue": [r for r in reminders if r.overdue],
        "notices": notices,
        "unread": unread,
    }
    if user.can(Permission.CASE_REASSIGN):
        context["waiting"] = home_q.approvals_waiting(user, today)
        context["team"] = home_q.team_workload(user, today, policy)
        return "dashboard/home_supervisor.html", context
    cases, total = home_q.my_cases(user, today, policy)
    return "dashboard/home.html", {"cases": cases, "total": total, **context}
