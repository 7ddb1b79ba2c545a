"""The JSON API (issue 11 item 5): the exchange inbox, a read API of cases, and the same
domain operations as the pages -- the return gate included -- for scripts.

Authentication: the inbox by the partner's signature on each document; everything else by a
user's bearer token (``Authorization: Bearer cat_...``, see ``flask api token-create``), which
acts with exactly that user's rights. A GET also accepts the browser session. Routes that
change data take a token only, so the blueprint is exempt from CSRF (no cookie can drive it).
Errors are JSON ``{"error": {"code": ..., "message": ...}}``; without credentials, 401.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, g, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from caseapp.api import bodies
from caseapp.api.openapi import build, documented
from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import pending
from caseapp.cases.models import Case
from caseapp.core import web
from caseapp.core.errors import DomainError
from caseapp.core.extensions import csrf, db
from caseapp.core.permissions import Role
from caseapp.core.validators import id_arg
from caseapp.core.web import audit_read, later
from caseapp.exchange import keys
from caseapp.exchange.documents import DocumentType
from caseapp.exchange.inbox import ExchangeRefused, receive
from caseapp.exchange.models import ExchangeDocument, Transport

bp = Blueprint("api", __name__, url_prefix="/api")
csrf.exempt(bp)

E = {"$ref": "#/components/schemas/Error"}
TOKEN: list[dict[str, list[str]]] = [{"token": []}]
_MEANING = {
    400: "invalid request",
    401: "no credentials, or a token that is not valid",
    403: "not allowed to this user",
    404: "not found, or not the user's to see",
    409: "conflict: stale version, gate not satisfied, no exchange",
}


def answers(ok: int, description: str, *errors: int) -> dict[str, Any]:
    """The responses of an operation: its success and its JSON errors (``Error``)."""
    responses: dict[str, Any] = {str(ok): {"description": description}}
    for status in errors:
        responses[str(status)] = {
            "description": _MEANING[status],
            "content": {"application/json": {"schema": E}},
        }
    return responses


def error(code: str, message: str, status: int, **extra: Any):
    """A JSON error with a stable code."""
    return jsonify({"error": {"code": code, "message": message}, **extra}), status


class ApiAbort(Exception):
    """Stop a view with a JSON error."""

    def __init__(self, code: str, message: str, status: int) -> None:
        super().__init__(code)
        self.code, self.message, self.status = code, message, status


@bp.errorhandler(ApiAbort)
def _api_abort(err: ApiAbort):
    db.session.rollback()
    return error(err.code, err.message, err.status)


@bp.errorhandler(DomainError)
def _domain(err: DomainError):
    web.refused(err)
    details = err.details if isinstance(err.details, dict) else None
    code = getattr(err, "code", None) or _snake(type(err).__name__)
    extra: dict[str, Any] = {}
    if details:
        extra["details"] = {k: [str(m) for m in v] for k, v in details.items()}
    if hasattr(err.details, "to_dict"):
        extra["gate"] = err.details.to_dict()
    return error(code, err.message, err.status_code, **extra)


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


def api_user(*, token_only: bool = False):
    """The user of the bearer token (or, for a GET, of the session); 401 otherwise. The API
    is not for participants: it shows whole cases, beyond their matrix (issue 10), so 403."""
    user = _api_user(token_only=token_only)
    if user.is_participant:
        raise ApiAbort("forbidden", _("The API is for agency staff and ombudspersons."), 403)
    return user


def _api_user(*, token_only: bool):
    from caseapp.api.operations import user_for_token

    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        user = user_for_token(header[len("Bearer ") :].strip())
        if user is None:
            raise ApiAbort("invalid_token", _("The token is not valid."), 401)
        g.api_user = user
        return user
    if not token_only and current_user.is_authenticated:
        return current_user._get_current_object()
    raise ApiAbort("unauthenticated", _("Authentication required: send a bearer token."), 401)


def _case(user, case_id: int, *, edit: bool = False) -> Case:
    case = db.session.get(Case, case_id)
    if case is None or not case.can_view(user):
        if case is not None:
            later(pending(user, AuditAction.ACCESS_REFUSE, case, diff={}).write)
        raise ApiAbort("not_found", _("No such case."), 404)
    if edit and not case.can_edit(user):
        raise ApiAbort("forbidden", _("You may not change this case."), 403)
    return case


def _json_body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiAbort("invalid_json", _("Send a JSON object."), 400)
    return data


# -- public ---------------------------------------------------------------------------------


@bp.route("/openapi.json")
@documented(
    {
        "get": {
            "summary": "This OpenAPI document",
            "responses": {"200": {"description": "OpenAPI 3.0"}},
        }
    }
)
def openapi():
    """The OpenAPI document, generated from the views."""
    return jsonify(build(current_app))


@bp.route("/v1/exchange/key")
@documented(
    {
        "get": {
            "summary": "This instance's exchange public key and fingerprint (for pairing)",
            "responses": {"200": {"description": "key"}},
        }
    }
)
def exchange_key():
    """What a partner's administrator pairs with (the fingerprint is confirmed by phone)."""
    sender = keys.sender()
    return jsonify(
        {
            "name": sender["name"],
            "country": sender["country"],
            "public_key": keys.public_key_text(),
            "key_id": sender["key_id"],
        }
    )


