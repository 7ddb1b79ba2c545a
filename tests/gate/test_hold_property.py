"""Property: over generated case histories, the gate decides (issue 9, principle 6).

Each history starts from a case in return preparation with every safeguard met and applies a
sequence of steps through the real operations, committing each as the request layer would:
approve, record the return, lodge or decide an appeal, suspend or lift returns to the
destination, a transit country or elsewhere, withdraw or give a guarantee, record consent or
its refusal, a new home study, time passing (the 18th birthday, with or without the daily
``flask gate recheck``). After every step:

- ``approve_return`` succeeded exactly when the case was in return preparation and the gate
  was met that day;
- recording the return execution succeeded exactly when the case was approved and the gate
  was met on the travel day;
- no approval stays in force while a safeguard is unmet once anything has been recorded
  (time passing unnoticed is caught by the next record, the daily recheck or the execution);
- an approval is in force exactly while the case is approved (or returned on it).

The example count is bounded for CI (``HYPOTHESIS_PROFILE``: ``ci`` 40 examples, the
default; ``thorough`` 400).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from caseapp.cases.models import Stage
from caseapp.core.errors import DomainError, GateNotSatisfied, InvalidTransition
from caseapp.core.extensions import db
from caseapp.core.permissions import Role
from caseapp.crossborder import operations as prep
from caseapp.crossborder.models import CareGuarantee, Consent, GuarantorKind
from caseapp.crossborder.operations import single_version
from caseapp.decision import operations as decision
from caseapp.decision.models import Appeal, AppealStatus
from caseapp.gate import hold
from caseapp.gate.evaluation import evaluate_return_gate
from caseapp.gate.models import ReturnApproval, ReturnSuspension
from caseapp.gate.operations import (
    GateRefusal,
    add_suspension,
    approve_return,
    lift_suspension,
)
from caseapp.gate.policy import current_policy
from caseapp.monitoring import operations as monitoring
from tests.support import clock
from tests.support.gate_builder import ready_case


def eighteen_years_ago() -> date:
    """The date of birth of a child who turns 18 today (29 February: the 28th)."""
    try:
        return clock.today().replace(year=clock.today().year - 18)
    except ValueError:
        return clock.today().replace(year=clock.today().year - 18, day=28)


# Approving and recording the return are drawn more often than the other steps, so that
# histories reach both sides of both properties.
APPROVE = st.just(("approve",))
EXECUTE = st.just(("execute",))
STEPS = st.one_of(
    APPROVE,
    APPROVE,
    APPROVE,
    EXECUTE,
    EXECUTE,
    st.just(("appeal",)),
    st.tuples(st.just("decide_appeal"), st.sampled_from(["rejected", "upheld"])),
    st.tuples(st.just("suspend"), st.sampled_from(["UA", "RO", "PL"])),
    st.just(("lift",)),
    st.just(("withdraw_guarantee",)),
    st.just(("new_guarantee",)),
    st.tuples(st.just("consent"), st.booleans()),
    st.tuples(st.just("home_study"), st.booleans()),
    st.tuples(st.just("birthday"), st.booleans()),
)


def _gate_met(case) -> bool:
    return evaluate_return_gate(case, today=clock.today(), policy=current_policy()).all_met


def _in_force(case_id: int) -> int:
    return db.session.scalar(
        select(func.count()).where(
            ReturnApproval.case_id == case_id, ReturnApproval.withdrawn_at.is_(None)
        )
    )


def _audit_refusal(actor, case, result) -> None:
    """What the request layer does with a refusal: roll back, audit it, commit."""
    db.session.rollback()
    GateRefusal(actor, case, result).write()
    db.session.commit()


class History:
    """One generated history on one fresh case."""

    def __init__(self, factory, admin):
        self.ready = ready_case(factory)
        self.ready.r["coordination"].transit_countries = ["RO"]
        db.session.commit()
        self.case = self.ready.case
        self.cw = self.ready.caseworker
        self.admin = admin
        # A change of the gate's verdict that no record made (time passing) and nothing has
        # re-evaluated since.
        self.unnoticed = False
        self.handed_over = False

    @property
    def v(self) -> int:
        return self.case.version

    def run(self, step: tuple) -> None:
        getattr(self, f"step_{step[0]}")(*step[1:])

    # -- the two operations the property is about --------------------------------------------

    def step_approve(self) -> None:
        stage, met = self.case.stage, _gate_met(self.case)
        try:
            approve_return(self.ready.approver, self.case, expected_version=self.v)
        except GateNotSatisfied as err:
            assert stage is Stage.RETURN_PREPARATION and not met
            _audit_refusal(self.ready.approver, self.case, err.details)
            event("approve refused by the gate")
        except InvalidTransition:
            db.session.rollback()
            assert stage is not Stage.RETURN_PREPARATION
        else:
            db.session.commit()
            assert stage is Stage.RETURN_PREPARATION and met
            assert self.case.stage is Stage.RETURN_APPROVED
            self.unnoticed = False
            event("approve succeeded")

    def step_execute(self) -> None:
        stage, met = self.case.stage, _gate_met(self.case)
        try:
            monitoring.record_return_execution(
                self.cw,
                self.case,
                travelled_on=clock.today(),
                received_on=clock.today(),
                received_by="Odesa child protection",
                expected_version=self.v,
            )
        except GateNotSatisfied as err:
            assert stage is Stage.RETURN_APPROVED and not met
            _audit_refusal(self.cw, self.case, err.details)
            assert self.case.stage is Stage.RETURN_PREPARATION  # re-checked and withdrawn
            self.unnoticed = False
            event("execution refused by the gate")
        except InvalidTransition:
            db.session.rollback()
            assert stage is not Stage.RETURN_APPROVED
        else:
            db.session.commit()
            assert stage is Stage.RETURN_APPROVED and met
            assert self.case.stage is Stage.RETURNED
            self.handed_over = True
            event("execution succeeded")

    # -- records that may change the verdict ----------------------------------------------------

    def _record(self, action) -> None:
        """Run an operation as the request layer does; a refusal changes nothing."""
        try:
            action()
        except DomainError:
            db.session.rollback()
            return
        db.session.commit()
        self.unnoticed = False  # an audited record on the case: re-evaluated at commit

    def step_appeal(self) -> None:
        self._record(
            lambda: decision.lodge_appeal(
                self.cw,
                self.case,
                lodged_on=clock.today(),
                lodged_by="The guardian",
                body="District court",
                expected_version=self.v,
            )
        )

    def step_decide_appeal(self, result: str) -> None:
        appeal = db.session.scalar(
            select(Appeal).where(
                Appeal.case_id == self.case.id, Appeal.status == AppealStatus.PENDING
            )
        )
        if appeal is None:
            return
        self._record(
            lambda: decision.decide_appeal(
                self.cw,
                appeal,
                status=AppealStatus(result),
                decided_on=clock.today(),
                result_summary="Decided.",
                expected_version=appeal.version,
            )
        )

    def step_suspend(self, country: str) -> None:
        add_suspension(self.admin, country=country, reason="Crisis", suspended_from=clock.today())
        db.session.commit()
        if country in ("UA", "RO"):  # on this case's route: re-evaluated
            self.unnoticed = False

    def step_lift(self) -> None:
        suspension = db.session.scalar(
            select(ReturnSuspension)
            .where(ReturnSuspension.lifted_on.is_(None))
            .order_by(ReturnSuspension.id.desc())
            .limit(1)
        )
        if suspension is not None:
            lift_suspension(self.admin, suspension, lifted_on=clock.today())
            db.session.commit()

    def step_withdraw_guarantee(self) -> None:
        guarantee = db.session.scalar(
            select(CareGuarantee).where(
                CareGuarantee.case_id == self.case.id, CareGuarantee.withdrawn_on.is_(None)
            )
        )
        if guarantee is None:
            return
        self._record(
            lambda: prep.withdraw_guarantee(
                self.cw, guarantee, withdrawn_on=clock.today(), expected_version=self.v
            )
        )

    def step_new_guarantee(self) -> None:
        self._record(
            lambda: prep.record_guarantee(
                self.cw,
                self.case,
                expected_version=self.v,
                guarantor_kind=GuarantorKind.FAMILY,
                guarantor_name="Mother",
                given_on=clock.today(),
                written=True,
                document_reference="G-new",
            )
        )

    def step_consent(self, child_consents: bool) -> None:
        self._record(
            lambda: prep.record_consent(
                self.cw,
                self.case,
                child_consents=child_consents,
                child_consent_on=clock.today() if child_consents else None,
                child_consent_how="Interview with interpreter" if child_consents else None,
                guardian_consents=True,
                guardian_consent_on=clock.today(),
                expected_version=single_version(self.case, Consent),
            )
        )

    def step_home_study(self, favourable: bool) -> None:
        self._record(
            lambda: prep.record_home_study(
                self.cw,
                self.case,
                expected_version=self.v,
                received_on=clock.today(),
                conducted_by="Counterpart",
                favourable=favourable,
                summary="Visited.",
            )
        )

    def step_birthday(self, daily_recheck: bool) -> None:
        """Time passes: the child is 18 today. No record is made; the daily command may run."""
        self.case.child.date_of_birth = eighteen_years_ago()
        db.session.commit()
        self.unnoticed = True
        if daily_recheck:
            hold.recheck_all(None, today=clock.today())
            db.session.commit()
            self.unnoticed = False

    # -- the invariants after every step ----------------------------------------------------

    def check(self, was_approved: bool) -> None:
        db.session.expire_all()
        stage = self.case.stage
        if was_approved and stage is Stage.RETURN_PREPARATION:
            event("approval withdrawn by the hold")
        in_force = _in_force(self.case.id)
        if stage in (Stage.RETURN_APPROVED, Stage.RETURNED):
            assert in_force == 1
        else:
            assert in_force == 0
        if stage is Stage.RETURN_APPROVED and not self.unnoticed:
            assert _gate_met(self.case), "an approval is in force while a safeguard is unmet"


@pytest.fixture
def admin(factory):
    return factory.user(Role.ADMIN)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start_approved=st.booleans(), steps=st.lists(STEPS, min_size=1, max_size=8))
# Always tried: time passes unnoticed and the execution catches it; a late appeal, decided.
@example(start_approved=True, steps=[("birthday", False), ("execute",)])
@example(
    start_approved=True,
    steps=[("appeal",), ("execute",), ("decide_appeal", "rejected"), ("approve",), ("execute",)],
)
def test_the_gate_decides_over_generated_histories(factory, admin, start_approved, steps):
    db.session.rollback()
    # Suspensions from earlier examples are lifted: each history starts with the gate met.
    for s in db.session.scalars(
        select(ReturnSuspension).where(ReturnSuspension.lifted_on.is_(None))
    ):
        s.lifted_on = max(s.suspended_from, clock.today() - timedelta(days=1))
    db.session.commit()
    history = History(factory, admin)
    assert _gate_met(history.case)
    if start_approved:
        steps = [("approve",), *steps]
    for step in steps:
        if history.handed_over:
            # After the handover nothing more can be withdrawn on this case.
            with pytest.raises(InvalidTransition):
                prep.record_consent(
                    history.cw,
                    history.case,
                    child_consents=False,
                    child_consent_on=None,
                    child_consent_how=None,
                    guardian_consents=False,
                    guardian_consent_on=None,
                    expected_version=single_version(history.case, Consent),
                )
            db.session.rollback()
            break
        was_approved = history.case.stage is Stage.RETURN_APPROVED
        history.run(step)
        history.check(was_approved)
