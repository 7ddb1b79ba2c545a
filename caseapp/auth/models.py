"""The User model, server-side sessions, recovery codes and login attempts."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.agencies.models import Agency
from caseapp.core.db import UTCDateTime, str_enum, utcnow
from caseapp.core.extensions import db
from caseapp.core.permissions import PARTICIPANT_ROLES, STAFF_ROLES, Permission, Role, role_has


class User(UserMixin, db.Model):
    """A person who logs in. Caseworkers and supervisors belong to an agency."""

    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(
            "role NOT IN ('caseworker', 'supervisor') OR agency_id IS NOT NULL",
            name="agency_staff_have_agency",
        ),
        # A participant is a user of their own agency (issue 10 item 1).
        CheckConstraint(
            "role NOT IN ('guardian', 'legal_representative', 'central_authority_officer',"
            " 'monitor', 'counterpart_officer') OR agency_id IS NOT NULL",
            name="participants_have_agency",
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
    # Second factor (TOTP, RFC 6238). The last accepted time-step refuses a replayed code
    # (ASVS 5.0 V6.5.1).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)

    agency: Mapped[Agency | None] = relationship(lazy="joined")

    @property
    def is_active(self) -> bool:  # Flask-Login: deactivated users cannot log in
        """Deactivated accounts are refused by Flask-Login."""
        return self.active

    def can(self, permission: Permission) -> bool:
        """Whether this user's role grants ``permission``."""
        return role_has(self.role, permission)

    @property
    def is_staff(self) -> bool:
        """A caseworker or supervisor of a lead agency."""
        return self.role in STAFF_ROLES

    @property
    def is_participant(self) -> bool:
        """A guardian, lawyer, Central Authority officer, monitor or counterpart officer:
        sees only the cases they are assigned to (issue 10)."""
        return self.role in PARTICIPANT_ROLES

    @property
    def sees_all_cases(self) -> bool:
        """Ombudspersons read every case; no one else does."""
        return self.role is Role.OMBUDSPERSON

    @property
    def has_totp(self) -> bool:
        """Whether the user has enrolled a second factor."""
        return self.totp_secret is not None and self.totp_enabled_at is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class SessionStage(StrEnum):
    """How far a login has come: a session is usable only when ``active``."""

    SECOND_FACTOR = "second_factor"  # password accepted, TOTP or recovery code awaited
    ENROL = "enrol"  # password accepted, the role requires 2FA and none is enrolled yet
    ACTIVE = "active"


class UserSession(db.Model):
    """A login session kept on the server; the browser holds only a random token.

    Only the SHA-256 of the token is stored, so a copy of the table (a backup, a database
    administrator) cannot be replayed as a cookie (ASVS 5.0 V7.2.1, V7.2.3).
    """

    __tablename__ = "user_session"
    __table_args__ = (
        CheckConstraint("(ended_at IS NULL) = (end_reason IS NULL)", name="ended_iff_end_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    stage: Mapped[SessionStage] = mapped_column(str_enum(SessionStage, "session_stage"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(40))
    # A TOTP secret offered during enrolment, until the user confirms it with a code.
    pending_totp_secret: Mapped[str | None] = mapped_column(String(64))

    user: Mapped[User] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<UserSession {self.id} user={self.user_id} {self.stage}>"


class RecoveryCode(db.Model):
    """A one-time recovery code; 120 random bits, so SHA-256 is enough (ASVS 5.0 V6.5.2)."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LoginAttempt(db.Model):
    """One password attempt, counted in the database so every worker sees it (ASVS 5.0 V6.3.1).

    The account is identified by a keyed hash of the e-mail typed, so attempts on unknown
    addresses are counted exactly like attempts on real ones and no address is stored.
    """

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_account_key_occurred_at", "account_key", "occurred_at"),
        Index("ix_login_attempt_ip_occurred_at", "ip", "occurred_at"),
        Index("ix_login_attempt_occurred_at", "occurred_at"),  # forgetting old attempts
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    account_key: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str] = mapped_column(String(64))
    succeeded: Mapped[bool] = mapped_column(Boolean)


class LoginBurst(db.Model):
    """A run of anonymous sign-in noise: failures on unknown accounts and refused attempts.

    Counted here and audited as one ``auth:login:burst`` entry with the counts when the burst
    ends (``caseapp.auth.throttle``), so anonymous clients cannot grow the append-only audit
    table one entry per attempt (issue 14, finding 4).
    """

    __tablename__ = "login_burst"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    unknown_failures: Mapped[int] = mapped_column(Integer, default=0)
    refused_attempts: Mapped[int] = mapped_column(Integer, default=0)
    audited_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


class PasswordResetToken(db.Model):
    """A password-reset link sent by e-mail: one use, expiring (ASVS 5.0 V6.4.1, V6.4.2).

    Only the SHA-256 of the token is stored (256 random bits, so no salt is needed); the
    link in the message is the only copy of the token.
    """

    __tablename__ = "password_reset_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")


class Invitation(db.Model):
    """An invitation to a participant's new account: a one-time link that expires (issue 10
    item 5; ASVS 5.0 V6.4.1). As with ``PasswordResetToken`` only the SHA-256 of the token is
    stored; the link in the message is the only copy. Spending it sets the first password;
    the second factor is then enrolled at the first login (participants must use one).
    """

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
