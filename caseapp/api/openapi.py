"""The OpenAPI document, generated from the API's views with apispec (issue 11 item 5).

Each API view declares its operations with ``@documented({...})`` next to its code; the
document walks ``app.url_map``, so a route cannot exist undocumented (a test checks it).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from apispec import APISpec
from flask import Flask

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
        },
        "receipt": {"$ref": "#/components/schemas/SignedEnvelope"},
    },
}

ENVELOPE = {
    "type": "object",
    "required": ["document", "signature", "alg"],
    "additionalProperties": False,
    "properties": {
        "document": {"type": "object"},
        "signature": {"type": "string", "description": "base64 Ed25519 signature"},
        "alg": {"type": "string", "enum": ["Ed25519"]},
    },
}


def documented(operations: dict[str, dict[str, Any]]) -> Callable:
    """Attach OpenAPI operations (``{"get": {...}}``) to a view."""

    def mark(view: Callable) -> Callable:
        view.__apidoc__ = operations  # type: ignore[attr-defined]
        return view

    return mark


def _path(rule: str) -> str:
    return re.sub(r"<(?:[a-z_]+:)?([a-z_]+)>", r"{\1}", rule)


def build(app: Flask) -> dict[str, Any]:
    """The OpenAPI 3.0 document of every documented API route."""
    spec = APISpec(
        title="caseapp API",
        version="1",
        openapi_version="3.0.3",
        info={
            "description": "Cross-border exchange between caseapp instances and a read API "
            "(002, Rec 2 and Rec 6). Errors are JSON: {error: {code, message}}."
        },
    )
    spec.components.schema("Error", ERROR)
    spec.components.schema("SignedEnvelope", ENVELOPE)
    spec.components.security_scheme("token", {"type": "http", "scheme": "bearer"})
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        view = app.view_functions.get(rule.endpoint)
        operations = getattr(view, "__apidoc__", None)
        if operations is None:
            continue
        parameters = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}
            for name in sorted(rule.arguments)
        ]
        spec.path(path=_path(rule.rule), operations=operations, parameters=parameters)
    return spec.to_dict()
