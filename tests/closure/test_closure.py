"""Closing from any open stage with a reason, and reopening."""

from datetime import date

import pytest
from sqlalchemy import select

from caseapp.age.models import TransitionPathway
from caseapp.age.operations import record_transition_plan
from caseapp.cases.models import Outcome, Stage
from caseapp.cases.workflow import OPEN_STAGES
from caseapp.closure.operations import ClosureReason, close_case, reopen_case
from caseapp.core.errors import InvalidTransition, PermissionDenied, StaleVersion, ValidationFailed
from caseapp.core.extensions import db
from caseapp.core.permissions import Role
from caseapp.crossborder.models import TravelPlan
from caseapp.crossborder.operations import single_version
from caseapp.gate.models import ReturnApproval
from caseapp.gate.operations import approve_return
from tests.support import clock
from tests.support.audit_entries import entries
from tests.support.gate_builder import ready_case

PRE = {Stage.IDENTIFIED, Stage.REGISTERED, Stage.ASSESSMENT, Stage.DETERMINATION}


def at_stage(factory, stage):
    ready = ready_case(factory)
    case = ready.case
    if stage is Stage.RETURN_APPROVED:
        approve_return(ready.approver, case, expected_version=case.version)
    else:
        case.stage = stage
        if stage in PRE:
            case.outcome = None
        elif stage is Stage.IMPLEMENTATION:
            case.outcome = Outcome.TOLERATED_STAY
    db.session.commit()
    return ready


@pytest.mark.parametrize("stage", sorted(OPEN_STAGES))
@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.SUPERVISOR])
def test_close_from_every_open_stage(factory, stage, role):
    ready = at_stage(factory, stage)
    user = ready.caseworker if role is Role.CASEWORKER else ready.supervisor
    close_case(
        user, ready.case, reason=ClosureReason.TRANSFERRED, expected_version=ready.case.version
    )
    db.session.commit()
    assert ready.case.stage is Stage.CLOSED
    assert ready.case.closure_reason == "transferred"
    [entry] = entries("case:close", ready.case.id)
    assert entry.diff["stage"] == [stage.value, "closed"]


@pytest.mark.parametrize("role", [Role.OMBUDSPERSON, Role.ADMIN])
def test_close_refused_for_readers_and_admins(factory, role):
    ready = at_stage(factory, Stage.ASSESSMENT)
    with pytest.raises(PermissionDenied):
        close_case(
            factory.user(role),
            ready.case,
            reason=ClosureReason.ABSCONDED,
            expected_version=ready.case.version,
        )


def test_closing_an_approved_return_withdraws_the_approval(factory):
    ready = at_stage(factory, Stage.RETURN_APPROVED)
    close_case(
        ready.caseworker,
        ready.case,
        reason=ClosureReason.ABSCONDED,
        expected_version=ready.case.version,
    )
    db.session.commit()
    approval = db.session.scalar(select(ReturnApproval))
    assert approval.withdrawn_at is not None and approval.withdrawn_reason == "case closed"


@pytest.mark.parametrize(
    ("stage", "reason", "note"),
    [
        (Stage.ASSESSMENT, ClosureReason.TURNED_18, None),
        (Stage.RETURNED, ClosureReason.MONITORING_COMPLETED, None),
        (Stage.DECIDED, ClosureReason.SOLUTION_IMPLEMENTED, None),
        (Stage.ASSESSMENT, ClosureReason.OTHER, " "),
    ],
)
def test_reason_must_fit_the_case(factory, stage, reason, note):
    ready = at_stage(factory, stage)
    with pytest.raises(ValidationFailed):
        close_case(
            ready.caseworker,
            ready.case,
            reason=reason,
            note=note,
            expected_version=ready.case.version,
        )


def test_reasons_that_fit(factory):
    ready = at_stage(factory, Stage.MONITORING)
    close_case(
        ready.caseworker,
        ready.case,
        reason=ClosureReason.MONITORING_COMPLETED,
        expected_version=ready.case.version,
    )
    impl = at_stage(factory, Stage.IMPLEMENTATION)
    close_case(
        impl.caseworker,
        impl.case,
        reason=ClosureReason.SOLUTION_IMPLEMENTED,
        expected_version=impl.case.version,
    )
    adult = at_stage(factory, Stage.ASSESSMENT)
    adult.case.child.date_of_birth = date(2000, 1, 1)
    # Out of the child procedure only with a transition plan (issue 15).
    with pytest.raises(ValidationFailed, match="transition plan"):
        close_case(
            adult.caseworker,
            adult.case,
            reason=ClosureReason.TURNED_18,
            expected_version=adult.case.version,
        )
    record_transition_plan(
        adult.caseworker,
        adult.case,
        pathway=TransitionPathway.RESIDENCE,
        accommodation="Supported flat",
        support="Aftercare worker until 21",
        informed_on=clock.today(),
        expected_version=adult.case.version,
    )
    close_case(
        adult.caseworker,
        adult.case,
        reason=ClosureReason.TURNED_18,
        expected_version=adult.case.version,
    )
    db.session.commit()
    assert {ready.case.stage, impl.case.stage, adult.case.stage} == {Stage.CLOSED}


