"""The case list: scope, filters, name search in both scripts, pagination, query count."""

import re
from datetime import date

import pytest

from caseapp.agencies.models import Agency
from caseapp.cases.models import Case, Stage
from caseapp.children.models import AgeMethod, CareStatus
from caseapp.core.permissions import Role
from tests.support.statements import statements


def _page(client, **data):
    response = client.post("/cases/", data=data)
    assert response.status_code == 302  # post/redirect/get
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_caseworker_sees_only_own_agency_cases(client, factory, login):
    user = factory.user(Role.CASEWORKER)
    own = factory.case(caseworker=user)
    other = factory.case()
    login(user)
    page = client.get("/cases/").get_data(as_text=True)
    assert f"/cases/{own.id}" in page
    assert f"/cases/{other.id}" not in page


def test_ombudsperson_sees_every_agency(client, factory, login):
    first, second = factory.case(), factory.case()
    login(factory.user(Role.OMBUDSPERSON))
    page = client.get("/cases/").get_data(as_text=True)
    assert f"/cases/{first.id}" in page and f"/cases/{second.id}" in page


def test_the_caseworker_filter_offers_each_user_their_own_agencys_staff(client, factory, login):
    """The staff statement is built once per process (issue 16): the agency is a value of
    each request, so one agency's list never offers another's staff; an ombudsperson's
    offers everyone's. Admins are never offered."""
    first = factory.user(Role.CASEWORKER, name="Ana First")
    factory.user(Role.SUPERVISOR, agency=first.agency, name="Bogdan Colleague")
    factory.user(Role.ADMIN, agency=first.agency, name="Cezar Admin")
    second = factory.user(Role.CASEWORKER, name="Dina Second")
    ombudsperson = factory.user(Role.OMBUDSPERSON, name="Elena Ombudsperson")

    def offered(user) -> set[str]:
        login(user)
        page = client.get("/cases/").get_data(as_text=True)
        select_html = page[page.index('name="caseworker"') :].split("</select>")[0]
        return set(re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', select_html))

    assert offered(first) == {"Ana First", "Bogdan Colleague"}
    assert offered(second) == {"Dina Second"}
    assert offered(first) == {"Ana First", "Bogdan Colleague"}
    assert {"Ana First", "Bogdan Colleague", "Dina Second"} <= offered(ombudsperson)
    assert "Cezar Admin" not in offered(ombudsperson)


def test_admin_gets_no_case_list(client, factory, login):
    factory.case()
    login(factory.user(Role.ADMIN))
    assert client.get("/cases/").status_code == 403


@pytest.mark.parametrize(
    ("query", "written"),
    [("Ivanov", "Иванов"), ("Иванов", "Ivanov"), ("ivanova", "Иванова"), ("Юлия", "Yuliia")],
)
def test_name_search_finds_the_child_in_either_script(client, factory, login, query, written):
    user = factory.user(Role.CASEWORKER)
    found = factory.case(caseworker=user, given="Ян", family=written)
    missed = factory.case(caseworker=user, given="Пётр", family="Сидоров")
    login(user)
    page = _page(client, name=query)
    assert f"/cases/{found.id}" in page
    assert f"/cases/{missed.id}" not in page


def test_search_finds_aliases(client, factory, login, db):
    from caseapp.children.operations import add_name

    user = factory.user(Role.CASEWORKER)
    case = factory.case(caseworker=user, given="Jasur", family="Karimov")
    add_name(user, case, expected_version=case.version, given_name="Жасур", family_name="Каримов")
    db.session.commit()
    login(user)
    assert f"/cases/{case.id}" in _page(client, name="Каримов Жасур")


def test_the_search_text_is_not_taken_from_the_url(client, factory, login):
    """Names never travel in URLs (they would end in access logs)."""
    user = factory.user(Role.CASEWORKER)
    other = factory.case(caseworker=user, given="Пётр", family="Сидоров")
    login(user)
    page = client.get("/cases/?name=Ivanov").get_data(as_text=True)
    assert f"/cases/{other.id}" in page  # the parameter is ignored


def test_filters(client, factory, login, db):
    user = factory.user(Role.CASEWORKER)
    colleague = factory.user(Role.CASEWORKER, agency=db.session.get(Agency, user.agency_id))
    documented = {"age_method": AgeMethod.DOCUMENT}
    plain = factory.case(caseworker=user, care_status=CareStatus.ACCOMPANIED, **documented)
    trafficked = factory.case(
        caseworker=user,
        trafficking_indicators=True,
        care_status=CareStatus.ACCOMPANIED,
        **documented,
    )
    unaccompanied = factory.case(
        caseworker=colleague,
        **documented,
        country_of_origin="UZ",
        care_status=CareStatus.UNACCOMPANIED,
        charged_irregular_entry=True,
    )
    presumed = factory.case(
        caseworker=user,
        dob=None,
        age_min=15,
        age_max=17,
        age_method=AgeMethod.PSYCHOSOCIAL,
        care_status=CareStatus.ACCOMPANIED,
    )
    # An adult range cannot be opened as a child case (issue 15): recorded afterwards.
    adult_range = factory.case(
        caseworker=user, dob=None, age_min=16, age_max=17, age_method=AgeMethod.MEDICAL
    )
    adult_range.child.age_min, adult_range.child.age_max = 19, 21
    plain.stage = Stage.REGISTERED
    db.session.commit()
    login(user)
    everything = {plain, trafficked, unaccompanied, presumed, adult_range}

    def shown(**data) -> set:
        page = _page(client, **data)
        return {c for c in everything if f'href="/cases/{c.id}"' in page}

    assert shown() == everything
    assert shown(trafficking="y") == {trafficked}
    assert shown(unaccompanied="y") == {unaccompanied, adult_range}
    assert shown(charged="y") == {unaccompanied}
    assert shown(country_of_origin="UZ") == {unaccompanied}
    assert shown(stage="registered") == {plain}
    assert shown(caseworker=str(colleague.id)) == {unaccompanied}
    assert shown(presumed_minor="y") == {presumed}
    # Filters also work by GET (no personal data in them).
    page = client.get("/cases/?country_of_origin=UZ").get_data(as_text=True)
    assert f"/cases/{unaccompanied.id}" in page and f"/cases/{plain.id}" not in page


def test_presumed_minor_filter_matches_the_model(app, factory, db):
    """The SQL condition and ``Child.presumed_minor_on`` agree."""
    from sqlalchemy import select

    from caseapp.children.age_sql import presumed_minor_on
    from caseapp.children.models import Child

    today = date(2026, 6, 1)
    specs = [
        {"dob": date(2010, 1, 1), "age_method": AgeMethod.DOCUMENT},
        {"dob": date(2010, 1, 1), "age_method": AgeMethod.SELF_DECLARED},
        {"dob": date(2008, 6, 1), "age_method": AgeMethod.SELF_DECLARED},  # 18 today
        {"dob": date(2008, 6, 2), "age_method": AgeMethod.SELF_DECLARED},  # 17 today
        {"dob": None, "age_min": 16, "age_max": 19, "age_method": AgeMethod.MEDICAL},
        {"dob": None, "age_min": 18, "age_max": 19, "age_method": AgeMethod.MEDICAL},
        {"dob": None, "age_method": AgeMethod.UNKNOWN},
        # Disputed (issue 15): presumed a minor whatever the records say.
        {"dob": date(1990, 1, 1), "age_method": AgeMethod.DOCUMENT, "age_disputed": True},
    ]
    caseworker = factory.user(Role.CASEWORKER)
    for spec in specs:
        # Opened as a child, then the records as the spec says (an adult by the records
        # cannot be opened as a child case, issue 15).
        child = factory.case(caseworker=caseworker).child
        child.date_of_birth = spec.pop("dob")
        for name, value in spec.items():
            setattr(child, name, value)
        child.age_assessed_on = today if child.age_min is not None else None
    db.session.commit()
    in_sql = set(db.session.scalars(select(Child.id).where(presumed_minor_on(today))))
    in_python = {c.id for c in db.session.scalars(select(Child)) if c.presumed_minor_on(today)}
    assert in_sql == in_python
    assert len(in_sql) == 5


def test_pagination(client, factory, login, make_app, db):
    user = factory.user(Role.CASEWORKER)
    cases = [factory.case(caseworker=user) for _ in range(5)]
    with make_app(CASES_PER_PAGE=2) as small:
        other = small.test_client()
        other.post("/login", data={"email": user.email, "password": "correct horse battery staple"})
        first = other.get("/cases/").get_data(as_text=True)
        posted = other.post("/cases/", data={"page": "3"})
        third = other.get(posted.headers["Location"]).get_data(as_text=True)
    newest_first = sorted(cases, key=lambda c: c.id, reverse=True)
    assert f'href="/cases/{newest_first[0].id}"' in first
    assert f'href="/cases/{newest_first[2].id}"' not in first
    assert "Page 1 of 3" in first and 'href="/cases/?page=2&amp;after=' in first
    assert f'href="/cases/{newest_first[4].id}"' in third
    assert "Page 3 of 3" in third
    assert "5 cases found." in first


def _queries_for_list(client, db) -> int:
    with statements() as seen:
        response = client.get("/cases/")
        assert response.status_code == 200
    return len(seen)


def test_list_page_queries_do_not_grow_with_the_number_of_cases(client, factory, login, db):
    from caseapp.children.models import Relation
    from caseapp.children.operations import add_family_member, add_name

    user = factory.user(Role.CASEWORKER)
    login(user)

    def add_cases(n):
        for _ in range(n):
            case = factory.case(caseworker=user)
            add_name(user, case, expected_version=case.version, given_name="Ваня")
            add_family_member(
                user, case, expected_version=case.version, name="Мама", relation=Relation.MOTHER
            )
            db.session.commit()

    add_cases(2)
    few = _queries_for_list(client, db)
    add_cases(10)
    many = _queries_for_list(client, db)
    assert db.session.query(Case).count() == 12
    assert many == few


def test_the_count_stops_at_a_cap_and_keyset_pages_go_on(client, factory, login, make_app, db):
    from caseapp.cases import queries

    user = factory.user(Role.CASEWORKER)
    cases = sorted((factory.case(caseworker=user) for _ in range(7)), key=lambda c: -c.id)
    UA = "country_of_origin=UA"
    with make_app(CASES_PER_PAGE=2) as small:
        other = small.test_client()
        other.post("/login", data={"email": user.email, "password": "correct horse battery staple"})
        original, queries.COUNT_CAP = queries.COUNT_CAP, 3
        try:
            # A filter (every case is from UA): an unfiltered list shows the number the
            # database keeps (test_the_unfiltered_list_shows_the_kept_number_and_...).
            first = other.get(f"/cases/?{UA}").get_data(as_text=True)
            # The pager's links carry the id the next (after=) or previous (before=) page
            # starts from (keyset).
            second = other.get(f"/cases/?page=2&after={cases[1].id}&{UA}").get_data(as_text=True)
            again = other.get(f"/cases/?page=1&before={cases[2].id}&{UA}").get_data(as_text=True)
        finally:
            queries.COUNT_CAP = original
    assert "More than 3 cases found." in first
    assert "Page 1<" in first and "Page 1 of" not in first
    assert f'href="/cases/?page=2&amp;after={cases[1].id}&amp;{UA}"' in first
    assert f'href="/cases/{cases[2].id}"' in second and f'href="/cases/{cases[3].id}"' in second
    assert f'href="/cases/{cases[1].id}"' not in second
    assert f'href="/cases/?page=1&amp;before={cases[2].id}&amp;{UA}"' in second
    assert f'href="/cases/{cases[0].id}"' in again and f'href="/cases/{cases[1].id}"' in again
    assert f'href="/cases/{cases[2].id}"' not in again


def _shown(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'<td><a href="/cases/(\d+)">', page)]


