"""The background tasks. Each runs in its own application context and database session."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from flask import Flask, current_app
from flask_babel import gettext as _
from sqlalchemy import update

from caseapp.core.cli import transaction
from caseapp.core.db import contention, utcnow
from caseapp.core.errors import DomainError
from caseapp.core.extensions import db
from caseapp.jobs.models import ExportJob, JobStatus

log = logging.getLogger(__name__)


def exports_dir() -> Path:
    """Where finished background exports wait for their download (mode 700)."""
    folder = Path(current_app.instance_path) / "exports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _set(job_id: int, **values) -> None:
    """Update the job's progress on its own connection (seen at once by the web pages)."""
    with db.engine.begin() as conn:
        conn.execute(update(ExportJob).where(ExportJob.id == job_id).values(**values))


def run_export_job(job_id: int) -> None:
    """Build the audit export of job ``job_id``; record it; leave the file for download."""
    from caseapp.audit.export import ExportOptions, export_bundle

    job = db.session.get(ExportJob, job_id)
    if job is None or job.status is not JobStatus.QUEUED:
        return
    from caseapp.auth.models import User

    user = db.session.get(User, job.user_id)
    options = ExportOptions(
        recipient=job.recipient,
        date_from=job.date_from,
        date_to=job.date_to,
        case_number=job.case_number,
    )
    db.session.rollback()
    _set(job_id, status=JobStatus.RUNNING)
    done = 0

    def progress(n: int) -> None:
        nonlocal done
        done += n
        _set(job_id, done=done)

    try:
        result = export_bundle(
            user,
            options,
            workdir=exports_dir(),
            progress=progress,
            on_total=lambda total: _set(job_id, total=total),
        )
    except DomainError as err:
        db.session.rollback()
        _set(job_id, status=JobStatus.FAILED, message=err.message, finished_at=utcnow())
        return
    except Exception as err:
        _failed(job_id, err)
        if not contention(err):
            raise
        return
    name = f"audit-export-{job_id}.zip"
    try:
        with transaction():  # the export's audit entry and the finished job, together
            job = db.session.get(ExportJob, job_id)
            assert job is not None  # queued by the request that created it
            job.status = JobStatus.DONE
            job.total = result.manifest["count"]
            job.done = result.manifest["count"]
            job.file_name = name
            job.finished_at = utcnow()
    except Exception as err:
        # Not recorded: no file is offered, and the job says it failed (it no longer shows
        # "running" for ever).
        result.discard()
        _failed(job_id, err)
        if not contention(err):
            raise
        return
    shutil.move(str(result.temp_path), exports_dir() / name)


def _failed(job_id: int, err: Exception) -> None:
    """Mark the job failed after ``err``; a write given up for another one's lock says so
    (``core.db.contention``: nothing was recorded, the export may be started again)."""
    db.session.rollback()
    message = None
    if contention(err):
        log.warning("background export %s: the database was busy, nothing recorded", job_id)
        message = _(
            "The database was busy with other changes and could not record this export in "
            "time. Nothing was recorded: start the export again."
        )
    else:
        log.exception("background export %s failed", job_id)
    _set(job_id, status=JobStatus.FAILED, message=message, finished_at=utcnow())


def register(app: Flask, huey) -> dict:
    """Register the tasks on ``huey``; each pushes its own app context."""

    def export_task(job_id: int) -> None:
        with app.app_context():
            try:
                run_export_job(job_id)
            finally:
                db.session.remove()

    def digest_task() -> None:  # the e-mail digest (caseapp.dashboard, issue 12 item 3)
        from caseapp.dashboard.operations import send_digests

        with app.app_context():
            try:
                send_digests()
            finally:
                db.session.remove()

    def indicators_task(scope: str, start: str, end: str, claim: str | None = None) -> None:
        """Recompute and store one snapshot of the indicators (caseapp.indicators.snapshots);
        then remove the page's "refresh queued" marker, so a later staleness queues again."""
        from datetime import date

        from caseapp.indicators.queries import Period
        from caseapp.indicators.snapshots import Scope, refresh

        with app.app_context():
            try:
                period = Period(date.fromisoformat(start), date.fromisoformat(end))
                refresh(Scope.parse(scope), period)
            finally:
                db.session.remove()
                if claim:
                    huey.get(claim)

    return {
        "indicators": huey.task(name="caseapp.indicators")(indicators_task),
        "export": huey.task(name="caseapp.export")(export_task),
        "digest": huey.task(name="caseapp.digest")(digest_task),
    }
