"""Recognise an uploaded file's type from its content (magic bytes), not from its name.

Allowed: PDF, PNG, JPEG, ODT and DOCX (ASVS 5.0 V5.2.2). ODT and DOCX are ZIP archives; they
are opened only to read the member list and the small ``mimetype`` member, after checking the
number of members and the total uncompressed size (V5.2.3), and never extracted.
"""

from __future__ import annotations

import io
import zipfile

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
ODT = "application/vnd.oasis.opendocument.text"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

EXTENSIONS = {
    PDF: (".pdf",),
    PNG: (".png",),
    JPEG: (".jpg", ".jpeg"),
    ODT: (".odt",),
    DOCX: (".docx",),
}
MAX_ZIP_MEMBERS = 2000
MAX_ZIP_UNCOMPRESSED = 200 * 1024 * 1024


def _zip_type(data: bytes) -> str | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if len(members) > MAX_ZIP_MEMBERS:
        return None
    if sum(m.file_size for m in members) > MAX_ZIP_UNCOMPRESSED:
        return None
    names = {m.filename for m in members}
    if "mimetype" in names:
        info = archive.getinfo("mimetype")
        if info.file_size <= 100:
            try:
                declared = archive.read(info).decode("ascii", "replace").strip()
            except (zipfile.BadZipFile, RuntimeError, OSError):
                return None
            if declared == ODT:
                return ODT
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return DOCX
    return None


def detect(data: bytes) -> str | None:
    """The allowed content type of ``data``, or None when it is none of the allowed types."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    return None


def extension_matches(filename: str, content_type: str) -> bool:
    """Whether the file name's extension is one expected for the detected type."""
    return filename.lower().endswith(EXTENSIONS.get(content_type, ()))
