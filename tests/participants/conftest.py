"""The security tests' world (two agencies, one actor of each kind, the participants)."""

from tests.security.conftest import world  # noqa: F401 (a fixture)
