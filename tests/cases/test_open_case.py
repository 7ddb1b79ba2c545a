"""Opening a case: validation next to the fields, search before create, one audit entry."""

from sqlalchemy import func, select

from caseapp.cases.models import Case, Stage
from caseapp.core.permissions import Role
from tests.support.audit import count_entries

VALID = {
    "family_name": "Петренко",
    "given_name": "Олег",
    "sex": "male",
    "age_min": "14",
    "age_max": "16",
    "age_method": "psychosocial",
    "country_of_origin": "UA",
    "care_status": "unaccompanied",
    "identified_by": "police",
}


def _cases(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Case))


def test_caseworker_opens_a_case_with_one_audit_entry(client, factory, login, db):
    user = factory.user(Role.CASEWORKER)
    login(user)
    assert client.get("/cases/new").status_code == 200
    response = client.post("/cases/new", data=VALID)
    assert response.status_code == 302
    case = db.session.scalars(select(Case)).one()
    assert response.headers["Location"].endswith(f"/cases/{case.id}")
    assert case.stage is Stage.IDENTIFIED
    assert case.child.primary_name.family_name == "Петренко"
    assert case.child.age_min == 14
    assert count_entries("case:case:open") == 1


def test_invalid_input_is_shown_next_to_the_field_and_nothing_is_stored(client, factory, login, db):
    login(factory.user(Role.CASEWORKER))
    before = count_entries()
    bad = {**VALID, "given_name": "", "age_min": "17", "age_max": "12", "country_of_origin": "XX"}
    response = client.post("/cases/new", data=bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="given_name-error"' in page
    assert 'id="country_of_origin-error"' in page
    assert "Nothing was saved" in page
    assert _cases(db) == 0
    assert count_entries() == before


def test_domain_rule_errors_are_shown_next_to_their_field(client, factory, login, db):
    login(factory.user(Role.CASEWORKER))
    bad = {**VALID, "age_min": "16", "age_max": "12"}
    page = client.post("/cases/new", data=bad).get_data(as_text=True)
    assert 'id="age_max-error"' in page
    assert "The highest age cannot be below the lowest age." in page
    future = {**VALID, "date_of_birth": "2999-01-01"}
    page = client.post("/cases/new", data=future).get_data(as_text=True)
    assert 'id="date_of_birth-error"' in page
    assert _cases(db) == 0


def test_search_before_create_shows_matches_in_own_agency_only(client, factory, login, db):
    user = factory.user(Role.CASEWORKER)
    own = factory.case(caseworker=user, given="Олег", family="Петренко")
    other = factory.case(given="Oleh", family="Petrenko")  # another agency
    login(user)
    response = client.post("/cases/new", data={**VALID, "family_name": "Petrenko"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Is this child already known?" in page
    assert f"/cases/{own.id}" in page
    assert f"/cases/{other.id}" not in page
    assert _cases(db) == 2  # nothing created yet
    # Confirming opens the new case anyway.
    response = client.post(
        "/cases/new", data={**VALID, "family_name": "Petrenko", "confirmed": "1"}
    )
    assert response.status_code == 302
    assert _cases(db) == 3


def test_no_match_opens_directly(client, factory, login, db):
    user = factory.user(Role.CASEWORKER)
    factory.case(caseworker=user, given="Анна", family="Сидорова")
    login(user)
    response = client.post("/cases/new", data=VALID)
    assert response.status_code == 302


def test_same_family_name_and_date_of_birth_is_a_likely_match(client, factory, login):
    from datetime import date

    user = factory.user(Role.CASEWORKER)
    own = factory.case(caseworker=user, given="Дима", family="Петренко", dob=date(2011, 3, 4))
    login(user)
    data = {
        **VALID,
        "given_name": "Dmytro",
        "family_name": "Petrenko",
        "date_of_birth": "2011-03-04",
    }
    page = client.post("/cases/new", data=data).get_data(as_text=True)
    assert f"/cases/{own.id}" in page


def test_ombudsperson_and_admin_cannot_open_cases(client, factory, login, db):
    for role in (Role.OMBUDSPERSON, Role.ADMIN):
        login(factory.user(role))
        assert client.get("/cases/new").status_code == 403
        assert client.post("/cases/new", data=VALID).status_code == 403
    assert _cases(db) == 0
