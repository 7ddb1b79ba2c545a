"""Route policy of the dashboards: what is due (staff), the approval queue (supervisors),
the home pages (staff) and each user's own notifications (anyone signed in)."""

from __future__ import annotations

from tests.security.route_policy import Rule

POLICY = {
    "dashboard.due": Rule.STAFF,
    "dashboard.queue": Rule.SUPERVISOR,
    "dashboard.home": Rule.STAFF,
    "dashboard.notifications": Rule.ANY_LOGGED_IN,
    "dashboard.read_notification": Rule.ANY_LOGGED_IN,
    "dashboard.read_all_notifications": Rule.ANY_LOGGED_IN,
    "dashboard.digest": Rule.ANY_LOGGED_IN,
}
