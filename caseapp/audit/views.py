"""Ombudsperson pages: the audit log, each case's timeline, and the export bundle.

Ombudspersons must be able to check, independently of the authority running caseapp, what
was done in each child's case, by whom and when (002, Rec 2: independent monitoring; Rec 6:
the ombudspersons' role; DESIGN.md section 6). Reading these pages is itself audited.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

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
from sqlalchemy import func, or_, select

from caseapp.audit import keys
from caseapp.audit.actions import AuditAction
from caseapp.audit.export import ExportOptions, export_bundle
from caseapp.audit.fields import field_label
from caseapp.audit.forms import ExportForm
from caseapp.audit.models import AuditEntry
from caseapp.audit.recorder import pending, record
from caseapp.core import web
from caseapp.core.errors import DomainError
from caseapp.core.extensions import db
from caseapp.core.permissions import Permission
from caseapp.core.validators import bounded_int, clean_text, date_problem, page_number
from caseapp.core.views import permission_required

bp = Blueprint("audit", __name__, url_prefix="/audit")
bp.add_app_template_filter(field_label, "field_label")
PER_PAGE = 50


def _parse_date(text: str | None) -> date | None:
    """A filter date; ignored when not a date or out of bounds (9999-12-31 would overflow)."""
    try:
        day = date.fromisoformat(text) if text else None
    except ValueError:
        return None
    return None if day is None or date_problem(day, may_be_future=True) else day


def _filters() -> dict:
    args = request.args
    return {
        "case": clean_text(args.get("case"))[:40],
        "actor": clean_text(args.get("actor"))[:200],
        "agency": bounded_int(args.get("agency")),
        "action": clean_text(args.get("action"))[:80],
        "from": _parse_date(args.get("from")),
        "to": _parse_date(args.get("to")),
    }


def _filtered(query, f: dict):
    from caseapp.auth.models import User
    from caseapp.cases.models import Case

    if f["case"]:
        query = query.where(AuditEntry.case_id.in_(select(Case.id).where(Case.number == f["case"])))
    if f["actor"]:
        pattern = f"%{f['actor'].lower()}%"
        ids = select(User.id).where(
            or_(func.lower(User.email).like(pattern), func.lower(User.name).like(pattern))
        )
        query = query.where(AuditEntry.actor_id.in_(ids))
    if f["agency"]:
        query = query.where(AuditEntry.actor_agency_id == f["agency"])
    if f["action"]:
        query = query.where(AuditEntry.action.startswith(f["action"], autoescape=True))
    if f["from"]:
        query = query.where(AuditEntry.occurred_at >= datetime.combine(f["from"], time(), UTC))
    if f["to"]:
        end = datetime.combine(f["to"] + timedelta(days=1), time(), UTC)
        query = query.where(AuditEntry.occurred_at < end)
    return query


def _labels(entries) -> dict:
    """Names of the actors, agencies and cases on a page (one query each, no N+1)."""
    from caseapp.agencies.models import Agency
    from caseapp.auth.models import User
    from caseapp.cases.models import Case

    def lookup(model, column, ids):
        ids = {i for i in ids if i is not None}
        if not ids:
            return {}
        return dict(db.session.execute(select(model.id, column).where(model.id.in_(ids))).all())

    return {
        "actors": lookup(User, User.name, (e.actor_id for e in entries)),
        "agencies": lookup(Agency, Agency.code, (e.actor_agency_id for e in entries)),
        "cases": lookup(Case, Case.number, (e.case_id for e in entries)),
    }


def group_by_request(entries) -> list[list]:
    """Consecutive entries recorded by one web request (the same ``request_id``) together.

    Entries without a request id (the command line, background jobs, entries made before
    request ids existed) stand alone: nothing is guessed from times or actors.
    """
    groups: list[list] = []
    for entry in entries:
        last = groups[-1][-1] if groups else None
        if (
            last is not None
            and entry.request_id is not None
            and last.request_id == entry.request_id
        ):
            groups[-1].append(entry)
        else:
            groups.append([entry])
    return groups


def _context() -> dict:
    fp = keys.key_id()
    return {"fingerprint": fp, "fingerprint_grouped": keys.grouped(fp)}


@bp.route("/")
@login_required
@permission_required(Permission.AUDIT_VIEW)
def log():
    """The audit log with filters and pagination, newest first."""
    from caseapp.agencies.models import Agency

    f = _filters()
    page = page_number(request.args.get("page"))  # 1 to MAX_PAGE (issue 14: no overflow)
    message = None
    if f["from"] and f["to"] and f["to"] < f["from"]:
        message = _("The range ends before it begins: check the two dates.")
    plain = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in f.items()}
    web.audit_read(
        pending(current_user, AuditAction.AUDIT_LOG_VIEW, diff={"filters": plain, "page": page})
    )
    query = _filtered(select(AuditEntry), f).order_by(AuditEntry.seq.desc())
    rows = (
        []
        if message
        else db.session.scalars(query.limit(PER_PAGE + 1).offset((page - 1) * PER_PAGE)).all()
    )
    entries, has_next = rows[:PER_PAGE], len(rows) > PER_PAGE
    labels = _labels(entries)
    agencies = db.session.execute(select(Agency.id, Agency.code).order_by(Agency.code)).all()
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template(
        "audit/log.html",
        entries=entries,
        groups=group_by_request(entries),
        labels=labels,
        filters=plain,
        agencies=agencies,
        page=page,
        has_next=has_next,
        args=args,
        form=ExportForm(),
        message=message,
        **_context(),
    ), (400 if message else 200)


@bp.route("/cases/<int:case_id>")
@login_required
@permission_required(Permission.AUDIT_VIEW)
def timeline(case_id: int):
    """Every entry of one case, in order, with its diffs and gate evaluations."""
    from caseapp.cases.models import Case

    case = web.load(Case, case_id)
    number = case.number
    web.audit_read(pending(current_user, AuditAction.AUDIT_TIMELINE_VIEW, case, diff={}))
    page = max(request.args.get("page", 1, type=int), 1)
    rows = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.case_id == case_id)
        .order_by(AuditEntry.seq)
        .limit(PER_PAGE + 1)
        .offset((page - 1) * PER_PAGE)
    ).all()
    entries, has_next = rows[:PER_PAGE], len(rows) > PER_PAGE
    labels = _labels(entries)
    return render_template(
        "audit/timeline.html",
        case_id=case_id,
        number=number,
        entries=entries,
        groups=group_by_request(entries),
        labels=labels,
        form=ExportForm(case_number=number),
        page=page,
        has_next=has_next,
        **_context(),
    )


def _recipient(user) -> str:
    """Exports from the browser use the ombudsperson office's own pseudonym key."""
    if user.agency is not None:
        return f"agency:{user.agency.code}"
    return f"user:{user.id}"


