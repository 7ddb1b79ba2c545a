"""Determination operations: the best-interests determination (BID) guided by child
protection, considering every solution, approved by a supervisor who is not its author
(002, Rec 2; four-eyes practice of UNHCR's BIP; DESIGN.md section 3).

Audit: ``open_determination`` writes ``bid:draft:create`` plus the ``case:stage:change``;
every other operation writes exactly one entry (``bid:draft:update``, ``bid:submit``,
``bid:approve``, ``bid:send_back``). Edits of a BID check and bump the BID's own optimistic
version (``version_id_col``); two supervisors approving at once end with one approval.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import select

from caseapp.assessment.bia import current_bia
from caseapp.assessment.guards import (
    bump_version,
    check_editable,
    flush,
    move,
    require_edit,
    require_transition,
    stale_message,
)
from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import diff_of, record
from caseapp.cases.models import Case, Outcome, Stage
from caseapp.children.models import CareStatus
from caseapp.core.db import utcnow
from caseapp.core.errors import (
    FourEyesViolation,
    InvalidTransition,
    PermissionDenied,
    StaleVersion,
    ValidationFailed,
)
from caseapp.core.extensions import db
from caseapp.core.permissions import Permission
from caseapp.dashboard.models import NotificationKind
from caseapp.dashboard.operations import notify, notify_parties
from caseapp.determination.models import (
    BestInterestsDetermination,
    BidOption,
    BidStatus,
    BidWriter,
    PanelMember,
    PanelRole,
)

if TYPE_CHECKING:
    from caseapp.auth.models import User

EDITABLE_STATUSES = frozenset({BidStatus.DRAFT, BidStatus.SENT_BACK})
# Every solution the panel must consider (002, Rec 2, quoting Joint GC 4/23: "further
# integration and settlement ..., repatriation ... or resettlement in a third country"; plus
# regularisation or tolerated stay: Rec 2 "options ... to regularize their status").
ALL_OPTIONS = tuple(Outcome)


def current_bid(case: Case) -> BestInterestsDetermination | None:
    """The newest BID of the case that is not withdrawn (the one definition: the pages, the
    operations and the four-eyes checks of return preparation all ask this)."""
    return db.session.scalars(
        select(BestInterestsDetermination)
        .where(
            BestInterestsDetermination.case_id == case.id,
            BestInterestsDetermination.status != BidStatus.WITHDRAWN,
        )
        .order_by(BestInterestsDetermination.opened_at.desc(), BestInterestsDetermination.id.desc())
    ).first()


def approved_bid(case: Case) -> BestInterestsDetermination | None:
    """The BID in force (approved and not withdrawn), if any."""
    bid = current_bid(case)
    return bid if bid is not None and bid.status is BidStatus.APPROVED else None


def _check_bid_version(bid: BestInterestsDetermination, expected_version: int | None) -> None:
    """Refuse a change made on an out-of-date view of the BID."""
    if expected_version is None or int(expected_version) != bid.version:
        raise StaleVersion(stale_message())


def _edit_draft(actor: User, bid: BestInterestsDetermination, expected_version: int | None) -> None:
    """``actor`` changes the BID: refused unless they may edit the case, the version is
    current and the BID is still a draft (or was sent back); then they are one of its
    writers, who never approve it nor the return resting on it (four eyes; 002, Rec 2)."""
    require_edit(actor, bid.case)
    _check_bid_version(bid, expected_version)
    if not bid.case.in_determination:
        raise InvalidTransition(_("The determination is not open on this case."))
    if bid.status not in EDITABLE_STATUSES:
        raise ValidationFailed(_("Only a draft or a sent-back BID can be changed."))
    _add_writers(bid, {actor.id})


def _add_writers(bid: BestInterestsDetermination, user_ids: set[int]) -> None:
    """Record ``user_ids`` among the BID's writers (each once)."""
    for user_id in sorted(user_ids - {w.user_id for w in bid.writers}):
        bid.writers.append(BidWriter(user_id=user_id))


def _copy_content(source: BestInterestsDetermination, target: BestInterestsDetermination) -> None:
    """Copy panel, options, recommendation and reasons into a new draft."""
    target.recommended = source.recommended
    target.reasons = source.reasons
    target.family_unity = source.family_unity
    for m in source.panel:
        target.panel.append(
            PanelMember(
                name=m.name,
                role=m.role,
                organisation=m.organisation,
                child_protection=m.child_protection,
            )
        )
    for o in source.options:
        target.options.append(BidOption(option=o.option, assessment=o.assessment))


def _moment(at: datetime | None, not_before: datetime | None = None) -> datetime:
    """When a step happened: now, or ``at`` when recording it afterwards (e.g. a paper file
    entered later, or the demo data). Never in the future, never before the previous step."""
    now = utcnow()
    if at is None:
        return now
    if at > now or (not_before is not None and at < not_before):
        raise ValidationFailed(_("The date cannot be in the future or before the previous step."))
    return at


