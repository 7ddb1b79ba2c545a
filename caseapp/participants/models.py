"""Participants' assignments and the requests sent to them (issue 10).

An ``Assignment`` is what lets a participant (guardian, legal representative, Central
Authority officer, independent monitor, counterpart officer) see a case: it stands for the
guardian appointment, the legal-representative assignment, the request to the Central
Authority, the monitoring plan or the coordination with the counterpart. It is in force
while it is not ended and the record it rests on is not ended (a guardian appointment or a
legal representative ended on the case ends the assignment with it): ``Assignment.in_force``
and its SQL twin ``Assignment.in_force_sql()`` are that one definition, read on every
request, so ending either removes the access at once (002, Rec 3: child protection leads
"multi-agency approaches"; least privilege: the matrix in ``caseapp.core.permissions``).

A ``ParticipantRequest`` is what a caseworker asks of a participant (approve, confirm,
report, attend a hearing) with a due date; the answer is recorded on the case.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import (
    CheckConstraint,
    ColumnElement,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    and_,
    exists,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.agencies.models import CHILD_PROTECTION_KINDS, AgencyKind
from caseapp.assessment.models import GuardianAppointment, LegalRepresentative
from caseapp.cases.models import Case
from caseapp.core.db import UTCDateTime, str_enum, utcnow
from caseapp.core.enums import LabelledEnum
from caseapp.core.extensions import db
from caseapp.core.i18n import lazy_gettext as _l
from caseapp.core.permissions import RecordType, Role
from caseapp.crossborder.models import MonitoringPlan

if TYPE_CHECKING:
    from caseapp.auth.models import User

# The agency kinds each participant's role may belong to (issue 10 item 1: "each a user of
# their own agency"). Never law enforcement (002, Rec 3); the Central Authority's approval
# comes from a central authority (S11); the counterpart is child protection at home or
# abroad (S12); the monitor is independent of the authorities (S17; 002, Rec 2).
PARTICIPANT_AGENCY_KINDS: dict[Role, tuple[AgencyKind, ...]] = {
    Role.GUARDIAN: (AgencyKind.NGO, AgencyKind.CHILD_PROTECTION),
    Role.LEGAL_REPRESENTATIVE: (AgencyKind.NGO,),
    Role.CENTRAL_AUTHORITY_OFFICER: (AgencyKind.CENTRAL_AUTHORITY,),
    Role.MONITOR: (AgencyKind.NGO, AgencyKind.OMBUDSPERSON),
    Role.COUNTERPART_OFFICER: CHILD_PROTECTION_KINDS,
}


class Assignment(db.Model):
    """A participant assigned to one case in one role, from its start until it ends."""

    __tablename__ = "participant_assignment"
    __table_args__ = (
        CheckConstraint("(ended_at IS NULL) = (end_reason IS NULL)", name="ended_iff_reason"),
        CheckConstraint(
            "role IN ('guardian', 'legal_representative', 'central_authority_officer',"
            " 'monitor', 'counterpart_officer')",
            name="participant_roles_only",
        ),
        # A participant's assignments in force, newest first a page at a time (their home
        # page; issue 16): the id read from the index in order, no sort.
        Index("ix_participant_assignment_user_ended_id", "user_id", "ended_at", "id"),
        # Whether this participant is assigned to this case (every page of theirs asks): with
        # the user in the key, SQLite no longer prefers the index above, which read all of the
        # user's assignments (~41,000 for a Central Authority officer: 15 ms a page; issue 16).
        Index("ix_participant_assignment_case_user", "case_id", "user_id", "ended_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed with the user and ``ended_at`` (table_args), which serves the case alone too.
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"))
    # Indexed with ``ended_at`` (the participant's cases in force; table_args).
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    role: Mapped[Role] = mapped_column(str_enum(Role, "assignment_role"))
    # The record the assignment rests on (issue 10 item 1): the guardian appointment, the
    # legal-representative assignment, the monitoring plan. The Central Authority's and the
    # counterpart's assignments are the request to them and rest on nothing else.
    guardian_appointment_id: Mapped[int | None] = mapped_column(
        ForeignKey("guardian_appointment.id")
    )
    legal_representative_id: Mapped[int | None] = mapped_column(
        ForeignKey("legal_representative.id")
    )
    monitoring_plan_id: Mapped[int | None] = mapped_column(ForeignKey("monitoring_plan.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(Text)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    case: Mapped[Case] = relationship(lazy="joined")
    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    guardian_appointment: Mapped[GuardianAppointment | None] = relationship(lazy="select")
    legal_representative: Mapped[LegalRepresentative | None] = relationship(lazy="select")
    monitoring_plan: Mapped[MonitoringPlan | None] = relationship(lazy="select")

    @property
    def in_force(self) -> bool:
        """Not ended, and the record it rests on not ended (one definition; SQL twin below)."""
        bases = (self.guardian_appointment, self.legal_representative)
        return self.ended_at is None and all(b is None or b.active for b in bases)

    @classmethod
    def in_force_sql(cls) -> ColumnElement[bool]:
        """``in_force`` as a SQL condition on ``Assignment``."""
        ga, lr = GuardianAppointment, LegalRepresentative
        return and_(
            cls.ended_at.is_(None),
            ~exists().where(ga.id == cls.guardian_appointment_id, ga.ended_on.is_not(None)),
            ~exists().where(lr.id == cls.legal_representative_id, lr.ended_on.is_not(None)),
        )

    @property
    def basis_label(self) -> str:
        """What the assignment rests on, in words."""
        if self.guardian_appointment is not None:
            day = self.guardian_appointment.appointed_on.isoformat()
            return _("guardian appointment of %(date)s", date=day)
        if self.legal_representative is not None:
            day = self.legal_representative.assigned_on.isoformat()
            return _("legal representation since %(date)s", date=day)
        if self.monitoring_plan is not None:
            return _("the monitoring plan")
        return _("the request to this participant")

    def can_view(self, user: User) -> bool:
        """The case's staff see its assignments; a participant sees their own."""
        if user.is_participant:
            return user.id == self.user_id and self.in_force
        return self.case.can_view(user)

    def can_end(self, user: User) -> bool:
        """Staff who record on the case end an assignment (the guardian appointment's end
        ends it too)."""
        return self.ended_at is None and self.case.can_edit(user)

    def __repr__(self) -> str:
        return f"<Assignment {self.id} case={self.case_id} user={self.user_id} {self.role}>"


