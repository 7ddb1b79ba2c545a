"""Read-only questions about the decision, used by the decision page and the return gate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from caseapp.cases.models import Case, Outcome
from caseapp.cases.page_records import child_families, load_case_page
from caseapp.core.extensions import db
from caseapp.core.records import Records
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


def suggests_tolerated_stay(case: Case, records: PageRecords | None = None) -> bool:
    """Whether the page should propose regularisation or tolerated stay: the BID recommends
    against return, the BIA found return unsafe, or no family member could be traced
    (002, Moldova practice: "If the parents are not identified or return is not possible,
    the child will be granted a tolerated stay"; Rec 2: options to regularise status)."""
    from caseapp.assessment.bia import current_bia
    from caseapp.children.models import TracingStatus
    from caseapp.determination.operations import current_bid

    bid = records.current_bid if records is not None else current_bid(case)
    if bid is not None and bid.recommends_against_return:
        return True
    if case.outcome is not None and case.outcome is not Outcome.RETURN:
        return False
    bia = records.bia if records is not None else current_bia(case)
    if bia is not None and bia.return_safe is False:
        return True
    members = case.family_members
    return bool(members) and all(
        m.tracing_status in (TracingStatus.NOT_FOUND, TracingStatus.DECEASED) for m in members
    )


# -- the decision page's records in one statement (issue 16: 17 statements before) -----------


def _page_families(ids) -> dict[str, Records]:
    from caseapp.agencies.models import Agency
    from caseapp.assessment.models import BestInterestsAssessment
    from caseapp.determination.models import BestInterestsDetermination, BidStatus

    b, bia = BestInterestsDetermination, BestInterestsAssessment
    addressed = select(Complaint.addressed_to_id).where(Complaint.case_id.in_(ids))
    return {
        "notices": Records(
            DecisionNotice, DecisionNotice.case_id.in_(ids), (DecisionNotice.id.desc(),)
        ),
        "appeals": Records(Appeal, Appeal.case_id.in_(ids), (Appeal.id.desc(),)),
        "complaints": Records(Complaint, Complaint.case_id.in_(ids), (Complaint.id.desc(),)),
        "addressed_to": Records(Agency, Agency.id.in_(addressed)),
        # ``current_bid``: the newest not withdrawn (the first of these).
        "bids": Records(b, b.case_id.in_(ids) & (b.status != BidStatus.WITHDRAWN), (b.id.desc(),)),
        # ``current_bia``: the newest (the first).
        "bias": Records(bia, bia.case_id.in_(ids), (bia.id.desc(),)),
    } | child_families(ids)


@dataclass(frozen=True)
class PageRecords:
    """What the decision page shows of a case, read in one statement (``page_records``);
    each property answers as the function of the same name in this module does."""

    notices: list[DecisionNotice]  # newest first, superseded ones included
    appeals: list[Appeal]  # newest first
    complaints: list[Complaint]  # newest first
    bids: list[Any]  # not withdrawn, newest first
    bias: list[Any]  # newest first

    @property
    def current_notice(self) -> DecisionNotice | None:
        return next((n for n in self.notices if n.superseded_at is None), None)

    @property
    def current_bid(self):
        return self.bids[0] if self.bids else None

    @property
    def approved_bid(self):
        from caseapp.determination.models import BidStatus

        bid = self.current_bid
        return bid if bid is not None and bid.status is BidStatus.APPROVED else None

    @property
    def bia(self):
        return self.bias[0] if self.bias else None

    @property
    def execution_suspended(self) -> bool:
        return any(a.status is AppealStatus.PENDING for a in self.appeals)


def page_records(case: Case) -> PageRecords:
    """The decision page's records of ``case`` in **one** statement (``load_records``): the
    notices, appeals, complaints (with the body each is addressed to), the BIDs and BIAs,
    and the child with its names and the family members set on the case."""
    rows = load_case_page(case, _page_families, key="decision_page")
    agencies = {a.id: a for a in rows["addressed_to"]}
    for complaint in rows["complaints"]:
        if "addressed_to" not in complaint.__dict__:
            set_committed_value(complaint, "addressed_to", agencies.get(complaint.addressed_to_id))
    return PageRecords(
        notices=rows["notices"],
        appeals=rows["appeals"],
        complaints=rows["complaints"],
        bids=rows["bids"],
        bias=rows["bias"],
    )
