"""``flask demo``: loads once into an empty database, refuses a second time."""

from sqlalchemy import func, select

from caseapp.agencies.models import Agency, AgencyKind
from caseapp.audit.models import AuditEntry
from caseapp.auth.models import User
from caseapp.cases.models import Case
from caseapp.core.permissions import Role
from caseapp.demo import data, lifecycle_data, protection
from caseapp.demo.data import DEMO_PASSWORD

N_CASES = len(data.CASES) + len(lifecycle_data.CASES) + protection.CASES_ADDED


def _count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_loads_once_and_refuses_a_second_time(runner, db, client):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "caseworker.md@example.org" in result.output
    assert DEMO_PASSWORD in result.output
    assert _count(db, Case) == N_CASES
    kinds = set(db.session.scalars(select(Agency.kind)))
    assert kinds == set(AgencyKind)
    countries = set(
        db.session.scalars(select(Agency.country).where(Agency.kind == AgencyKind.CHILD_PROTECTION))
    )
    assert countries == {"MD", "UA", "KG", "RU"}
    # Every role but the counterpart officer (no counterpart shares the demo instance).
    assert set(db.session.scalars(select(User.role))) == set(Role) - {Role.COUNTERPART_OFFICER}
    # Operations were used: the demo leaves an audit trail like real use.
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "case:case:open")
        )
        == N_CASES
    )
    entries_before = _count(db, AuditEntry)

    again = runner.invoke(args=["demo"])
    assert again.exit_code != 0
    assert "already holds data" in again.output
    assert _count(db, Case) == N_CASES
    assert _count(db, AuditEntry) == entries_before

    quiet = runner.invoke(args=["demo", "--if-empty"])
    assert quiet.exit_code == 0
    assert _count(db, Case) == N_CASES

    # The demo logins work.
    response = client.post(
        "/login", data={"email": "caseworker.md@example.org", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302


def test_demo_refuses_any_existing_data(runner, factory, db):
    factory.agency()
    result = runner.invoke(args=["demo"])
    assert result.exit_code != 0
    assert _count(db, Case) == 0
    quiet = runner.invoke(args=["demo", "--if-empty"])
    assert quiet.exit_code == 0
    assert quiet.output == ""
    assert _count(db, User) == 0


def test_demo_names_are_searchable_in_both_scripts(demo_loaded, db, client):
    client.post("/login", data={"email": "caseworker.md@example.org", "password": DEMO_PASSWORD})
    for text, found in (("Ivanov", "Иванов Дмитрий Сергеевич"), ("Каримов", "Karimov Jasur")):
        posted = client.post("/cases/", data={"name": text})  # post/redirect/get
        page = client.get(posted.headers["Location"]).get_data(as_text=True)
        assert found in page
