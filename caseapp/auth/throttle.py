"""Sign-in throttling that slows guessing and cannot lock a person out (ASVS 5.0 V6.3.1;
issue 14, finding 4).

Attempts are counted in the database (``login_attempt``), so every gunicorn worker and every
server sharing the database sees the same count. There is no lockout: after a few failures
the next attempt must wait, and the wait grows with each failure:

- per account and address (the same e-mail typed from the same address): after
  ``LOGIN_FREE_FAILURES`` failures, ``LOGIN_DELAY_SECONDS`` doubled per further failure, up
  to ``LOGIN_PAIR_MAX_DELAY`` (15 minutes);
- per account (from any address): the same growth, but at most ``LOGIN_ACCOUNT_MAX_DELAY``
  (one minute) — someone else guessing slows the account down, never shuts its owner out;
- per address: beyond ``LOGIN_MAX_FAILURES_PER_IP`` failures within the window (generous: a
  whole office may sign in from one address), attempts from it are spaced the same way.

An address from which the account signed in successfully within ``LOGIN_FAMILIAR_DAYS`` is
*familiar*: for it the account-wide and address limits do not apply, only its own pair
delay. So failures from elsewhere (or from a noisy colleague behind the same address) never
delay the person at their usual desk. A success resets the counts of its account and pair.

Failures count since the window start (``LOGIN_WINDOW_SECONDS``) or the last success. A
refused (waiting) attempt is not counted — the password is not even checked — so hammering
does not lengthen the wait. The account is identified by an HMAC of the e-mail typed, so
unknown addresses are throttled exactly like real ones (V6.3.8).

Audit: a failure on a real account is audited ``auth:login:fail``. Failures on unknown
accounts and refused attempts are not audited one by one (anyone could grow the append-only
audit table without bound): they are counted in a ``login_burst`` and audited as one
``auth:login:burst`` entry with the counts when the burst ends (no such attempt for
``LOGIN_BURST_GAP_SECONDS``, or after ``LOGIN_BURST_MAX_SECONDS``).
"""

from __future__ import annotations

import hashlib
import hmac
import math
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, delete, func, or_, select, update

from caseapp.audit.recorder import record
from caseapp.auth.models import LoginAttempt, LoginBurst
from caseapp.core.db import utcnow
from caseapp.core.extensions import db

DEFAULTS = {
    "LOGIN_FREE_FAILURES": 3,
    "LOGIN_DELAY_SECONDS": 2,
    "LOGIN_ACCOUNT_MAX_DELAY": 60,
    "LOGIN_PAIR_MAX_DELAY": 15 * 60,
    "LOGIN_WINDOW_SECONDS": 60 * 60,
    "LOGIN_MAX_FAILURES_PER_IP": 300,
    "LOGIN_FAMILIAR_DAYS": 30,
    "LOGIN_BURST_GAP_SECONDS": 5 * 60,
    "LOGIN_BURST_MAX_SECONDS": 60 * 60,
}


def _cfg(key: str) -> int:
    return int(current_app.config.get(key, DEFAULTS[key]))


