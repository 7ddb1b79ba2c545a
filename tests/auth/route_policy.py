"""Routes of the auth package declared by the ux work (issue 12)."""

from tests.security.route_policy import Rule

POLICY = {
    # The language switch on every page: anyone, signed in or not (a cookie before login).
    "auth.language": Rule.PUBLIC,
    # Password reset by e-mail link: before login, so anyone.
    "auth.forgot_password": Rule.PUBLIC,
    "auth.reset_password": Rule.PUBLIC,
}
