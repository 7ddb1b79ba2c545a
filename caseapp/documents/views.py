"""Document pages: the list and upload form of a case, and downloads (ids only in URLs)."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from caseapp.cases.models import Case
from caseapp.core import web
from caseapp.core.extensions import db
from caseapp.core.permissions import Permission
from caseapp.core.views import permission_required
from caseapp.documents import operations
from caseapp.documents.forms import UploadForm
from caseapp.documents.models import Document

bp = Blueprint("documents", __name__, url_prefix="/cases")

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def upload_folder() -> Path:
    """``DOCUMENTS_FOLDER``, by default ``instance/uploads`` (outside the web root)."""
    configured = current_app.config.get("DOCUMENTS_FOLDER")
    return Path(configured) if configured else Path(current_app.instance_path) / "uploads"


def max_bytes() -> int:
    """``DOCUMENTS_MAX_BYTES``: the largest file accepted (10 MiB by default)."""
    return int(current_app.config.get("DOCUMENTS_MAX_BYTES", DEFAULT_MAX_BYTES))


def render_index(case: Case, form: UploadForm, error: str | None) -> str:
    """The case's documents and the upload form (the refusal next to the file field)."""
    if error:
        form.file.errors = [*form.file.errors, error]
    documents = db.session.scalars(
        select(Document).where(Document.case_id == case.id).order_by(Document.uploaded_at)
    ).all()
    return render_template(
        "documents/index.html",
        case=case,
        documents=documents,
        form=form,
        may_upload=case.can_edit(current_user),
    )


@bp.route("/<int:case_id>/documents", methods=["GET", "POST"])
@login_required
@permission_required(Permission.CASE_VIEW)
def index(case_id: int):
    """The documents of a case; its caseworkers and supervisors upload here."""
    case = web.load(Case, case_id)
    form = UploadForm(max_bytes=max_bytes())
    if form.is_submitted():
        web.require(case.can_edit(current_user))
    return web.submit(
        form,
        partial(operations.store_document, folder=upload_folder()),
        current_user,
        case,
        success=_("The document was uploaded."),
        next_url=url_for("documents.index", case_id=case.id),
        render=lambda error: render_index(case, form, error),
    )


@bp.route("/<int:case_id>/documents/<int:document_id>")
@login_required
@permission_required(Permission.CASE_VIEW)
def download(case_id: int, document_id: int):
    """Send a document as an attachment, after the permission check; audited."""
    case = web.load(Case, case_id)
    document = web.load(Document, document_id, case=case)
    return send_document(document)


def send_document(document: Document):
    """The file of ``document`` as an attachment, the download audited (``download_entry``
    asks ``Document.can_view`` again: a refusal is 403). The caller has loaded it in scope."""
    path = operations.stored_path(upload_folder(), document)
    if not path.is_file():
        abort(404)
    web.audit_read(operations.download_entry(current_user, document))
    response = send_file(
        path,
        mimetype=document.content_type,
        as_attachment=True,
        download_name=document.original_filename,
        max_age=0,
        conditional=False,
        etag=False,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