def assignment_in_force(case_id: int, user: User) -> Assignment | None:
    """The participant's assignment in force on the case, or None (one query)."""
    if not user.is_participant:
        return None
    return db.session.scalar(
        select(Assignment)
        .where(
            Assignment.case_id == case_id,
            Assignment.user_id == user.id,
            Assignment.role == user.role,
            Assignment.in_force_sql(),
        )
        .limit(1)
    )


class RequestKind(LabelledEnum):
    """What a caseworker asks of a participant (issue 10 item 3)."""

    APPROVE = "approve", _l("Approve")
    CONFIRM = "confirm", _l("Confirm")
    REPORT = "report", _l("Report")
    ATTEND_HEARING = "attend_hearing", _l("Attend a hearing")


class RequestAnswer(LabelledEnum):
    """The participant's answer, recorded on the case."""

    AGREED = "agreed", _l("Yes: approved, confirmed, reported or will attend")
    DECLINED = "declined", _l("No: refused, not confirmed or cannot attend")


class ParticipantRequest(db.Model):
    """A request to an assigned participant, with its due date and, later, its answer."""

    __tablename__ = "participant_request"
    __table_args__ = (
        CheckConstraint("(answered_at IS NULL) = (answer IS NULL)", name="answered_iff_answer"),
        # The caseworker's due list: open requests by due date. Partial, so that the index
        # itself is in (due_on, id) order: PostgreSQL reads ``answered_at IS NULL`` as no
        # equality on a leading column and sorted every open request of the agency (236 ms
        # at 100,000 cases; migration f3b8d2a6c1e4).
        Index(
            "ix_participant_request_open_due",
            "due_on",
            "id",
            sqlite_where=text("answered_at IS NULL"),
            postgresql_where=text("answered_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("participant_assignment.id"), index=True)
    kind: Mapped[RequestKind] = mapped_column(str_enum(RequestKind, "request_kind"))
    details: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date)
    sent_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answer: Mapped[RequestAnswer | None] = mapped_column(str_enum(RequestAnswer, "request_answer"))
    answer_note: Mapped[str | None] = mapped_column(Text)
    reference: Mapped[str | None] = mapped_column(String(100))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    case: Mapped[Case] = relationship(lazy="joined")
    assignment: Mapped[Assignment] = relationship(lazy="joined")

    @property
    def is_open(self) -> bool:
        """Not yet answered."""
        return self.answered_at is None

    @property
    def carries_central_decision(self) -> bool:
        """A request to approve addressed to the Central Authority officer: its answer is the
        authority's decision on the return request, recorded as S11's evidence (002,
        Moldova: "must be approved by the Central Authority";
        ``caseapp.participants.operations.answer_request``)."""
        return (
            self.kind is RequestKind.APPROVE
            and self.assignment.role is Role.CENTRAL_AUTHORITY_OFFICER
        )

    def overdue(self, today: date) -> bool:
        """Open past its due date, while the participant is still assigned."""
        return self.is_open and self.due_on < today and self.assignment.in_force

    def can_view(self, user: User) -> bool:
        """The case's staff, and the participant it is addressed to while assigned."""
        if user.is_participant:
            return user.id == self.assignment.user_id and self.case.can_read(
                user, RecordType.REQUEST
            )
        return self.case.can_view(user)

    def can_answer(self, user: User) -> bool:
        """Only the participant it is addressed to answers it, once, while assigned."""
        return (
            self.is_open
            and user.id == self.assignment.user_id
            and self.case.can_act(user, RecordType.REQUEST)
        )

    def __repr__(self) -> str:
        return f"<ParticipantRequest {self.id} case={self.case_id} {self.kind}>"
