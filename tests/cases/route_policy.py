"""Route policy of the case pages (DESIGN.md section 1)."""

from __future__ import annotations

from tests.security.route_policy import Rule

POLICY = {
    # Any caseworker or supervisor opens cases for their own agency (cases/operations.py).
    "cases.new": Rule.STAFF,
    "cases.show": Rule.CASE_VIEW,
    "cases.register": Rule.CASE_EDIT,
    # Supervisors of the lead agency give a case to another member of the team (issue 12).
    "cases.reassign": Rule.SUPERVISOR_CASE,
}
