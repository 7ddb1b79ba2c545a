"""Route policy of the solution page."""

from __future__ import annotations

from tests.security.route_policy import Rule

POLICY = {
    "solutions.page": Rule.CASE_VIEW,
    "solutions.save_plan": Rule.CASE_EDIT,
    "solutions.implemented": Rule.CASE_EDIT,
}
