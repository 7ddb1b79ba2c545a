"""Policy settings (versioned), the suspension register and return approvals."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.assessment.models import CaseRecord
from caseapp.cases.models import Case
from caseapp.core.db import UTCDateTime, utcnow
from caseapp.core.extensions import db
from caseapp.core.i18n import lazy_gettext as _l

# Reference default: visits at 1, 3, 6, 12 and 18 months after return (DESIGN.md §2).
DEFAULT_MONITORING_MONTHS = [1, 3, 6, 12, 18]

# The lowest value each policy setting may take (DESIGN.md section 4.1, item 5: policy
# values have minimums), so that no setting switches a safeguard off: an appeal period of
# 0 days would make S16's "appeal period over" true on the day of the decision (002, Rec 1).
# The floors are this project's choice; the source gives no numbers.
POLICY_MINIMUMS = {
    "appeal_period_days": 7,
    "hearing_max_age_days": 1,
    "bid_time_limit_days": 1,
    "central_approval_valid_days": 1,
    "confirmation_valid_days": 1,
    "guarantee_valid_days": 1,
    "first_visit_within_days": 1,
    # Issue 15: a referral of a child victim cannot wait less than a day to be due, and the
    # reminder before the 18th birthday comes at least a month ahead (transition planning).
    "victim_referral_days": 1,
    "transition_notice_days": 30,
}
POLICY_LABELS = {
    "appeal_period_days": _l("Appeal period (days)"),
    "hearing_max_age_days": _l("A hearing counts for (days)"),
    "bid_time_limit_days": _l("Time limit for a determination (days)"),
    "central_approval_valid_days": _l("A Central Authority approval is valid for (days)"),
    "confirmation_valid_days": _l("A confirmation of readiness or resources is valid for (days)"),
    "guarantee_valid_days": _l("A guarantee of care is valid for (days)"),
    "first_visit_within_days": _l("First monitoring visit within (days after the return)"),
    "victim_referral_days": _l("Referral of a child victim within (days after the indicators)"),
    "transition_notice_days": _l("Transition planning starts (days before the 18th birthday)"),
}
PARTY_LABELS = {
    "central_approval_by_party": _l(
        "S11 needs the Central Authority's own approval in caseapp (a paper document recorded "
        "by the caseworker does not count)"
    ),
    "monitoring_by_party": _l(
        "S17 needs the monitor's own acceptance of the plan in caseapp (a plan recorded by the "
        "caseworker alone does not count)"
    ),
}


class PolicySettings(db.Model):
    """One version of the policy; a change inserts a new version, so every approval can name
    the exact policy it was given under."""

    __tablename__ = "policy_settings"
    __table_args__ = (
        CheckConstraint("appeal_period_days >= 0", name="appeal_period_not_negative"),
        CheckConstraint("hearing_max_age_days > 0", name="hearing_age_positive"),
        CheckConstraint("bid_time_limit_days > 0", name="bid_limit_positive"),
        CheckConstraint("central_approval_valid_days > 0", name="central_valid_positive"),
        CheckConstraint("confirmation_valid_days > 0", name="confirmation_valid_positive"),
        CheckConstraint("guarantee_valid_days > 0", name="guarantee_valid_positive"),
        CheckConstraint("first_visit_within_days > 0", name="first_visit_positive"),
        CheckConstraint("victim_referral_days > 0", name="victim_referral_positive"),
        CheckConstraint("transition_notice_days > 0", name="transition_notice_positive"),
    )

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    appeal_period_days: Mapped[int] = mapped_column(Integer, default=30)
    hearing_max_age_days: Mapped[int] = mapped_column(Integer, default=90)
    monitoring_schedule_months: Mapped[list[int]] = mapped_column(
        JSON, default=lambda: list(DEFAULT_MONITORING_MONTHS)
    )
    bid_time_limit_days: Mapped[int] = mapped_column(Integer, default=90)
    # Validity windows (DESIGN.md section 4.1, item 5): how long a Central Authority approval
    # (S11), a counterpart's confirmation of readiness or of the plan's resources (S12, S13)
    # and a guarantee of care (S7) count after their date; and how soon after the planned
    # return the first monitoring visit must fall (S17).
    central_approval_valid_days: Mapped[int] = mapped_column(Integer, default=180)
    confirmation_valid_days: Mapped[int] = mapped_column(Integer, default=90)
    guarantee_valid_days: Mapped[int] = mapped_column(Integer, default=365)
    first_visit_within_days: Mapped[int] = mapped_column(Integer, default=45)
    # Issue 15: how soon a child victim must be referred once indicators are recorded
    # (002, Rec 3 and Rec 4; 004), and how early the 18th birthday is announced.
    victim_referral_days: Mapped[int] = mapped_column(Integer, default=7)
    transition_notice_days: Mapped[int] = mapped_column(Integer, default=90)
    # The party's own confirmation required (issue 10, item 4): when on, S11 is met only by
    # the Central Authority's officer approving in caseapp, and S17 only by a plan the monitor
    # accepted in caseapp (or a partner's signed document); a caseworker's record of a paper
    # document no longer counts. Off by default: the gate accepts either.
    central_approval_by_party: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    monitoring_by_party: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReturnSuspension(db.Model):
    """Returns to a country suspended (crisis provisions, e.g. a pandemic: 002, Day 1)."""

    __tablename__ = "return_suspension"
    __table_args__ = (
        CheckConstraint("lifted_on IS NULL OR lifted_on >= suspended_from", name="lift_after"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    country: Mapped[str] = mapped_column(String(2), index=True)
    reason: Mapped[str] = mapped_column(Text)
    suspended_from: Mapped[date] = mapped_column(Date)
    lifted_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def in_force_on(self, day: date) -> bool:
        """Whether the suspension applies on ``day``."""
        return self.suspended_from <= day and (self.lifted_on is None or self.lifted_on > day)


class ReturnApproval(CaseRecord, db.Model):
    """A supervisor's approval of a return, with the policy version and the full gate
    evaluation it was given on. Withdrawn, never deleted, when the determination reopens."""

    __tablename__ = "return_approval"
    __table_args__ = (
        CheckConstraint(
            "(withdrawn_at IS NULL) = (withdrawn_reason IS NULL)", name="withdrawal_has_reason"
        ),
        # At most one approval in force per case, whatever races happen above (§3, item 8).
        Index(
            "uq_return_approval_one_in_force",
            "case_id",
            unique=True,
            sqlite_where=text("withdrawn_at IS NULL"),
            postgresql_where=text("withdrawn_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    approved_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    case_version: Mapped[int] = mapped_column(Integer)
    policy_version: Mapped[int] = mapped_column(ForeignKey("policy_settings.version"))
    gate_evaluation: Mapped[dict] = mapped_column(JSON)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    # The safeguards found unmet when the gate's hold withdrew it (``caseapp.gate.hold``);
    # None when it was withdrawn for another reason (case closed, determination reopened).
    withdrawn_unmet: Mapped[list[str] | None] = mapped_column(JSON(none_as_null=True))

    case: Mapped[Case] = relationship()


# The before_flush guard that keeps ``return_approved`` behind the gate (gate/guard.py).
from caseapp.gate import guard as _guard  # noqa: E402

_guard.register()

# The hold: anything audited after approval that leaves a safeguard unmet withdraws the
# approval in the same transaction (gate/hold.py; issue 9, principle 6).
from caseapp.gate import hold as _hold  # noqa: E402

_hold.register()
