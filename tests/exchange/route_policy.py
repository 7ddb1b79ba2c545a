"""Route policy of the JSON API and the exchange pages (issue 11).

The API: public pairing and inbox, reads by session or token, operations by token only (a
session cookie gets 401, so the API can be CSRF-exempt). The pages: the partner register is
the admins'; a case's exchange is seen by whoever sees the case and sent by whoever records on
it; the incoming list and the file import are the agencies' staff's; a request is opened by
the staff of the agency that leads the partner's incoming returns.
"""

from __future__ import annotations

from tests.exchange.records import exported_document, partner, waiting_request
from tests.security.route_policy import Rule

VIEW_EDIT = {"GET": Rule.CASE_VIEW, "POST": Rule.CASE_EDIT}

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
    "exchange.partners": Rule.ADMIN_ONLY,
    "exchange.new_partner": Rule.ADMIN_ONLY,
    "exchange.edit_partner": Rule.ADMIN_ONLY,
    "exchange.case": Rule.CASE_VIEW,
    "exchange.request_home_study": Rule.CASE_EDIT,
    "exchange.send": Rule.CASE_EDIT,
    "exchange.export": Rule.CASE_EDIT,
    "exchange.incoming": Rule.STAFF,
    "exchange.open_incoming": Rule.CASE_EDIT,  # staff of the partner's local agency (A)
    "exchange.import_document": Rule.STAFF,
}

BUILDERS = {
    "request_id": lambda world: waiting_request(world).id,
    "partner_id": lambda world: partner(world).id,
    "exchange_document_id": lambda world: exported_document(world).id,
    # A type the sending side writes; the builder of the document pairs world.case first.
    "doc_type": lambda world: exported_document(world) and "travel_plan",
}
