"""Security headers and caching (ASVS 5.0 V3.4, V14.3.2)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from caseapp.core.permissions import Role

ROOT = Path(__file__).resolve().parents[2]
CSP_DIRECTIVES = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'none'",
    "object-src 'none'",
}


def _assert_common_headers(response):
    csp = {part.strip() for part in response.headers["Content-Security-Policy"].split(";")}
    assert csp >= CSP_DIRECTIVES
    assert not any("unsafe-inline" in d or "unsafe-eval" in d for d in csp)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] in ("no-referrer", "same-origin")
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.parametrize("path", ["/login", "/no-such-page"])
def test_headers_on_public_pages(client, path):
    _assert_common_headers(client.get(path))


def test_headers_and_no_store_on_authenticated_pages(client, login, factory):
    user = factory.user(Role.CASEWORKER)
    factory.case(caseworker=user, given="Zoryana")
    login(user)
    for path in ("/cases/", "/preferences", "/password"):
        response = client.get(path)
        assert response.status_code == 200
        _assert_common_headers(response)
        assert "no-store" in response.headers["Cache-Control"]


def test_static_files_may_be_cached(client):
    response = client.get("/static/caseapp.css")
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()


def test_no_hsts_over_plain_http_in_local_mode(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_hsts_when_secure(app, make_app):
    with make_app(SECURE_COOKIES=True) as secure_app:
        response = secure_app.test_client().get("/login", base_url="https://localhost")
        hsts = response.headers["Strict-Transport-Security"]
        assert "includeSubDomains" in hsts
        assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 31536000


BLOCKED_BY_CSP = (r"<script(?![^>]*\bsrc=)", r"<style", r"\sstyle=", r"\son[a-z]+=", "javascript:")


def test_templates_have_nothing_the_csp_would_block():
    """No inline script, inline style, event-handler attribute or javascript: URL."""
    offenders = []
    for template in sorted((ROOT / "templates").rglob("*.html")):
        text = template.read_text()
        for pattern in (
            r"<script(?![^>]*\bsrc=)",
            r"<style",
            r"\sstyle=",
            r"\son[a-z]+=",
            "javascript:",
        ):
            if re.search(pattern, text, flags=re.IGNORECASE):
                offenders.append(f"{template.relative_to(ROOT)}: {pattern}")
    assert offenders == []
