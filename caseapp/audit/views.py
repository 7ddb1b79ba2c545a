"""Ombudsperson pages: the audit log, each case's timeline, and the export bundle.

Ombudspersons must be able to check, independently of the authority running caseapp, what
was done in each child's case, by whom and when (002, Rec 2: independent monitoring; Rec 6:
the ombudspersons' role; DESIGN.md section 6). Reading these pages is itself audited.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    after_this_request,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from caseapp.audit import operations as ops
from caseapp.audit import pages
from caseapp.audit.actions import AuditAction
from caseapp.audit.export import ExportOptions, export_bundle
from caseapp.audit.fields import field_label
from caseapp.audit.forms import ExportForm
from caseapp.audit.models import AuditEntry
from caseapp.audit.recorder import pending
from caseapp.core import web
from caseapp.core.errors import DomainError
from caseapp.core.extensions import db
from caseapp.core.permissions import Permission
from caseapp.core.validators import page_number
from caseapp.core.views import permission_required

bp = Blueprint("audit", __name__, url_prefix="/audit")
bp.add_app_template_filter(field_label, "field_label")


@bp.route("/")
@login_required
@permission_required(Permission.AUDIT_VIEW)
def log():
    """The audit log with filters and pagination, newest first."""
    f = pages.request_filters()
    page = page_number(request.args.get("page"))  # 1 to MAX_PAGE (issue 14: no overflow)
    diff = {"filters": pages.plain(f), "page": page}
    web.audit_read(pending(current_user, AuditAction.AUDIT_LOG_VIEW, diff=diff))
    context = pages.log_context(f, page)
    status = 400 if context["message"] else 200
    return render_template("audit/log.html", form=ExportForm(), **context), status


@bp.route("/cases/<int:case_id>")
@login_required
@permission_required(Permission.AUDIT_VIEW)
def timeline(case_id: int):
    """Every entry of one case, in order, with its diffs and gate evaluations."""
    from caseapp.cases.models import Case

    case = web.load(Case, case_id)
    number = case.number
    web.audit_read(pending(current_user, AuditAction.AUDIT_TIMELINE_VIEW, case, diff={}))
    page = page_number(request.args.get("page"))
    context = pages.timeline_context(case_id, number, page)
    return render_template("audit/timeline.html", form=ExportForm(case_number=number), **context)


def _recipient(user) -> str:
    """Exports from the browser use the ombudsperson office's own pseudonym key."""
    if user.agency is not None:
        return f"agency:{user.agency.code}"
    return f"user:{user.id}"


def _export_options(form: ExportForm) -> ExportOptions:
    """What the (valid) export form asks, for the signed-in user's office (``_recipient``)."""
    return ExportOptions(
        recipient=_recipient(current_user),
        date_from=form.date_from.data,
        date_to=form.date_to.data,
        case_number=(form.case_number.data or "").strip() or None,
    )


def _send_bundle(result):
    """The bundle as a download; its temporary file is removed once sent."""
    m = result.manifest
    name = f"audit-export-{m['first_seq'] or 0}-{m['last_seq'] or 0}.zip"
    response = send_file(
        result.temp_path, mimetype="application/zip", as_attachment=True, download_name=name
    )
    response.call_on_close(result.discard)
    return response


@bp.route("/export", methods=["POST"])
@login_required
@permission_required(Permission.AUDIT_EXPORT)
def export():
    """Build and download a signed, pseudonymised export bundle (same as the CLI)."""
    form = ExportForm()
    message = _export_refusal(form)
    if message:
        return render_template("audit/export_failed.html", message=message), 400
    try:
        result = export_bundle(current_user, _export_options(form))
    except DomainError as err:
        web.refused(err)
        return render_template("audit/export_failed.html", message=err.message), 400
    # The request layer commits the export's audit entry before the file is sent.
    return _send_bundle(result)


def _export_refusal(form: ExportForm) -> str | None:
    """Why the export form cannot be exported: bad or reversed dates, or nothing in range."""
    if not form.validate_on_submit():
        errors = form.date_to.errors or form.date_from.errors or form.case_number.errors
        return str(errors[0]) if errors else _("Please correct the dates of the export.")
    number = (form.case_number.data or "").strip()
    if number:
        from caseapp.cases.models import Case

        if db.session.scalar(select(Case.id).where(Case.number == number)) is None:
            return _("No case with this number.")
    f = {
        "case": number,
        "actor": "",
        "agency": None,
        "action": "",
        "from": form.date_from.data,
        "to": form.date_to.data,
    }
    count = db.session.scalar(pages.filtered(select(func.count(AuditEntry.id)), f))
    if not count:
        return _("No audit entry falls in this range: there is nothing to export.")
    return None


def _enqueue_after_commit(job_id: int) -> None:
    """Queue the export job once the request layer has committed it (the worker must find
    the job)."""
    from caseapp.jobs.queue import task

    @after_this_request
    def enqueue(response):
        task(current_app, "export")(job_id)
        return response


@bp.route("/jobs", methods=["POST"])
@login_required
@permission_required(Permission.AUDIT_EXPORT)
def start_job():
    """Export in the background (the whole trail may be millions of entries): the job and
    its audit entry are committed by the request layer, then the job is queued."""
    form = ExportForm()
    message = _export_refusal(form)
    if message:
        return render_template("audit/export_failed.html", message=message), 400
    job_id = ops.queue_export(current_user, _export_options(form))
    _enqueue_after_commit(job_id)
    return redirect(url_for("audit.job", job_id=job_id), 303)


def _job_or_404(job_id: int):
    from caseapp.jobs.models import ExportJob

    job = db.session.get(ExportJob, job_id)
    if job is None or not job.can_view(current_user):
        abort(404)
    return job


@bp.route("/jobs/<int:job_id>")
@login_required
@permission_required(Permission.AUDIT_EXPORT)
def job(job_id: int):
    """The export's progress; the page reloads itself (no script) until the file is ready."""
    return render_template("audit/job.html", job=_job_or_404(job_id))


@bp.route("/jobs/<int:job_id>/download")
@login_required
@permission_required(Permission.AUDIT_EXPORT)
def job_download(job_id: int):
    """The finished bundle (its download audited)."""
    from caseapp.jobs.models import JobStatus
    from caseapp.jobs.tasks import exports_dir

    found = _job_or_404(job_id)
    if found.status is not JobStatus.DONE or not found.file_name:
        abort(404)
    path = exports_dir() / found.file_name
    if not path.is_file():
        abort(404)
    web.audit_read(pending(current_user, AuditAction.AUDIT_EXPORT_DOWNLOAD, diff={"job": job_id}))
    return send_file(path, mimetype="application/zip", as_attachment=True, download_name=path.name)


@bp.route("/verify_export.py")
@login_required
@permission_required(Permission.AUDIT_VIEW)
def verifier():
    """The standalone verifier (one file; needs Python 3.11+ and ``cryptography``)."""
    from caseapp import ROOT

    return send_file(
        ROOT / "caseapp" / "audit" / "bundle_verifier.py",
        mimetype="text/x-python",
        as_attachment=True,
        download_name="verify_export.py",
    )
