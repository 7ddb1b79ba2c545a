"""Route policy of the safeguards page, the return approval and the admin policy pages."""

from __future__ import annotations

from tests.security.records import suspension
from tests.security.route_policy import Rule

POLICY = {
    "gate.safeguards": Rule.CASE_VIEW,
    "gate.approve": Rule.SUPERVISOR_CASE,
    "gate.policy": Rule.ADMIN_ONLY,
    "gate.suspensions": Rule.ADMIN_ONLY,
    "gate.lift": Rule.ADMIN_ONLY,
}

BUILDERS = {"suspension_id": lambda world: suspension(world).id}
