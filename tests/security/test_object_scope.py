"""Object-level scope: a record id is only reachable through the URL of its own case.

``/cases/<own case>/.../<record of another case>`` must answer 404 (and act on nothing), for
every record type with an id in a URL, whether the other case is another agency's or
another case of one's own agency (ASVS 5.0 V8.2.2, IDOR). The routes are taken from
``app.url_map``: a new route with a record id fails ``test_every_record_argument_is_covered``
until it is added here.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.age.records import issue_15
from tests.exchange.records import exported_document
from tests.participants.records import attached_document
from tests.security.records import panel_member, record

# URL argument -> (world, case) -> id of such a record of ``case``.
RECORDS = {
    "name_id": lambda world, case: record(world, "name", case=case).id,
    "member_id": lambda world, case: record(world, "family_member", case=case).id,
    "record_id": lambda world, case: record(world, "guardians", case=case).id,
    "bid_id": lambda world, case: record(world, "bid", case=case).id,
    "appeal_id": lambda world, case: record(world, "appeal", case=case).id,
    "complaint_id": lambda world, case: record(world, "complaint", case=case).id,
    "notice_id": lambda world, case: record(world, "notice", case=case).id,
    "guarantee_id": lambda world, case: record(world, "guarantee", case=case).id,
    "visit_id": lambda world, case: record(world, "visit", case=case).id,
    "bia_id": lambda world, case: record(world, "bia", case=case).id,
    "document_id": lambda world, case: _document(world, case).id,
    "assignment_id": lambda world, case: record(world, "assignment", case=case).id,
    "exchange_document_id": lambda world, case: exported_document(world, case).id,
    "assessment_id": lambda world, case: issue_15(world, "age_assessment", case).id,
    "detention_id": lambda world, case: issue_15(world, "detention", case).id,
}
# Where one argument name means another record type in one endpoint.
ENDPOINT_RECORDS = {
    "determination.remove_panel_member:member_id": (
        lambda world, case: panel_member(world, case=case).id
    ),
    "age.decide:challenge_id": lambda world, case: issue_15(world, "age_challenge", case).id,
    "detention.decide:challenge_id": (
        lambda world, case: issue_15(world, "detention_challenge", case).id
    ),
    "detention.follow_up:referral_id": lambda world, case: issue_15(world, "alternative", case).id,
    "referrals.outcome:referral_id": (
        lambda world, case: issue_15(world, "victim_referral", case).id
    ),
    # A participant's document is one attached to a record they read (issue 10).
    "participants.document:document_id": (
        lambda world, case: attached_document(world, "central_approval", case).id
    ),
}
# Arguments that are not ids of a case's record.
# (``job_id``: a background export belongs to the user who started it, not to a case;
# tests/audit/test_people_pages.py checks another user gets 404.)
NOT_RECORDS = {
    "case_id",
    "kind",
    "option",
    "filename",
    "user_id",
    "suspension_id",
    "agency_id",  # an agency of the register (admin pages), not a case's record
    "partner_id",  # a partner instance (exchange admin pages), not a case's record
    "job_id",
    "fmt",
    # An exchange request received before any case exists (scoped to the partner's
    # receiving agency; tests/exchange checks another agency gets 404).
    "request_id",
    # A request to a participant, answered from their own page (no case in the URL); only
    # its addressee may answer it (tests/participants checks everyone else is refused).
    "participant_request_id",
    # A document type of the exchange (a value of ``DocumentType``, not a record).
    "doc_type",
}
# Pages only a participant acts on: requested as the participant assigned to ``world.case``.
ACTOR_FOR = {
    "acts.visit": "monitor",
    "acts.escalate": "monitor",
    "acts.visit_document": "monitor",
    "participants.document": "central_authority_officer",
}
# Every kind of record ``assessment.end_record`` ends.
END_KINDS = ("guardians", "legal-representatives", "placements", "services")


def _document(world, case):
    if case is world.case:
        return world.document
    if case is world.other_case:
        return world.other_document
    from flask import current_app

    from tests.security.conftest import make_document

    cache = world.__dict__.setdefault("_documents", {})
    if case.id not in cache:
        cache[case.id] = make_document(current_app, case, world.users["caseworker_own"])
    return cache[case.id]


def _builder(endpoint: str, argument: str):
    return ENDPOINT_RECORDS.get(f"{endpoint}:{argument}") or RECORDS.get(argument)


def _record_rules(app):
    return sorted(
        (r for r in app.url_map.iter_rules() if set(r.arguments) - NOT_RECORDS),
        key=lambda r: r.endpoint,
    )


@pytest.fixture
def second_own_case(world, factory):
    """Another case of agency A (the same agency as ``world.case``)."""
    return factory.case(agency=world.agency, caseworker=world.users["caseworker_own"])


def test_every_record_argument_is_covered(app):
    for rule in _record_rules(app):
        missing = [
            name
            for name in set(rule.arguments) - NOT_RECORDS
            if _builder(rule.endpoint, name) is None
        ]
        assert missing == [], f"{rule.endpoint}: add a builder for {missing} in this module"


def _urls(app, world, foreign_case):
    """``(endpoint, url)`` for each record argument of each route, with that one record
    taken from ``foreign_case`` and everything else (case id included) from ``world.case``."""
    for rule in _record_rules(app):
        kinds = END_KINDS if "kind" in rule.arguments else ("",)
        for kind in kinds:
            for foreign in sorted(set(rule.arguments) - NOT_RECORDS):
                args = {"case_id": world.case.id}
                if kind:
                    args["kind"] = kind
                if "option" in rule.arguments:
                    args["option"] = "return"
                for name in set(rule.arguments) - NOT_RECORDS:
                    case = foreign_case if name == foreign else world.case
                    if name == "record_id" and kind:
                        args[name] = record(world, kind, case=case).id
                    else:
                        args[name] = _builder(rule.endpoint, name)(world, case)
                yield rule, rule.build(args, append_unknown=False)[1]


@pytest.mark.parametrize("foreign", ["other_agency", "same_agency"])
def test_record_of_another_case_is_404_through_own_case(
    app, client, login, world, second_own_case, foreign
):
    """As a supervisor of agency A (allowed everything on ``world.case``; on a participant's
    own page, the participant assigned to it), every record id of another case, under
    ``world.case``'s URL, answers 404 to GET and to POST."""
    foreign_case = world.other_case if foreign == "other_agency" else second_own_case
    problems, tried, current = [], 0, None
    for rule, url in _urls(app, world, foreign_case):
        if "case_id" not in rule.arguments:
            continue  # no case in the URL: the record's own scope is tested in its area
        actor = ACTOR_FOR.get(rule.endpoint, "supervisor_own")
        if actor != current:
            client.post("/logout")
            login(world.users[actor])
            current = actor
        for method in ("GET", "POST"):
            if method not in rule.methods:
                continue
            response = client.open(url, method=method, data={} if method == "POST" else None)
            response.close()
            tried += 1
            if response.status_code != 404:
                problems.append(f"{method} {url} ({rule.endpoint}) -> {response.status_code}")
    assert tried > 20
    assert problems == [], "\n".join(problems)


