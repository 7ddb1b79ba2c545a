"""The API keeps its OpenAPI contract (issue 11 item 6): schemathesis generates requests from
``/api/openapi.json`` for every operation and checks each answer -- no server error, a status
the document declares, JSON where it says JSON, an error body of the declared shape.

A bounded number of examples per operation (``MAX_EXAMPLES``) keeps it within ``make test``'s
time; the requests carry a caseworker's bearer token, so the authenticated paths are reached
(the 401 without credentials is ``test_api.py``'s).
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from caseapp.core.permissions import Role

MAX_EXAMPLES = 15


def _operations(app) -> list:
    api = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    return [result.ok() for result in api.get_all_operations()]


def test_api_keeps_its_openapi_contract(app, factory, db):
    from caseapp.api.operations import create_token

    user = factory.user(Role.CASEWORKER)
    factory.case(agency=user.agency, caseworker=user)
    _token, text = create_token(None, user, name="contract test")
    db.session.commit()
    headers = {"Authorization": f"Bearer {text}"}
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    operations = _operations(app)
    spec = app.test_client().get("/api/openapi.json").get_json()
    declared = {
        f"{m.upper()} {p}" for p, ops in spec["paths"].items() for m in ops if m != "parameters"
    }
    # Every operation of every API route (schemathesis leaves out the document's own route,
    # which test_api.py checks).
    assert {o.label for o in operations} == declared - {"GET /api/openapi.json"}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def keeps_contract(case):
            case.validate_response(case.call(headers=headers), checks=checks)

        keeps_contract()
