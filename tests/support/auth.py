"""Logging test clients in, through the real login form and, when needed, the TOTP step."""

from __future__ import annotations

import time

import pyotp

from tests.support.factories import PASSWORD


def totp_code(user, margin: float = 3.0) -> str:
    """The current TOTP code of an enrolled user, taken at least ``margin`` seconds before
    its 30-second step ends, so the step cannot change before the server checks it."""
    totp = pyotp.TOTP(user.totp_secret)
    remaining = totp.interval - (time.time() % totp.interval)
    if remaining < margin:
        time.sleep(remaining + 0.05)
    return totp.now()


class LoginHelper:
    """Logs a test client in through the real login form (and second factor, if enrolled)."""

    def __init__(self, client):
        self.client = client

    def __call__(self, user, password: str = PASSWORD):
        """Log in as ``user``; returns the last response (a redirect to the start page)."""
        from caseapp.core.extensions import db

        self.client.post("/logout")
        response = self.client.post(
            "/login", data={"email": user.email, "password": password}, follow_redirects=False
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        if response.headers["Location"].endswith("/login/second-factor"):
            for _attempt in range(2):  # a 30-second step may end between code and request
                # Test-only: forget the last used step, so logging the same user in twice
                # within one step is possible (the app refuses a replayed code).
                db.session.refresh(user)
                user.totp_last_step = None
                db.session.commit()
                response = self.client.post("/login/second-factor", data={"code": totp_code(user)})
                if response.status_code == 302:
                    break
            assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response
