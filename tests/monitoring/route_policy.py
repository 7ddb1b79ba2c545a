"""Route policy of the return execution and monitoring pages."""

from __future__ import annotations

from tests.security.records import record
from tests.security.route_policy import Rule

VIEW_EDIT = {"GET": Rule.CASE_VIEW, "POST": Rule.CASE_EDIT}

POLICY = {
    "monitoring.index": VIEW_EDIT,
    "monitoring.start": Rule.CASE_EDIT,
    "monitoring.visit": VIEW_EDIT,
    "monitoring.escalate": Rule.CASE_EDIT,
}

BUILDERS = {"visit_id": lambda world: record(world, "visit").id}
