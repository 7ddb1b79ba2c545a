"""Route policy of the audit pages: ombudspersons only (DESIGN.md section 6)."""

from __future__ import annotations

from tests.security.route_policy import Rule

POLICY = {
    "audit.log": Rule.AUDIT_VIEW,
    "audit.timeline": Rule.AUDIT_VIEW,
    "audit.export": Rule.AUDIT_VIEW,
}
POLICY.update(
    {
        "audit.start_job": Rule.AUDIT_VIEW,
        "audit.job": Rule.AUDIT_VIEW,
        "audit.job_download": Rule.AUDIT_VIEW,
        "audit.verifier": Rule.AUDIT_VIEW,
    }
)


def _finished_job(world):
    """A finished background export of the world's ombudsperson, with its file."""
    from caseapp.core.extensions import db
    from caseapp.jobs.models import ExportJob, JobStatus
    from caseapp.jobs.tasks import exports_dir

    job = ExportJob(
        user_id=world.users["ombudsperson"].id,
        recipient="route-test",
        status=JobStatus.DONE,
        total=0,
        file_name="route-test.zip",
    )
    db.session.add(job)
    db.session.commit()
    (exports_dir() / "route-test.zip").write_bytes(b"PK\x05\x06" + b"\0" * 18)
    return job.id


BUILDERS = {"job_id": _finished_job}
