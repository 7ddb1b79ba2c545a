"""Return preparation's records have their own lock (issue 12 item 2). A one-per-case record
(coordination, reintegration and travel plans, consent, monitoring plan) is saved on the
version of THAT record the user loaded (``versioning.record_version``): a conflicting edit of
the same record gets a clear message, not a silent overwrite (DESIGN.md section 3 item 8);
a colleague's change to another record of the case in between does not refuse it. A record
added to a log (a guarantee, a message, a withdrawal) names the case's version, and only a
stage change since refuses it."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from caseapp.auth.models import User
from caseapp.cases.models import Case
from caseapp.core.errors import DomainError, StaleVersion
from caseapp.core.extensions import db
from caseapp.core.permissions import Role
from caseapp.crossborder import operations as ops
from caseapp.crossborder.models import (
    CareGuarantee,
    CentralAuthorityApproval,
    Consent,
    EscortKind,
    GuarantorKind,
    TravelPlan,
)
from tests.support import clock
from tests.support.audit_entries import entries
from tests.support.gate_builder import ready_case

STALE = "Someone else saved this record while you were writing"


def travel(route: str) -> dict:
    """A travel plan's fields (child-protection escort, handover at the destination)."""
    return {
        "travel_on": clock.today() + timedelta(days=5),
        "route": route,
        "escort_name": "Escort",
        "escort_kind": EscortKind.CHILD_PROTECTION,
        "receiving_official": "Receiving official",
        "receiving_is_child_protection": True,
        "handover_place": "Child-protection office",
        "handover_at_border": False,
    }


def consent(how: str) -> dict:
    """Consent fields: the child and the guardian consent."""
    return {
        "child_consents": True,
        "child_consent_on": clock.today(),
        "child_consent_how": how,
        "guardian_consents": True,
        "guardian_consent_on": clock.today(),
    }


def guarantee(name: str) -> dict:
    """A written family guarantee."""
    return {
        "guarantor_kind": GuarantorKind.FAMILY,
        "guarantor_name": name,
        "given_on": clock.today(),
        "written": True,
    }


def test_a_save_bumps_the_record_and_a_stale_travel_plan_changes_nothing(factory):
    ready = ready_case(factory)
    db.session.commit()
    plan = ready.r["travel"]
    loaded = plan.version
    ops.save_travel_plan(
        ready.caseworker, ready.case, expected_version=loaded, **travel("By train")
    )
    db.session.commit()
    assert plan.version == loaded + 1
    case_version = ready.case.version
    with pytest.raises(StaleVersion) as info:
        ops.save_travel_plan(
            ready.caseworker, ready.case, expected_version=loaded, **travel("By bus")
        )
    assert STALE in info.value.message
    db.session.rollback()
    assert db.session.scalar(select(TravelPlan)).route == "By train"
    assert ready.case.version == case_version
    assert len(entries("travel:save", ready.case.id)) == 1


def test_a_change_to_another_record_does_not_refuse_the_travel_plan(factory):
    ready = ready_case(factory)
    db.session.commit()
    loaded = ready.r["travel"].version  # the caseworker opens the travel page
    case_loaded = ready.case.version
    # A colleague records the consent again (another record of the same case).
    ops.record_consent(
        ready.caseworker, ready.case, expected_version=ready.r["consent"].version, **consent("B")
    )
    db.session.commit()
    assert ready.case.version == case_loaded + 1
    ops.save_travel_plan(
        ready.caseworker, ready.case, expected_version=loaded, **travel("By train")
    )
    db.session.commit()
    assert db.session.scalar(select(TravelPlan)).route == "By train"
    assert len(entries("travel:save", ready.case.id)) == 1


def test_the_first_save_names_version_zero(factory):
    """Before the record exists its form carries 0; a version of the case is refused then."""
    ready = ready_case(factory)
    db.session.delete(ready.r["travel"])
    db.session.commit()
    with pytest.raises(StaleVersion):
        ops.save_travel_plan(
            ready.caseworker, ready.case, expected_version=ready.case.version, **travel("x")
        )
    db.session.rollback()
    ops.save_travel_plan(ready.caseworker, ready.case, expected_version=0, **travel("First"))
    db.session.commit()
    assert db.session.scalar(select(TravelPlan)).route == "First"


