"""The demo's family and durable-solution cases (issue 15 part 2), and their pages within the
query budget at their fullest (tests/security/test_query_budget.py measures every page on one
demo case that has no family and no solution plan)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from caseapp.auth.models import User
from caseapp.cases.models import Case, Outcome, Stage
from caseapp.core.extensions import db
from caseapp.demo.data import DEMO_PASSWORD
from caseapp.families.models import PartyAct, PartyActKind
from caseapp.solutions import operations as solutions
from tests.security.test_query_budget import BUDGET
from tests.support import clock
from tests.support.auth import LoginHelper
from tests.support.statements import statements


@pytest.fixture
def demo(app, demo_loaded):
    """``{what the case shows: case number}`` of the demo in this test's database."""
    return demo_loaded["guide"]


def _case(guide, start):
    (number,) = [n for shows, n in guide.items() if shows.startswith(start)]
    return db.session.scalar(select(Case).where(Case.number == number))


def test_two_siblings_one_family_and_a_local_integration_plan(demo):
    sister = _case(demo, "return preparation: blocked by S19")
    brother = _case(demo, "decided (local integration): the brother")
    assert sister.family_id == brother.family_id is not None
    assert brother.outcome is Outcome.LOCAL_INTEGRATION and sister.outcome is Outcome.RETURN
    notified = db.session.scalars(
        select(PartyAct.case_id).where(PartyAct.kind == PartyActKind.NOTIFIED)
    ).all()
    assert sorted(notified) == sorted([sister.id, brother.id])

    omar = _case(demo, "implementation: local integration")
    plan = solutions.plan_of(omar)
    assert omar.stage is Stage.IMPLEMENTATION and plan.is_implemented
    assert all(i.met for i in solutions.evaluate_plan(plan, today=clock.today()))
    stay = _case(demo, "implementation: tolerated stay")
    items = solutions.evaluate_plan(solutions.plan_of(stay), today=clock.today())
    assert [i.id for i in items if not i.met] == ["residence", "renewal"]


def _count(client, url):
    client.get(url)  # warm-up
    with statements() as seen:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(seen)


def test_the_new_pages_stay_within_the_budget_on_full_records(app, demo):
    sister = _case(demo, "return preparation: blocked by S19")
    omar = _case(demo, "implementation: local integration")
    caseworker = db.session.scalar(select(User).where(User.email == "caseworker.md@example.org"))
    client = app.test_client()
    LoginHelper(client)(caseworker, DEMO_PASSWORD)
    for url in (
        f"/cases/{sister.id}/family",
        f"/cases/{omar.id}/solution",
        f"/cases/{omar.id}/information",
    ):
        assert _count(client, url) <= BUDGET, url
