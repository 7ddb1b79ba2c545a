"""Drive a case through the lifecycle with the real operations (test data, committed).

    from tests.support import lifecycle
    case = factory.case(caseworker=cw)
    lifecycle.to_assessment(case, cw)              # registered -> assessment
    lifecycle.to_determination(case, cw)           # + guardian, hearing, completed BIA, draft BID
    bid = lifecycle.approved_bid(case, cw, sup)    # BID complete, submitted, approved by sup
    lifecycle.to_decided(case, cw, sup, outcome=Outcome.RETURN)
    lifecycle.to_return_preparation(case, cw, sup)

Each function starts from wherever the case is (it skips stages already passed), uses the
case's current version and commits, like a finished request. ``cw`` is a caseworker (or
supervisor) of the lead agency; ``sup`` a supervisor of the same agency who did not author the
BID. Each step is the scenario builder's (``caseapp.demo.scenario``: the real operations, as
the demo uses them) with this module's values; nothing here bypasses a rule but
``force_stage``.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from caseapp.assessment import operations as assessment
from caseapp.assessment.models import RiskLevel, Weight
from caseapp.auth.models import User
from caseapp.cases.models import Outcome, Stage
from caseapp.core.extensions import db
from caseapp.core.permissions import Role
from caseapp.decision import operations as decision
from caseapp.demo.scenario import Scenario
from caseapp.determination import operations as determination
from caseapp.determination.models import BidStatus
from tests.support import clock

# Option assessments used by ``complete_bid`` (002, Rec 2: every option considered).
OPTION_TEXT = {
    Outcome.LOCAL_INTEGRATION: "No family here; school place available.",
    Outcome.TOLERATED_STAY: "Possible while the family is traced.",
    Outcome.RETURN: "Mother traced and assessed as able to care.",
    Outcome.THIRD_COUNTRY: "No relatives in a third country.",
}


def _commit():
    db.session.commit()


def _story(case, user, supervisor=None) -> Scenario:
    """The scenario builder on ``case`` with this module's values (dates from today)."""
    return Scenario(
        case,
        caseworker=user,
        supervisor=supervisor,
        today=clock.today(),
        decision_day=clock.today(),
        care=False,
        texts={
            "panel": {"chair": "Chair of the child-protection panel", "guardian": "Maria Popescu"},
            "options": OPTION_TEXT,
        },
    )


def to_registered(case, user):
    """identified -> registered (``register_case``)."""
    if case.stage is Stage.IDENTIFIED:
        _story(case, user).register_case()
        _commit()
    return case


def to_assessment(case, user):
    """Up to the assessment stage, through ``start_assessment``."""
    to_registered(case, user)
    if case.stage is Stage.REGISTERED:
        _story(case, user).start_assessment()
        _commit()
    return case


def with_guardian(case, user, *, name="Maria Popescu", independent=True):
    """Appoint an (independent) guardian."""
    g = _story(case, user).appoint_guardian(
        as_given=True,
        guardian_name=name,
        appointing_authority="Local guardianship authority",
        appointed_on=clock.today() - timedelta(days=30),
        declared_independent=independent,
    )
    _commit()
    return g


def with_hearing(case, user, *, held_on=None):
    """Record a hearing that meets Rec 1 (language understood, child-friendly information)."""
    h = _story(case, user).hear(
        as_given=True,
        held_on=held_on or clock.today(),
        language="Ukrainian",
        child_understands_language=True,
        interpreter=None,
        child_friendly_information_given=True,
        seen_alone=True,
        options_discussed=True,
        views_by_option={"return": "Wants to see mother", "local_integration": "Likes school"},
        views_summary="Would like to go home if mother is there.",
        weight=Weight.SIGNIFICANT,
        weight_reasons="Thirteen and mature for age.",
    )
    _commit()
    return h


def completed_bia(case, user, *, return_safe=True, return_country="UA"):
    """Save and complete a BIA with the risk section filled."""
    bia = _story(case, user).complete_bia(
        as_given=True,
        views="Heard; see hearing.",
        family_environment="Mother traced.",
        return_country=return_country,
        non_refoulement_risk=RiskLevel.LOW,
        armed_conflict=False,
        human_rights_impact="No serious risk identified.",
        return_safe=return_safe,
        completed_at=None,
    )
    _commit()
    return bia


