"""Route policy of the child-record pages: edit pages, so the lead agency's staff only."""

from __future__ import annotations

from tests.security.records import record
from tests.security.route_policy import Rule

POLICY = {
    "children.edit_child": Rule.CASE_EDIT,
    "children.add_name": Rule.CASE_EDIT,
    "children.edit_name": Rule.CASE_EDIT,
    "children.remove_name": Rule.CASE_EDIT,
    "children.add_family_member": Rule.CASE_EDIT,
    "children.edit_family_member": Rule.CASE_EDIT,
    "children.remove_family_member": Rule.CASE_EDIT,
}

BUILDERS = {
    "name_id": lambda world: record(world, "name").id,
    "member_id": lambda world: record(world, "family_member").id,
}
