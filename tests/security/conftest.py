"""Fixtures for the security tests: a world of two agencies with one actor of each kind."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from caseapp.core.permissions import Role

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@dataclass
class World:
    """Agency A owns ``case`` (and its document); agency B owns ``other_case``."""

    agency: object
    other_agency: object
    case: object
    other_case: object
    document: object
    other_document: object
    users: dict = field(default_factory=dict)
    managed_user: object = None  # an account for the admin pages, not one of the actors


def upload_folder(app) -> Path:
    """Where the test app stores documents."""
    return Path(app.instance_path) / "uploads"


def make_document(app, case, actor, *, data=PDF, filename="passport.pdf"):
    """Store a document for ``case`` through the real operation."""
    from caseapp.core.extensions import db
    from caseapp.documents.operations import store_document

    document = store_document(
        actor, case, filename=filename, data=data, folder=upload_folder(app), max_bytes=10**7
    )
    db.session.commit()
    return document


def add_participants(factory, users, case, other_case):
    """One participant of each role assigned to ``case`` (keyed by the role's value), one
    assigned only to ``other_case`` and one whose assignment to ``case`` has ended."""
    from caseapp.core.extensions import db
    from caseapp.core.permissions import PARTICIPANT_ROLES
    from caseapp.participants.operations import end_assignment

    for role in sorted(PARTICIPANT_ROLES):
        users[role.value] = factory.participant(role, case, supervisor=users["supervisor_own"]).user
    users["participant_other_case"] = factory.participant(
        Role.GUARDIAN, other_case, supervisor=users["supervisor_other"]
    ).user
    ended = factory.participant(Role.MONITOR, case, supervisor=users["supervisor_own"])
    end_assignment(users["supervisor_own"], ended, reason="Monitoring handed over")
    db.session.commit()
    users["participant_ended"] = ended.user


@pytest.fixture
def world(app, factory):
    """Two agencies, a case with a document in each, and one user per actor kind."""
    agency, other = factory.agency(), factory.agency()
    users = {
        "caseworker_own": factory.user(Role.CASEWORKER, agency=agency),
        "caseworker_other": factory.user(Role.CASEWORKER, agency=other),
        "supervisor_own": factory.user(Role.SUPERVISOR, agency=agency),
        "supervisor_other": factory.user(Role.SUPERVISOR, agency=other),
        "ombudsperson": factory.user(Role.OMBUDSPERSON),
        "admin": factory.user(Role.ADMIN),
    }
    case = factory.case(agency=agency, caseworker=users["caseworker_own"])
    other_case = factory.case(agency=other, caseworker=users["caseworker_other"])
    add_participants(factory, users, case, other_case)
    return World(
        agency=agency,
        other_agency=other,
        case=case,
        other_case=other_case,
        document=make_document(app, case, users["caseworker_own"]),
        other_document=make_document(app, other_case, users["caseworker_other"]),
        users=users,
        managed_user=factory.user(Role.CASEWORKER, agency=agency),
    )
