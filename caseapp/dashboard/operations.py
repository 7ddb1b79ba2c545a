"""Notifications: sending one, reading them, and the optional e-mail digest."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import record
from caseapp.auth.models import User
from caseapp.cases.models import Case
from caseapp.core import clock
from caseapp.core.db import utcnow
from caseapp.core.extensions import db
from caseapp.dashboard.models import (
    PARTY_NOTICES,
    DigestSubscription,
    Notification,
    NotificationKind,
)

# A digest goes out at most once in this time (``flask dashboard digest`` may run hourly).
DIGEST_INTERVAL = timedelta(hours=20)


def notify(
    actor: User | None, recipient_id: int | None, kind: NotificationKind, case: Case
) -> None:
    """Tell ``recipient_id`` that ``kind`` happened on ``case``, unless they did it themselves.
    Part of the transaction of the operation that made it happen (which writes the audit entry);
    the notice itself carries no data beyond the case and what happened."""
    if recipient_id is None or (actor is not None and actor.id == recipient_id):
        return
    db.session.add(
        Notification(
            user_id=recipient_id,
            kind=kind,
            case_id=case.id,
            actor_id=actor.id if actor is not None else None,
            created_at=utcnow(),
        )
    )


def notify_parties(actor: User | None, case: Case, kind: NotificationKind) -> list[int]:
    """Tell the participants assigned to ``case`` -- the assignment in force, the account
    active -- that ``kind`` happened, each only if the matrix lets their role read every
    record type the notice is about (``PARTY_NOTICES``; issue 10 item 2: "the lawyer is
    notified of decisions", the guardian too; 002, Rec 1 and Rec 3). One query; the ids
    told, in order. An assignment ended, or one on another case, is told nothing."""
    from caseapp.core.permissions import participant_may
    from caseapp.participants.models import Assignment

    records = PARTY_NOTICES.get(kind)
    if not records:
        return []
    rows = db.session.execute(
        select(Assignment.user_id, Assignment.role)
        .join(User, User.id == Assignment.user_id)
        .where(
            Assignment.case_id == case.id,
            Assignment.in_force_sql(),
            User.active.is_(True),
            User.role == Assignment.role,
        )
        .order_by(Assignment.user_id)
    ).all()
    told: list[int] = []
    for user_id, role in rows:
        if user_id in told or not all(participant_may(role, r) for r in records):
            continue
        if actor is not None and actor.id == user_id:
            continue
        notify(actor, user_id, kind, case)
        told.append(user_id)
    return told


def mark_read(actor: User, notification: Notification) -> None:
    """Mark one of ``actor``'s notifications read (their own reading state, not audited, like
    the last-seen time)."""
    if notification.user_id == actor.id and notification.read_at is None:
        notification.read_at = utcnow()


def mark_all_read(actor: User) -> int:
    """Mark every unread notification of ``actor`` read; how many there were."""
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == actor.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)


def set_digest(actor: User, *, wanted: bool) -> bool:
    """Ask for (or stop) the daily e-mail digest; audited. Returns the new choice."""
    row = db.session.get(DigestSubscription, actor.id)
    if wanted and row is None:
        db.session.add(DigestSubscription(user_id=actor.id, created_at=utcnow()))
    elif not wanted and row is not None:
        db.session.delete(row)
    else:
        return wanted
    record(actor, AuditAction.DIGEST_SET, actor, diff={"digest": [not wanted, wanted]})
    return wanted


def wants_digest(user: User) -> bool:
    return db.session.get(DigestSubscription, user.id) is not None


def digest_text(user: User, today: date) -> tuple[str, str] | None:
    """The subject and body of ``user``'s digest, or None when there is nothing to say.

    Counts and a link only: no case number, no child's name ever goes out by e-mail
    (``caseapp.core.mail``)."""
    from caseapp.dashboard.reminders import reminders_for
    from caseapp.gate.policy import current_policy

    unread = (
        db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        )
        or 0
    )
    reminders = reminders_for(user, today, current_policy(), limit=1000)
    overdue = sum(1 for r in reminders if r.overdue)
    if not unread and not reminders:
        return None
    with force_locale(user.locale or "en"):
        subject = _("caseapp: what is due")
        body = "\n".join(
            [
                _("Unread notifications: %(n)d", n=unread),
                _(
                    "Deadlines coming or passed: %(n)d (overdue: %(o)d)",
                    n=len(reminders),
                    o=overdue,
                ),
                "",
                _(
                    "Open your home page to see them: %(url)s",
                    url=url_for(_home_of(user), _external=True),
                ),
            ]
        )
    return subject, body


def _home_of(user: User) -> str:
    """The endpoint of ``user``'s home page: a participant's own (issue 10 item 6)."""
    return "participants.home" if user.is_participant else "dashboard.home"


def due_digests(now: datetime | None = None) -> list[User]:
    """The subscribed, active users whose last digest is older than ``DIGEST_INTERVAL``."""
    now = now or utcnow()
    s = DigestSubscription
    return list(
        db.session.scalars(
            select(User)
            .join(s, s.user_id == User.id)
            .where(
                User.active.is_(True),
                (s.last_sent_at.is_(None)) | (s.last_sent_at < now - DIGEST_INTERVAL),
            )
            .order_by(User.id)
        )
    )


def mark_digest_sent(user: User, now: datetime | None = None) -> None:
    row = db.session.get(DigestSubscription, user.id)
    if row is not None:
        row.last_sent_at = now or utcnow()


def send_digests(today: date | None = None) -> int:
    """Send the digest to every subscriber due one; how many went out. Each user's send is
    marked in its own transaction after the mail left, so a mail server that is down only
    delays the digest (``flask dashboard digest`` or the ``digest`` background task)."""
    from caseapp.core.cli import transaction
    from caseapp.core.mail import send

    today = today or clock.today()
    sent = 0
    with current_app.test_request_context():  # url_for(_external) outside a request
        users = due_digests()
        for user in users:
            text = digest_text(user, today)
            db.session.rollback()  # read only so far; no lock held while mailing
            if text is None:
                continue
            if send(user.email, *text):
                with transaction():
                    mark_digest_sent(db.session.merge(user))
                sent += 1
    return sent