@bp.route("/export", methods=["POST"])
@login_required
@permission_required(Permission.AUDIT_EXPORT)
def export():
    """Build and download a signed, pseudonymised export bundle (same as the CLI)."""
    form = ExportForm()
    message = _export_refusal(form)
    if message:
        return render_template("audit/export_failed.html", message=message), 400
    options = ExportOptions(
        recipient=_recipient(current_user),
        date_from=form.date_from.data,
        date_to=form.date_to.data,
        case_number=(form.case_number.data or "").strip() or None,
    )
    try:
        result = export_bundle(current_user, options)
    except DomainError as err:
        db.session.rollback()
        return render_template("audit/export_failed.html", message=err.message), 400
    # The request layer commits the export's audit entry before the file is sent.
    m = result.manifest
    name = f"audit-export-{m['first_seq'] or 0}-{m['last_seq'] or 0}.zip"
    response = send_file(
        result.temp_path, mimetype="application/zip", as_attachment=True, download_name=name
    )
    response.call_on_close(result.discard)
    return response


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
    count = db.session.scalar(_filtered(select(func.count(AuditEntry.id)), f))
    if not count:
        return _("No audit entry falls in this range: there is nothing to export.")
    return None


@bp.route("/jobs", methods=["POST"])
@login_required
@permission_required(Permission.AUDIT_EXPORT)
def start_job():
    """Export in the background (the whole trail may be millions of entries): the job and
    its audit entry are committed by the request layer, then the job is queued."""
    from caseapp.jobs.models import ExportJob
    from caseapp.jobs.queue import task

    form = ExportForm()
    message = _export_refusal(form)
    if message:
        return render_template("audit/export_failed.html", message=message), 400
    job = ExportJob(
        user_id=current_user.id,
        recipient=_recipient(current_user),
        date_from=form.date_from.data,
        date_to=form.date_to.data,
        case_number=(form.case_number.data or "").strip() or None,
    )
    db.session.add(job)
    db.session.flush()
    job_id = job.id
    record(current_user, AuditAction.AUDIT_EXPORT_QUEUE, diff={"job": job_id})

    @after_this_request
    def enqueue(response):  # after the commit: the worker must find the job
        task(current_app, "export")(job_id)
        return response

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
