"""Drafts and "stay signed in" (issue 12 item 2)."""

from tests.security.route_policy import Rule

POLICY = {
    # Any signed-in user may post; the path's case is then loaded with the edit check
    # (404 outside scope, 403 read-only), tested in tests/drafts/test_drafts.py.
    "drafts.save": Rule.ANY_LOGGED_IN,
    "drafts.keepalive": Rule.ANY_LOGGED_IN,
}
