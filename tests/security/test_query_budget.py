"""The query budget: every GET route runs a fixed, small number of SQL statements.

Every GET endpoint of the app (``app.url_map``, so a new route is covered the moment it
exists; URL arguments built by the route-policy builders) is requested by an actor allowed
to see it, on a database of the demo's cases (every stage of the lifecycle) and again after
the same database has grown about a hundredfold (``benchmarks/dataset.py`` clones the cases
in bulk). Each page must run at most ``BUDGET`` statements, and the same number at both sizes:
a page whose statement count grows with the data has an N+1 query or an unbounded list.

Pages that need more than ``BUDGET`` today are listed in ``OVER_BUDGET`` with their ceiling
and the reason, so the integrator sees them; they must still not grow with the data. No
wall-clock time is asserted (``benchmarks/pages.py`` measures time).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from benchmarks import dataset
from caseapp.auth.models import User
from caseapp.cases.models import Case
from caseapp.core.permissions import Role
from tests.security.conftest import World, make_document
from tests.security.route_policy import ALLOWED, Rule, builder_for, collect, rule_for
from tests.support.auth import LoginHelper
from tests.support.statements import statements

BUDGET = 10
LARGE = 3000

# Pages over BUDGET today, each with its ceiling (the count measured now, so it cannot grow
# unnoticed) and the reason; they must still be constant in the number of cases (checked
# below). None today: the pages that read many record types load them in one statement
# (``caseapp.core.records.load_records``: the case page, the safeguards page, the queue, the
# decision and assessment pages...), and the indicators compute every figure from two
# statements (``caseapp.indicators.queries.compute``; issue 16).
OVER_BUDGET: dict[str, tuple[int, str]] = {}

# Who requests each kind of page: the first of these the rule admits.
ACTOR_ORDER = (
    "caseworker_own",
    "supervisor_own",
    "ombudsperson",
    "admin",
    # Participants assigned to the demo case (issue 10): their own pages.
    "guardian",
    "legal_representative",
    "central_authority_officer",
    "monitor",
)


def _actor_for(rule: Rule) -> str:
    if rule in (Rule.PUBLIC, Rule.LOGIN_FLOW):
        return "caseworker_own"
    return next(a for a in ACTOR_ORDER if a in ALLOWED[rule])


def _statements(app, client, url: str) -> tuple[int, int]:
    with statements() as seen:
        response = client.get(url)
        status = response.status_code
        response.close()
    return len(seen), status


@pytest.fixture
def demo_world(app, factory, db, demo_loaded):
    """The demo's cases, and a world around its ready-for-return case (agency A = MD)."""
    case = db.session.scalar(select(Case).where(Case.number.like("MD-%-000006")))
    other_case = db.session.scalar(
        select(Case).where(Case.lead_agency_id != case.lead_agency_id).limit(1)
    )
    agency = case.lead_agency
    users = {
        "caseworker_own": factory.user(Role.CASEWORKER, agency=agency),
        "supervisor_own": factory.user(Role.SUPERVISOR, agency=agency),
        "ombudsperson": factory.user(Role.OMBUDSPERSON),
        "admin": factory.user(Role.ADMIN),
    }
    # One participant of each part that has pages of its own, assigned to the case (issue 10);
    # the monitor of the plan's organisation, the officer of the demo's Central Authority.
    from caseapp.agencies.models import Agency, AgencyKind
    from caseapp.crossborder.models import MonitoringPlan

    plan = db.session.scalar(select(MonitoringPlan).where(MonitoringPlan.case_id == case.id))
    central = db.session.scalar(select(Agency).where(Agency.kind == AgencyKind.CENTRAL_AUTHORITY))
    home = {
        Role.MONITOR: db.session.get(Agency, plan.monitor_agency_id),
        Role.CENTRAL_AUTHORITY_OFFICER: central,
    }
    for role in (
        Role.GUARDIAN,
        Role.LEGAL_REPRESENTATIVE,
        Role.CENTRAL_AUTHORITY_OFFICER,
        Role.MONITOR,
    ):
        user = factory.user(role, agency=home.get(role))
        factory.participant(role, case, user=user, supervisor=users["supervisor_own"])
        users[role.value] = user
    return World(
        agency=agency,
        other_agency=other_case.lead_agency,
        case=case,
        other_case=other_case,
        document=make_document(app, case, users["caseworker_own"]),
        other_document=None,
        users=users,
        managed_user=factory.user(Role.CASEWORKER, agency=agency),
    )


def _measure(app, world, urls) -> dict[str, tuple[int, int]]:
    counts = {}
    for actor in ACTOR_ORDER:
        client = app.test_client()
        LoginHelper(client)(world.users[actor])
        for endpoint, (url, who) in urls.items():
            if who != actor:
                continue
            _statements(app, client, url)  # warm-up: per-process caches, first-use work
            counts[endpoint] = _statements(app, client, url)
    return counts


def test_every_get_route_runs_a_fixed_small_number_of_statements(app, db, demo_world):
    policy, builders = collect()
    urls = {}
    for url_rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint):
        if "GET" not in url_rule.methods or url_rule.endpoint not in policy:
            continue
        args = {
            name: builder_for(builders, url_rule.endpoint, name)(demo_world)
            for name in url_rule.arguments
        }
        url = url_rule.build(args, append_unknown=False)[1]
        urls[url_rule.endpoint] = (url, _actor_for(rule_for(policy, url_rule.endpoint, "GET")))
    db.session.commit()
    small = _measure(app, demo_world, urls)
    user_ids = {actor: user.id for actor, user in demo_world.users.items()}
    db.session.remove()  # the bulk copy below writes through its own connection

    cases = dataset.scale(app.config["SQLALCHEMY_DATABASE_URI"], LARGE, progress=lambda m: None)
    assert cases >= LARGE * 0.9
    demo_world.users = {actor: db.session.get(User, uid) for actor, uid in user_ids.items()}
    large = _measure(app, demo_world, urls)

    problems = []
    for endpoint in sorted(urls):
        (few, status_few), (many, status_many) = small[endpoint], large[endpoint]
        ceiling, _reason = OVER_BUDGET.get(endpoint, (BUDGET, ""))
        if status_few >= 500 or status_many >= 500:
            problems.append(f"{endpoint}: server error")
        if many != few:
            problems.append(f"{endpoint}: {few} statements with the demo, {many} at {cases} cases")
        if max(few, many) > ceiling:
            problems.append(f"{endpoint}: {max(few, many)} statements, budget {ceiling}")
    assert problems == [], "\n".join(problems)
    # The allowlist stays honest: an endpoint back under budget leaves it.
    for endpoint in OVER_BUDGET:
        assert endpoint in urls, f"OVER_BUDGET lists {endpoint}, which is not a GET route"
        assert small[endpoint][0] > BUDGET, f"{endpoint} is within budget now: drop it"
