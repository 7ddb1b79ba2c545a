"""Route policy of the page of information given to the child."""

from __future__ import annotations

from tests.security.route_policy import Rule

POLICY = {"information.page": {"GET": Rule.CASE_VIEW, "POST": Rule.CASE_EDIT}}