@bp.route("/v1/exchange/inbox", methods=["POST"])
@documented(
    {
        "post": {
            "summary": "Receive a signed exchange document from a partner instance",
            "description": "Authenticated by the partner's Ed25519 signature. Refused before "
            "any change: unknown partner, bad signature, unknown schema version, invalid "
            "document, replayed document id (409, with the first receipt).",
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/SignedEnvelope"}}
                },
            },
            "responses": {
                "200": {"description": "accepted, with the signed receipt"},
                "400": {"description": "invalid", "content": {"application/json": {"schema": E}}},
                "403": {"description": "refused", "content": {"application/json": {"schema": E}}},
                "404": {
                    "description": "unknown exchange",
                    "content": {"application/json": {"schema": E}},
                },
                "409": {"description": "replayed", "content": {"application/json": {"schema": E}}},
                "413": {"description": "too large", "content": {"application/json": {"schema": E}}},
            },
        }
    }
)
def inbox():
    """A partner posts one signed document; we answer with our signed receipt."""
    try:
        stored, receipt = receive(request.get_data(cache=False), transport=Transport.NETWORK)
    except ExchangeRefused as err:
        web.refused(err)
        extra = {"receipt": err.receipt} if err.receipt is not None else {}
        return error(err.code, err.message, err.status_code, **extra)
    return jsonify({"status": "accepted", "document_id": stored.document_id, "receipt": receipt})


# -- the read API ---------------------------------------------------------------------------


@bp.route("/v1/cases")
@documented(
    {
        "get": {
            "summary": "The cases the client may see (at most 100, newest first)",
            "security": TOKEN,
            "responses": answers(200, "cases", 401, 403),
        }
    }
)
def cases():
    """Cases of the user's agency (every case for an ombudsperson; none for an admin)."""
    user = api_user()
    if user.role is Role.ADMIN:
        raise ApiAbort("forbidden", _("Administrators see no child records."), 403)
    query = select(Case).order_by(Case.id.desc()).limit(100)
    if user.role is not Role.OMBUDSPERSON:
        query = query.where(Case.lead_agency_id == user.agency_id)
    return jsonify({"cases": [bodies.case_summary(c) for c in db.session.scalars(query)]})


@bp.route("/v1/cases/<int:case_id>")
@documented(
    {
        "get": {
            "summary": "One case: stage, the return gate, the exchange documents",
            "security": TOKEN,
            "responses": answers(200, "case", 401, 404),
        }
    }
)
def case_detail(case_id: int):
    """A case with its gate (the same evaluation as the page) and exchange (audited read)."""
    user = api_user()
    case = _case(user, case_id)
    audit_read(pending(user, AuditAction.CASE_VIEW, case))
    return jsonify(bodies.case_detail(case))


