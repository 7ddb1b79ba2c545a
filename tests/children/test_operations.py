"""Intake operations: each change writes exactly one audit entry, atomically with the change."""

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from caseapp.agencies.models import Agency
from caseapp.audit.models import AuditEntry
from caseapp.cases import operations as case_ops
from caseapp.cases.models import Case, Stage
from caseapp.children import operations as ops
from caseapp.children.models import ChildName, FamilyMember, Relation, Sex, TracingStatus
from caseapp.core.errors import PermissionDenied, StaleVersion, ValidationFailed
from caseapp.core.permissions import Role
from tests.support.audit import count_entries, entries


@pytest.fixture
def worker(factory):
    return factory.user(Role.CASEWORKER)


@pytest.fixture
def case(factory, worker):
    return factory.case(caseworker=worker, given="Дмитрий", family="Иванов")


def _one_entry(db, action, change):
    """Run ``change`` and commit; exactly one new entry, and it is ``action``."""
    before = count_entries()
    result = change()
    db.session.commit()
    assert count_entries() == before + 1
    assert count_entries(action) >= 1
    last = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
    assert last.action == action
    return result, last


def test_open_case_writes_one_entry(db, factory, worker):
    agency = db.session.get(Agency, worker.agency_id)
    _, entry = _one_entry(
        db,
        "case:case:open",
        lambda: case_ops.open_case(worker, agency=agency, given_name="Ян", family_name="Ли"),
    )
    assert entry.diff["name"]["given_name"] == [None, "Ян"]


def test_each_operation_writes_exactly_one_entry(db, worker, case):
    _, entry = _one_entry(
        db,
        "child:record:update",
        lambda: ops.update_child(worker, case, expected_version=case.version, sex=Sex.MALE),
    )
    assert entry.diff == {"sex": ["unknown", "male"]}
    assert entry.case_id == case.id and entry.actor_id == worker.id
    name, _ = _one_entry(
        db,
        "child:name:add",
        lambda: ops.add_name(
            worker, case, expected_version=case.version, given_name="Dima", family_name="Ivanov"
        ),
    )
    _, entry = _one_entry(
        db,
        "child:name:update",
        lambda: ops.update_name(
            worker,
            name,
            expected_version=case.version,
            given_name="Dmitrii",
            family_name="Ivanov",
            is_primary=True,
        ),
    )
    assert entry.diff["is_primary"] == [False, True]
    old_primary = next(n for n in case.child.names if n is not name)
    assert old_primary.is_primary is False
    _one_entry(
        db,
        "child:name:remove",
        lambda: ops.remove_name(worker, old_primary, expected_version=case.version),
    )
    member, _ = _one_entry(
        db,
        "family:member:add",
        lambda: ops.add_family_member(
            worker, case, expected_version=case.version, name="Ольга", relation=Relation.MOTHER
        ),
    )
    _one_entry(
        db,
        "family:member:update",
        lambda: ops.update_family_member(
            worker, member, expected_version=case.version, tracing_status=TracingStatus.TRACED
        ),
    )
    _one_entry(
        db,
        "family:member:remove",
        lambda: ops.remove_family_member(worker, member, expected_version=case.version),
    )
    case.child.country_of_origin = "RU"  # via the operation it would be one more entry
    db.session.commit()
    _, entry = _one_entry(
        db,
        "case:stage:change",
        lambda: case_ops.register_case(worker, case, expected_version=case.version),
    )
    assert entry.diff == {"stage": ["identified", "registered"]}
    # Every change bumped the case version.
    assert case.version >= 9


def test_unchanged_record_writes_no_entry(db, worker, case):
    before = count_entries()
    assert ops.update_child(worker, case, expected_version=1, sex=case.child.sex) is False
    db.session.commit()
    assert count_entries() == before
    assert case.version == 1


def test_stale_version_is_refused(db, worker, case):
    ops.update_child(worker, case, expected_version=1, disability=True)
    db.session.commit()
    with pytest.raises(StaleVersion):
        ops.add_name(worker, case, expected_version=1, given_name="Dima")


def test_concurrent_writer_is_detected_by_the_version_column(app, db, worker, case):
    """Two sessions load version 1; the second flush finds the row changed and refuses."""
    other = db.session.get(Case, case.id)
    assert other is case  # same identity map; simulate the other writer with SQL instead
    db.session.execute(
        Case.__table__.update().where(Case.id == case.id).values(version=Case.version + 1)
    )
    with pytest.raises(StaleVersion):
        ops.update_child(worker, case, expected_version=1, disability=True)
    db.session.rollback()


def test_read_only_and_foreign_users_are_refused(db, factory, case):
    for user in (factory.user(Role.OMBUDSPERSON), factory.user(Role.CASEWORKER)):
        with pytest.raises(PermissionDenied):
            ops.update_child(user, case, expected_version=1, disability=True)


def test_validation_refuses_and_reports_fields(db, worker, case):
    with pytest.raises(ValidationFailed) as err:
        ops.update_child(
            worker, case, expected_version=1, age_min=15, age_max=12, identified_on=date(2999, 1, 1)
        )
    assert set(err.value.details) == {"age_max", "identified_on"}
    with pytest.raises(ValidationFailed):
        ops.remove_name(worker, case.child.primary_name, expected_version=1)
    with pytest.raises(ValidationFailed) as err:
        ops.add_family_member(worker, case, expected_version=1, name=" ", relation=Relation.FATHER)
    assert "name" in err.value.details


def test_failure_after_the_change_leaves_neither_change_nor_entry(db, worker, case):
    """An IntegrityError later in the same unit of work rolls back the change and its entry."""
    before = count_entries()
    ops.add_name(worker, case, expected_version=1, given_name="Dima", family_name="Ivanov")
    db.session.add(Agency(code=case.lead_agency.code, name="dup", country="MD", kind="ngo"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert count_entries() == before
    assert db.session.scalar(select(func.count()).select_from(ChildName)) == 1
    assert db.session.get(Case, case.id).version == 1


def test_failing_recorder_in_a_request_leaves_nothing(client, login, db, worker, case, monkeypatch):
    """The recorder fails after the change was flushed: the request stores neither."""
    from caseapp.audit import recorder

    real = recorder.record

    def record_then_fail(*args, **kwargs):
        real(*args, **kwargs)
        raise IntegrityError("forced", params=None, orig=Exception("forced"))

    login(worker)
    before = count_entries()
    monkeypatch.setattr(ops, "record", record_then_fail)
    with pytest.raises(IntegrityError):
        client.post(
            f"/cases/{case.id}/family/new",
            data={
                "version": "1",
                "name": "Ольга",
                "relation": "mother",
                "contact_status": "not_contacted",
                "tracing_status": "not_started",
            },
        )
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(FamilyMember)) == 0
    assert count_entries() == before
    assert entries("family:member:add") == []
    assert db.session.get(Case, case.id).stage is Stage.IDENTIFIED