def test_the_unfiltered_list_shows_the_kept_number_and_reads_far_pages_from_the_end(
    client, factory, login, make_app, db
):
    """A list without filters takes its number from ``agency_case_count`` (never capped)
    and reads a page in the older half from the oldest case; each page shows exactly the
    cases the filtered list (counted, OFFSET from the newest) shows on it (issue 16)."""
    from caseapp.cases import queries

    user = factory.user(Role.CASEWORKER)
    cases = sorted((factory.case(caseworker=user) for _ in range(7)), key=lambda c: -c.id)
    factory.case()  # another agency's case: not counted here
    with make_app(CASES_PER_PAGE=2) as small:
        other = small.test_client()
        other.post("/login", data={"email": user.email, "password": "correct horse battery staple"})
        original, queries.COUNT_CAP = queries.COUNT_CAP, 3
        try:
            plain = [other.get(f"/cases/?page={n}").get_data(as_text=True) for n in (1, 2, 3, 4)]
            filtered = [
                other.get(f"/cases/?page={n}&country_of_origin=UA").get_data(as_text=True)
                for n in (1, 2, 3, 4)
            ]
            beyond = other.get("/cases/?page=9").get_data(as_text=True)
        finally:
            queries.COUNT_CAP = original
    ids = [c.id for c in cases]
    assert [_shown(p) for p in plain] == [ids[0:2], ids[2:4], ids[4:6], ids[6:7]]
    assert [_shown(p) for p in plain] == [_shown(p) for p in filtered]
    assert "7 cases found." in plain[0] and "Page 3 of 4" in plain[2]
    assert "More than 3 cases found." in filtered[0]
    assert _shown(beyond) == ids[6:7] and "Page 4 of 4" in beyond
