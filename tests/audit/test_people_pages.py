"""The audit pages for people (issue 13, item 6): export form first, entries grouped by
request with diffs in words, bad ranges refused with a message, the verifier downloadable,
and the export of the whole trail as a background job (huey) with progress and its file."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from caseapp import ROOT
from caseapp.audit.bundle_verifier import verify_bundle
from caseapp.audit.models import AuditEntry
from caseapp.core.permissions import Role
from caseapp.jobs.models import ExportJob, JobStatus
from tests.audit.bundles import populate


@pytest.fixture
def ombudsperson(factory):
    return factory.user(Role.OMBUDSPERSON)


def test_the_export_form_comes_before_the_entries(client, factory, login, ombudsperson):
    populate(factory)
    login(ombudsperson)
    page = client.get("/audit/").get_data(as_text=True)
    assert page.index('action="/audit/jobs"') < page.index('class="audit-entries"')
    assert 'href="/audit/verify_export.py"' in page


def test_entries_of_one_request_are_grouped_and_diffs_use_labels(client, factory, login, db):
    case, _ = populate(factory)
    user = factory.user(Role.OMBUDSPERSON)
    login(user)
    page = client.get(f"/audit/cases/{case.id}").get_data(as_text=True)
    assert 'class="request-group"' in page
    assert "entries of one request" in page
    assert "<dt>Stage</dt>" in page  # the diff key "stage", in words
    assert "<dt>stage</dt>" not in page


def test_a_reversed_range_is_refused_with_a_message(client, factory, login, ombudsperson, db):
    populate(factory)
    login(ombudsperson)
    before = db.session.scalar(select(ExportJob.id))
    response = client.post("/audit/jobs", data={"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert response.status_code == 400
    assert "ends before it begins" in response.get_data(as_text=True)
    assert db.session.scalar(select(ExportJob.id)) == before
    listing = client.get("/audit/", query_string={"from": "2026-05-02", "to": "2026-05-01"})
    assert listing.status_code == 400
    assert "ends before it begins" in listing.get_data(as_text=True)


def test_an_empty_range_is_refused_with_a_message(client, factory, login, ombudsperson):
    populate(factory)
    login(ombudsperson)
    response = client.post("/audit/jobs", data={"date_from": "2001-01-01", "date_to": "2001-01-31"})
    assert response.status_code == 400
    assert "nothing to export" in response.get_data(as_text=True)
    response = client.post(
        "/audit/export", data={"date_from": "2001-01-01", "date_to": "2001-01-31"}
    )
    assert response.status_code == 400


def test_the_standalone_verifier_downloads_from_the_page(client, factory, login, ombudsperson):
    login(ombudsperson)
    response = client.get("/audit/verify_export.py", buffered=True)
    assert response.status_code == 200
    assert response.data == (ROOT / "tools" / "verify_export.py").read_bytes()


def _wait_for(db, job_id, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.expire_all()
        job = db.session.get(ExportJob, job_id)
        status = job.status
        db.session.commit()
        if status in (JobStatus.DONE, JobStatus.FAILED):
            return job
        time.sleep(0.3)
    pytest.fail(f"the background export {job_id} did not finish")


def _download_and_verify(client, job_id, tmp_path):
    page = client.get(f"/audit/jobs/{job_id}").get_data(as_text=True)
    assert "The bundle is ready" in page and 'value="100"' in page
    response = client.get(f"/audit/jobs/{job_id}/download", buffered=True)
    assert response.status_code == 200
    path = tmp_path / "bundle.zip"
    path.write_bytes(response.data)
    report = verify_bundle(path)
    assert report.ok, report.failures
    return path


@pytest.fixture
def immediate_app(make_app):
    with make_app(TASK_QUEUE_IMMEDIATE=True) as other:
        yield other


def test_the_background_export_in_immediate_mode(immediate_app, factory, db, tmp_path):
    from tests.support.auth import LoginHelper

    populate(factory)
    user = factory.user(Role.OMBUDSPERSON)
    client = immediate_app.test_client()
    LoginHelper(client)(user)
    response = client.post("/audit/jobs", data={})
    assert response.status_code == 303
    job_id = int(response.headers["Location"].rsplit("/", 1)[1])
    job = _wait_for(db, job_id, timeout=5)
    assert job.status is JobStatus.DONE and job.total and job.done == job.total
    _download_and_verify(client, job_id, tmp_path)
    actions = list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))
    assert actions.count("audit:export") == 1
    assert actions[-1] == "audit:export:download"
    # another ombudsperson cannot see the job nor its file
    other = immediate_app.test_client()
    LoginHelper(other)(factory.user(Role.OMBUDSPERSON))
    assert other.get(f"/audit/jobs/{job_id}").status_code == 404
    assert other.get(f"/audit/jobs/{job_id}/download").status_code == 404


def test_a_real_worker_process_runs_the_export(
    app, app_config, client, factory, login, db, tmp_path
):
    """``flask jobs worker`` in its own process takes the job from the SQLite queue."""
    populate(factory)
    login(factory.user(Role.OMBUDSPERSON))
    response = client.post("/audit/jobs", data={})
    assert response.status_code == 303
    job_id = int(response.headers["Location"].rsplit("/", 1)[1])
    queued = client.get(f"/audit/jobs/{job_id}").get_data(as_text=True)
    assert "Waiting for the background worker" in queued
    assert '<meta http-equiv="refresh"' in queued
    instance = app_config["INSTANCE_PATH"]
    env = {
        **os.environ,
        "DATABASE_URL": app_config["SQLALCHEMY_DATABASE_URI"],
        "CASEAPP_SECRET_KEY": app_config["SECRET_KEY"],
        "PYTHONUNBUFFERED": "1",
    }
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "flask",
                "--app",
                f"caseapp:create_app({{'INSTANCE_PATH': {instance!r}}})",
                "jobs",
                "worker",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        job = _wait_for(db, job_id)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    assert job.status is JobStatus.DONE, log.read_text()[-3000:]
    _download_and_verify(client, job_id, tmp_path)


def test_an_export_the_database_is_too_busy_to_record_fails_and_says_so(make_app, factory, db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's lock is the whole database's: the job would not start (next test)")
    from caseapp.cases.models import Case
    from caseapp.jobs.tasks import exports_dir, run_export_job
    from tests.support.auth import LoginHelper
    from tests.support.locks import another_writer

    populate(factory)
    user = factory.user(Role.OMBUDSPERSON)
    case_id = db.session.scalar(select(Case.id).limit(1))
    db.session.commit()
    with make_app(DATABASE_LOCK_TIMEOUT=0.5) as other:
        client = other.test_client()
        LoginHelper(client)(user)
        response = client.post("/audit/jobs", data={})  # queued for the worker
        job_id = int(response.headers["Location"].rsplit("/", 1)[1])
        with other.app_context():
            before = db.session.scalar(select(func.count()).select_from(AuditEntry))
            db.session.commit()
            # The walk reads; recording the checkpoint and the export waits for the chain
            # head, which another write holds past DATABASE_LOCK_TIMEOUT.
            with another_writer(db, case_id):
                run_export_job(job_id)
            job = db.session.get(ExportJob, job_id)
            assert job.status is JobStatus.FAILED
            assert "Nothing was recorded: start the export again." in job.message
            after = db.session.scalar(select(func.count()).select_from(AuditEntry))
            assert after == before  # no checkpoint, no export entry
            assert not list(exports_dir().iterdir())  # no file offered, none left behind
            page = client.get(f"/audit/jobs/{job_id}").get_data(as_text=True)
            assert "start the export again" in page


def _queue_export(other, user) -> int:
    from tests.support.auth import LoginHelper

    client = other.test_client()
    LoginHelper(client)(user)
    response = client.post("/audit/jobs", data={})  # queued for the worker
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_an_export_the_database_is_too_busy_to_start_stays_queued_and_is_tried_again(
    make_app, factory, db
):
    from caseapp.jobs.tasks import START_RETRIES
    from tests.support.locks import job_row_writer

    populate(factory)
    user = factory.user(Role.OMBUDSPERSON)
    db.session.commit()
    with make_app(DATABASE_LOCK_TIMEOUT=0.5) as other:
        job_id = _queue_export(other, user)
        huey = other.extensions["huey"]
        task = huey.dequeue()
        with job_row_writer(db.engine.url, job_id):  # another write holds the start's lock
            huey.execute(task)  # the worker's own way of running it: no error escapes
        with other.app_context():
            job = db.session.get(ExportJob, job_id)
            assert job.status is JobStatus.QUEUED  # not "running" with nothing running
            db.session.rollback()
        assert huey.scheduled_count() == 1  # tried again later, one try used
        later = datetime.now(UTC).replace(tzinfo=None) + timedelta(hours=1)  # huey: naive UTC
        (again,) = huey.read_schedule(later)
        assert again.retries == START_RETRIES - 1
        huey.execute(again, timestamp=later)
        with other.app_context():
            job = db.session.get(ExportJob, job_id)
            assert job.status is JobStatus.DONE
            assert job.total == job.done > 0


def test_the_last_try_of_an_export_that_cannot_start_fails_and_says_so(
    make_app, factory, db, monkeypatch
):
    import threading

    from caseapp.jobs import tasks
    from tests.support.locks import job_row_writer

    populate(factory)
    user = factory.user(Role.OMBUDSPERSON)
    db.session.commit()
    with make_app(DATABASE_LOCK_TIMEOUT=0.5) as other:
        job_id = _queue_export(other, user)
        held, release = threading.Event(), threading.Event()
        url = db.engine.url

        def hold() -> None:
            with job_row_writer(url, job_id):
                held.set()
                release.wait(30)

        holder = threading.Thread(target=hold)
        holder.start()
        held.wait(30)
        real_set = tasks._set

        def set_then_free(job_id: int, **values) -> None:
            """The lock goes once the first try of marking the job failed has met it."""
            try:
                real_set(job_id, **values)
            except Exception:
                if values.get("status") is JobStatus.FAILED:
                    release.set()
                    holder.join()
                raise

        monkeypatch.setattr(tasks, "_set", set_then_free)
        try:
            with other.app_context():
                tasks.run_export_job(job_id, last_try=True)
                job = db.session.get(ExportJob, job_id)
                # Not started (the lock held), then marked failed on the second try.
                assert job.status is JobStatus.FAILED
                assert "Nothing was recorded: start the export again." in job.message
                assert job.file_name is None and not job.done
        finally:
            release.set()
            holder.join()
