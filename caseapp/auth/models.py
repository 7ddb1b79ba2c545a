"""The User model."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.agencies.models import Agency
from caseapp.core.db import UTCDateTime, str_enum, utcnow
from caseapp.core.extensions import db
from caseapp.core.permissions import Permission, Role, role_has


class User(UserMixin, db.Model):
    """A person who logs in. Caseworkers and supervisors belong to an agency."""

    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(
            "role NOT IN ('caseworker', 'supervisor') OR agency_id IS NOT NULL",
            name="agency_staff_have_agency",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str] = mapped_column(String(8), default="en")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agency: Mapped[Agency | None] = relationship(lazy="joined")

    @property
    def is_active(self) -> bool:  # Flask-Login: deactivated users cannot log in
        """Deactivated accounts are refused by Flask-Login."""
        return self.active

    def can(self, permission: Permission) -> bool:
        """Whether this user's role grants ``permission``."""
        return role_has(self.role, permission)

    @property
    def sees_all_cases(self) -> bool:
        """Ombudspersons read every case; no one else does."""
        return self.role is Role.OMBUDSPERSON

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"
