"""The BID, its panel and the options it considered."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from caseapp.assessment.models import CaseRecord
from caseapp.cases.models import Case, Outcome
from caseapp.core import permissions
from caseapp.core.db import UTCDateTime, str_enum, unindexed, utcnow
from caseapp.core.enums import LabelledEnum
from caseapp.core.extensions import db
from caseapp.core.i18n import lazy_gettext as _l
from caseapp.core.permissions import Permission, second_pair_of_eyes


class BidStatus(LabelledEnum):
    """Where a BID stands: drafted, submitted, approved or sent back by a supervisor who is
    not its author; withdrawn when the determination is reopened (DESIGN.md section 3)."""

    DRAFT = "draft", _l("Draft")
    SUBMITTED = "submitted", _l("Submitted")
    APPROVED = "approved", _l("Approved")
    SENT_BACK = "sent_back", _l("Sent back")
    WITHDRAWN = "withdrawn", _l("Withdrawn")


class BestInterestsDetermination(CaseRecord, db.Model):
    """The formal best-interests decision, guided by child protection (002, Rec 2)."""

    __tablename__ = "best_interests_determination"
    __table_args__ = (
        # The dashboards' lists (issue 16).
        Index("ix_bid_status_submitted", "status", "submitted_at", "id"),
        CheckConstraint(
            "(status = 'approved') = (approved_by_id IS NOT NULL AND approved_at IS NOT NULL)"
            " OR status = 'withdrawn'",
            name="approved_iff_approver",
        ),
        # Four eyes, in the database too (UNHCR BIP practice).
        CheckConstraint(
            "approved_by_id IS NULL OR approved_by_id <> author_id", name="approver_not_author"
        ),
        CheckConstraint(
            "status IN ('draft', 'sent_back') OR submitted_at IS NOT NULL",
            name="submitted_has_date",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    # Indexed: the queues' four eyes ask what the user opened (``case_not_written_by_sql``).
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    status: Mapped[BidStatus] = mapped_column(
        str_enum(BidStatus, "bid_status"), default=BidStatus.DRAFT
    )
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recommended: Mapped[Outcome | None] = mapped_column(str_enum(Outcome, "recommended"))
    reasons: Mapped[str | None] = mapped_column(Text)
    # Why this child's solution differs from a sibling's, when it does (family unity, S19;
    # 002, Rec 4: "States should not separate children from their families"; fn 12 (iii)).
    family_unity: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_comment: Mapped[str | None] = mapped_column(Text)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case] = relationship()

    @property
    def writer_ids(self) -> frozenset[int]:
        """Everyone who wrote this BID: who opened it, and everyone who changed or submitted
        it (``BidWriter``). None of them approves it, nor the return resting on it (four
        eyes; 002, Rec 2)."""
        return frozenset({self.author_id, *(w.user_id for w in self.writers)})

    def can_review(self, user) -> bool:
        """Whether ``user`` may approve or send back this BID: a supervisor of the lead
        agency who did not write it (four eyes; 002, Rec 2)."""
        return (
            user.can(Permission.BID_APPROVE)
            and self.case.can_edit(user)
            and second_pair_of_eyes(user, self.writer_ids)
        )

    @property
    def awaits_review(self) -> bool:
        """Submitted, waiting for a supervisor's approval or sending back."""
        return self.status is BidStatus.SUBMITTED

    @property
    def is_sent_back(self) -> bool:
        """Sent back to its author with a comment."""
        return self.status is BidStatus.SENT_BACK

    @property
    def recommends_against_return(self) -> bool:
        """A solution other than return is recommended: regularisation or tolerated stay is
        then to be considered (002, Rec 2; Moldova practice)."""
        return self.recommended is not None and self.recommended is not Outcome.RETURN

    panel: Mapped[list[PanelMember]] = relationship(
        back_populates="bid", cascade="all, delete-orphan", order_by="PanelMember.id"
    )
    options: Mapped[list[BidOption]] = relationship(
        back_populates="bid", cascade="all, delete-orphan", order_by="BidOption.id"
    )
    writers: Mapped[list[BidWriter]] = relationship(
        back_populates="bid", cascade="all, delete-orphan", order_by="BidWriter.id"
    )


