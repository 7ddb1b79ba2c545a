"""Route policy of the determination page: reviewing a BID is a supervisor's (002, Rec 2)."""

from __future__ import annotations

from tests.security.records import panel_member, record
from tests.security.route_policy import Rule

POLICY = {
    "determination.page": Rule.CASE_VIEW,
    "determination.open_determination": Rule.CASE_EDIT,
    "determination.new_draft": Rule.CASE_EDIT,
    "determination.add_panel_member": Rule.CASE_EDIT,
    "determination.remove_panel_member": Rule.CASE_EDIT,
    "determination.set_option": Rule.CASE_EDIT,
    "determination.update_bid": Rule.CASE_EDIT,
    "determination.submit_bid": Rule.CASE_EDIT,
    "determination.approve_bid": Rule.SUPERVISOR_CASE,
    "determination.send_back_bid": Rule.SUPERVISOR_CASE,
}

BUILDERS = {
    "bid_id": lambda world: record(world, "bid").id,
    "option": lambda world: "return",
    "determination.remove_panel_member:member_id": lambda world: panel_member(world).id,
}
