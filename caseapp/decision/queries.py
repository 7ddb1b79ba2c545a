"""Read-only questions about the decision, used by the decision page and the return gate."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload

from caseapp.cases.models import Case, Outcome
from caseapp.core.extensions import db
from caseapp.decision.models import Appeal, AppealStatus, Complaint, DecisionNotice


def execution_suspended(case: Case) -> bool:
    """Whether a pending appeal suspends execution of the decision (002, Rec 1: the right to
    appeal; fn 12 (iv): "the right to appeal and ability to access legal remedies").

    Any appeal still pending on the case counts, even one lodged against a decision since
    superseded: it must be decided or withdrawn before anything is executed.
    """
    return bool(
        db.session.scalar(
            select(exists().where(Appeal.case_id == case.id, Appeal.status == AppealStatus.PENDING))
        )
    )


def current_notice(case: Case) -> DecisionNotice | None:
    """The decision in force (not superseded by a reopened determination)."""
    return db.session.scalars(
        select(DecisionNotice)
        .where(DecisionNotice.case_id == case.id, DecisionNotice.superseded_at.is_(None))
        .order_by(DecisionNotice.id.desc())
    ).first()


def notices(case: Case) -> list[DecisionNotice]:
    """Every decision notice of the case, newest first (superseded ones included)."""
    return list(
        db.session.scalars(
            select(DecisionNotice)
            .where(DecisionNotice.case_id == case.id)
            .order_by(DecisionNotice.id.desc())
        )
    )


def appeals(case: Case) -> list[Appeal]:
    """The case's appeals, newest first."""
    return list(
        db.session.scalars(
            select(Appeal).where(Appeal.case_id == case.id).order_by(Appeal.id.desc())
        )
    )


def complaints(case: Case) -> list[Complaint]:
    """The case's complaints, newest first."""
    return list(
        db.session.scalars(
            select(Complaint)
            .where(Complaint.case_id == case.id)
            .options(joinedload(Complaint.addressed_to))
            .order_by(Complaint.id.desc())
        )
    )


def suggests_tolerated_stay(case: Case) -> bool:
    """Whether the page should propose regularisation or tolerated stay: the BID recommends
    against return, the BIA found return unsafe, or no family member could be traced
    (002, Moldova practice: "If the parents are not identified or return is not possible,
    the child will be granted a tolerated stay"; Rec 2: options to regularise status)."""
    from caseapp.assessment.bia import current_bia
    from caseapp.children.models import TracingStatus
    from caseapp.determination.operations import current_bid

    bid = current_bid(case)
    if bid is not None and bid.recommended is not None and bid.recommended is not Outcome.RETURN:
        return True
    if case.outcome is not None and case.outcome is not Outcome.RETURN:
        return False
    bia = current_bia(case)
    if bia is not None and bia.return_safe is False:
        return True
    members = case.family_members
    return bool(members) and all(
        m.tracing_status in (TracingStatus.NOT_FOUND, TracingStatus.DECEASED) for m in members
    )
