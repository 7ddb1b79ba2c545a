"""Documents: upload checks, storage outside the web root, checked and audited downloads
(ASVS 5.0 V5.2.1, V5.2.2, V5.2.3, V5.3.1, V5.3.2, V5.4.1, V5.4.2)."""

from __future__ import annotations

import hashlib
import io
import stat
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from caseapp.documents import filetypes
from caseapp.documents.models import Document
from caseapp.documents.operations import sanitise_filename
from tests.security.conftest import PDF, upload_folder
from tests.security.helpers import actions

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


ODT = _zip({"mimetype": filetypes.ODT.encode(), "content.xml": b"<x/>"})
DOCX = _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"})


def _upload(client, case, data, filename):
    return client.post(
        f"/cases/{case.id}/documents",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PDF, filetypes.PDF),
        (PNG, filetypes.PNG),
        (JPEG, filetypes.JPEG),
        (ODT, filetypes.ODT),
        (DOCX, filetypes.DOCX),
        (b"MZ\x90\x00 windows exe", None),
        (b"<html>", None),
        (_zip({"a.txt": b"x"}), None),
        (b"PK\x03\x04 broken", None),
    ],
)
def test_type_is_detected_from_content(data, expected):
    assert filetypes.detect(data) == expected


def test_zip_with_too_many_members_is_refused(monkeypatch):
    monkeypatch.setattr(filetypes, "MAX_ZIP_MEMBERS", 3)
    many = _zip({"[Content_Types].xml": b"", "word/document.xml": b"", "a": b"", "b": b""})
    assert filetypes.detect(many) is None


def test_upload_is_stored_outside_the_web_root_under_a_random_name(app, client, login, world, db):
    login(world.users["caseworker_own"])
    response = _upload(client, world.case, PDF, "../../etc/Паспорт Ivan.pdf")
    assert response.status_code == 302
    document = db.session.scalars(select(Document).order_by(Document.id.desc())).first()
    assert document.original_filename == "Паспорт Ivan.pdf"
    assert document.content_type == filetypes.PDF
    assert document.sha256 == hashlib.sha256(PDF).hexdigest()
    assert document.uploaded_by_id == world.users["caseworker_own"].id
    path = upload_folder(app) / document.storage_name
    assert path.read_bytes() == PDF
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    static = Path(app.static_folder).resolve()
    assert static not in path.resolve().parents
    assert "Ivan" not in document.storage_name and len(document.storage_name) == 64
    assert "documents:document:upload" in actions(db)


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"MZ\x90\x00 not a document", "report.pdf"),
        (PDF, "report.exe"),
        (PNG, "photo.pdf"),
        (b"", "empty.pdf"),
    ],
)
def test_disallowed_or_mislabelled_files_are_refused(client, login, world, db, data, filename):
    login(world.users["caseworker_own"])
    before = db.session.scalar(select(Document.id).order_by(Document.id.desc()))
    response = _upload(client, world.case, data, filename)
    assert response.status_code == 400
    assert db.session.scalar(select(Document.id).order_by(Document.id.desc())) == before


def test_too_large_file_is_refused(make_app, world):
    from tests.support.auth import LoginHelper

    with make_app(DOCUMENTS_MAX_BYTES=50) as small:
        client = small.test_client()
        LoginHelper(client)(world.users["caseworker_own"])
        response = _upload(client, world.case, PDF + b" " * 100, "big.pdf")
        assert response.status_code == 400
        assert "too large" in response.get_data(as_text=True)


def test_ombudsperson_may_read_but_not_upload(client, login, world):
    login(world.users["ombudsperson"])
    assert client.get(f"/cases/{world.case.id}/documents").status_code == 200
    assert _upload(client, world.case, PDF, "a.pdf").status_code == 403


def test_download_is_an_audited_attachment(client, login, world, db):
    login(world.users["supervisor_own"])
    response = client.get(f"/cases/{world.case.id}/documents/{world.document.id}")
    assert response.status_code == 200
    assert response.data == PDF
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Type"] == "application/pdf"
    assert "no-store" in response.headers["Cache-Control"]
    response.close()
    assert actions(db)[-1] == "documents:document:download"


def test_download_refused_outside_the_agency_and_for_admins(client, login, world, db):
    url = f"/cases/{world.case.id}/documents/{world.document.id}"
    login(world.users["caseworker_other"])
    assert client.get(url).status_code == 404
    login(world.users["admin"])
    assert client.get(url).status_code == 403
    assert "documents:document:download" not in actions(db)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("..\\..\\boot.ini", "boot.ini"),
        ("a\r\nSet-Cookie: x.pdf", "a_Set-Cookie_ x.pdf"),
        ('x";.pdf', "x_.pdf"),
        ("", "document"),
        ("...", "document"),
    ],
)
def test_filenames_are_sanitised(raw, clean):
    assert sanitise_filename(raw) == clean