def test_a_stale_consent_changes_nothing(factory):
    ready = ready_case(factory)
    db.session.commit()
    loaded = ready.r["consent"].version
    ops.record_consent(ready.caseworker, ready.case, expected_version=loaded, **consent("A"))
    db.session.commit()
    with pytest.raises(StaleVersion):
        ops.record_consent(ready.caseworker, ready.case, expected_version=loaded, **consent("B"))
    db.session.rollback()
    assert db.session.scalar(select(Consent)).child_consent_how == "A"
    assert len(entries("consent:record", ready.case.id)) == 1


def test_log_records_are_refused_only_after_a_stage_change(factory):
    """A second guarantee added on a page loaded before a colleague's first is stored (another
    record); after a stage change the same page's version is refused."""
    ready = ready_case(factory)
    db.session.commit()
    loaded = ready.case.version
    ops.record_guarantee(ready.caseworker, ready.case, expected_version=loaded, **guarantee("A"))
    db.session.commit()
    ops.record_guarantee(ready.caseworker, ready.case, expected_version=loaded, **guarantee("B"))
    db.session.commit()
    names = db.session.scalars(select(CareGuarantee.guarantor_name)).all()
    assert names.count("A") == 1 and names.count("B") == 1
    ready.case.stage_version = ready.case.version + 1  # as a stage change leaves it
    db.session.commit()
    with pytest.raises(StaleVersion):
        ops.record_guarantee(
            ready.caseworker, ready.case, expected_version=loaded, **guarantee("C")
        )
    with pytest.raises(StaleVersion):
        ops.withdraw_guarantee(
            ready.caseworker,
            ready.r["guarantee"],
            withdrawn_on=clock.today(),
            expected_version=loaded,
        )
    db.session.rollback()
    assert "C" not in db.session.scalars(select(CareGuarantee.guarantor_name)).all()
    assert (
        db.session.scalar(select(func.count()).where(CareGuarantee.withdrawn_on.is_not(None))) == 0
    )
    assert entries("guarantee:withdraw", ready.case.id) == []


def test_the_central_authority_decision_is_refused_only_after_a_stage_change(factory):
    """The Central Authority's decision is a record added to the case (issue 12 item 2): a
    page loaded before a colleague's change to another record still records it; after a
    stage change the same page's version is refused and nothing is stored."""
    ready = ready_case(factory)
    db.session.commit()
    loaded = ready.case.version
    agency_id = ready.r["central"].authority_agency_id
    ops.record_guarantee(ready.caseworker, ready.case, expected_version=loaded, **guarantee("A"))
    db.session.commit()
    decision = {"authority_agency_id": agency_id, "approved_on": clock.today()}
    ops.record_central_approval(
        ready.caseworker, ready.case, expected_version=loaded, reference="CA-2", **decision
    )
    db.session.commit()
    assert len(entries("central_approval:record", ready.case.id)) == 1
    ready.case.stage_version = ready.case.version + 1  # as a stage change leaves it
    db.session.commit()
    with pytest.raises(StaleVersion):
        ops.record_central_approval(
            ready.caseworker, ready.case, expected_version=loaded, reference="CA-3", **decision
        )
    db.session.rollback()
    references = db.session.scalars(select(CentralAuthorityApproval.reference)).all()
    assert "CA-2" in references and "CA-3" not in references
    with pytest.raises(StaleVersion):
        ops.record_central_approval(
            ready.caseworker, ready.case, expected_version=None, reference="CA-4", **decision
        )


@pytest.mark.parametrize(
    "call",
    [
        lambda ready: ops.save_travel_plan(
            ready.caseworker, ready.case, expected_version=None, **travel("x")
        ),
        lambda ready: ops.record_consent(
            ready.caseworker, ready.case, expected_version=None, **consent("x")
        ),
        lambda ready: ops.approve_last_resort(
            ready.approver, ready.r["consent"], expected_version=None
        ),
        lambda ready: ops.save_monitoring_plan(
            ready.caseworker,
            ready.case,
            monitor_name="NGO",
            independent=True,
            first_visit_on=clock.today(),
            expected_version=None,
        ),
    ],
)
def test_an_unnamed_version_is_refused(factory, call):
    ready = ready_case(factory)
    db.session.commit()
    with pytest.raises(StaleVersion):
        call(ready)


