"""Route policy of the audit pages: ombudspersons only (DESIGN.md section 6)."""

from __future__ import annotations

from tests.security.route_policy import Rule

POLICY = {
    "audit.log": Rule.AUDIT_VIEW,
    "audit.timeline": Rule.AUDIT_VIEW,
    "audit.export": Rule.AUDIT_VIEW,
}
