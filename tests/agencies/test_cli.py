"""Operator commands: ``agencies create`` and ``users create --password-stdin``."""

from sqlalchemy import select

from caseapp.agencies.models import Agency, AgencyKind
from caseapp.auth.models import User
from caseapp.core.permissions import Role
from tests.support.audit import count_entries


def test_agencies_create(runner, db):
    args = ["agencies", "create", "--code", "md-cpd", "--name", "CP", "--country", "md"]
    result = runner.invoke(args=[*args, "--kind", "child_protection"])
    assert result.exit_code == 0, result.output
    agency = db.session.scalar(select(Agency).where(Agency.code == "MD-CPD"))
    assert agency.country == "MD" and agency.kind is AgencyKind.CHILD_PROTECTION
    assert count_entries("agency:agency:create") == 1
    again = runner.invoke(args=[*args, "--kind", "child_protection"])
    assert again.exit_code != 0
    assert "already exists" in again.output
    listed = runner.invoke(args=["agencies", "list"])
    assert "MD-CPD" in listed.output


def test_users_create_with_password_from_stdin(runner, factory, db):
    agency = factory.agency(code="UA-CP")
    args = ["users", "create", "--email", "Worker@Example.org", "--name", "Worker"]
    args += ["--role", "caseworker", "--agency", agency.code, "--password-stdin"]
    result = runner.invoke(args=args, input="quiet river stones 71\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "worker@example.org"))
    assert user.role is Role.CASEWORKER and user.agency_id == agency.id
    assert count_entries("user:account:create") == 1


def test_users_create_refuses_a_short_password(runner, factory, db):
    agency = factory.agency(code="UA-CP")
    args = ["users", "create", "--email", "w@example.org", "--name", "W", "--role", "caseworker"]
    result = runner.invoke(args=[*args, "--agency", agency.code, "--password-stdin"], input="x\n")
    assert result.exit_code != 0
    assert "at least 12 characters" in result.output
    assert db.session.scalar(select(User)) is None