def test_stale_post_keeps_the_text_shows_theirs_and_saves_on_top(factory, client, login):
    ready = ready_case(factory)
    db.session.commit()
    login(ready.caseworker)
    url = f"/cases/{ready.case.id}/return/travel"
    html = client.get(url).get_data(as_text=True)
    loaded = ready.r["travel"].version
    assert f'name="version" type="hidden" value="{loaded}"' in html
    ops.save_travel_plan(
        ready.caseworker, ready.case, expected_version=loaded, **travel("Saved by a colleague")
    )
    db.session.commit()
    form = {
        "version": loaded,
        "travel_on": (clock.today() + timedelta(days=9)).isoformat(),
        "route": "My route",
        "escort_name": "Other escort",
        "escort_kind": "child_protection",
        "receiving_official": "Official",
        "receiving_is_child_protection": "y",
        "handover_place": "Office",
    }
    r = client.post(url, data=form)
    page = r.get_data(as_text=True)
    assert r.status_code == 409
    assert STALE in page
    assert "My route" in page  # the user's text is kept
    assert "Saved in the meantime by someone else" in page and "Saved by a colleague" in page
    assert f'value="{loaded + 1}"' in page  # "save again" puts the user's text on top
    db.session.expire_all()
    assert db.session.scalar(select(TravelPlan)).route == "Saved by a colleague"
    assert len(entries("travel:save", ready.case.id)) == 1
    r = client.post(url, data={**form, "version": loaded + 1})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(TravelPlan)).route == "My route"


def test_a_post_after_another_record_changed_is_stored(factory, client, login):
    ready = ready_case(factory)
    db.session.commit()
    login(ready.caseworker)
    loaded = ready.r["travel"].version
    ops.record_guarantee(
        ready.caseworker, ready.case, expected_version=ready.case.version, **guarantee("A")
    )
    db.session.commit()
    r = client.post(
        f"/cases/{ready.case.id}/return/travel",
        data={
            "version": loaded,
            "travel_on": (clock.today() + timedelta(days=9)).isoformat(),
            "route": "My route",
            "escort_name": "Escort",
            "escort_kind": "child_protection",
            "receiving_official": "Official",
            "receiving_is_child_protection": "y",
            "handover_place": "Office",
        },
    )
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(TravelPlan)).route == "My route"


def test_two_people_saving_the_travel_plan_at_once_make_one_save(app, factory):
    """Each thread has its own application context, session and connection on the real test
    database (SQLite file, or PostgreSQL with CASEAPP_TEST_DATABASE_URL): on SQLite the second
    writer waits for the first (BEGIN IMMEDIATE) and then finds a newer version; on PostgreSQL
    its ``UPDATE case ... WHERE version = ...`` matches no row. Either way: StaleVersion."""
    ready = ready_case(factory)
    colleague = factory.user(Role.CASEWORKER, agency=ready.agency)
    db.session.commit()
    case_id, version = ready.case.id, ready.r["travel"].version
    case_version = ready.case.version
    routes = {ready.caseworker.id: "Route one", colleague.id: "Route two"}
    db.session.close()  # the test's own connection holds no lock while the threads run

    barrier = threading.Barrier(2, timeout=30)
    results: dict[int, str] = {}

    def save(user_id: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                user = db.session.get(User, user_id)
                case = db.session.get(Case, case_id)
                ops.save_travel_plan(
                    user, case, expected_version=version, **travel(routes[user_id])
                )
                db.session.commit()
                results[user_id] = "saved"
            except DomainError as err:
                db.session.rollback()
                results[user_id] = type(err).__name__
            finally:
                db.session.remove()

    threads = [threading.Thread(target=save, args=(uid,)) for uid in routes]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads)

    assert sorted(results.values()) == ["StaleVersion", "saved"]
    winner = next(uid for uid, r in results.items() if r == "saved")
    [plan] = db.session.scalars(select(TravelPlan).where(TravelPlan.case_id == case_id)).all()
    assert plan.route == routes[winner]
    assert plan.version == version + 1
    assert db.session.get(Case, case_id).version == case_version + 1
    [entry] = entries("travel:save", case_id)
    assert entry.actor_id == winner
