"""Route policy of the return-preparation pages."""

from __future__ import annotations

from tests.security.records import record
from tests.security.route_policy import Rule

VIEW_EDIT = {"GET": Rule.CASE_VIEW, "POST": Rule.CASE_EDIT}

POLICY = {
    "crossborder.index": Rule.CASE_VIEW,
    "crossborder.coordination": VIEW_EDIT,
    "crossborder.messages": VIEW_EDIT,
    "crossborder.home_study": VIEW_EDIT,
    "crossborder.guarantee": VIEW_EDIT,
    "crossborder.central_approval": VIEW_EDIT,
    "crossborder.reintegration": VIEW_EDIT,
    "crossborder.travel": VIEW_EDIT,
    "crossborder.consent": VIEW_EDIT,
    "crossborder.monitoring_plan": VIEW_EDIT,
    "crossborder.withdrawals": VIEW_EDIT,
    "crossborder.withdraw_guarantee": Rule.CASE_EDIT,
    # A second supervisor approves a non-voluntary return as a last resort (PICUM).
    "crossborder.approve_last_resort": Rule.SUPERVISOR_CASE,
}

BUILDERS = {"guarantee_id": lambda world: record(world, "guarantee").id}
