"""Document operations: store an upload, record a download. Operations only flush."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from flask_babel import gettext as _

from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import PendingEntry, pending, record
from caseapp.core.errors import PermissionDenied, ValidationFailed
from caseapp.core.extensions import db
from caseapp.documents import filetypes
from caseapp.documents.models import Document

if TYPE_CHECKING:
    from caseapp.auth.models import User
    from caseapp.cases.models import Case

_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*;]+')


def sanitise_filename(name: str) -> str:
    """A display name safe for storage and for a Content-Disposition header (ASVS V5.4.2).

    Any path is dropped, control and reserved characters are removed, length is capped.
    The name is only ever shown or offered as the download name, never used as a path.
    """
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = _UNSAFE.sub("_", name)
    name = " ".join(name.split()).strip(" .")
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:190] + dot + ext[:9]) if dot and len(ext) < 10 else name[:200]
    return name or "document"


def store_document(
    actor: User,
    case: Case,
    *,
    filename: str,
    data: bytes,
    folder: Path,
    max_bytes: int,
    record_type: str | None = None,
    record_id: int | None = None,
) -> Document:
    """Check and store an uploaded file for ``case`` under a random name outside the web root.

    Refused: a user who may not record on the case, an empty or too large file (V5.2.1),
    content that is not PDF/PNG/JPEG/ODT/DOCX, or whose extension does not match (V5.2.2).
    """
    if not (case.can_edit(actor) or _party_attaches(actor, case, record_type, record_id)):
        raise PermissionDenied(_("You may not add documents to this case."))
    if not data:
        raise ValidationFailed(_("The file is empty."))
    if len(data) > max_bytes:
        raise ValidationFailed(
            _("The file is too large (at most %(mb)d MB).", mb=max(1, max_bytes // 2**20))
        )
    content_type = filetypes.detect(data)
    display = sanitise_filename(filename)
    if content_type is None or not filetypes.extension_matches(display, content_type):
        raise ValidationFailed(_("Only PDF, PNG, JPEG, ODT and DOCX files can be uploaded."))
    storage_name = secrets.token_hex(32)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / storage_name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    document = Document(
        case_id=case.id,
        storage_name=storage_name,
        original_filename=display,
        content_type=content_type,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by_id=actor.id,
        record_type=record_type,
        record_id=record_id,
    )
    db.session.add(document)
    record(actor, AuditAction.DOCUMENT_UPLOAD, document, case=case)
    return document


def _party_attaches(
    actor: User, case: Case, record_type: str | None, record_id: int | None
) -> bool:
    """A participant attaches a document only to a record of ``case`` whose kind the matrix
    lets their role act on, while assigned (``Case.can_act``): the monitor to a visit's
    report (S17; 002, Rec 2), never to the case's file as a whole (issue 10)."""
    from caseapp.core.permissions import RECORD_TYPE_OF_TABLE
    from caseapp.documents.models import model_of_table

    if not getattr(actor, "is_participant", False) or record_id is None:
        return False
    kind = RECORD_TYPE_OF_TABLE.get(record_type or "")
    model = model_of_table(record_type) if kind is not None and record_type else None
    if model is None or record_type == Document.__tablename__:
        return False
    row = db.session.get(model, record_id)
    return (
        row is not None
        and getattr(row, "case_id", None) == case.id
        and bool(case.can_act(actor, kind))
    )


def download_entry(actor: User, document: Document) -> PendingEntry:
    """The audit entry of one download of ``document`` (the view has checked ``can_view``);
    the request layer writes it at the end of the request."""
    if not document.can_view(actor):
        raise PermissionDenied(_("You may not see this document."))
    return pending(actor, AuditAction.DOCUMENT_DOWNLOAD, document, case=document.case, diff={})


def stored_path(folder: Path, document: Document) -> Path:
    """Where the bytes of ``document`` are (the name is ours: 64 hex digits)."""
    if not re.fullmatch(r"[0-9a-f]{64}", document.storage_name):
        raise ValidationFailed(_("The stored file name is not valid."))
    return folder / document.storage_name
