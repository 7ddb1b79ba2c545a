"""A participant's home page a page at a time (issue 16): the open requests to them, the
earliest due first, and the cases they are assigned to, the newest first; every row on
exactly one page, read from indexes in order (a Central Authority officer may hold tens of
thousands of assignments; the page drew 200 of each, sorted from all, and hid the rest)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from caseapp.core.db import utcnow
from caseapp.core.extensions import db
from caseapp.core.permissions import Role
from caseapp.participants import queries
from caseapp.participants.models import Assignment, ParticipantRequest, RequestKind
from tests.support import clock
from tests.support.plans import sqlite_plans


@pytest.fixture
def officer_on_cases(factory):
    """A Central Authority officer assigned to five cases, with one open request on each
    (due on days that are not in case order), one answered and one on an ended assignment."""
    agency = factory.agency()
    caseworker = factory.user(Role.CASEWORKER, agency=agency)
    officer = factory.user(Role.CENTRAL_AUTHORITY_OFFICER)
    cases = [factory.case(agency=agency, caseworker=caseworker) for _ in range(6)]
    assignments = []
    for case in cases:
        a = Assignment(
            case_id=case.id,
            user_id=officer.id,
            role=Role.CENTRAL_AUTHORITY_OFFICER,
            created_by_id=caseworker.id,
        )
        db.session.add(a)
        assignments.append(a)
    db.session.flush()
    ended = assignments[-1]
    ended.ended_at, ended.end_reason = utcnow(), "case closed"
    today = clock.today()
    requests = []
    for a, days in zip(assignments, (4, 1, 3, 2, 5, 0), strict=True):
        r = ParticipantRequest(
            case_id=a.case_id,
            assignment_id=a.id,
            kind=RequestKind.CONFIRM,
            details=f"Request due in {days} days",
            due_on=today + timedelta(days=days),
            sent_by_id=caseworker.id,
        )
        db.session.add(r)
        requests.append(r)
    answered = ParticipantRequest(
        case_id=cases[0].id,
        assignment_id=assignments[0].id,
        kind=RequestKind.REPORT,
        details="Answered already",
        due_on=today,
        sent_by_id=caseworker.id,
        answer="agreed",
        answered_at=utcnow(),
        answered_by_id=officer.id,
    )
    db.session.add(answered)
    db.session.commit()
    return officer, cases, assignments, requests


def _walk(client, name: str) -> list[str]:
    """Every page of one list of /my, following its "Next page" link: the pages' HTML."""
    pages, url = [], "/my"
    while url:
        page = client.get(url).get_data(as_text=True)
        pages.append(page)
        found = re.search(rf'href="(/my\?{name}=[^"]+)"', page)
        url = found.group(1).replace("&#126;", "~") if found else ""
    return pages


def test_home_lists_come_a_page_at_a_time_and_lose_no_row(
    client, login, officer_on_cases, monkeypatch
):
    officer, cases, _assignments, _requests = officer_on_cases
    monkeypatch.setattr(queries, "HOME_PER_PAGE", 2)
    login(officer)
    pages = _walk(client, "requests")
    assert len(pages) == 3
    due_order = [int(d) for page in pages for d in re.findall(r"Request due in (\d) days", page)]
    assert due_order == [1, 2, 3, 4, 5]  # the earliest due first; the ended one's not listed
    assert "Answered already" not in "".join(pages)
    pages = _walk(client, "cases")
    assert len(pages) == 3
    section = [p.split("Cases I am assigned to")[1] for p in pages]
    listed = [n for part in section for n in re.findall(r">([A-Z]{2}-\d{4}-\d+)</a>", part)]
    assert listed == [c.number for c in reversed(cases[:5])]  # the newest assignment first


@pytest.mark.parametrize(
    "query", ["requests=2026-01-01~9223372036854775808", "requests=x~1", "cases=-1", "cases=x"]
)
def test_home_cursor_that_is_no_cursor_shows_the_first_page(client, login, officer_on_cases, query):
    officer, *_ = officer_on_cases
    login(officer)
    page = client.get(f"/my?{query}")
    assert page.status_code == 200 and "Request due in 1 days" in page.get_data(as_text=True)


def test_home_reads_its_lists_and_the_case_check_from_indexes(client, login, officer_on_cases):
    """SQLite's plans: the assignments newest first from (user_id, ended_at, id), the open
    requests from their partial index in due order, each checked against its assignment;
    whether the participant is on a case from (case_id, user_id, ended_at). Not the user's
    every assignment read and sorted."""
    officer, cases, _assignments, _requests = officer_on_cases
    login(officer)
    with sqlite_plans("participant_assignment") as assignment_plans:
        assert client.get("/my").status_code == 200
        assert client.get(f"/my/cases/{cases[0].id}").status_code == 200
    with sqlite_plans("participant_request") as request_plans:
        assert client.get("/my").status_code == 200
    assert any("ix_participant_assignment_user_ended_id" in p for p in assignment_plans)
    assert any("ix_participant_assignment_case_user" in p for p in assignment_plans)
    assert not any("TEMP B-TREE" in p for p in assignment_plans + request_plans)
    assert any("ix_participant_request_open_due" in p for p in request_plans)
