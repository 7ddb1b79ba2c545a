"""Route policy of the assessment pages: read by whoever sees the case, changed by the lead
agency's caseworkers and supervisors."""

from __future__ import annotations

from tests.security.records import record
from tests.security.route_policy import Rule

VIEW_EDIT = {"GET": Rule.CASE_VIEW, "POST": Rule.CASE_EDIT}

POLICY = {
    "assessment.page": Rule.CASE_VIEW,
    "assessment.start": Rule.CASE_EDIT,
    "assessment.appoint_guardian": Rule.CASE_EDIT,
    "assessment.assign_legal_representative": Rule.CASE_EDIT,
    "assessment.record_placement": Rule.CASE_EDIT,
    "assessment.record_service": Rule.CASE_EDIT,
    "assessment.record_family_assessment": Rule.CASE_EDIT,
    "assessment.end_record": Rule.CASE_EDIT,
    "assessment.update_tracing": Rule.CASE_EDIT,
    # The hearing form is an edit page (load_case(edit=True) on GET too).
    "assessment.new_hearing": Rule.CASE_EDIT,
    "assessment.bia": Rule.CASE_VIEW,
    "assessment.save_bia": Rule.CASE_EDIT,
    "assessment.edit_bia": Rule.CASE_EDIT,
    "assessment.complete_bia": Rule.CASE_EDIT,
}

BUILDERS = {
    "kind": lambda world: "guardians",
    "record_id": lambda world: record(world, "guardians").id,
    "bia_id": lambda world: record(world, "bia").id,
}
