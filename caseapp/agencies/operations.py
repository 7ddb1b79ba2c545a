"""Agency operations."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import func, select

from caseapp.agencies.models import Agency, AgencyKind
from caseapp.audit.recorder import record
from caseapp.core.countries import is_country
from caseapp.core.errors import ValidationFailed
from caseapp.core.extensions import db

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{1,31}$")
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")


def _refuse(field: str, message: str):
    """Raise ``ValidationFailed`` naming the form field it concerns (shown next to it)."""
    raise ValidationFailed(message, details={field: [message]})


def create_agency(actor, *, code: str, name: str, country: str, kind: AgencyKind) -> Agency:
    """Create an agency with a unique code and an ISO 3166-1 alpha-2 country."""
    code, country = code.strip().upper(), country.strip().upper()
    if not CODE_RE.match(code):
        _refuse("code", _("The code must be 2-32 letters, digits, '-' or '_'."))
    if not COUNTRY_RE.match(country) or not is_country(country):
        _refuse("country", _("The country must be a two-letter ISO code, e.g. MD."))
    if not name.strip():
        _refuse("name", _("Enter the agency's name."))
    if db.session.scalar(select(func.count()).where(Agency.code == code)):
        _refuse("code", _("An agency with this code already exists."))
    agency = Agency(code=code, name=name.strip(), country=country, kind=kind, active=True)
    db.session.add(agency)
    record(actor, "agency:agency:create", agency)
    return agency
