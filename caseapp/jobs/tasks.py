"""The background tasks. Each runs in its own application context and database session."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from flask import Flask, current_app
from flask_babel import gettext as _
from sqlalchemy import update

from caseapp.core.cli import transaction
from caseapp.core.db import contention, reset_write_intent, utcnow, write_intent
from caseapp.core.errors import DomainError
from caseapp.core.extensions import db
from caseapp.jobs.models import ExportJob, JobStatus

log = logging.getLogger(__name__)

# A job that cannot even be marked running (another write held the database's lock past
# DATABASE_LOCK_TIMEOUT; on SQLite the lock is the whole database's) is tried again this many
# times, this many seconds apart, then marked failed: it never stays "queued" for ever.
START_RETRIES = 10
START_RETRY_DELAY = 30
FAIL_TRIES = 3  # marking a job failed, each waiting for the lock


class NotStarted(Exception):
    """The job could not be marked running for a busy database; it is still queued."""


def exports_dir() -> Path:
    """Where finished background exports wait for their download (mode 700)."""
    folder = Path(current_app.instance_path) / "exports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _set(job_id: int, **values) -> None:
    """Update the job's progress on its own connection (seen at once by the web pages)."""
    with db.engine.begin() as conn:
        conn.execute(update(ExportJob).where(ExportJob.id == job_id).values(**values))


def run_export_job(job_id: int, *, last_try: bool = True) -> None:
    """Build the audit export of job ``job_id``; record it; leave the file for download.

    If the database is too busy to mark the job running, nothing has started: raise
    ``NotStarted`` so the queue tries again later, or, on the ``last_try``, mark it failed.
    Progress is advisory: a progress update the database is too busy for is skipped.
    """
    from caseapp.audit.export import ExportOptions, export_bundle
    from caseapp.auth.models import User

    # Reading the job takes no write lock (on SQLite, the whole database's).
    token = write_intent(False)
    try:
        job = db.session.get(ExportJob, job_id)
        if job is None or job.status is not JobStatus.QUEUED:
            db.session.rollback()
            return
        user = db.session.get(User, job.user_id)
        options = ExportOptions(
            recipient=job.recipient,
            date_from=job.date_from,
            date_to=job.date_to,
            case_number=job.case_number,
        )
        db.session.rollback()
    finally:
        reset_write_intent(token)
    try:
        _set(job_id, status=JobStatus.RUNNING)
    except Exception as err:
        if not contention(err):
            raise
        if not last_try:
            raise NotStarted(job_id) from err
        _failed(job_id, err)
        return
    done = 0

    def progress(n: int) -> None:
        nonlocal done
        done += n
        _advise(job_id, done=done)

    try:
        result = export_bundle(
            user,
            options,
            workdir=exports_dir(),
            progress=progress,
            on_total=lambda total: _advise(job_id, total=total),
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


def _advise(job_id: int, **values) -> None:
    """``_set`` for progress: skipped, not fatal, when the database is too busy for it (the
    next update, or the finished job, says where the export is)."""
    try:
        _set(job_id, **values)
    except Exception as err:
        if not contention(err):
            raise
        log.info("background export %s: progress not recorded, the database was busy", job_id)


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
    # Each try waits up to DATABASE_LOCK_TIMEOUT for the lock: a job is not left "running"
    # (or "queued") because the database was busy the moment it failed.
    for tries_left in range(FAIL_TRIES - 1, -1, -1):
        try:
            _set(job_id, status=JobStatus.FAILED, message=message, finished_at=utcnow())
            return
        except Exception as again:
            if not contention(again) or not tries_left:
                raise


def register(app: Flask, huey) -> dict:
    """Register the tasks on ``huey``; each pushes its own app context."""

    def export_task(job_id: int, task=None) -> None:
        with app.app_context():
            try:
                # ``task.retries``: the tries left (huey counts down); NotStarted uses one.
                run_export_job(job_id, last_try=task is None or not task.retries)
            except NotStarted:
                log.warning(
                    "background export %s: the database was busy, trying again in %d s",
                    job_id,
                    START_RETRY_DELAY,
                )
                raise
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
        "export": huey.task(
            name="caseapp.export",
            context=True,
            retries=START_RETRIES,
            retry_delay=START_RETRY_DELAY,
        )(export_task),
        "digest": huey.task(name="caseapp.digest")(digest_task),
    }
