"""Audit operations started from the ombudsperson's pages (indico style: plain functions
taking the actor; the request layer commits)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from caseapp.audit.actions import AuditAction
from caseapp.audit.export import ExportOptions
from caseapp.audit.recorder import record
from caseapp.core.extensions import db

if TYPE_CHECKING:
    from caseapp.auth.models import User


def queue_export(actor: User, options: ExportOptions) -> int:
    """A background export job of ``options`` for ``actor`` and its ``audit:export:queue``
    entry, flushed (the whole trail may be millions of entries: DESIGN.md section 6). The
    caller queues the job after the commit, so the worker finds it. Returns its id."""
    from caseapp.jobs.models import ExportJob

    job = ExportJob(
        user_id=actor.id,
        recipient=options.recipient,
        date_from=options.date_from,
        date_to=options.date_to,
        case_number=options.case_number,
    )
    db.session.add(job)
    db.session.flush()
    record(actor, AuditAction.AUDIT_EXPORT_QUEUE, diff={"job": job.id})
    return job.id
