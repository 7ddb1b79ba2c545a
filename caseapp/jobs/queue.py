"""The task queue: one huey instance per app, configured from ``TASK_QUEUE_URL``.

- unset: SqliteHuey in ``instance/tasks.sqlite3`` (the embedded default, no extra server);
- ``redis://...``: RedisHuey, for several app servers sharing one queue;
- ``TASK_QUEUE_IMMEDIATE``: run each task at once in the caller (tests only).
"""

from __future__ import annotations

import sys
from pathlib import Path

from flask import Flask


def _import_huey():
    """The ``huey`` package, imported without the psycopg driver its storage module tries.

    ``huey.storage`` imports psycopg (if installed) for a PostgreSQL queue this app does not
    use; that import alone costs every process ~20 MB of resident memory (the web workers
    and the export worker alike; issue 16 item 6: export under 100 MB). Blocked only while
    huey is imported and only if nothing imported psycopg before (on PostgreSQL the
    database driver brings it, and huey then sees it as usual).
    """
    if "huey" in sys.modules:
        import huey

        return huey
    blocked = "psycopg" not in sys.modules
    if blocked:
        sys.modules["psycopg"] = None  # type: ignore[assignment]  # ImportError in huey
    try:
        import huey
    finally:
        if blocked and sys.modules.get("psycopg", 0) is None:
            del sys.modules["psycopg"]
    return huey


def make_huey(app: Flask):
    url = app.config.get("TASK_QUEUE_URL") or ""
    immediate = bool(app.config.get("TASK_QUEUE_IMMEDIATE"))
    huey = _import_huey()
    if url.startswith(("redis://", "rediss://")):
        return huey.RedisHuey("caseapp", url=url, immediate=immediate)
    path = url.removeprefix("sqlite:///") if url else str(Path(app.instance_path) / "tasks.sqlite3")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return huey.SqliteHuey("caseapp", filename=path, immediate=immediate)


def init_app(app: Flask) -> None:
    """Create the app's queue and register the tasks on it."""
    from caseapp.jobs.tasks import register

    huey = make_huey(app)
    app.extensions["huey"] = huey
    app.extensions["huey_tasks"] = register(app, huey)


def task(app: Flask, name: str):
    """The registered task ``name`` of ``app`` (call it to enqueue)."""
    return app.extensions["huey_tasks"][name]