@bp.route("/v1/exchange/incoming")
@documented(
    {
        "get": {
            "summary": "Home-study requests received for the user's agency, not yet opened",
            "description": (
                "Oldest first, a page at a time: `next_after` is the `after` of the next "
                "page, null on the last."
            ),
            "security": TOKEN,
            "parameters": [
                {
                    "name": "after",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "integer"},
                    "description": "the `next_after` of the previous page",
                }
            ],
            "responses": answers(200, "requests", 401, 403),
        }
    }
)
def incoming():
    """Unopened requests addressed to the user's agency (no child data beyond the request)."""
    from caseapp.exchange.queries import PER_PAGE, unopened_requests

    user = api_user()
    if user.role not in (Role.CASEWORKER, Role.SUPERVISOR):
        raise ApiAbort("forbidden", _("Only agency staff receive requests."), 403)
    after = id_arg(request.args.get("after"))
    found, next_after = unopened_requests(user, after=after, limit=PER_PAGE)
    return jsonify(
        {"requests": [bodies.incoming_request(d) for d in found], "next_after": next_after}
    )


# -- operations (token only) ----------------------------------------------------------------


@bp.route("/v1/exchange/incoming/<int:request_id>/open", methods=["POST"])
@documented(
    {
        "post": {
            "summary": "Open the incoming return for a received home-study request",
            "security": TOKEN,
            "responses": answers(201, "case opened", 400, 401, 403, 404, 409),
        }
    }
)
def open_incoming(request_id: int):
    """``open_incoming_return`` -- the same operation as the page."""
    from caseapp.exchange.operations import open_incoming_return

    user = api_user(token_only=True)
    doc = db.session.get(ExchangeDocument, request_id)
    if doc is None or not doc.can_view(user):
        raise ApiAbort("not_found", _("No such request."), 404)
    case = open_incoming_return(user, doc)
    return jsonify(bodies.case_summary(case)), 201


@bp.route("/v1/cases/<int:case_id>/exchange/documents", methods=["POST"])
@documented(
    {
        "post": {
            "summary": "Sign and send an exchange document on the case's exchange",
            "security": TOKEN,
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["type", "body"],
                            "properties": {
                                "type": {"type": "string", "enum": [str(t) for t in DocumentType]},
                                "body": {"type": "object"},
                                "transport": {"type": "string", "enum": ["network", "file"]},
                            },
                        }
                    }
                },
            },
            "responses": answers(201, "queued", 400, 401, 403, 404, 409),
        }
    }
)
def send_document(case_id: int):
    """``send`` -- the body is checked against the type's JSON Schema before it is signed."""
    from caseapp.exchange.operations import link_of
    from caseapp.exchange.sending import send

    user = api_user(token_only=True)
    case = _case(user, case_id, edit=True)
    data = _json_body()
    link = link_of(case)
    if link is None:
        raise ApiAbort("no_exchange", _("This case has no exchange with a partner."), 409)
    doc_type, transport, body = _document_of(data)
    sent = send(user, link, doc_type, body, transport=transport)
    return jsonify({"document_id": sent.document_id, "exchange_id": sent.exchange_id}), 201


def _document_of(data: dict) -> tuple[DocumentType, Transport, dict]:
    """The document a ``send`` names, field by field (400 ``invalid_document``): a known
    type and transport, and a JSON object as its body (checked against the type's schema
    when sent)."""
    try:
        doc_type = DocumentType(data.get("type") or "")  # missing: not a type
        transport = Transport(data.get("transport", "network"))
    except ValueError as err:
        raise ApiAbort("invalid_document", _("Unknown document type or transport."), 400) from err
    body = data.get("body")
    if not isinstance(body, dict):
        raise ApiAbort("invalid_document", _("The body must be a JSON object."), 400)
    return doc_type, transport, body


@bp.route("/v1/cases/<int:case_id>/return-approval", methods=["POST"])
@documented(
    {
        "post": {
            "summary": "Approve the return through the return gate (as the page does)",
            "security": TOKEN,
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["version"],
                            "properties": {"version": {"type": "integer"}},
                        }
                    }
                },
            },
            "responses": answers(200, "approved", 400, 401, 403, 404, 409),
        }
    }
)
def approve_return(case_id: int):
    """``approve_return``: the gate refuses while any safeguard is unmet (audited)."""
    from caseapp.gate.operations import approve_return as approve

    user = api_user(token_only=True)
    case = _case(user, case_id)
    version = _json_body().get("version")
    if not isinstance(version, int):
        raise ApiAbort("invalid_version", _("Send the case version you read."), 400)
    approve(user, case, expected_version=version)
    return jsonify(bodies.case_summary(case))
