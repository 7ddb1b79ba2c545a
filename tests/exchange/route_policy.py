"""Route policy of the JSON API (issue 11): public pairing and inbox, reads by session or token,
operations by token only (a session cookie gets 401, so the API can be CSRF-exempt)."""

from __future__ import annotations

from tests.security.route_policy import Rule

POLICY = {
    "api.openapi": Rule.PUBLIC,
    "api.exchange_key": Rule.PUBLIC,
    "api.inbox": Rule.PUBLIC,  # authenticated by the partner's signature on the document
    "api.cases": Rule.CASE_LIST,
    "api.case_detail": Rule.CASE_VIEW,
    "api.incoming": Rule.STAFF,
    "api.open_incoming": Rule.API_TOKEN,
    "api.send_document": Rule.API_TOKEN,
    "api.approve_return": Rule.API_TOKEN,
}

BUILDERS = {"request_id": lambda world: 1}
