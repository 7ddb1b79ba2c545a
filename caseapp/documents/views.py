"""Document pages: the list and upload form of a case, and downloads (ids only in URLs)."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from caseapp.cases.models import Case
from caseapp.core.errors import DomainError
from caseapp.core.extensions import db
from caseapp.core.permissions import Permission, load_or_404
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


@bp.route("/<int:case_id>/documents", methods=["GET", "POST"])
@login_required
@permission_required(Permission.CASE_VIEW)
def index(case_id: int):
    """The documents of a case; its caseworkers and supervisors upload here."""
    case = load_or_404(Case, case_id, current_user)
    form = UploadForm()
    if form.is_submitted():
        if not case.can_edit(current_user):
            abort(403)
        if form.validate():
            upload = form.file.data
            try:
                operations.store_document(
                    current_user,
                    case,
                    filename=upload.filename or "",
                    data=upload.read(max_bytes() + 1),
                    folder=upload_folder(),
                    max_bytes=max_bytes(),
                )
            except DomainError as err:
                db.session.rollback()
                form.file.errors.append(err.message)
            else:
                db.session.commit()
                flash(_("The document was uploaded."), "success")
                return redirect(url_for("documents.index", case_id=case.id))
    documents = db.session.scalars(
        select(Document).where(Document.case_id == case.id).order_by(Document.uploaded_at)
    ).all()
    status = 400 if form.errors else 200
    return render_template(
        "documents/index.html",
        case=case,
        documents=documents,
        form=form,
        may_upload=case.can_edit(current_user),
    ), status


@bp.route("/<int:case_id>/documents/<int:document_id>")
@login_required
@permission_required(Permission.CASE_VIEW)
def download(case_id: int, document_id: int):
    """Send a document as an attachment, after the permission check; audited."""
    document = load_or_404(Document, document_id, current_user)
    if document.case_id != case_id:
        abort(404)
    path = operations.stored_path(upload_folder(), document)
    if not path.is_file():
        abort(404)
    operations.record_download(current_user, document)
    db.session.commit()
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
