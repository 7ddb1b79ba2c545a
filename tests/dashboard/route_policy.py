"""Route policy of the dashboards: what is due (staff), the approval queue (supervisors)."""

from __future__ import annotations

from tests.security.route_policy import Rule

POLICY = {
    "dashboard.due": Rule.STAFF,
    "dashboard.queue": Rule.SUPERVISOR,
}