def open_determination(
    actor: User, case: Case, *, expected_version: int | None, opened_at: datetime | None = None
) -> BestInterestsDetermination:
    """assessment -> determination, with a draft BID (author = actor). Needs a completed
    best-interests assessment (002, Rec 1-2: the BID rests on the assessment).
    ``opened_at``: when it was opened, if recorded afterwards (default now)."""
    check_editable(actor, case, expected_version)
    require_transition(case, Stage.DETERMINATION, sources={Stage.ASSESSMENT})
    bia = current_bia(case)
    if bia is None or not bia.completed:
        raise ValidationFailed(
            _("Complete the best-interests assessment before opening the determination.")
        )
    bid = _new_draft(actor, case, opened_at=_moment(opened_at, bia.completed_at))
    move(actor, case, Stage.DETERMINATION, expected_version=expected_version)
    return bid


def _new_draft(
    actor: User, case: Case, opened_at: datetime | None = None
) -> BestInterestsDetermination:
    """Add a draft BID (copying the last withdrawn one, if any) and audit ``bid:draft:create``."""
    bid = BestInterestsDetermination(
        case_id=case.id,
        author_id=actor.id,
        status=BidStatus.DRAFT,
        opened_at=opened_at or utcnow(),
    )
    previous = db.session.scalars(
        select(BestInterestsDetermination)
        .where(BestInterestsDetermination.case_id == case.id)
        .order_by(BestInterestsDetermination.id.desc())
    ).first()
    if previous is not None:
        _copy_content(previous, bid)
    # Its writers: who opens it, and who wrote the content it copies (four eyes).
    _add_writers(bid, {actor.id} | (set(previous.writer_ids) if previous is not None else set()))
    db.session.add(bid)
    diff = diff_of(bid)
    if previous is not None:
        diff["copied_from"] = [None, previous.id]
    flush()
    record(actor, AuditAction.BID_DRAFT_CREATE, bid, case=case, diff=diff)
    return bid


def open_new_draft(
    actor: User, case: Case, *, expected_version: int | None
) -> BestInterestsDetermination:
    """Open a new draft BID on a reopened determination (one whose BID was withdrawn),
    copying the previous BID's content."""
    check_editable(actor, case, expected_version)
    if not case.in_determination:
        raise InvalidTransition(_("The determination is not open on this case."))
    if current_bid(case) is not None:
        raise ValidationFailed(_("This case already has a BID in progress."))
    return _new_draft(actor, case)


def update_bid(
    actor: User,
    bid: BestInterestsDetermination,
    *,
    recommended: Outcome | None,
    reasons: str | None,
    family_unity: str | None = None,
    expected_version: int | None,
) -> BestInterestsDetermination:
    """Set the recommended solution, the reasons and, when the child's solution differs from
    a sibling's, why (family unity, S19; 002, Rec 2; Rec 4)."""
    _edit_draft(actor, bid, expected_version)
    bid.recommended = Outcome(recommended) if recommended else None
    bid.reasons = (reasons or "").strip() or None
    bid.family_unity = (family_unity or "").strip() or None
    diff = diff_of(bid)
    flush()
    record(actor, AuditAction.BID_DRAFT_UPDATE, bid, diff=diff)
    return bid


def set_option(
    actor: User,
    bid: BestInterestsDetermination,
    *,
    option: Outcome,
    assessment: str,
    expected_version: int | None,
) -> BidOption:
    """Record (or replace) the panel's assessment of one solution (002, Rec 2)."""
    _edit_draft(actor, bid, expected_version)
    option = Outcome(option)
    text = (assessment or "").strip()
    if not text:
        raise ValidationFailed(_("Write the panel's assessment of this option."))
    existing = next((o for o in bid.options if o.option is option), None)
    old = existing.assessment if existing else None
    if existing is None:
        existing = BidOption(option=option, assessment=text)
        bid.options.append(existing)
    else:
        existing.assessment = text
    bump_version(bid)
    record(actor, AuditAction.BID_DRAFT_UPDATE, bid, diff={f"option:{option.value}": [old, text]})
    return existing


def add_panel_member(
    actor: User,
    bid: BestInterestsDetermination,
    *,
    name: str,
    role: PanelRole,
    organisation: str | None,
    child_protection: bool,
    expected_version: int | None,
) -> PanelMember:
    """Add a panel member. The chair comes from child protection (002, Rec 2: BID procedures
    "guided by child protection authorities"; Rec 3)."""
    _edit_draft(actor, bid, expected_version)
    role = PanelRole(role)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Enter the panel member's name."))
    if role is PanelRole.CHAIR and not child_protection:
        raise ValidationFailed(_("The panel is chaired by child protection (002, Rec 2)."))
    if role is PanelRole.CHAIR and any(m.role is PanelRole.CHAIR for m in bid.panel):
        raise ValidationFailed(_("The panel already has a chair."))
    member = PanelMember(
        name=name,
        role=role,
        organisation=(organisation or "").strip() or None,
        child_protection=bool(child_protection),
    )
    bid.panel.append(member)
    diff = {"panel_member": diff_of(member)}
    bump_version(bid)
    record(actor, AuditAction.BID_DRAFT_UPDATE, bid, diff=diff)
    return member


