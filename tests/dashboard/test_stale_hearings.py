"""The due list's "hearing older than the policy allows" section (002, Rec 1) reads the case's
latest hearing day, which ``record_hearing`` keeps on the case (issue 16)."""

from datetime import timedelta

from caseapp.cases.models import Stage
from caseapp.core.extensions import db
from caseapp.core.permissions import Role
from caseapp.dashboard import queries as q
from caseapp.gate.policy import current_policy
from tests.support import clock, lifecycle
from tests.support.gate_builder import ready_case


def _listed(user, case) -> bool:
    rows, _ = q.stale_hearings(user, clock.today(), current_policy(), limit=1000)
    return case.id in {row[0] for row in rows}


def _at_determination(factory, cw):
    case = lifecycle.to_assessment(factory.case(caseworker=cw), cw)
    case.stage = Stage.DETERMINATION  # a hearing stage (no outcome yet)
    db.session.commit()
    return case


def test_recording_a_hearing_moves_the_case_in_and_out_of_the_list(factory):
    agency = factory.agency()
    cw = factory.user(Role.CASEWORKER, agency=agency)
    case = _at_determination(factory, cw)
    assert case.last_heard_on is None
    assert _listed(cw, case)  # never heard
    max_age = current_policy().hearing_max_age_days

    long_ago = clock.today() - timedelta(days=max_age + 1)
    lifecycle.with_hearing(case, cw, held_on=long_ago)
    assert case.last_heard_on == long_ago
    assert _listed(cw, case)  # heard, but longer ago than the policy allows

    lifecycle.with_hearing(case, cw, held_on=clock.today())
    assert case.last_heard_on == clock.today()
    assert not _listed(cw, case)  # a new hearing moves it out

    lifecycle.with_hearing(case, cw, held_on=long_ago - timedelta(days=1))  # entered late
    assert case.last_heard_on == clock.today()  # an earlier day does not move it back
    assert not _listed(cw, case)


def test_the_policy_limit_is_the_boundary(factory):
    ready = ready_case(factory)
    cw, max_age = ready.caseworker, current_policy().hearing_max_age_days
    ready.case.last_heard_on = clock.today() - timedelta(days=max_age)  # exactly as old as allowed
    db.session.commit()
    assert not _listed(cw, ready.case)
    ready.case.last_heard_on = clock.today() - timedelta(days=max_age + 1)
    db.session.commit()
    assert _listed(cw, ready.case)


def test_only_hearing_stages_of_the_users_agency(factory):
    agency = factory.agency()
    cw = factory.user(Role.CASEWORKER, agency=agency)
    in_assessment = lifecycle.to_assessment(factory.case(caseworker=cw), cw)  # never heard
    at_determination = _at_determination(factory, cw)
    other_agency_cw = factory.user(Role.CASEWORKER)
    assert not _listed(cw, in_assessment)  # not yet a stage that needs a recent hearing
    assert _listed(cw, at_determination)
    assert not _listed(other_agency_cw, at_determination)


def test_the_page_shows_the_stale_case_and_not_the_recent_one(factory, client, login):
    ready = ready_case(factory)  # heard 30 days ago, within the policy
    stale = _at_determination(factory, ready.caseworker)
    lifecycle.with_hearing(stale, ready.caseworker, held_on=clock.today() - timedelta(days=400))
    login(ready.caseworker)
    html = client.get("/due").get_data(as_text=True)
    assert stale.number in html
    assert ready.case.number not in html


def test_the_section_pages_on_in_case_order(factory):
    """Keyset pagination: the next page starts after the last case shown (a one-column key;
    its cursor used to be compared as two values)."""
    agency = factory.agency()
    cw = factory.user(Role.CASEWORKER, agency=agency)
    cases = [_at_determination(factory, cw) for _ in range(3)]
    first, cursor = q.stale_hearings(cw, clock.today(), current_policy(), limit=2)
    assert [r[0] for r in first] == [c.id for c in cases[:2]] and cursor
    second, end = q.stale_hearings(cw, clock.today(), current_policy(), after=cursor, limit=2)
    assert [r[0] for r in second] == [cases[2].id] and end is None
