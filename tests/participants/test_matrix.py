"""The role x record matrix written in README.md and SECURITY.md is the code's, and the
predicates ask it (issue 10 item 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from caseapp.core.permissions import (
    PARTICIPANT_MATRIX,
    PARTICIPANT_ROLES,
    RECORD_TYPE_OF_TABLE,
    STAFF_ROLES,
    Access,
    RecordType,
    Role,
    participant_may,
)
from tests.participants.matrix import matrix_markdown

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("document", ["README.md", "SECURITY.md"])
def test_documents_show_the_matrix_of_the_code(app, document):
    with app.test_request_context():
        table = matrix_markdown()
    assert table in (ROOT / document).read_text(encoding="utf-8")


def test_every_participant_role_has_a_row_and_no_staff_role_has_one():
    assert set(PARTICIPANT_MATRIX) == set(PARTICIPANT_ROLES)
    for role in (*STAFF_ROLES, Role.OMBUDSPERSON, Role.ADMIN):
        assert not any(participant_may(role, rt) for rt in RecordType)


def test_act_implies_read_and_read_is_not_act():
    assert participant_may(Role.MONITOR, RecordType.MONITORING, Access.ACT)
    assert participant_may(Role.MONITOR, RecordType.MONITORING, Access.READ)
    assert participant_may(Role.MONITOR, RecordType.REINTEGRATION, Access.READ)
    assert not participant_may(Role.MONITOR, RecordType.REINTEGRATION, Access.ACT)
    # Least privilege: the monitor reads neither the risk narrative nor the hearings.
    assert not participant_may(Role.MONITOR, RecordType.ASSESSMENT)
    assert not participant_may(Role.MONITOR, RecordType.HEARING)
    assert not participant_may(Role.GUARDIAN, None)


def test_every_case_record_table_has_a_record_type(app):
    """Each case record's ``can_view`` asks its type; the mapped tables exist."""
    from caseapp.core.extensions import db

    tables = set(db.metadata.tables)
    assert set(RECORD_TYPE_OF_TABLE) <= tables
