"""Choosing people's organisations from the agency register instead of typing them.

The gate derives facts from the register (the kind of an agency, whether it is the lead
agency): DESIGN.md section 4.1, item 1; issue 9, principle 1.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import has_request_context, request
from flask_babel import gettext as _
from sqlalchemy import select

from caseapp.agencies.models import Agency, AgencyKind
from caseapp.core.errors import ValidationFailed
from caseapp.core.extensions import db


def from_register(
    agency_id: int | None, *, kinds: Iterable[AgencyKind] | None = None
) -> Agency | None:
    """The active agency ``agency_id`` (None for None); refused when it is not in the
    register, inactive, or not of one of ``kinds``."""
    if agency_id is None:
        return None
    agency = db.session.get(Agency, agency_id)
    if agency is None or not agency.active:
        raise ValidationFailed(_("Choose an agency from the register."))
    allowed = frozenset(kinds) if kinds is not None else None
    if allowed is not None and agency.kind not in allowed:
        raise ValidationFailed(_("This agency is not of the kind needed here."))
    return agency


def register_choices(kinds: Iterable[AgencyKind] | None = None) -> list[tuple[int, str]]:
    """(id, "Name (country)") of the active agencies, for a select field.

    The register is read once per request, however many fields offer it (a page with six
    agency fields runs one query; issue 16)."""
    allowed = frozenset(kinds) if kinds is not None else None
    return [
        (a.id, f"{a.name} ({a.country})")
        for a in _active_agencies()
        if allowed is None or a.kind in allowed
    ]


def _active_agencies() -> list[Agency]:
    query = select(Agency).where(Agency.active.is_(True)).order_by(Agency.name)
    if not has_request_context():
        return list(db.session.scalars(query))
    key = "caseapp.active_agencies"
    if key not in request.environ:
        request.environ[key] = list(db.session.scalars(query))
    return request.environ[key]


def known_user(user_id: int | None):
    """The user ``user_id`` (None for None), e.g. a guardian or interpreter with an account;
    refused when there is no such user."""
    from caseapp.auth.models import User

    if user_id is None:
        return None
    user = db.session.get(User, user_id)
    if user is None:
        raise ValidationFailed(_("Choose a person who has an account."))
    return user
