"""Documents attached to a case's records, for the participants' document tests and the
route policy (issue 10: a participant reads a document by the record it is attached to)."""

from __future__ import annotations

from datetime import date

from caseapp.core.extensions import db
from caseapp.crossborder.models import CentralAuthorityApproval
from tests.security.records import record


def central_approval(world, case):
    """The Central Authority's decision recorded on ``case`` from a paper document (S11)."""
    cache = world.__dict__.setdefault("_records", {})
    key = ("central_approval", case.id)
    if key not in cache:
        row = CentralAuthorityApproval(
            case=case,
            authority_name="Central Authority",
            reference="CA-9",
            approved_on=date(2025, 2, 1),
        )
        db.session.add(row)
        db.session.commit()
        cache[key] = row
    return cache[key]


def attached_document(world, kind: str, case=None):
    """A PDF on ``case`` (default ``world.case``) attached to its ``kind`` record: the
    Central Authority's decision ("central_approval"), a monitoring visit ("visit") or the
    request to the guardian ("request"); made once per test."""
    from flask import current_app

    from caseapp.documents.operations import store_document
    from caseapp.participants.models import ParticipantRequest
    from tests.participants.route_policy import guardian_request
    from tests.security.conftest import PDF, upload_folder

    case = case if case is not None else world.case
    cache = world.__dict__.setdefault("_attached", {})
    if (kind, case.id) in cache:
        return cache[(kind, case.id)]
    if kind == "central_approval":
        target = central_approval(world, case)
    elif kind == "visit":
        target = record(world, "visit", case=case)
    else:
        target = db.session.get(ParticipantRequest, guardian_request(world))
    document = store_document(
        _staff_of(world, case),
        case,
        filename=f"{kind}.pdf",
        data=PDF,
        folder=upload_folder(current_app),
        max_bytes=10**7,
        record_type=target.__tablename__,
        record_id=target.id,
    )
    db.session.commit()
    cache[(kind, case.id)] = document
    return document


def _staff_of(world, case):
    """A caseworker who records on ``case`` (agency A's or agency B's)."""
    own = case.lead_agency_id == world.agency.id
    return world.users["caseworker_own" if own else "caseworker_other"]
