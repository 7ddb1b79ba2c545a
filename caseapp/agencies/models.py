"""The Agency model."""

from __future__ import annotations

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.core.db import str_enum
from caseapp.core.enums import LabelledEnum
from caseapp.core.extensions import db
from caseapp.core.i18n import lazy_gettext as _l


class AgencyKind(LabelledEnum):
    """What an agency is; only child protection may lead a case (002, Rec 3)."""

    CHILD_PROTECTION = "child_protection", _l("child protection")
    CENTRAL_AUTHORITY = "central_authority", _l("central authority")
    NGO = "ngo", _l("NGO")
    LAW_ENFORCEMENT = "law_enforcement", _l("law enforcement")
    CONSULATE = "consulate", _l("consulate")
    COUNTERPART_ABROAD = "counterpart_abroad", _l("counterpart abroad")
    OMBUDSPERSON = "ombudsperson", _l("ombudsperson institution")


# Who may be the counterpart child-protection authority of the country of return (S12) and
# receive the child (S14): child protection, at home or abroad (002, Rec 2; Rec 3).
CHILD_PROTECTION_KINDS = (AgencyKind.CHILD_PROTECTION, AgencyKind.COUNTERPART_ABROAD)


class Agency(db.Model):
    """An authority or organisation, in one country."""

    __tablename__ = "agency"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    kind: Mapped[AgencyKind] = mapped_column(str_enum(AgencyKind, "agency_kind"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def may_lead_cases(self) -> bool:
        """Children are the responsibility of child protection, not law enforcement (002, Rec 3)."""
        return self.kind is AgencyKind.CHILD_PROTECTION

    def __repr__(self) -> str:
        return f"<Agency {self.code}>"
