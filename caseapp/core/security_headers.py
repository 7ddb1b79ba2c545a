"""Security headers on every response (ASVS 5.0 V3.4, V14.3.2).

- Content-Security-Policy: only this origin's scripts, styles and images (plus ``data:``
  images for the 2FA QR code); no inline script or style, no framing, no plugins, forms post
  only here, no ``<base>`` (V3.4.3, V3.4.6).
- X-Content-Type-Options: nosniff (V3.4.4); Referrer-Policy: no-referrer (V3.4.5);
  X-Frame-Options: DENY for old browsers; Permissions-Policy turning off device APIs;
  Cross-Origin-Opener-Policy: same-origin (V3.4.8).
- Strict-Transport-Security (two years, subdomains) when cookies are secure, i.e. when the
  app is served over HTTPS (V3.4.1).
- Cache-Control: no-store on every response but static files, so no page with a child's
  data, and no download, stays in a browser or proxy cache (V14.3.2).
"""

from __future__ import annotations

from flask import Flask, request

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
HSTS = "max-age=63072000; includeSubDomains"


def init_app(app: Flask) -> None:
    """Install the ``after_request`` hook."""

    @app.after_request
    def set_security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "no-referrer"
        headers["Permissions-Policy"] = PERMISSIONS_POLICY
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if app.config.get("SECURE_COOKIES") or request.is_secure:
            headers["Strict-Transport-Security"] = HSTS
        if request.endpoint != "static":
            headers["Cache-Control"] = "no-store"
            headers["Pragma"] = "no-cache"
        return response