def test_close_stale_and_twice(factory):
    ready = at_stage(factory, Stage.ASSESSMENT)
    with pytest.raises(StaleVersion):
        close_case(ready.caseworker, ready.case, reason=ClosureReason.ABSCONDED, expected_version=0)
    close_case(
        ready.caseworker,
        ready.case,
        reason=ClosureReason.ABSCONDED,
        expected_version=ready.case.version,
    )
    db.session.commit()
    with pytest.raises(InvalidTransition):
        close_case(
            ready.caseworker,
            ready.case,
            reason=ClosureReason.ABSCONDED,
            expected_version=ready.case.version,
        )


def test_reopen(factory, client, login):
    ready = at_stage(factory, Stage.DECIDED)
    with pytest.raises(InvalidTransition):
        reopen_case(ready.caseworker, ready.case, reason="x", expected_version=ready.case.version)
    close_case(
        ready.caseworker,
        ready.case,
        reason=ClosureReason.ABSCONDED,
        expected_version=ready.case.version,
    )
    db.session.commit()
    with pytest.raises(PermissionDenied):
        reopen_case(
            factory.user(Role.OMBUDSPERSON),
            ready.case,
            reason="x",
            expected_version=ready.case.version,
        )
    login(ready.caseworker)
    r = client.post(
        f"/cases/{ready.case.id}/reopen",
        data={"version": ready.case.version, "reason": "The child came back."},
    )
    assert r.status_code == 302
    db.session.expire_all()
    assert ready.case.stage is Stage.REGISTERED and ready.case.outcome is None
    [entry] = entries("case:reopen", ready.case.id)
    assert entry.diff["outcome"] == ["return", None]


def test_close_page(factory, client, login):
    ready = at_stage(factory, Stage.ASSESSMENT)
    login(ready.caseworker)
    assert client.get(f"/cases/{ready.case.id}/close").status_code == 200
    r = client.post(
        f"/cases/{ready.case.id}/close",
        data={"version": ready.case.version, "reason": "absconded", "note": "", "confirmed": "1"},
    )
    assert r.status_code == 302
    login(factory.user(Role.ADMIN))
    assert client.get(f"/cases/{ready.case.id}/close").status_code == 404


def _colleague_saves_the_travel_plan(ready):
    """Another change to the case (it bumps the version)."""
    from caseapp.crossborder.operations import save_travel_plan

    plan = ready.r["travel"]
    save_travel_plan(
        ready.caseworker,
        ready.case,
        expected_version=single_version(ready.case, TravelPlan),
        travel_on=plan.travel_on,
        route="Changed by a colleague",
        escort_name=plan.escort_name,
        escort_kind=plan.escort_kind,
        receiving_official=plan.receiving_official,
        handover_place=plan.handover_place,
    )
    db.session.commit()


def test_closing_on_a_stale_or_unnamed_version_changes_nothing(factory):
    ready = ready_case(factory)
    db.session.commit()
    loaded = ready.case.version
    _colleague_saves_the_travel_plan(ready)
    for version in (loaded, None):
        with pytest.raises(StaleVersion):
            close_case(
                ready.caseworker,
                ready.case,
                reason=ClosureReason.ABSCONDED,
                expected_version=version,
            )
        db.session.rollback()
    assert ready.case.stage is Stage.RETURN_PREPARATION
    assert entries("case:close", ready.case.id) == []


def test_stale_close_post_shows_the_message_and_closes_nothing(factory, client, login):
    ready = ready_case(factory)
    db.session.commit()
    login(ready.caseworker)
    loaded = ready.case.version
    assert f'value="{loaded}"' in client.get(f"/cases/{ready.case.id}/close").get_data(as_text=True)
    _colleague_saves_the_travel_plan(ready)
    r = client.post(
        f"/cases/{ready.case.id}/close",
        data={"version": loaded, "reason": "absconded", "note": "", "confirmed": "1"},
    )
    assert r.status_code == 409
    assert "Someone else changed this case" in r.get_data(as_text=True)
    db.session.expire_all()
    assert ready.case.stage is Stage.RETURN_PREPARATION
    assert entries("case:close", ready.case.id) == []


def test_close_or_reopen_predicate_holds_on_a_closed_case(factory):
    """``can_close_or_reopen`` is ``can_edit`` without the stage: staff keep it on a closed
    case (to reopen it) where ``can_edit`` is gone; readers never have it."""
    ready = at_stage(factory, Stage.ASSESSMENT)
    case, reader = ready.case, factory.user(Role.OMBUDSPERSON)
    assert case.can_close_or_reopen(ready.caseworker) and case.can_edit(ready.caseworker)
    close_case(
        ready.caseworker, case, reason=ClosureReason.ABSCONDED, expected_version=case.version
    )
    db.session.commit()
    assert case.can_close_or_reopen(ready.caseworker)
    assert not case.can_edit(ready.caseworker)
    assert not case.can_close_or_reopen(reader)
