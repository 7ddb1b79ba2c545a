"""Every versioned route refuses a missing or malformed version with 400, never a 500 (issue 8).

The routes come from ``app.url_map``: every POST under a case (``/cases/<case_id>/...``) carries
the version the user loaded, so a new route is covered the moment it exists.
"""

from __future__ import annotations

import pytest

from caseapp.cases.models import Stage
from caseapp.core.errors import StaleVersion
from caseapp.gate.operations import approve_return
from tests.security.route_policy import builder_for, collect

# POSTs under a case that carry no version: the upload forms (a file, not an edit of a record;
# the monitor's attaches one to a visit, issue 10).
UNVERSIONED = {"documents.index", "acts.visit_document"}
BAD_VERSIONS = [{"version": "²"}, {"version": "abc"}, {}]


def _versioned_rules(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint):
        if (
            "POST" in rule.methods
            and "case_id" in rule.arguments
            and rule.endpoint not in UNVERSIONED
            # The JSON API takes a token, not a form: tests/exchange checks its versions.
            and not rule.endpoint.startswith("api.")
        ):
            yield rule


# The pages prefix their forms' fields (several forms on one page): send the bad version under
# each prefix a route may read, so it is the version that is refused, not a missing field.
STATIC_PREFIXES = [
    "start",
    "complete",
    "open",
    "new_draft",
    "panel",
    "recommendation",
    "submit",
    "approve",
    "send_back",
    "decision",
    "notify_child",
    "notify_guardian",
    "appeal",
    "complaint",
    "proceed",
    "reopen",
    "new_fact",
    "guardian",
    "legal",
    "placement",
    "service",
    "family_assessment",
]


def _bad(data: dict, args: dict) -> dict:
    if not data:
        return {}
    value = data["version"]
    ids = [v for k, v in args.items() if k != "case_id"]
    prefixes = [*STATIC_PREFIXES, *(f"option-{v}" for v in ids)]
    for v in ids:
        prefixes += [f"remove-{v}", f"tracing-{v}", f"appeal-{v}", f"complaint-{v}"]
        prefixes += [f"end-{args.get('kind')}-{v}"]
    return {"version": value, **{f"{p}-version": value for p in prefixes}}


# The participants' own pages (issue 10) are posted by the participant whose part they are.
PARTICIPANT_FOR = {
    "acts.accept": "monitor",
    "acts.visit": "monitor",
    "acts.escalate": "monitor",
    "acts.central": "central_authority_officer",
    "acts.appeal": "legal_representative",
    "acts.complaint": "legal_representative",
    "acts.consent": "guardian",
    "acts.declare": "guardian",
    "acts.object_": "guardian",
}


@pytest.mark.parametrize("data", BAD_VERSIONS, ids=["superscript", "letters", "missing"])
def test_every_versioned_route_refuses_a_bad_version(app, client, login, world, data):
    _policy, builders = collect()
    problems, current = [], None
    rules = list(_versioned_rules(app))
    assert len(rules) > 50  # every lifecycle area's forms (a broken filter would test nothing)
    for rule in rules:
        actor = PARTICIPANT_FOR.get(rule.endpoint, "supervisor_own")
        if actor != current:
            client.post("/logout")
            login(world.users[actor])
            current = actor
        args = {n: builder_for(builders, rule.endpoint, n)(world) for n in rule.arguments}
        url = rule.build(args, append_unknown=False)[1]
        response = client.post(url, data=_bad(data, args))
        if response.status_code != 400:
            problems.append(f"{rule.endpoint} {data} -> {response.status_code}")
    assert problems == [], "\n".join(problems)


def test_approve_return_refuses_an_unnamed_version(factory):
    from tests.support.gate_builder import ready_case

    ready = ready_case(factory)
    assert ready.case.stage is Stage.RETURN_PREPARATION
    with pytest.raises(StaleVersion):
        approve_return(ready.approver, ready.case, expected_version=None, today=ready.today)
