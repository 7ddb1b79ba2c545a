"""Route policy of closing and reopening a case: the close page is an edit page."""

from __future__ import annotations

from tests.security.route_policy import Rule

POLICY = {
    "closure.close": Rule.CASE_EDIT,
    "closure.reopen": Rule.CASE_EDIT,
}