def to_determination(case, user):
    """Up to the determination stage: guardian, hearing, completed BIA, draft BID."""
    to_assessment(case, user)
    if case.stage is Stage.ASSESSMENT:
        if assessment.active_guardian(case) is None:
            with_guardian(case, user)
        with_hearing(case, user)
        bia = assessment.current_bia(case)
        if bia is None or not bia.completed:
            completed_bia(case, user)
        _story(case, user).open_determination(opened_at=None)
        _commit()
    return determination.current_bid(case)


def complete_bid(case, user, *, recommended=Outcome.RETURN):
    """Fill the draft BID: chair from child protection, guardian, all four options,
    recommendation and reasons. Returns the (still draft) BID."""
    bid = to_determination(case, user)
    story = _story(case, user)
    story.add_panel()
    story.assess_options(tuple(OPTION_TEXT))
    story.recommend(
        recommended=recommended, reasons="Return to the mother is in the child's best interests."
    )
    _commit()
    return bid


def submitted_bid(case, user, *, recommended=Outcome.RETURN):
    """A complete BID, submitted for approval (kept as is if already submitted)."""
    bid = determination.current_bid(case)
    if bid is None or bid.status in determination.EDITABLE_STATUSES:
        bid = complete_bid(case, user, recommended=recommended)
        _story(case, user).submit_bid(submitted_at=None)
        _commit()
    return bid


def approved_bid(case, user, supervisor, *, recommended=Outcome.RETURN):
    """A BID approved by ``supervisor`` (who must not be its author)."""
    bid = determination.current_bid(case)
    if bid is None or bid.status is not BidStatus.APPROVED:
        bid = submitted_bid(case, user, recommended=recommended)
        assert bid.author_id != supervisor.id, "the approver must not be the BID's author"
        _story(case, user, supervisor).approve_bid(approved_at=None)
        _commit()
    return bid


def to_decided(case, user, supervisor, *, outcome=Outcome.RETURN, decided_on=None):
    """Up to decided: approved BID recommending ``outcome``, decision recorded."""
    if case.stage is not Stage.DECIDED:
        approved_bid(case, user, supervisor, recommended=outcome)
        _story(case, user).decide(outcome=outcome, decided_on=decided_on or clock.today())
        _commit()
    return decision.current_notice(case)


def notified(case, user, *, on=None):
    """Notify the decision to the child (in a language understood) and the guardian."""
    notice = decision.current_notice(case)
    _story(case, user).notify(
        notified_on=on or notice.decided_on, language="Ukrainian", child_understands_language=True
    )
    _commit()
    return notice


def to_return_preparation(case, user, supervisor):
    """Up to return_preparation (decided with outcome return, then proceeded)."""
    to_decided(case, user, supervisor, outcome=Outcome.RETURN)
    _story(case, user).proceed()
    _commit()
    return case


def force_stage(case, stage):
    """TEST-ONLY shortcut: put ``case`` at ``stage`` directly, with an outcome that satisfies
    the CHECK constraints, to check that operations refuse the wrong stages. Bypasses every
    rule: never use it to build a case an allowed path is tested on."""
    from caseapp.core.db import utcnow as _now
    from caseapp.gate.models import ReturnApproval

    # No autoflush: an approval the test added (pending) must reach the database in the same
    # flush as the stage, where the gate's flush guard looks for it.
    with db.session.no_autoflush:
        approver = db.session.scalar(select(User).where(User.role == Role.SUPERVISOR).limit(1))
    pending = any(
        isinstance(obj, ReturnApproval) and obj.case_id == case.id for obj in db.session.new
    )
    approver_id, case_id, case_version = approver.id, case.id, case.version
    if stage in (Stage.IDENTIFIED, Stage.REGISTERED, Stage.ASSESSMENT, Stage.DETERMINATION):
        case.outcome = None
    elif stage is Stage.IMPLEMENTATION:
        case.outcome = Outcome.LOCAL_INTEGRATION
    elif stage is not Stage.CLOSED:
        case.outcome = Outcome.RETURN
    case.stage = stage
    case.closed_at = _now() if stage is Stage.CLOSED else None
    case.closure_reason = "test" if stage is Stage.CLOSED else None
    if stage is Stage.RETURN_APPROVED and not pending:
        # The gate's flush guard (caseapp/gate/guard.py) refuses return_approved without an
        # approval in force in the same flush — even here. Add a placeholder approval unless
        # the test already added one (one approval in force per case: a unique index).
        db.session.add(
            ReturnApproval(
                case_id=case_id,
                approved_by_id=approver_id,
                case_version=case_version,
                policy_version=1,
                gate_evaluation={"test": "force_stage"},
            )
        )
    _commit()
    return case
