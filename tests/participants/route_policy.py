"""Route policy of the participants' pages (issue 10)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.security.records import record
from tests.security.route_policy import Rule

POLICY = {
    "participants.home": Rule.PARTICIPANT,
    "participants.case": Rule.PARTICIPANT_CASE,
    "participants.answer": Rule.REQUEST_ADDRESSEE,
    # A document attached to the Central Authority's decision (S11): its reader only.
    "participants.document": Rule.READ_CENTRAL,
    "participants.staff": Rule.CASE_VIEW,
    "participants.invite": Rule.SUPERVISOR_CASE,
    "participants.end": Rule.CASE_EDIT,
    "participants.send_request": Rule.CASE_EDIT,
    "participants.invite_account": Rule.ADMIN_ONLY,
    "auth.accept_invitation": Rule.PUBLIC,
}


def guardian_request(world):
    """An open request on ``world.case`` to its guardian (made once per test)."""
    from caseapp.core.extensions import db
    from caseapp.participants.models import Assignment, ParticipantRequest, RequestKind

    cache = world.__dict__.setdefault("_records", {})
    if "guardian_request" not in cache:
        assignment = db.session.scalar(
            select(Assignment).where(
                Assignment.case_id == world.case.id,
                Assignment.user_id == world.users["guardian"].id,
            )
        )
        row = ParticipantRequest(
            case_id=world.case.id,
            assignment_id=assignment.id,
            kind=RequestKind.ATTEND_HEARING,
            details="The hearing on the options",
            due_on=date(2030, 1, 1),
            sent_by_id=world.case.caseworker_id,
        )
        db.session.add(row)
        db.session.commit()
        cache["guardian_request"] = row
    return cache["guardian_request"].id


def central_document(world):
    """A document of ``world.case`` attached to the Central Authority's decision."""
    from tests.participants.records import attached_document

    return attached_document(world, "central_approval").id


BUILDERS = {
    "participants.document:document_id": central_document,
    "participant_request_id": guardian_request,
    "assignment_id": lambda world: record(world, "assignment").id,
}
