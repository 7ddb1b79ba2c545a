"""The case page and its edit forms: who may see, who may edit, optimistic lock."""

import pytest
from sqlalchemy import select

from caseapp.cases.models import Case, Stage
from caseapp.core.permissions import Role
from tests.support.audit import count_entries

CHILD_FORM = {
    "sex": "male",
    "date_of_birth": "2012-05-01",
    "age_method": "document",
    "nationality_status": "national",
    "nationalities": "UA",
    "languages": "Ukrainian, Russian",
    "country_of_origin": "UA",
    "transit_countries": "PL, MD",
    "identified_by": "police",
    "care_status": "unaccompanied",
    "identity_verification": "documents_seen",
    "trafficking_indicators": "y",
}


def _edit_urls(case):
    name_id = case.child.names[0].id
    return [
        f"/cases/{case.id}/child",
        f"/cases/{case.id}/names/new",
        f"/cases/{case.id}/names/{name_id}",
        f"/cases/{case.id}/family/new",
    ]


def test_caseworker_sees_own_case_page_and_the_view_is_logged(client, factory, login):
    user = factory.user(Role.CASEWORKER)
    case = factory.case(caseworker=user, given="Дмитрий", family="Иванов")
    login(user)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Иванов Дмитрий" in page
    assert f"/cases/{case.id}/child" in page  # edit link
    assert count_entries("case:record:view") == 1


def test_caseworker_gets_404_for_another_agencys_case(client, factory, login):
    case = factory.case()
    login(factory.user(Role.CASEWORKER))
    assert client.get(f"/cases/{case.id}").status_code == 404
    for url in _edit_urls(case):
        assert client.get(url).status_code == 404
    assert client.post(f"/cases/{case.id}/child", data=CHILD_FORM).status_code == 404
    assert count_entries("access:object:refuse") >= 1


def test_missing_case_is_404(client, factory, login):
    login(factory.user(Role.CASEWORKER))
    assert client.get("/cases/999999").status_code == 404


def test_admin_cannot_open_a_childs_record(client, factory, login):
    case = factory.case()
    login(factory.user(Role.ADMIN))
    assert client.get(f"/cases/{case.id}").status_code in (403, 404)
    for url in _edit_urls(case):
        assert client.get(url).status_code in (403, 404)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Ivanov" not in page


