"""Route policy of the participants' own acts (issue 10, item 2): each page opens only to the
participant assigned in that part; the lead agency's staff record the same acts on their own
pages (403 here), everyone else gets 404."""

from tests.security.records import record
from tests.security.route_policy import Rule

POLICY = {
    "acts.central": Rule.ACT_CENTRAL,
    "acts.monitor": Rule.ACT_MONITOR,
    "acts.accept": Rule.ACT_MONITOR,
    "acts.visit": Rule.ACT_MONITOR,
    "acts.escalate": Rule.ACT_MONITOR,
    "acts.visit_document": Rule.ACT_MONITOR,
    "acts.party": Rule.ACT_PARTY,
    "acts.guardian": Rule.ACT_GUARDIAN,
    "acts.declare": Rule.ACT_GUARDIAN,
    "acts.consent": Rule.ACT_GUARDIAN,
    "acts.object_": Rule.ACT_GUARDIAN,
    "acts.appeal": Rule.ACT_PARTY,
    "acts.complaint": Rule.ACT_PARTY,
}

BUILDERS = {
    "acts.visit:visit_id": lambda world: record(world, "visit").id,
    "acts.escalate:visit_id": lambda world: record(world, "visit").id,
    "acts.visit_document:visit_id": lambda world: record(world, "visit").id,
}
