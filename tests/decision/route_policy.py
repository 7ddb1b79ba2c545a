"""Route policy of the decision page."""

from __future__ import annotations

from tests.security.records import record
from tests.security.route_policy import Rule

POLICY = {
    "decision.page": Rule.CASE_VIEW,
    "decision.record_decision": Rule.CASE_EDIT,
    "decision.notify_child": Rule.CASE_EDIT,
    "decision.notify_guardian": Rule.CASE_EDIT,
    "decision.lodge_appeal": Rule.CASE_EDIT,
    "decision.decide_appeal": Rule.CASE_EDIT,
    "decision.lodge_complaint": Rule.CASE_EDIT,
    "decision.answer_complaint": Rule.CASE_EDIT,
    "decision.proceed": Rule.CASE_EDIT,
    "decision.reopen": Rule.CASE_EDIT,
    "decision.new_fact": Rule.CASE_EDIT,
}

BUILDERS = {
    "appeal_id": lambda world: record(world, "appeal").id,
    "complaint_id": lambda world: record(world, "complaint").id,
    "notice_id": lambda world: record(world, "notice").id,
}
