"""Route policy of the family page."""

from __future__ import annotations

from tests.security.route_policy import Rule

POLICY = {
    "families.page": Rule.CASE_VIEW,
    "families.create": Rule.CASE_EDIT,
    "families.link": Rule.CASE_EDIT,
    "families.add_party": Rule.CASE_EDIT,
    "families.record_act": Rule.CASE_EDIT,
    "families.lodge_appeal": Rule.CASE_EDIT,
}
