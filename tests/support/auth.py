"""Logging test clients in."""

from __future__ import annotations

from tests.support.factories import PASSWORD


class LoginHelper:
    """Logs a test client in through the real login form."""

    def __init__(self, client):
        self.client = client

    def __call__(self, user, password: str = PASSWORD):
        """Log in as ``user``; returns the response."""
        self.client.post("/logout")
        response = self.client.post(
            "/login", data={"email": user.email, "password": password}, follow_redirects=False
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response
