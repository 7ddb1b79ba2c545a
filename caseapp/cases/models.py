"""The Case model, its stages and outcomes."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_babel import gettext
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
    UniqueConstraint,
    event,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.agencies.models import Agency
from caseapp.core.db import UTCDateTime, str_enum, utcnow
from caseapp.core.enums import LabelledEnum
from caseapp.core.extensions import db
from caseapp.core.i18n import lazy_gettext as _l
from caseapp.core.permissions import (
    PARTICIPANT_ROLES,
    STAFF_ROLES,
    Access,
    Permission,
    RecordType,
    Role,
    participant_may,
    second_pair_of_eyes,
)

if TYPE_CHECKING:
    from caseapp.auth.models import User
    from caseapp.children.models import Child, FamilyMember


class Stage(LabelledEnum):
    """Where a case stands in its lifecycle (DESIGN.md section 3)."""

    IDENTIFIED = "identified", _l("Identified")
    REGISTERED = "registered", _l("Registered")
    ASSESSMENT = "assessment", _l("Assessment")
    DETERMINATION = "determination", _l("Determination")
    DECIDED = "decided", _l("Decided")
    RETURN_PREPARATION = "return_preparation", _l("Return preparation")
    RETURN_APPROVED = "return_approved", _l("Return approved")
    RETURNED = "returned", _l("Returned")
    MONITORING = "monitoring", _l("Monitoring")
    IMPLEMENTATION = "implementation", _l("Implementation")
    CLOSED = "closed", _l("Closed")


class Outcome(LabelledEnum):
    """The solution decided for the child (002, Rec 2: every option considered)."""

    LOCAL_INTEGRATION = "local_integration", _l("Local integration")
    TOLERATED_STAY = "tolerated_stay", _l("Regularisation or tolerated stay")
    RETURN = "return", _l("Return to the country of origin")
    THIRD_COUNTRY = "third_country", _l("Resettlement or family reunification in a third country")


class CaseNumberCounter(db.Model):
    """Last number handed out per country and year, for readable case numbers."""

    __tablename__ = "case_number_counter"

    country: Mapped[str] = mapped_column(String(2), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Case(db.Model):
    """One child's case, led by a child-protection agency."""

    __tablename__ = "case"
    __table_args__ = (
        UniqueConstraint("number"),
        # A case is closed exactly when it has a closing date and reason.
        CheckConstraint(
            "(stage = 'closed') = (closed_at IS NOT NULL)", name="closed_iff_closed_at"
        ),
        CheckConstraint(
            "stage <> 'closed' OR closure_reason IS NOT NULL", name="closed_has_reason"
        ),
        # Before a decision there is no outcome; from the decision on there is one.
        CheckConstraint(
            "stage = 'closed' OR (stage IN ('identified', 'registered', 'assessment',"
            " 'determination')) = (outcome IS NULL)",
            name="outcome_iff_decided",
        ),
        # The return stages exist only for a return outcome; implementation for the others.
        CheckConstraint(
            "stage NOT IN ('return_preparation', 'return_approved', 'returned', 'monitoring')"
            " OR outcome = 'return'",
            name="return_stages_need_return_outcome",
        ),
        CheckConstraint(
            "stage <> 'implementation' OR outcome <> 'return'",
            name="implementation_not_for_return",
        ),
        # The lists that must not grow with the number of cases (issue 16): an agency's
        # cases at one stage (queue, stage filter) and by opening date (due list).
        Index("ix_case_agency_stage", "lead_agency_id", "stage", "id"),
        Index("ix_case_agency_opened", "lead_agency_id", "opened_at", "id"),
        # The due list's "hearing too old" section: an agency's cases at a hearing stage by
        # the day the child was last heard (issue 16; 002, Rec 1).
        Index("ix_case_agency_stage_heard", "lead_agency_id", "stage", "last_heard_on"),
        # A caseworker's home page (issue 16): their cases most recently changed first, the
        # stage in the index so that the open ones are counted from it alone; and by opening
        # date (the reminders "no determination" and "no guardian").
        Index("ix_case_worker_updated", "caseworker_id", "updated_at", "id", "stage"),
        Index("ix_case_worker_opened", "caseworker_id", "opened_at", "id"),
        # An agency's cases newest first (the case list, its count and OFFSET pages). SQLite
        # keeps the rowid in every index, so ``(lead_agency_id)`` alone served this there;
        # PostgreSQL needs the id in the index (migration f3b8d2a6c1e4).
        Index("ix_case_agency_id", "lead_agency_id", "id"),
        # The case list filtered by one of the child's facts (the copies below): an agency's
        # matching cases, and all matching cases, newest first, from one index range.
        Index("ix_case_agency_country", "lead_agency_id", "child_country", "id"),
        Index("ix_case_country", "child_country", "id"),
        Index("ix_case_agency_trafficking", "lead_agency_id", "child_trafficking", "id"),
        Index("ix_case_trafficking", "child_trafficking", "id"),
        Index("ix_case_agency_charged", "lead_agency_id", "child_charged", "id"),
        Index("ix_case_charged", "child_charged", "id"),
        Index("ix_case_agency_unaccompanied", "lead_agency_id", "child_unaccompanied", "id"),
        Index("ix_case_unaccompanied", "child_unaccompanied", "id"),
        # An agency's cases in the list's order with the day each child stops being presumed
        # a minor: the "presumed minor" filter without reading the rows it skips.
        Index(
            "ix_case_agency_presumed_minor", "lead_agency_id", "id", "child_presumed_minor_until"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20))
    lead_agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    caseworker_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    # The family record linking siblings' cases (caseapp/families; 002, Rec 2; fn 12 (iii)).
    family_id: Mapped[int | None] = mapped_column(ForeignKey("family.id"), index=True)
    stage: Mapped[Stage] = mapped_column(str_enum(Stage, "stage"), default=Stage.IDENTIFIED)
    outcome: Mapped[Outcome | None] = mapped_column(str_enum(Outcome, "outcome"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closure_reason: Mapped[str | None] = mapped_column(Text)
    # The day of the child's latest hearing (None: never heard), kept by
    # ``caseapp.assessment.hearings.note_hearing`` in the transaction that records the hearing,
    # so the due list reads it from an index instead of every hearing (issue 16; 002, Rec 1).
    last_heard_on: Mapped[date | None] = mapped_column(Date)
    # The child's facts the case list filters by, copied from the child's record (which stays
    # the truth) by the database: triggers on ``child`` (migration ``b4e9c2d7f1a3``) keep them
    # in the writing transaction, whatever writes the child. A filter then reads one index
    # range instead of joining an agency's cases to the children until enough match (issue
    # 16). Never set by code (``_copies_are_kept`` below refuses it); ``flask cases recount``
    # rebuilds them after a repair by hand that went past the triggers.
    child_country: Mapped[str | None] = mapped_column(String(2))  # Child.country_of_origin
    child_trafficking: Mapped[bool] = mapped_column(  # Child.trafficking_indicators
        Boolean, server_default=false()
    )
    child_charged: Mapped[bool] = mapped_column(  # Child.charged_irregular_entry
        Boolean, server_default=false()
    )
    # The day the child stops being presumed a minor (``Child.presumed_minor_until``; never
    # None and 9999-12-31 have their meanings there): the same triggers, from the child's age
    # records (migration ``c6d2a8f4e1b9``; 002, Judge Winter; issue 15).
    child_presumed_minor_until: Mapped[date | None] = mapped_column(Date)
    # Whether the child is unaccompanied (``Child.care_status``): triggers of their own
    # (migration ``a5c9e3f7b1d4``), false without a child.
    child_unaccompanied: Mapped[bool] = mapped_column(Boolean, server_default=false())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    # The version the case had when its stage last changed (set by ``_stage_changed`` below).
    # A record form loaded at or after it may be saved although other records changed since:
    # the lock is per record, the case version guards the stage (issue 12 item 2).
    stage_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    lead_agency: Mapped[Agency] = relationship(lazy="select")
    caseworker: Mapped[User | None] = relationship(lazy="select")
    child: Mapped[Child] = relationship(
        back_populates="case", uselist=False, lazy="select", cascade="all, delete-orphan"
    )
    family_members: Mapped[list[FamilyMember]] = relationship(
        back_populates="case",
        lazy="select",
        order_by="FamilyMember.id",
        cascade="all, delete-orphan",
    )

    # -- permission predicates (DESIGN.md section 5) ----------------------------------------

    def can_view(self, user: User) -> bool:
        """Own agency's staff and ombudspersons see a case; admins never do; a participant
        sees it while assigned to it (issue 10), and on it only what ``can_read`` gives."""
        if user.role is Role.OMBUDSPERSON:
            return True
        if user.role in STAFF_ROLES:
            return user.agency_id == self.lead_agency_id
        if user.role in PARTICIPANT_ROLES:
            return self.assignment_of(user) is not None
        return False

    def assignment_of(self, user: User):
        """The participant's assignment in force on this case, or None (staff: None).

        Read once per request for the signed-in participant (``flask.g``): their pages ask
        it several times (load, the matrix, the act) and only staff change assignments, so
        it cannot change under the participant's own request."""
        from flask import g, has_request_context
        from flask_login import current_user

        from caseapp.participants.models import assignment_in_force

        own = has_request_context() and getattr(current_user, "id", None) == user.id
        if not own:
            return assignment_in_force(self.id, user)
        cache = g.setdefault("participant_assignments", {})
        if self.id not in cache:
            cache[self.id] = assignment_in_force(self.id, user)
        return cache[self.id]

    def can_read(self, user: User, record: RecordType | None) -> bool:
        """Whether ``user`` may read records of kind ``record`` on this case: staff and
        ombudspersons whatever they see (``can_view``); a participant what the matrix gives
        their role (``caseapp.core.permissions.PARTICIPANT_MATRIX``) while assigned."""
        if user.role in PARTICIPANT_ROLES:
            return participant_may(user.role, record) and self.can_view(user)
        return self.can_view(user)

    def can_act(self, user: User, record: RecordType | None) -> bool:
        """Whether ``user`` may act on records of kind ``record`` on this open case: staff
        who record on it (``can_edit``); a participant where the matrix says "act", while
        assigned. Each act's own predicate (a stage, four eyes) comes on top."""
        if user.role in PARTICIPANT_ROLES:
            return (
                participant_may(user.role, record, Access.ACT)
                and self.is_open
                and self.can_view(user)
            )
        return self.can_edit(user)

    def can_edit(self, user: User) -> bool:
        """Own agency's caseworkers and supervisors record on open cases."""
        return (
            self.can_view(user)
            and user.can(Permission.CASE_EDIT)
            and self.stage is not Stage.CLOSED
        )

    def can_close_or_reopen(self, user: User) -> bool:
        """Own agency's caseworkers and supervisors close an open case and reopen a closed one:
        ``can_edit`` without its stage condition (a closed case is reopened)."""
        return self.can_view(user) and user.can(Permission.CASE_EDIT)

    def party_may(self, user: User, act) -> bool:
        """Whether ``user`` is the participant who may do ``act`` (a
        ``caseapp.cases.parties.PartyAct``) for themselves on this case (issue 10, item 2)."""
        from caseapp.cases.parties import party_may

        return party_may(self, user, act)

    def may_approve_returns(self, user: User) -> bool:
        """Supervisors of the lead agency approve this case's return (DESIGN.md section 1)."""
        return user.can(Permission.RETURN_APPROVE) and user.agency_id == self.lead_agency_id

    def can_approve_return(
        self, user: User, bid_writers: Collection[int], preparers: Collection[int]
    ) -> bool:
        """A supervisor of the lead agency for whom the return is not their own work
        (``own_work_in_return``). The gate decides whether the return may go."""
        return (
            self.may_approve_returns(user)
            and self.own_work_in_return(user, bid_writers, preparers) is None
        )

    def own_work_in_return(
        self, user: User, bid_writers: Collection[int], preparers: Collection[int]
    ) -> str | None:
        """Why approving this return would be ``user``'s own work, or None: they are the
        case's caseworker, wrote a record that prepared the return (``preparers``: the
        gate's ``GateData.preparers``, from the audit trail, so handing the case to someone
        else does not make it another's work), or wrote part of the determination it rests
        on (``bid_writers``). Supervisors approve returns "never their own work" (DESIGN.md
        section 1; four eyes, UNHCR BIP; 002, Rec 2)."""
        if user.id == self.caseworker_id:
            return gettext(
                "You are this case's caseworker: another supervisor must approve (four eyes)."
            )
        if user.id in preparers:
            return gettext(
                "You recorded part of this return's preparation: another supervisor must "
                "approve (four eyes)."
            )
        if not second_pair_of_eyes(user, bid_writers):
            return gettext(
                "You wrote the determination: another supervisor must approve (four eyes)."
            )
        return None

    def can_assign_participants(self, user: User) -> bool:
        """The supervisor of the case assigns participants to it (and invites them) while it
        is open (issue 10 item 5); caseworkers send them requests (``can_edit``)."""
        return self.can_reassign(user) and self.is_open

    def can_reassign(self, user: User) -> bool:
        """Supervisors of the lead agency reassign cases."""
        return self.can_view(user) and user.can(Permission.CASE_REASSIGN)

    @property
    def is_open(self) -> bool:
        """Whether the case is still open."""
        return self.stage is not Stage.CLOSED

    # -- what the lifecycle offers now (templates ask these; they never compare stages) -----

    @property
    def awaits_registration(self) -> bool:
        """Identified, not yet registered (DESIGN.md section 3)."""
        return self.stage is Stage.IDENTIFIED

    @property
    def in_assessment(self) -> bool:
        """The best-interests assessment is under way (002, Rec 1)."""
        return self.stage is Stage.ASSESSMENT

    @property
    def in_determination(self) -> bool:
        """A BID is being drafted or reviewed; the decision waits for its approval."""
        return self.stage is Stage.DETERMINATION

    @property
    def approved_for_return(self) -> bool:
        """The return is approved through the gate and not yet carried out."""
        return self.stage is Stage.RETURN_APPROVED

    @property
    def takes_records(self) -> bool:
        """Registered and not closed: records (complaints, placements...) may be added."""
        return self.stage not in (Stage.IDENTIFIED, Stage.CLOSED)

    def can_register(self, user: User) -> bool:
        """The user may register this identified case."""
        return self.can_edit(user) and self.awaits_registration

    def can_start_assessment(self, user: User) -> bool:
        """The user may start the assessment of this registered case."""
        return self.can_edit(user) and self.stage is Stage.REGISTERED

    def can_assess(self, user: User) -> bool:
        """The user may write the best-interests assessment or open the determination."""
        return self.can_edit(user) and self.in_assessment

    def can_open_new_draft(self, user: User) -> bool:
        """The user may open a new draft BID (after a reopened determination)."""
        return self.can_edit(user) and self.in_determination

    def can_proceed_after_decision(self, user: User) -> bool:
        """The user may move a decided case on to return preparation or implementation."""
        return self.can_edit(user) and self.stage is Stage.DECIDED

    def can_reopen_determination(self, user: User) -> bool:
        """The user may reopen the determination (an objection, a new fact such as return
        proving impossible; decision.operations.REOPENABLE_STAGES)."""
        return self.can_edit(user) and self.stage in (
            Stage.DECIDED,
            Stage.RETURN_PREPARATION,
            Stage.RETURN_APPROVED,
        )

    def can_lodge_complaint(self, user: User) -> bool:
        """The user may record a complaint (002, Rec 1: the child's right to complain)."""
        return self.can_edit(user) and self.takes_records

    @property
    def in_implementation(self) -> bool:
        """A durable solution other than return is being implemented (caseapp/solutions)."""
        return self.stage is Stage.IMPLEMENTATION

    def can_record_return(self, user: User) -> bool:
        """The user may record the return as carried out (the gate re-checks; 002, Rec 2)."""
        return self.can_edit(user) and self.stage is Stage.RETURN_APPROVED

    def can_start_monitoring(self, user: User) -> bool:
        """The user may start post-return monitoring of this returned case."""
        return self.can_edit(user) and self.stage is Stage.RETURNED

    def __repr__(self) -> str:
        return f"<Case {self.number} {self.stage}>"


class SavedSearch(db.Model):
    """A search of the case list held server-side under an opaque key (issue 12 item 1).

    The list is post/redirect/get: the form is posted, the search stored here, and the
    browser sent to ``/cases/?q=<key>``, so Back and reload show the list as it was while
    names and dates of birth never appear in a URL or a log. A key answers only for the user
    who made it; searches older than a day are deleted when the user saves a new one.
    """

    __tablename__ = "saved_search"
    # A user's searches by time: saving one deletes the user's expired ones, reading those
    # alone (migration ``c3e8a6d2f9b5``; issue 16).
    __table_args__ = (Index("ix_saved_search_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    params: Mapped[dict] = mapped_column(JSON)


class AgencyCaseCount(db.Model):
    """How many cases each agency leads, kept by the database itself (issue 16).

    Triggers on ``case`` (migration ``d8f2b6a4c3e7``) add one for an inserted case, take one
    away for a deleted case and move one when ``lead_agency_id`` changes, whatever wrote the
    row: an operation, a bulk insert or a repair by hand. So the count is exact in every
    transaction, and the case list can show it and reach a far page from the nearer end
    (``caseapp.cases.queries.case_page``) instead of stepping over tens of thousands of
    index entries. An agency without a row leads no case. ``flask cases recount [--check]``
    (``caseapp.cases.counts``) checks and rebuilds the counts after a repair by hand.
    """

    __tablename__ = "agency_case_count"

    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), primary_key=True)
    cases: Mapped[int] = mapped_column(Integer, default=0)


# Each copy of a child's fact on the case, and the child's column it copies.
CHILD_COPIES = {
    "child_country": "country_of_origin",
    "child_trafficking": "trafficking_indicators",
    "child_charged": "charged_irregular_entry",
}


# Each value on the case derived from the child's record, and what of the record it follows.
CHILD_DERIVED = {
    "child_presumed_minor_until": "presumed_minor_until's records",
    "child_unaccompanied": "care_status",
}


def _copies_are_kept(target: Case, value, oldvalue, initiator) -> None:
    """A copy of a child's fact on the case is the database's: set the child's record."""
    name = initiator.key
    source = CHILD_COPIES.get(name) or CHILD_DERIVED[name]
    raise AttributeError(f"Case.{name} is kept by the database; set Child.{source}")


for _copy in (*CHILD_COPIES, *CHILD_DERIVED):
    event.listen(getattr(Case, _copy), "set", _copies_are_kept)


@event.listens_for(Case.stage, "set", active_history=True)
def _stage_changed(target: Case, value, oldvalue, initiator) -> None:
    """Remember the version a stage change creates (the next flush bumps ``version`` by 1)."""
    if value is not oldvalue:
        target.stage_version = (target.version or 0) + 1


# The case-number index follows every case (mapper events; imported here so they are always
# registered, issue 16).
from caseapp.cases import number_index as _number_index  # noqa: E402, F401
