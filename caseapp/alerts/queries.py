"""SQL twins of the alert rules, for filtering the case list (``case_ids_with_alert``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, not_, or_, select

from caseapp.alerts.rules import (
    KINDS,
    NOT_FOUND,
    PARENTS,
    PENDING_STAGES,
    PRE_DECISION_STAGES,
    RETURN_PATH_STAGES,
)
from caseapp.assessment.models import (
    BestInterestsAssessment,
    Placement,
    ServiceKind,
    ServiceRecord,
)
from caseapp.cases.models import Case, Stage
from caseapp.children.age_sql import adult_on
from caseapp.children.models import Child, FamilyMember
from caseapp.core import clock
from caseapp.crossborder.models import CareGuarantee, HomeStudy
from caseapp.determination.models import BestInterestsDetermination, BidStatus
from caseapp.gate.models import ReturnApproval
from caseapp.monitoring.models import MonitoringVisit


def _active_placement(*conds):
    return exists().where(Placement.case_id == Case.id, Placement.ended_on.is_(None), *conds)


def _service(kind):
    return exists().where(
        ServiceRecord.case_id == Case.id,
        ServiceRecord.ended_on.is_(None),
        ServiceRecord.kind == kind,
    )


def _return_impossible():
    parent = and_(FamilyMember.case_id == Case.id, FamilyMember.relation.in_(PARENTS))
    parents_lost = and_(
        exists().where(parent),
        not_(exists().where(parent, FamilyMember.tracing_status.not_in(NOT_FOUND))),
        exists().where(Child.case_id == Case.id, Child.parents_identity_verified.is_(False)),
    )
    g = CareGuarantee
    no_guarantee = and_(
        exists().where(g.case_id == Case.id, g.withdrawn_on.is_not(None)),
        not_(exists().where(g.case_id == Case.id, g.withdrawn_on.is_(None), g.written.is_(True))),
    )
    a = BestInterestsAssessment
    done = and_(a.case_id == Case.id, a.completed_at.is_not(None))
    risk = and_(
        exists().where(done, a.return_safe.is_(False)),
        not_(exists().where(done, a.return_safe.is_(True))),
    )
    h = HomeStudy
    unfavourable = and_(
        exists().where(h.case_id == Case.id),
        not_(exists().where(h.case_id == Case.id, h.favourable.is_(True))),
    )
    return and_(
        Case.stage.in_(RETURN_PATH_STAGES), or_(parents_lost, no_guarantee, risk, unfavourable)
    )


def _approval_withdrawn():
    ra = ReturnApproval
    latest = (
        select(func.max(ReturnApproval.id))
        .where(ReturnApproval.case_id == Case.id)
        .correlate(Case)
        .scalar_subquery()
    )
    return and_(
        Case.stage == Stage.RETURN_PREPARATION,
        exists().where(
            ra.case_id == Case.id,
            ra.id == latest,
            ra.withdrawn_at.is_not(None),
            ra.withdrawn_unmet.is_not(None),
        ),
    )


def _issue_15(kind: str, today: date, policy):
    from caseapp.age.models import TransitionPlan
    from caseapp.detention.models import Detention
    from caseapp.referrals.models import ReferralKind, VictimReferral

    open_case = Case.stage != Stage.CLOSED
    child = Child.case_id == Case.id
    if kind == "turning_18":
        soon = today + timedelta(days=policy.transition_notice_days)
        return and_(
            open_case,
            exists().where(child, not_(adult_on(today)), adult_on(soon)),
            not_(exists().where(TransitionPlan.case_id == Case.id)),
        )
    if kind == "adult_by_records":
        return and_(open_case, exists().where(child, adult_on(today)))
    if kind == "detention_open":
        return and_(
            open_case,
            exists().where(Detention.case_id == Case.id, Detention.released_on.is_(None)),
        )
    if kind == "victim_not_referred":
        cutoff = today - timedelta(days=policy.victim_referral_days)

        def referred(k):
            return exists().where(VictimReferral.case_id == Case.id, VictimReferral.kind == k)

        trafficking = and_(
            Child.trafficking_indicators.is_(True),
            Child.trafficking_indicators_on < cutoff,
            not_(referred(ReferralKind.TRAFFICKING)),
        )
        hate = and_(
            Child.hate_crime_victim.is_(True),
            Child.hate_crime_victim_on < cutoff,
            or_(
                not_(referred(ReferralKind.HATE_CRIME_REPORT)),
                not_(referred(ReferralKind.HATE_CRIME_SUPPORT)),
            ),
        )
        return and_(open_case, exists().where(child, or_(trafficking, hate)))
    return None


def bid_overdue_cutoff(today: date, policy) -> datetime:
    """Cases opened before this moment are past the time limit for a determination."""
    return datetime.combine(today - timedelta(days=policy.bid_time_limit_days), time.min, UTC)


def bid_approved_sql() -> ColumnElement[bool]:
    """Whether the case has an approved determination (the end of ``bid_overdue``)."""
    return exists().where(
        BestInterestsDetermination.case_id == Case.id,
        BestInterestsDetermination.status == BidStatus.APPROVED,
    )


def bid_overdue_sql(
    cutoff: Any,
    *,
    stage: Any = None,
    opened_at: Any = None,
    approved: Any = None,
) -> ColumnElement[bool]:
    """The rule ``bid_overdue`` as SQL with its cut-off given (a value or a ``bindparam``, so
    that a statement built once can take each day's cut-off; 002, Andreyuk).

    On ``Case`` by default; ``stage``, ``opened_at`` and ``approved`` name other columns
    holding the same facts (the team's workload counts, ``dashboard.workload``: the opening
    day with ``cutoff`` a date), so that the rule has one definition."""
    stage = Case.stage if stage is None else stage
    opened_at = Case.opened_at if opened_at is None else opened_at
    approved = bid_approved_sql() if approved is None else approved
    return and_(stage.in_(PRE_DECISION_STAGES), opened_at < cutoff, not_(approved))


def alert_condition(kind: str, today: date, policy):
    """The SQL condition on ``Case`` equivalent to the rule ``kind``."""
    pending = Case.stage.in_(PENDING_STAGES)
    if kind == "deprived_of_liberty":
        p = Placement
        return and_(
            pending,
            # The one definition (Placement.deprives_of_liberty, 002 Rec 4), as SQL.
            _active_placement(p.deprives_of_liberty),
        )
    if kind == "separated_by_placement":
        return and_(pending, _active_placement(Placement.separated_from_family.is_(True)))
    if kind == "no_school_or_healthcare":
        return and_(
            pending,
            or_(not_(_service(ServiceKind.SCHOOL)), not_(_service(ServiceKind.HEALTHCARE))),
        )
    if kind == "bid_overdue":
        return bid_overdue_sql(bid_overdue_cutoff(today, policy))
    if kind == "visit_overdue":
        return and_(
            Case.stage != Stage.CLOSED,
            exists().where(
                MonitoringVisit.case_id == Case.id,
                MonitoringVisit.visited_on.is_(None),
                MonitoringVisit.due_on < today,
            ),
        )
    if kind == "charged_irregular_entry":
        return and_(
            Case.stage != Stage.CLOSED,
            exists().where(Child.case_id == Case.id, Child.charged_irregular_entry.is_(True)),
        )
    if kind == "return_impossible":
        return _return_impossible()
    if kind == "approval_withdrawn":
        return _approval_withdrawn()
    condition = _issue_15(kind, today, policy)
    if condition is not None:
        return condition
    raise ValueError(f"unknown alert kind {kind!r}; known: {sorted(KINDS)}")


def case_ids_with_alert(kind: str, *, today: date | None = None, policy=None) -> Select:
    """``SELECT case.id`` of the cases with alert ``kind`` (for the case-list filter)."""
    if policy is None:
        from caseapp.gate.policy import current_policy

        policy = current_policy()
    return select(Case.id).where(alert_condition(kind, today or clock.today(), policy))
