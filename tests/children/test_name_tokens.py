"""The name search's index (``child_name_token``) follows every name, and finds by prefix."""

from sqlalchemy import select

from caseapp.cases.models import Case
from caseapp.cases.queries import CaseFilters, filtered, visible_cases
from caseapp.children.models import ChildName, ChildNameToken
from caseapp.children.operations import add_name, remove_name, update_name
from caseapp.core.permissions import Role


def _tokens(db, name_id):
    return set(
        db.session.scalars(select(ChildNameToken.token).where(ChildNameToken.name_id == name_id))
    )


def _found(db, user, text):
    query = filtered(visible_cases(user), CaseFilters(name=text), today=None)
    return set(db.session.scalars(query.with_only_columns(Case.id)))


def test_tokens_follow_adding_correcting_and_removing_a_name(factory, db):
    user = factory.user(Role.CASEWORKER)
    case = factory.case(caseworker=user, given="Jasur", family="Karimov")
    alias = add_name(
        user, case, expected_version=case.version, given_name="Жасур", family_name="Каримов"
    )
    db.session.commit()
    assert _tokens(db, alias.id) == {"karimov", "zasur"}
    assert _found(db, user, "Каримова") == set()  # a longer word is not a prefix
    assert _found(db, user, "karim") == {case.id}
    assert _found(db, user, "Жасур Карим") == {case.id}  # both words in the same name

    update_name(
        user, alias, expected_version=case.version, given_name="Жасур", family_name="Рахимов"
    )
    db.session.commit()
    assert _tokens(db, alias.id) == {"rahimov", "zasur"}
    assert _found(db, user, "Рахимов") == {case.id}
    assert _found(db, user, "Rahimov Karimov") == set()  # the words of two different names

    remove_name(user, alias, expected_version=case.version)
    db.session.commit()
    assert _tokens(db, alias.id) == set()
    assert _found(db, user, "Рахимов") == set()
    primary = db.session.scalar(select(ChildName).where(ChildName.child_id == case.child.id))
    assert _tokens(db, primary.id) == {"karimov", "iasur"}


def test_the_search_does_not_match_inside_a_word(factory, db):
    user = factory.user(Role.CASEWORKER)
    case = factory.case(caseworker=user, given="Ян", family="Иванов")
    assert _found(db, user, "Ivan") == {case.id}
    assert _found(db, user, "vanov") == set()
