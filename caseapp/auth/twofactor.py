"""Two-factor authentication: TOTP (RFC 6238, pyotp) and one-time recovery codes.

Required for supervisors, ombudspersons and admins (``MFA_REQUIRED_ROLES``), optional for
caseworkers (ASVS 5.0 V6.3.3). Rules:
- a TOTP code is accepted for its own 30-second time-step only (V6.5.5), checked against the
  server clock (V6.5.8), and never twice: the last accepted step is stored and a code of
  that step or an earlier one is refused (V6.5.1);
- seeds and recovery codes come from the OS CSPRNG (V6.5.3);
- recovery codes carry 120 random bits (V6.5.4), are stored as SHA-256 only (V6.5.2) and
  each works once (V6.5.1).
Operations only flush; the views commit.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import Any, cast

import pyotp
from flask import current_app
from sqlalchemy import CursorResult, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import record
from caseapp.auth.models import RecoveryCode, User
from caseapp.core.db import utcnow
from caseapp.core.extensions import db

ISSUER = "caseapp"
STEP_SECONDS = 30
RECOVERY_CODE_COUNT = 10
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 32 symbols, no 0/O/1/I: 5 bits each


def role_requires_2fa(user: User) -> bool:
    """Whether the user's role must use a second factor. Participants always must (issue 10
    item 5: people outside the lead agency, invited by e-mail), whatever the setting says."""
    if user.is_participant:
        return True
    return str(user.role) in tuple(current_app.config["MFA_REQUIRED_ROLES"])


def new_secret() -> str:
    """A fresh TOTP seed (160 bits, base32)."""
    return pyotp.random_base32(length=32)


def provisioning_uri(user: User, secret: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The QR code as an inline SVG ``data:`` URI (no external service, CSP ``img-src data:``).

    qrcode (with Pillow, ~5 MB) is imported here, at enrolment, not by every worker that
    imports this module (issue 16 item 6: memory)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg = image.to_string(encoding="unicode")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def current_step() -> int:
    """The current TOTP time-step by the server clock."""
    return int(utcnow().timestamp()) // STEP_SECONDS


def _matching_step(secret: str, code: str) -> int | None:
    """The step whose code equals ``code``: the current step only (30 s lifetime)."""
    code = "".join(code.split())
    if not code.isdigit() or len(code) != 6:
        return None
    step = current_step()
    expected = pyotp.TOTP(secret).at(step * STEP_SECONDS)
    return step if hmac.compare_digest(expected, code) else None


def verify_totp(user: User, code: str) -> bool:
    """Accept ``code`` once: the step must be later than the last one accepted.

    The step is claimed by one conditional ``UPDATE ... WHERE totp_last_step < step`` whose
    changed-row count decides: of several requests with the same code at the same moment,
    exactly one changes the row and gets in (issue 14, finding 3; ASVS 5.0 V6.5.1). A
    read-compare-write would let all of them in on PostgreSQL.
    """
    if not user.has_totp or user.totp_secret is None:  # has_totp implies a secret
        return False
    step = _matching_step(user.totp_secret, code)
    if step is None:
        return False
    claimed = db.session.execute(
        update(User)
        .where(
            User.id == user.id,
            or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        )
        .values(totp_last_step=step),
        execution_options={"synchronize_session": False},
    )
    if cast(CursorResult[Any], claimed).rowcount != 1:
        return False
    set_committed_value(user, "totp_last_step", step)
    return True


def _code_hash(code: str) -> str:
    normalised = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes; return the new ones (shown once, stored hashed)."""
    for old in db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        db.session.delete(old)
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(24))  # 120 bits
        codes.append("-".join(raw[i : i + 4] for i in range(0, 24, 4)))
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_code_hash(raw)))
    db.session.flush()
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    """Accept an unused recovery code of this user once (claimed by a conditional update, so
    two sessions posting the same code at once cannot both get in)."""
    claimed = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _code_hash(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    return cast(CursorResult[Any], claimed).rowcount == 1


def enrol(user: User, secret: str, code: str) -> list[str] | None:
    """Enrol ``secret`` if ``code`` proves the user's app holds it; return recovery codes."""
    step = _matching_step(secret, code)
    if step is None:
        return None
    record(user, AuditAction.TWO_FACTOR_ENROL, user, diff={"totp": [False, True]})
    user.totp_secret = secret
    user.totp_enabled_at = utcnow()
    user.totp_last_step = step
    return new_recovery_codes(user)


def reset(actor: User | None, user: User) -> None:
    """Remove the user's second factor (an operator's recovery path, ``flask users reset-2fa``)."""
    record(actor, AuditAction.TWO_FACTOR_RESET, user, diff={"totp": [True, False]})
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    for old in db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        db.session.delete(old)
    db.session.flush()