def account_key(email: str) -> str:
    """Keyed hash of the (normalised, lower-cased) e-mail typed at login."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()


@contextmanager
def read_only():
    """A connection for reads that takes no write lock (SQLite: ``BEGIN DEFERRED``)."""
    with db.engine.connect() as conn:
        yield conn.execution_options(sqlite_read_only=True)


def delay_after(failures: int, max_delay: int) -> float:
    """Seconds to wait after ``failures`` failures: none for the first few, then doubling."""
    extra = failures - _cfg("LOGIN_FREE_FAILURES")
    if extra <= 0:
        return 0.0
    return float(min(max_delay, _cfg("LOGIN_DELAY_SECONDS") * 2 ** min(extra - 1, 30)))


@dataclass
class _Failures:
    count: int
    last: datetime | None


def _failures(conn, where, since: datetime) -> _Failures:
    count, last = conn.execute(
        select(func.count(), func.max(LoginAttempt.occurred_at)).where(
            where, LoginAttempt.succeeded.is_(False), LoginAttempt.occurred_at > since
        )
    ).one()
    if last is not None and last.tzinfo is None:  # SQLite returns aggregates naive
        last = last.replace(tzinfo=utcnow().tzinfo)
    return _Failures(int(count), last)


def _last_success(conn, where) -> datetime | None:
    last = conn.scalar(
        select(func.max(LoginAttempt.occurred_at)).where(where, LoginAttempt.succeeded.is_(True))
    )
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=utcnow().tzinfo)
    return last


def _wait(failures: _Failures, max_delay: int, now: datetime) -> float:
    if failures.last is None:
        return 0.0
    ready = failures.last + timedelta(seconds=delay_after(failures.count, max_delay))
    return max(0.0, (ready - now).total_seconds())


def wait_seconds(conn, key: str, ip: str, *, now: datetime | None = None) -> int:
    """Seconds before the next attempt on ``key`` from ``ip`` may be checked (0: now).

    ``conn`` is a read-only connection (``read_only()``): nothing here takes a write lock.
    """
    now = now or utcnow()
    window = now - timedelta(seconds=_cfg("LOGIN_WINDOW_SECONDS"))
    on_key = LoginAttempt.account_key == key
    on_pair = and_(on_key, LoginAttempt.ip == ip[:64])
    pair_success = _last_success(conn, on_pair)
    key_success = _last_success(conn, on_key)
    familiar = pair_success is not None and pair_success > now - timedelta(
        days=_cfg("LOGIN_FAMILIAR_DAYS")
    )
    pair_since = max(window, pair_success) if pair_success else window
    waits = [_wait(_failures(conn, on_pair, pair_since), _cfg("LOGIN_PAIR_MAX_DELAY"), now)]
    if not familiar:
        key_since = max(window, key_success) if key_success else window
        waits.append(
            _wait(_failures(conn, on_key, key_since), _cfg("LOGIN_ACCOUNT_MAX_DELAY"), now)
        )
        from_address = _failures(conn, LoginAttempt.ip == ip[:64], window)
        over = from_address.count - _cfg("LOGIN_MAX_FAILURES_PER_IP")
        if over >= 0:
            over_limit = _Failures(over + _cfg("LOGIN_FREE_FAILURES") + 1, from_address.last)
            waits.append(_wait(over_limit, _cfg("LOGIN_PAIR_MAX_DELAY"), now))
    return math.ceil(max(waits))


def note_attempt(key: str, ip: str, *, succeeded: bool) -> None:
    """Count one checked attempt and forget old ones (flushes; the view commits)."""
    now = utcnow()
    db.session.add(LoginAttempt(account_key=key, ip=ip[:64], succeeded=succeeded, occurred_at=now))
    window = now - timedelta(seconds=_cfg("LOGIN_WINDOW_SECONDS"))
    familiar = now - timedelta(days=_cfg("LOGIN_FAMILIAR_DAYS"))
    db.session.execute(
        delete(LoginAttempt).where(
            or_(
                LoginAttempt.occurred_at < familiar,
                and_(LoginAttempt.succeeded.is_(False), LoginAttempt.occurred_at < window),
            )
        ),
        execution_options={"synchronize_session": False},
    )
    db.session.flush()


def _open_burst_id(now: datetime) -> int | None:
    gap = now - timedelta(seconds=_cfg("LOGIN_BURST_GAP_SECONDS"))
    oldest = now - timedelta(seconds=_cfg("LOGIN_BURST_MAX_SECONDS"))
    return db.session.scalar(
        select(LoginBurst.id)
        .where(
            LoginBurst.audited_at.is_(None),
            LoginBurst.last_at > gap,
            LoginBurst.started_at > oldest,
        )
        .order_by(LoginBurst.id.desc())
        .limit(1)
    )


def note_anonymous(*, unknown: int = 0, refused: int = 0) -> None:
    """Count a failure on an unknown account, or a refused (waiting) attempt, in the burst."""
    now = utcnow()
    burst_id = _open_burst_id(now)
    if burst_id is None:
        db.session.add(
            LoginBurst(
                started_at=now, last_at=now, unknown_failures=unknown, refused_attempts=refused
            )
        )
    else:
        db.session.execute(
            update(LoginBurst)
            .where(LoginBurst.id == burst_id)
            .values(
                last_at=now,
                unknown_failures=LoginBurst.unknown_failures + unknown,
                refused_attempts=LoginBurst.refused_attempts + refused,
            ),
            execution_options={"synchronize_session": False},
        )
    db.session.flush()


def close_bursts() -> int:
    """Audit each ended burst once, as one ``auth:login:burst`` entry with its counts.

    A conditional update claims the burst, so two workers never audit it twice.
    """
    now = utcnow()
    gap = now - timedelta(seconds=_cfg("LOGIN_BURST_GAP_SECONDS"))
    oldest = now - timedelta(seconds=_cfg("LOGIN_BURST_MAX_SECONDS"))
    ended = db.session.scalars(
        select(LoginBurst).where(
            LoginBurst.audited_at.is_(None),
            or_(LoginBurst.last_at <= gap, LoginBurst.started_at <= oldest),
        )
    ).all()
    closed = 0
    for burst in ended:
        claimed = db.session.execute(
            update(LoginBurst)
            .where(LoginBurst.id == burst.id, LoginBurst.audited_at.is_(None))
            .values(audited_at=now),
            execution_options={"synchronize_session": False},
        )
        if claimed.rowcount != 1:
            continue
        db.session.refresh(burst)
        record(
            None,
            "auth:login:burst",
            diff={
                "unknown_account_failures": burst.unknown_failures,
                "refused_attempts": burst.refused_attempts,
                "from": burst.started_at.isoformat(),
                "to": burst.last_at.isoformat(),
            },
        )
        closed += 1
    old = now - timedelta(days=_cfg("LOGIN_FAMILIAR_DAYS"))
    db.session.execute(
        delete(LoginBurst).where(LoginBurst.audited_at.is_not(None), LoginBurst.audited_at < old),
        execution_options={"synchronize_session": False},
    )
    db.session.flush()
    return closed