def test_ombudsperson_can_view_but_not_edit(client, factory, login, db):
    case = factory.case()
    login(factory.user(Role.OMBUDSPERSON))
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Ivanov Ivan" in page
    assert f"/cases/{case.id}/child" not in page
    assert "You can read this case but not change it." in page
    for url in _edit_urls(case):
        assert client.get(url).status_code == 403
    response = client.post(f"/cases/{case.id}/child", data={**CHILD_FORM, "version": "1"})
    assert response.status_code == 403
    assert client.post(f"/cases/{case.id}/register", data={"version": "1"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Case, case.id).child.trafficking_indicators is False


def test_edit_the_childs_record(client, factory, login, db):
    user = factory.user(Role.CASEWORKER)
    case = factory.case(caseworker=user)
    login(user)
    form = client.get(f"/cases/{case.id}/child").get_data(as_text=True)
    assert 'name="version" type="hidden" value="1"' in form or 'value="1"' in form
    response = client.post(f"/cases/{case.id}/child", data={**CHILD_FORM, "version": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.version == 2
    assert case.child.transit_countries == ["PL", "MD"]
    assert case.child.languages == ["Ukrainian", "Russian"]
    assert case.child.trafficking_indicators is True
    assert count_entries("child:record:update") == 1


def test_stale_version_is_refused_with_a_clear_message(client, factory, login, db):
    user = factory.user(Role.CASEWORKER)
    case = factory.case(caseworker=user)
    login(user)
    assert (
        client.post(f"/cases/{case.id}/child", data={**CHILD_FORM, "version": "1"}).status_code
        == 302
    )
    # A second form loaded at version 1 is now stale.
    stale = {**CHILD_FORM, "version": "1", "trafficking_indicators": "", "disability": "y"}
    response = client.post(f"/cases/{case.id}/child", data=stale)
    assert response.status_code == 409
    assert "Someone else changed this case" in response.get_data(as_text=True)
    db.session.expire_all()
    child = db.session.get(Case, case.id).child
    assert child.disability is False and child.trafficking_indicators is True
    assert count_entries("child:record:update") == 1


def test_invalid_child_record_is_shown_next_to_fields_and_nothing_stored(
    client, factory, login, db
):
    user = factory.user(Role.CASEWORKER)
    case = factory.case(caseworker=user)
    login(user)
    bad = {
        **CHILD_FORM,
        "version": "1",
        "nationality_status": "stateless",
        "transit_countries": "PL, QQ",
        "age_min": "30",
    }
    response = client.post(f"/cases/{case.id}/child", data=bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="age_min-error"' in page
    bad["age_min"] = ""
    page = client.post(f"/cases/{case.id}/child", data=bad).get_data(as_text=True)
    assert 'id="nationalities-error"' in page
    assert 'id="transit_countries-error"' in page
    assert "QQ is not a two-letter ISO country code." in page
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.version == 1 and case.child.transit_countries == []
    assert count_entries("child:record:update") == 0


def test_names_and_family_members_through_the_pages(client, factory, login, db):
    user = factory.user(Role.CASEWORKER)
    case = factory.case(caseworker=user, given="Дмитрий", family="Иванов")
    login(user)
    response = client.post(
        f"/cases/{case.id}/names/new",
        data={"version": "1", "family_name": "Ivanov", "given_name": "Dmitrii"},
    )
    assert response.status_code == 302
    response = client.post(
        f"/cases/{case.id}/family/new",
        data={
            "version": "2",
            "name": "Иванова Ольга",
            "relation": "mother",
            "country": "RU",
            "contact_status": "in_contact",
            "tracing_status": "traced",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Dmitrii" in page and "Иванова Ольга" in page and "mother" in page
    # A family member without a name is refused next to the field.
    response = client.post(
        f"/cases/{case.id}/family/new",
        data={
            "version": "3",
            "name": "",
            "relation": "father",
            "contact_status": "in_contact",
            "tracing_status": "deceased",
        },
    )
    assert response.status_code == 400
    assert 'id="name-error"' in response.get_data(as_text=True)


@pytest.mark.parametrize("complete", [True, False])
def test_register_case(client, factory, login, db, complete):
    user = factory.user(Role.CASEWORKER)
    case = factory.case(caseworker=user, country_of_origin="UA" if complete else None)
    login(user)
    response = client.post(f"/cases/{case.id}/register", data={"version": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    stage = db.session.scalar(select(Case.stage).where(Case.id == case.id))
    assert stage is (Stage.REGISTERED if complete else Stage.IDENTIFIED)
    assert count_entries("case:stage:change") == (1 if complete else 0)


def test_remove_an_alias_and_a_family_member_through_the_pages(client, factory, login, db):
    from caseapp.children.models import ChildName, FamilyMember, Relation
    from caseapp.children.operations import add_family_member, add_name

    user = factory.user(Role.CASEWORKER)
    case = factory.case(caseworker=user)
    alias = add_name(user, case, expected_version=1, given_name="Vanya")
    member = add_family_member(user, case, expected_version=2, name="X", relation=Relation.FATHER)
    db.session.commit()
    alias_id, member_id, primary_id = alias.id, member.id, case.child.primary_name.id
    login(user)
    # The primary name cannot be removed (no remove button, and the operation refuses).
    page = client.get(f"/cases/{case.id}/names/{primary_id}").get_data(as_text=True)
    assert "Remove this alias" not in page
    client.post(f"/cases/{case.id}/names/{primary_id}/remove", data={"version": "3"})
    assert db.session.get(ChildName, primary_id) is not None
    # A stale remove changes nothing.
    client.post(f"/cases/{case.id}/names/{alias_id}/remove", data={"version": "1"})
    assert db.session.get(ChildName, alias_id) is not None
    assert (
        client.post(f"/cases/{case.id}/names/{alias_id}/remove", data={"version": "3"}).status_code
        == 302
    )
    assert (
        client.post(
            f"/cases/{case.id}/family/{member_id}/remove", data={"version": "4"}
        ).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.get(ChildName, alias_id) is None
    assert db.session.get(FamilyMember, member_id) is None
    assert count_entries("child:name:remove") == count_entries("family:member:remove") == 1


def test_the_case_page_in_russian(client, factory, login):
    user = factory.user(Role.CASEWORKER, locale="ru")
    case = factory.case(caseworker=user)
    login(user)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Имена и другие написания" in page
    assert "Украина" in page  # country of origin in Russian
