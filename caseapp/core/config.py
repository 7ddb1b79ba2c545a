"""Configuration: defaults, then ``instance/config.py``, then ``CASEAPP_*`` environment variables.

There is no placeholder secret: the secret key is read from ``instance/secret_key``, which is
generated (mode 600) on first start when no ``SECRET_KEY`` is configured.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask

from caseapp.core import clock

# The languages of the region's authorities (issue 12 item 8): each has a complete catalogue
# in caseapp/translations/ (tests/core/test_i18n.py fails on a missing string).
SUPPORTED_LOCALES = ("en", "ro", "ru", "uk")

DEFAULTS: dict[str, object] = {
    "SQLALCHEMY_TRACK_MODIFICATIONS": False,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "BABEL_DEFAULT_LOCALE": "en",
    # The instance's zone, an IANA name (caseapp/core/clock.py): the day dates are checked
    # against, and the zone pages show times in (Babel's display zone follows it). Left unset,
    # it is UTC, with a warning at start-up (``load_config``).
    "TIMEZONE": None,
    "SUPPORTED_LOCALES": SUPPORTED_LOCALES,
    "CASES_PER_PAGE": 25,
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_DURATION": timedelta(seconds=0),
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
    "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
    # Background jobs (caseapp/jobs): SQLite queue in the instance folder unless a redis:// URL.
    "TASK_QUEUE_URL": None,
    "TASK_QUEUE_IMMEDIATE": False,
    # The indicators page shows a stored snapshot younger than this without queueing a
    # refresh (caseapp/indicators/snapshots.py); older, it shows it with its time.
    "INDICATORS_MAX_AGE_SECONDS": 900,
    # Seconds a write waits for another one's lock (SQLite's busy timeout, PostgreSQL's
    # lock_timeout) before its request is answered "busy, nothing saved" with the user's
    # entries kept (caseapp/core/error_pages.py); under gunicorn's 30 s worker timeout.
    "DATABASE_LOCK_TIMEOUT": 15,
}
# The longest lock wait allowed: the answer must come before gunicorn's ``timeout`` (30 s)
# replaces the worker that waits.
MAX_LOCK_TIMEOUT = 25

REQUIRED = ("SECRET_KEY", "SQLALCHEMY_DATABASE_URI")


class ConfigError(RuntimeError):
    """A required setting is missing or invalid; the app refuses to start."""


def load_config(app: Flask, test_config: dict | None) -> None:
    """Fill ``app.config`` in order: defaults, instance file, environment, test overrides."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    # CASEAPP_FOO=bar sets FOO; values are parsed as JSON when they parse.
    app.config.from_prefixed_env("CASEAPP")
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if test_config:
        app.config.from_mapping(test_config)

    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'caseapp.sqlite3'}"
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance / "secret_key")
    _tune_engine(app)
    if app.config.get("TIMEZONE") is None:
        app.config["TIMEZONE"] = "UTC"
        app.logger.warning(
            "TIMEZONE is not set: dates are checked against UTC's day. Set CASEAPP_TIMEZONE "
            "to the authority's zone (e.g. Europe/Chisinau), or to UTC to silence this."
        )
    validate(app.config)
    app.config["BABEL_DEFAULT_TIMEZONE"] = str(clock.parse_zone(app.config["TIMEZONE"]))


def _instance_secret(path: Path) -> str:
    """Read the instance secret, generating it with mode 600 on first start."""
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    secret = path.read_text().strip()
    if len(secret) < 32:
        raise ConfigError(f"{path} holds a secret shorter than 32 characters")
    return secret


POOL_SIZE, POOL_MAX = 10, 15  # connections kept per worker process, and opened at most


def _tune_engine(app: Flask) -> None:
    """Per-database engine options (busy timeout for SQLite; psycopg 3 without JIT for
    PostgreSQL)."""
    uri: str = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgresql://"):
        # Plain postgresql:// would pick psycopg2; we ship psycopg 3.
        app.config["SQLALCHEMY_DATABASE_URI"] = (
            "postgresql+psycopg://" + uri[len("postgresql://") :]
        )
    options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    wait = lock_timeout(app.config)
    # SQL parameters (a child's name, say) never appear in logs or error messages.
    options.setdefault("hide_parameters", True)
    if uri.startswith("sqlite"):
        options.setdefault("connect_args", {"timeout": wait})
    elif uri.startswith("postgresql"):
        # No JIT compilation: every statement here reads a page of rows, but one whose
        # estimate passes ``jit_above_cost`` (a correlated subquery over the audit trail, say)
        # was compiled for 160-170 ms to run for 0.1 ms (the approval queue at 100,000 cases).
        # A lock wait ends after ``DATABASE_LOCK_TIMEOUT``, as on SQLite (no limit by default).
        options.setdefault(
            "connect_args", {"options": f"-c jit=off -c lock_timeout={round(wait * 1000)}"}
        )
    if uri.startswith("postgresql") or (uri.startswith("sqlite:///") and ":memory:" not in uri):
        # The connection used last is taken first (a pool of connections, not SQLite's single
        # in-memory one): the one whose prepared statements and plans (PostgreSQL) or
        # compiled statements (SQLite) are warm, while the others wait idle (issue 16).
        options.setdefault("pool_use_lifo", True)
        # A gthread worker runs several requests at once (gunicorn.conf.py). The pool keeps
        # POOL_SIZE connections between requests: beyond them a connection is closed when it
        # is returned, and the next one opened again on PostgreSQL plans every statement
        # anew (10 ms for the case page's records, against 1.2 ms prepared). The most a
        # worker opens stays SQLAlchemy's default 15 (5 + 10) (issue 16, 8 connections).
        options.setdefault("pool_size", POOL_SIZE)
        options.setdefault("max_overflow", POOL_MAX - POOL_SIZE)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def lock_timeout(config) -> float:
    """``DATABASE_LOCK_TIMEOUT`` in seconds; refuses to start on anything but a number of
    seconds over 0 and up to ``MAX_LOCK_TIMEOUT``."""
    value = config.get("DATABASE_LOCK_TIMEOUT")
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not 0 < value <= MAX_LOCK_TIMEOUT
    ):
        raise ConfigError(
            f"DATABASE_LOCK_TIMEOUT must be a number of seconds over 0 and up to "
            f"{MAX_LOCK_TIMEOUT}, not {value!r}"
        )
    return float(value)


def validate(config: dict) -> None:
    """Fail at start-up on a missing or unusable setting instead of running half-configured."""
    missing = [key for key in REQUIRED if not config.get(key)]
    if missing:
        raise ConfigError(f"missing required settings: {', '.join(missing)}")
    if len(str(config["SECRET_KEY"])) < 32:
        raise ConfigError("SECRET_KEY must be at least 32 characters")
    uri = str(config["SQLALCHEMY_DATABASE_URI"])
    if not uri.startswith(("sqlite", "postgresql")):
        raise ConfigError("only SQLite and PostgreSQL databases are supported")
    try:
        clock.parse_zone(config.get("TIMEZONE"))
    except ValueError as err:
        raise ConfigError(f"TIMEZONE: {err}") from None
    unknown = set(config["SUPPORTED_LOCALES"]) - set(SUPPORTED_LOCALES)
    if unknown:
        raise ConfigError(f"unsupported locales: {', '.join(sorted(unknown))}")