def remove_panel_member(
    actor: User,
    bid: BestInterestsDetermination,
    member: PanelMember,
    *,
    expected_version: int | None,
) -> None:
    """Remove a panel member from a draft BID."""
    _edit_draft(actor, bid, expected_version)
    if member.bid_id != bid.id:
        raise ValidationFailed(_("This person is not on this panel."))
    diff = {"panel_member": {"id": member.id, "name": [member.name, None]}}
    bid.panel.remove(member)
    bump_version(bid)
    record(actor, AuditAction.BID_DRAFT_UPDATE, bid, diff=diff)


def submission_gaps(bid: BestInterestsDetermination) -> list[str]:
    """What the BID still lacks before it can be submitted (002, Rec 2; Rec 3)."""
    gaps = []
    considered = {o.option for o in bid.options if o.assessment and o.assessment.strip()}
    for option in ALL_OPTIONS:
        if option not in considered:
            gaps.append(_("an assessment of the option “%(option)s”", option=option.label))
    if bid.recommended is None:
        gaps.append(_("the recommended solution"))
    if not (bid.reasons or "").strip():
        gaps.append(_("the reasons for the recommendation"))
    if not any(m.role is PanelRole.CHAIR and m.child_protection for m in bid.panel):
        gaps.append(_("a panel chair from child protection"))
    child = bid.case.child
    needs_guardian = child is None or child.care_status in (
        CareStatus.UNACCOMPANIED,
        CareStatus.SEPARATED,
    )
    if needs_guardian and not any(m.role is PanelRole.GUARDIAN for m in bid.panel):
        gaps.append(_("the child's guardian on the panel"))
    return gaps


def submit_bid(
    actor: User,
    bid: BestInterestsDetermination,
    *,
    expected_version: int | None,
    submitted_at: datetime | None = None,
) -> BestInterestsDetermination:
    """Submit the BID for approval once every option was considered, a solution recommended
    with reasons, the panel chaired by child protection and — for an unaccompanied or
    separated child — the guardian on the panel (002, Rec 2; Rec 3).
    ``submitted_at``: when it was submitted, if recorded afterwards (default now)."""
    _edit_draft(actor, bid, expected_version)
    submitted_at = _moment(submitted_at, bid.opened_at)
    gaps = submission_gaps(bid)
    if gaps:
        raise ValidationFailed(
            _("The BID cannot be submitted yet. Missing: %(gaps)s.", gaps="; ".join(gaps)),
            details={"gaps": gaps},
        )
    bid.status = BidStatus.SUBMITTED
    bid.submitted_at = submitted_at
    diff = diff_of(bid)
    flush()
    record(actor, AuditAction.BID_SUBMIT, bid, diff=diff)
    return bid


def _check_review(
    actor: User, bid: BestInterestsDetermination, expected_version: int | None
) -> None:
    """A supervisor of the lead agency, not the author, reviews a submitted BID."""
    case = bid.case
    if not actor.can(Permission.BID_APPROVE) or not case.can_edit(actor):
        raise PermissionDenied(_("Only a supervisor of the lead agency may review a BID."))
    _check_bid_version(bid, expected_version)
    if not bid.can_review(actor):  # four eyes: permissions.second_pair_of_eyes
        raise FourEyesViolation(
            _("You drafted this BID: another supervisor must review it (four eyes).")
        )
    if bid.status is not BidStatus.SUBMITTED or case.stage is not Stage.DETERMINATION:
        raise ValidationFailed(_("Only a submitted BID can be approved or sent back."))


def approve_bid(
    actor: User,
    bid: BestInterestsDetermination,
    *,
    expected_version: int | None,
    approved_at: datetime | None = None,
    comment: str | None = None,
) -> BestInterestsDetermination:
    """Approve a submitted BID; the approver is a supervisor who is not its author (four-eyes
    practice, UNHCR BIP; enforced in the database too).
    ``approved_at``: when it was approved, if recorded afterwards (default now)."""
    _check_review(actor, bid, expected_version)
    approved_at = _moment(approved_at, bid.submitted_at)
    bid.status = BidStatus.APPROVED
    bid.approved_by_id = actor.id
    bid.approved_at = approved_at
    diff = diff_of(bid)
    flush()
    record(actor, AuditAction.BID_APPROVE, bid, diff=diff, reason=comment)
    notify(actor, bid.author_id, NotificationKind.BID_APPROVED, bid.case)
    notify_parties(actor, bid.case, NotificationKind.DETERMINATION_APPROVED)  # issue 10
    return bid


def send_back_bid(
    actor: User, bid: BestInterestsDetermination, comment: str, *, expected_version: int | None
) -> BestInterestsDetermination:
    """Send a submitted BID back to its author with a comment."""
    _check_review(actor, bid, expected_version)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationFailed(_("Say what needs to change before the BID can be approved."))
    bid.status = BidStatus.SENT_BACK
    bid.review_comment = comment
    diff = diff_of(bid)
    flush()
    record(actor, AuditAction.BID_SEND_BACK, bid, diff=diff, reason=comment)
    notify(actor, bid.author_id, NotificationKind.BID_SENT_BACK, bid.case)
    return bid
