"""Queries behind the supervisor's queue and the caseworker's due list."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import false, func, select
from sqlalchemy.orm import selectinload

from caseapp.assessment.models import Hearing
from caseapp.cases.models import Case, Stage
from caseapp.core.extensions import db
from caseapp.core.permissions import Role, second_pair_of_eyes_sql
from caseapp.crossborder.models import Consent
from caseapp.decision.models import DecisionNotice
from caseapp.determination.models import BestInterestsDetermination, BidStatus
from caseapp.gate.evaluation import evaluate_return_gate
from caseapp.monitoring.models import MonitoringVisit

APPEAL_WARNING_DAYS = 14
# Stages in which a hearing must stay recent for S5 (002, Rec 1).
HEARING_STAGES = (Stage.DETERMINATION, Stage.DECIDED, Stage.RETURN_PREPARATION)


def case_scope(user):
    """The ids of the cases ``user`` may see (the list twin of ``Case.can_view``)."""
    query = select(Case.id)
    if user.role is Role.OMBUDSPERSON:
        return query
    if user.role in (Role.CASEWORKER, Role.SUPERVISOR):
        return query.where(Case.lead_agency_id == user.agency_id)
    return query.where(false())


def bids_awaiting(user) -> Sequence[Any]:
    """Submitted determinations someone other than ``user`` wrote (four eyes)."""
    return db.session.scalars(
        select(BestInterestsDetermination)
        .where(
            BestInterestsDetermination.case_id.in_(case_scope(user)),
            BestInterestsDetermination.status == BidStatus.SUBMITTED,
            second_pair_of_eyes_sql(user, BestInterestsDetermination.author_id),
        )
        .options(selectinload(BestInterestsDetermination.case))
        .order_by(BestInterestsDetermination.submitted_at)
    ).all()


def returns_ready(user, today: date, policy) -> Sequence[Any]:
    """Cases in return preparation whose gate is all met (ready for approval)."""
    cases = db.session.scalars(
        select(Case)
        .where(Case.id.in_(case_scope(user)), Case.stage == Stage.RETURN_PREPARATION)
        .order_by(Case.number)
    ).all()
    return [c for c in cases if evaluate_return_gate(c, today=today, policy=policy).all_met]


def last_resorts_awaiting(user) -> Sequence[Any]:
    """Non-voluntary returns awaiting a second supervisor (not their recorder)."""
    return db.session.scalars(
        select(Consent)
        .where(
            Consent.case_id.in_(case_scope(user)),
            Consent.non_voluntary.is_(True),
            Consent.last_resort_approved_by_id.is_(None),
            second_pair_of_eyes_sql(user, Consent.recorded_by_id),
        )
        .options(selectinload(Consent.case))
    ).all()


def overdue_visits(user, today: date) -> Sequence[Any]:
    """Monitoring visits due and not done."""
    return db.session.scalars(
        select(MonitoringVisit)
        .join(Case, Case.id == MonitoringVisit.case_id)
        .where(
            MonitoringVisit.case_id.in_(case_scope(user)),
            Case.stage != Stage.CLOSED,
            MonitoringVisit.visited_on.is_(None),
            MonitoringVisit.due_on < today,
        )
        .options(selectinload(MonitoringVisit.case))
        .order_by(MonitoringVisit.due_on)
    ).all()


def appeal_deadlines(user, today: date) -> Sequence[Any]:
    """Current decision notices whose appeal deadline falls in the next two weeks."""
    return db.session.scalars(
        select(DecisionNotice)
        .where(
            DecisionNotice.case_id.in_(case_scope(user)),
            DecisionNotice.superseded_at.is_(None),
            DecisionNotice.appeal_deadline >= today,
            DecisionNotice.appeal_deadline <= today + timedelta(days=APPEAL_WARNING_DAYS),
        )
        .options(selectinload(DecisionNotice.case))
        .order_by(DecisionNotice.appeal_deadline)
    ).all()


def stale_hearings(user, today: date, policy) -> Sequence[Any]:
    """Cases awaiting a decision or return whose latest hearing is older than the policy
    allows (or who were never heard): ``[(case, last_hearing_date_or_None)]``."""
    last = (
        select(Hearing.case_id, func.max(Hearing.held_on).label("last"))
        .group_by(Hearing.case_id)
        .subquery()
    )
    cutoff = today - timedelta(days=policy.hearing_max_age_days)
    rows = db.session.execute(
        select(Case, last.c.last)
        .outerjoin(last, last.c.case_id == Case.id)
        .where(
            Case.id.in_(case_scope(user)),
            Case.stage.in_(HEARING_STAGES),
            (last.c.last.is_(None)) | (last.c.last < cutoff),
        )
        .order_by(Case.number)
    ).all()
    return [(c, d) for c, d in rows]


def over_bid_limit(user, today: date, policy) -> Sequence[Any]:
    """Cases open past the time limit without an approved determination (002, Andreyuk)."""
    from caseapp.alerts.queries import case_ids_with_alert

    ids = case_ids_with_alert("bid_overdue", today=today, policy=policy)
    return db.session.scalars(
        select(Case).where(Case.id.in_(ids), Case.id.in_(case_scope(user))).order_by(Case.opened_at)
    ).all()