def test_own_record_is_reachable(client, login, world):
    """The control: the same URLs with the case's own records are answered."""
    login(world.users["supervisor_own"])
    case = world.case
    visit = record(world, "visit")
    assert client.get(f"/cases/{case.id}/monitoring/visits/{visit.id}").status_code == 200
    name = record(world, "name")
    assert client.get(f"/cases/{case.id}/names/{name.id}").status_code == 200
    member = record(world, "family_member")
    assert client.get(f"/cases/{case.id}/family/{member.id}").status_code == 200


def test_foreign_guarantee_is_not_withdrawn(client, login, world, db, second_own_case):
    """A valid withdrawal of another case's guarantee, through this case: 404, unchanged."""
    from caseapp.crossborder.models import CareGuarantee

    login(world.users["caseworker_own"])
    guarantee = record(world, "guarantee", case=second_own_case)
    url = f"/cases/{world.case.id}/return/guarantee/{guarantee.id}/withdraw"
    assert client.post(url, data={"withdrawn_on": "2025-02-01"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(CareGuarantee, guarantee.id).withdrawn_on is None


def test_foreign_name_is_not_removed(client, login, world, db):
    """A valid removal of another agency's alias, through one's own case: 404, still there."""
    from caseapp.children.models import ChildName

    login(world.users["caseworker_own"])
    name = record(world, "name", other=True)
    url = f"/cases/{world.case.id}/names/{name.id}/remove"
    response = client.post(url, data={"version": str(world.case.version)})
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(ChildName, name.id) is not None


def test_family_assessment_of_foreign_family_member_is_refused(client, login, world, db):
    """A family member id of another case in the assessment form is refused; nothing stored."""
    from caseapp.assessment.models import FamilyAssessment

    login(world.users["caseworker_own"])
    member = record(world, "family_member", other=True)
    response = client.post(
        f"/cases/{world.case.id}/assessment/family-assessments",
        data={
            "family_assessment-version": str(world.case.version),
            "family_assessment-family_member_id": str(member.id),
            "family_assessment-assessed_on": "2025-02-01",
            "family_assessment-assessed_by": "Social worker",
            "family_assessment-outcome": "suitable",
            "family_assessment-summary": "Able and willing.",
        },
    )
    assert response.status_code in (400, 404)
    assert db.session.scalars(select(FamilyAssessment)).all() == []
