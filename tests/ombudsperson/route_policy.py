"""Route policy of the ombudsperson's complaints: only the institution's ombudspersons."""

from __future__ import annotations

from datetime import date

from tests.security.route_policy import Rule


def _addressed_complaint(world):
    """A complaint on ``world.case`` addressed to the world's ombudsperson's institution."""
    from caseapp.agencies.models import Agency, AgencyKind
    from caseapp.core.extensions import db
    from caseapp.decision.models import ComplainantKind, Complaint

    ombudsperson = world.users["ombudsperson"]
    if ombudsperson.agency_id is None:
        institution = Agency(
            code=f"OMB{ombudsperson.id}",
            name="Children's Ombudsperson",
            country="MD",
            kind=AgencyKind.OMBUDSPERSON,
        )
        db.session.add(institution)
        db.session.flush()
        ombudsperson.agency_id = institution.id
    complaint = Complaint(
        case_id=world.case.id,
        lodged_by=ComplainantKind.CHILD,
        lodged_on=date(2025, 1, 6),
        subject="Not heard",
        addressed_to_id=ombudsperson.agency_id,
    )
    db.session.add(complaint)
    db.session.commit()
    return complaint.id


POLICY = {
    "ombudsperson.complaints": Rule.OMBUDSPERSON_ONLY,
    "ombudsperson.answer": Rule.OMBUDSPERSON_ONLY,
}

BUILDERS = {"ombudsperson.answer:complaint_id": _addressed_complaint}