class PanelRole(LabelledEnum):
    """Roles on the BID panel: chaired by child protection, the guardian taking part."""

    CHAIR = "chair", _l("Chair")
    GUARDIAN = "guardian", _l("Guardian")
    MEMBER = "member", _l("Member")


class PanelMember(db.Model):
    """One member of the BID panel."""

    __tablename__ = "bid_panel_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(
        ForeignKey("best_interests_determination.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[PanelRole] = mapped_column(str_enum(PanelRole, "panel_role"))
    organisation: Mapped[str | None] = mapped_column(String(200))
    # A chair must come from child protection (002, Rec 2: BID guided by child protection).
    child_protection: Mapped[bool] = mapped_column(Boolean, default=False)

    bid: Mapped[BestInterestsDetermination] = relationship(back_populates="panel")


class BidOption(db.Model):
    """One solution the panel considered, with its assessment (002, Rec 2)."""

    __tablename__ = "bid_option"

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(
        ForeignKey("best_interests_determination.id", ondelete="CASCADE"), index=True
    )
    option: Mapped[Outcome] = mapped_column(str_enum(Outcome, "option"))
    assessment: Mapped[str] = mapped_column(Text)

    bid: Mapped[BestInterestsDetermination] = relationship(back_populates="options")


class BidWriter(db.Model):
    """One user who wrote a BID: opened, changed or submitted it (the operations record each
    one once, ``determination.operations._edit_draft``). The four-eyes rule reads them all: a
    supervisor who edited or submitted a determination someone else opened does not approve
    it, nor the return resting on it (002, Rec 2; UNHCR BIP practice)."""

    __tablename__ = "bid_writer"
    __table_args__ = (UniqueConstraint("bid_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(
        ForeignKey("best_interests_determination.id", ondelete="CASCADE")
    )
    # The queues ask "did this user write it?" (``permissions.not_written_by_sql``).
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)

    bid: Mapped[BestInterestsDetermination] = relationship(back_populates="writers")


def writers_of(bid: BestInterestsDetermination | None) -> frozenset[int]:
    """Everyone who wrote ``bid`` (``writer_ids``); nobody when there is no BID."""
    return bid.writer_ids if bid is not None else frozenset()


def not_written_by_sql(user_id: Any) -> ColumnElement[bool]:
    """``second_pair_of_eyes`` on a BID as a SQL condition, for the queues that list what a
    user may approve: ``user_id`` (a value or a ``bindparam``) neither opened the BID nor is
    among its writers (the same rule as ``writer_ids``)."""
    bid = BestInterestsDetermination
    wrote = select(BidWriter.id).where(BidWriter.bid_id == bid.id, BidWriter.user_id == user_id)
    return permissions.not_written_by_sql(user_id, bid.author_id) & ~wrote.exists()


def case_not_written_by_sql(user_id: Any, case_id: Any) -> ColumnElement[bool]:
    """``user_id`` wrote none of the determinations in force on the case ``case_id`` (a
    column): the last-resort queues' four eyes, as ``Consent.is_second_pair_of_eyes``."""
    bid = BestInterestsDetermination
    in_force = (bid.case_id == case_id) & (bid.status != BidStatus.WITHDRAWN)
    # By the case's index on SQLite (no statistics to choose by); PostgreSQL reads the user's
    # determinations once by ``ix_best_interests_determination_author_id``.
    authored = select(bid.id).where(in_force, unindexed(bid.author_id) == user_id)
    wrote = (
        select(BidWriter.id)
        .join(bid, bid.id == BidWriter.bid_id)
        .where(in_force, BidWriter.user_id == user_id)
    )
    return ~authored.exists() & ~wrote.exists()
