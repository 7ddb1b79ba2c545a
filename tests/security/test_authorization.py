"""Authorization proven exhaustively: every endpoint x every actor x GET/POST (ASVS 5.0 V8.2).

The endpoints come from ``app.url_map``, so a new route is tried the moment it exists, and
an endpoint missing from ``route_policy`` fails ``test_every_endpoint_is_declared``.
"""

from __future__ import annotations

import pytest

from tests.security.route_policy import (
    ACTORS,
    ALLOWED,
    Rule,
    builder_for,
    collect,
    expected_refusal,
    rule_for,
)

METHODS = ("GET", "POST")


def _endpoints(app):
    """``[(endpoint, rule object)]`` for every URL rule of the app."""
    return sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule))


def test_every_endpoint_is_declared(app):
    policy, builders = collect()
    endpoints = {r.endpoint for r in app.url_map.iter_rules()}
    undeclared = sorted(endpoints - policy.keys())
    assert undeclared == [], (
        f"declare these endpoints in tests/security/route_policy.py (or a "
        f"tests/<domain>/route_policy.py): {undeclared}"
    )
    stale = sorted(policy.keys() - endpoints)
    assert stale == [], f"route_policy lists endpoints the app does not have: {stale}"
    for rule in app.url_map.iter_rules():
        missing = sorted(
            name for name in rule.arguments if builder_for(builders, rule.endpoint, name) is None
        )
        assert missing == [], f"{rule.endpoint}: no URL-argument builder for {missing}"


def _is_login_redirect(response) -> bool:
    return response.status_code in (301, 302, 303) and response.headers.get("Location", "").split(
        "?"
    )[0].endswith(("/login", "/login/second-factor", "/login/enrol"))


def _check(actor, endpoint, method, rule, response) -> str | None:
    """An explanation when the answer contradicts the policy, else None."""
    status = response.status_code
    where = f"{actor} {method} {endpoint} ({rule}) -> {status}"
    if status >= 500:
        return f"{where}: server error"
    if rule in (Rule.PUBLIC, Rule.LOGIN_FLOW):
        return f"{where}: refused" if status in (401, 403, 404, 405) else None
    allowed = actor in ALLOWED[rule]
    if allowed:
        if status in (401, 403, 404, 405) or _is_login_redirect(response):
            return f"{where}: should be allowed"
        return None
    if actor == "anonymous":
        return None if _is_login_redirect(response) or status == 401 else f"{where}: not refused"
    expected = expected_refusal(rule, actor)
    return None if status in expected else f"{where}: should be refused ({sorted(expected)})"


@pytest.mark.parametrize("actor", ACTORS)
def test_every_endpoint_for_every_actor(app, client, login, world, actor):
    policy, builders = collect()
    user = world.users.get(actor)

    def log_in():
        if user is not None:
            login(user)

    log_in()
    problems = []
    for url_rule in _endpoints(app):
        endpoint = url_rule.endpoint
        if endpoint not in policy:
            continue  # reported by test_every_endpoint_is_declared
        args = {name: builder_for(builders, endpoint, name)(world) for name in url_rule.arguments}
        url = url_rule.build(args, append_unknown=False)[1]
        for method in METHODS:
            if method not in url_rule.methods:
                continue
            rule = rule_for(policy, endpoint, method)
            response = client.open(url, method=method, data={} if method == "POST" else None)
            problem = _check(actor, endpoint, method, rule, response)
            response.close()  # file responses hold their file open until closed
            if problem:
                problems.append(problem)
            # A login step (logout) may have ended the session: log in again if so.
            if (
                rule is Rule.LOGIN_FLOW
                and user is not None
                and client.get("/preferences").status_code != 200
            ):
                log_in()
    assert problems == [], "\n".join(problems)


def test_document_of_another_case_is_not_reachable_through_own_case(client, login, world):
    """A document id of another agency's case, under one's own case id: 404, not the file."""
    login(world.users["caseworker_own"])
    url = f"/cases/{world.case.id}/documents/{world.other_document.id}"
    assert client.get(url).status_code == 404
    own = f"/cases/{world.other_case.id}/documents/{world.document.id}"
    assert client.get(own).status_code == 404  # own document under a foreign case id


def test_refused_object_access_is_audited(client, login, world, db):
    from sqlalchemy import select

    from caseapp.audit.models import AuditEntry

    login(world.users["caseworker_other"])
    assert client.get(f"/cases/{world.case.id}/documents").status_code == 404
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "access:object:refuse" in actions
